"""The SQLAlchemy unit of work: one session, one transaction, rollback by default."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from deliberation.adapters.repository import SqlRepository
from deliberation.adapters.step_store import CONFLICT_MESSAGE
from deliberation.domain.errors import ConcurrencyConflict

#: Transactions this process committed: an error message may only say "nothing was saved"
#: if none was committed since the command began.
_commits = 0


def commits() -> int:
    return _commits


class SqlUnitOfWork:
    """One session; every port of ``service_layer.ports.UnitOfWork`` is served by the one
    ``SqlRepository`` on it (its stores share the session and its identity map)."""

    session: Session
    cycles: SqlRepository
    fast_path: SqlRepository
    needs: SqlRepository
    groups: SqlRepository
    recommendations: SqlRepository
    tracker: SqlRepository
    meetings: SqlRepository
    participants: SqlRepository
    reference: SqlRepository
    accounts: SqlRepository
    outbox: SqlRepository
    due_work: SqlRepository
    log: SqlRepository
    workflow_records: SqlRepository
    rate_limits: SqlRepository
    submissions: SqlRepository
    publication: SqlRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._session_factory()
        repo = SqlRepository(self.session)
        self.cycles = self.fast_path = self.needs = self.groups = repo
        self.recommendations = self.tracker = self.meetings = self.participants = repo
        self.reference = self.accounts = self.outbox = self.due_work = self.log = repo
        self.workflow_records = self.rate_limits = self.submissions = repo
        self.publication = repo
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        self.session.close()

    def flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError:
            raise ConcurrencyConflict(CONFLICT_MESSAGE) from None

    def commit(self) -> None:
        global _commits
        try:
            self.session.commit()
            _commits += 1
        except StaleDataError:
            self.session.rollback()
            raise ConcurrencyConflict(CONFLICT_MESSAGE) from None

    def rollback(self) -> None:
        self.session.rollback()
