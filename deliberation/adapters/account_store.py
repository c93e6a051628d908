"""Staff accounts in the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from deliberation.adapters import orm
from deliberation.domain.accounts import Account


class AccountStore:
    session: Session

    def account(self, name: str, lock: bool = False) -> Account | None:
        query = select(Account).where(orm.accounts.c.name == name)
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def account_by_id(self, account_id: int) -> Account | None:
        return self.session.get(Account, account_id)

    def accounts(self) -> list[Account]:
        return list(self.session.scalars(select(Account).order_by(orm.accounts.c.name)))
