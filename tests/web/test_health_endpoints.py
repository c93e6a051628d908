"""``/healthz`` and ``/readyz`` on a real database (SQLite and PostgreSQL), with a clock the
test moves: a running and a stopped scheduler, pending migrations, a stuck outbox."""

from __future__ import annotations

from datetime import timedelta

import httpx
from alembic import command
from live_server import Site

from deliberation.adapters import database
from deliberation.domain.clock import Clock
from deliberation.domain.outbox import OutboxMessage
from deliberation.service_layer import health


def _scheduler_ticks(site: Site, clock: Clock) -> None:
    site.app.health().beat(health.SCHEDULER, clock(), site.app.settings.scheduler.tick_seconds)


def _readiness(visitor: httpx.Client) -> tuple[int, dict[str, bool], dict[str, object]]:
    answer = visitor.get("/readyz")
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    return answer.status_code, {k: v["ok"] for k, v in body["checks"].items()}, body


def test_healthz_answers_while_the_process_is_up(visitor: httpx.Client) -> None:
    answer = visitor.get("/healthz")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


def test_ready_while_the_scheduler_ticks_not_ready_once_it_stopped(
    site: Site, visitor: httpx.Client, clock: Clock
) -> None:
    status, checks, _ = _readiness(visitor)
    assert status == 503 and checks["scheduler"] is False  # it never ran

    _scheduler_ticks(site, clock)
    clock.advance(timedelta(seconds=90))
    status, checks, body = _readiness(visitor)
    assert status == 200, body
    assert body["status"] == "ok"
    assert checks == {"database": True, "migrations": True, "scheduler": True, "outbox": True}

    clock.advance(timedelta(seconds=60))  # 150 s since the last tick of a 60 s scheduler
    status, checks, body = _readiness(visitor)
    assert status == 503 and body["status"] == "fehler"
    assert checks["scheduler"] is False and checks["database"] is True
    assert "vor 150 s" in str(body["checks"]["scheduler"])  # type: ignore[index]


def test_not_ready_with_pending_migrations(site: Site, visitor: httpx.Client, clock: Clock) -> None:
    _scheduler_ticks(site, clock)
    command.downgrade(database.alembic_config(site.app.db), "-1")

    status, checks, body = _readiness(visitor)

    assert status == 503
    assert checks == {"database": True, "migrations": False}
    assert "ausstehende Migrationen" in str(body["checks"]["migrations"])  # type: ignore[index]


def test_a_stuck_outbox_is_not_ready_a_moving_one_is(
    site: Site, visitor: httpx.Client, clock: Clock
) -> None:
    now = clock()
    message = OutboxMessage(
        message_id="<health-1@landkreis-peine.de>",
        recipient="teilnehmende@example.org",
        sender="migration-teilhabe@landkreis-peine.de",
        subject="Einladung",
        body=b"Subject: Einladung\r\n\r\nText",
        created_at=now,
        next_attempt_at=now,
    )
    with site.app.deps.unit_of_work() as uow:
        uow.outbox.enqueue(message)
        uow.commit()
    clock.advance(timedelta(minutes=31))
    _scheduler_ticks(site, clock)

    status, checks, body = _readiness(visitor)
    assert status == 503 and checks["outbox"] is False
    assert "Postausgang hängt" in str(body["checks"]["outbox"])  # type: ignore[index]

    with site.app.deps.unit_of_work() as uow:
        uow.outbox.mark_sent_many([(message_id_of(site), "250 OK", clock())])
        uow.commit()
    assert _readiness(visitor)[0] == 200


def message_id_of(site: Site) -> int:
    with site.app.deps.unit_of_work() as uow:
        [message] = uow.outbox.outbox_messages()
        assert message.id is not None
        return message.id
