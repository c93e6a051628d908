"""What every route gets: the composition root's parts, reachable as a FastAPI dependency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from deliberation.config import Settings
from deliberation.entrypoints.web.pages import Pages
from deliberation.service_layer.accounts import LoginPolicy
from deliberation.service_layer.ports import Dependencies, Documents, Mailing, PasswordHasher


@dataclass(frozen=True)
class WebContext:
    deps: Dependencies
    settings: Settings
    mailing: Mailing
    passwords: PasswordHasher
    pages: Pages
    documents: Documents

    @property
    def policy(self) -> LoginPolicy:
        web = self.settings.web
        return LoginPolicy(web.login_attempts, timedelta(minutes=web.lockout_minutes))

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.settings.web.session_hours)


def web_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.context
    return context


#: ``def page(ctx: Context)``: deps, settings, mailing, password hasher, ``ctx.pages`` and
#: ``ctx.documents`` (printable HTML).
Context = Annotated[WebContext, Depends(web_context)]
