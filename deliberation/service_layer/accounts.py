"""Use cases for staff accounts: add, list, disable, change password, log in.

Passwords are hashed by the ``PasswordHasher`` port (argon2 in production);
nothing here keeps state in the process: failures, lock-outs and the session
epoch live on the account row, so any number of web workers agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from deliberation.domain.accounts import Account, check_name, check_password, parse_role
from deliberation.domain.errors import DeliberationError, NextStep, NotFound, hint
from deliberation.service_layer.ports import Dependencies, PasswordHasher, UnitOfWork

WRONG_LOGIN = "Anmeldename oder Passwort ist falsch."


class LoginRefused(DeliberationError):
    """Wrong name or password, a disabled or a locked account (the message says which may)."""


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class AccountView:
    id: int
    name: str
    role: str
    role_title: str
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    session_epoch: int


def account_view(account: Account) -> AccountView:
    role = parse_role(account.role)
    return AccountView(
        id=account.id or 0,
        name=account.name,
        role=role.value,
        role_title=role.label,
        active=account.active,
        locked_until=account.locked_until,
        last_login_at=account.last_login_at,
        session_epoch=account.session_epoch,
    )


def add(
    deps: Dependencies, hasher: PasswordHasher, name: str, role: str, password: str
) -> AccountView:
    login = check_name(name)
    parsed = parse_role(role)
    check_password(password)
    with deps.unit_of_work() as uow:
        if uow.accounts.account(login) is not None:
            raise DeliberationError(f'Den Zugang "{login}" gibt es schon.')
        account = Account(login, parsed.value, hasher.hash(password), deps.clock())
        uow.accounts.add(account)
        uow.flush()
        view = account_view(account)
        uow.commit()
        return view


def list_accounts(deps: Dependencies) -> list[AccountView]:
    with deps.unit_of_work() as uow:
        return [account_view(a) for a in uow.accounts.accounts()]


def disable(deps: Dependencies, name: str) -> AccountView:
    """Lock the account out for good; its open sessions end with the next request."""
    with deps.unit_of_work() as uow:
        account = _get(uow, name)
        account.active = False
        account.end_sessions()
        view = account_view(account)
        uow.commit()
        return view


def set_password(
    deps: Dependencies, hasher: PasswordHasher, name: str, password: str
) -> AccountView:
    """New password; ends the account's sessions and lifts a lock-out."""
    check_password(password)
    with deps.unit_of_work() as uow:
        account = _get(uow, name)
        account.password_hash = hasher.hash(password)
        account.failed_logins = 0
        account.locked_until = None
        account.end_sessions()
        view = account_view(account)
        uow.commit()
        return view


def log_in(
    deps: Dependencies,
    hasher: PasswordHasher,
    name: str,
    password: str,
    policy: LoginPolicy = LoginPolicy(),
) -> AccountView:
    """The account if name and password match; ``LoginRefused`` otherwise."""
    now = deps.clock()
    with deps.unit_of_work() as uow:
        account = uow.accounts.account(name.strip().casefold(), lock=True) if name.strip() else None
        if account is None:
            hasher.verify_nothing(password)  # as slow as a real check: no guessing of names
            raise LoginRefused(WRONG_LOGIN)
        if account.locked(now):
            raise LoginRefused(
                "Nach zu vielen Fehlversuchen ist dieser Zugang vorübergehend gesperrt. "
                "Bitte versuchen Sie es in einigen Minuten wieder."
            )
        if not hasher.verify(account.password_hash, password):
            account.record_failure(now, policy.max_failures, policy.lock_for)
            uow.commit()
            raise LoginRefused(WRONG_LOGIN)
        if not account.active:
            raise LoginRefused(
                "Dieser Zugang ist gesperrt. Bitte wenden Sie sich an die Verwaltung."
            )
        account.record_success(now)
        if hasher.needs_rehash(account.password_hash):
            account.password_hash = hasher.hash(password)
        view = account_view(account)
        uow.commit()
        return view


def session_account(deps: Dependencies, account_id: int, epoch: int) -> AccountView | None:
    """The account a session cookie names, if that session is still valid."""
    with deps.unit_of_work() as uow:
        account = uow.accounts.account_by_id(account_id)
        if account is None or not account.active or account.session_epoch != epoch:
            return None
        return account_view(account)


def log_out(deps: Dependencies, account_id: int) -> None:
    """End the account's sessions (signed cookies cannot be taken back one by one)."""
    with deps.unit_of_work() as uow:
        account = uow.accounts.account_by_id(account_id)
        if account is not None:
            account.end_sessions()
            uow.commit()


def _get(uow: UnitOfWork, name: str) -> Account:
    account = uow.accounts.account(name.strip().casefold(), lock=True)
    if account is None:
        raise NotFound(
            f'Den Zugang "{name}" gibt es nicht.', next_steps=[hint(NextStep.LIST_ACCOUNTS)]
        )
    return account


#: The demo's accounts (``deliberation demo``): one per role, all with the password "demo".
DEMO_ACCOUNTS = (
    ("referat", "referat"),
    ("geschaeftsstelle", "geschaeftsstelle"),
    ("admin", "admin"),
)
DEMO_PASSWORD = "demo"


def add_demo_accounts(deps: Dependencies, hasher: PasswordHasher) -> list[AccountView]:
    """The three demo accounts, for the demo's own throwaway database only.

    Their password is shorter than any real one may be; the demo prints it.
    """
    views = []
    with deps.unit_of_work() as uow:
        for name, role in DEMO_ACCOUNTS:
            account = Account(name, role, hasher.hash(DEMO_PASSWORD), deps.clock())
            uow.accounts.add(account)
            uow.flush()
            views.append(account_view(account))
        uow.commit()
    return views
