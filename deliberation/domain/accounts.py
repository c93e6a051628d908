"""Staff accounts for the web application: who may log in, with which role.

Failed logins are counted on the account itself (in the database), so every
web worker sees the same count; a changed password or a disabled account
raises ``session_epoch``, which ends every session signed with the old one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from deliberation.domain.errors import DeliberationError


class Role(StrEnum):
    REFERAT = "referat"
    SECRETARY = "geschaeftsstelle"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_TITLES[self]


ROLE_TITLES = {
    Role.REFERAT: "Referat",
    Role.SECRETARY: "Geschäftsstelle",
    Role.ADMIN: "Verwaltung der Zugänge",
}

NAME_MAX = 80
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]*")
MIN_PASSWORD = 8


def parse_role(name: str) -> Role:
    try:
        return Role(name.strip().casefold())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise DeliberationError(f'Rolle "{name}" gibt es nicht (erlaubt: {allowed}).') from None


def check_name(name: str) -> str:
    """The login name, lower case; refused unless it is a-z, 0-9 and ``. _ - @``."""
    cleaned = name.strip().casefold()
    if not NAME_PATTERN.fullmatch(cleaned) or len(cleaned) > NAME_MAX:
        raise DeliberationError(
            f'"{name}" taugt nicht als Anmeldename: 1 bis {NAME_MAX} Zeichen aus a-z, 0-9, '
            "Punkt, Bindestrich, Unterstrich und @, am Anfang ein Buchstabe oder eine Ziffer."
        )
    return cleaned


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise DeliberationError(f"Das Passwort braucht mindestens {MIN_PASSWORD} Zeichen.")


@dataclass
class Account:
    name: str
    role: str
    password_hash: str
    created_at: datetime
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    session_epoch: int = 0
    id: int | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def record_failure(self, now: datetime, limit: int, lock_for: timedelta) -> None:
        """Count a wrong password; at ``limit`` in a row the account is locked for a while."""
        self.failed_logins += 1
        if self.failed_logins >= limit:
            self.locked_until = now + lock_for
            self.failed_logins = 0

    def record_success(self, now: datetime) -> None:
        self.failed_logins = 0
        self.locked_until = None
        self.last_login_at = now

    def end_sessions(self) -> None:
        self.session_epoch += 1
