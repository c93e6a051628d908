"""Why a request is refused before its page runs; ``errors.install`` turns each into a page."""

from __future__ import annotations

from collections.abc import Iterable

from deliberation.domain.accounts import Role


class LoginRequired(Exception):
    """The page needs a signed-in account (answered with a redirect to the login)."""


class RoleRefused(Exception):
    """The signed-in account's role may not do ``what`` (a German 403 page)."""

    def __init__(self, what: str, allowed: Iterable[Role], role: str) -> None:
        super().__init__(what)
        self.what = what
        self.allowed = tuple(allowed)
        self.role = role


class CsrfRefused(Exception):
    """A form sent without the token of this session (a German 403 page)."""
