"""Importing participants and draining the outbox, on the in-memory fakes of the ports."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deliberation.domain.clock import Clock
from deliberation.domain.outbox import OutboxMessage, OutboxStatus, Outcome, compose
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.service_layer import outbox, participants
from deliberation.service_layer.ports import ClaimBatch, Dependencies, ReportOutcome
from tests.unit.domain_builders import NOW
from tests.unit.fakes import FakeStore, county_store, fake_dependencies


@pytest.fixture
def store() -> FakeStore:
    return county_store(Clock.standing_at(NOW))


@pytest.fixture
def deps(store: FakeStore) -> Dependencies:
    return fake_dependencies(store, Clock.standing_at(NOW))


def row(line: int, name: str, email: str, **cells: str) -> tuple[int, dict[str, str]]:
    record = {"name": name, "email": email, "language": "de", "municipality": "Ilsede"}
    return line, {**record, **cells}


def test_an_import_adds_new_people_updates_known_ones_and_names_the_line_of_a_bad_row(
    deps: Dependencies, store: FakeStore
) -> None:
    known = Participant("Jan Becker", "jan@example.org", "de", LegalBasis.CONSENT, NOW)
    store.participants.append(known)
    store.settle()

    report = participants.import_participants(
        deps,
        [
            row(2, "Anna Schmidt", "Anna@Example.org"),
            row(3, "Jan Becker", "jan@example.org", language="tr"),
            row(4, "Ohne Adresse", "keine-adresse"),
        ],
        actor="referat.mut",
        source="personen.csv",
    )

    assert (report.imported, [line for line, _ in report.rejected]) == (1, [4])
    assert [(line, email) for line, email, _ in report.updated] == [(3, "jan@example.org")]
    assert known.language == "tr"
    assert sorted(p.email for p in store.participants) == ["anna@example.org", "jan@example.org"]
    import_row, *person_rows = store.log
    assert (import_row.trigger, import_row.reason, import_row.after) == (
        "participants_imported",
        "Datei personen.csv",
        "1 übernommen, 1 aktualisiert, 1 abgelehnt",
    )
    assert sorted(r.person_id or 0 for r in person_rows) == sorted(
        p.id or 0 for p in store.participants
    )


def test_a_preview_of_an_import_writes_nothing(deps: Dependencies, store: FakeStore) -> None:
    preview = participants.preview_import(deps, [row(2, "Anna Schmidt", "anna@example.org")])

    assert preview.count(participants.Outcome.NEW) == 1
    assert (store.participants, store.log, store.commits) == ([], [], 1)  # 1: the county


class ScriptedTransport:
    """Answers each recipient's message with the outcome the test gives it."""

    def __init__(self, outcomes: dict[str, Outcome]) -> None:
        self.outcomes = outcomes
        self.delivered: list[str] = []

    def deliver(self, claim: ClaimBatch, report: ReportOutcome) -> None:
        while batch := claim():
            for message in batch:
                self.delivered.append(message.recipient)
                report(message, self.outcomes[message.recipient], "250 OK")


def queue(store: FakeStore, *recipients: str) -> list[OutboxMessage]:
    messages = [compose("referat@peine.de", r, "Einladung", "Hallo", NOW) for r in recipients]
    store.outbox.extend(messages)
    store.settle()
    return messages


def test_draining_the_outbox_records_each_outcome(deps: Dependencies, store: FakeStore) -> None:
    sent, later, refused = queue(store, "a@example.org", "b@example.org", "c@example.org")
    transport = ScriptedTransport(
        {
            "a@example.org": Outcome.SENT,
            "b@example.org": Outcome.TEMPORARY,
            "c@example.org": Outcome.PERMANENT,
        }
    )

    summary = outbox.send_due(deps, transport, outbox.SendOptions(batch_size=2))

    assert (summary.sent, summary.retried, summary.failed) == (1, 1, 1)
    assert [m.status for m in (sent, later, refused)] == [
        OutboxStatus.SENT,
        OutboxStatus.RETRY,
        OutboxStatus.FAILED,
    ]
    assert sent.sent_at == NOW and later.next_attempt_at > NOW
    assert [m.attempts for m in (sent, later, refused)] == [1, 1, 1]
    assert transport.delivered == ["a@example.org", "b@example.org", "c@example.org"]


def test_a_message_waiting_for_its_retry_is_not_claimed_before_its_time(
    deps: Dependencies, store: FakeStore
) -> None:
    [message] = queue(store, "b@example.org")
    message.status, message.next_attempt_at = OutboxStatus.RETRY, NOW + timedelta(minutes=5)

    summary = outbox.send_due(deps, ScriptedTransport({}), outbox.SendOptions())

    assert (summary.sent, message.status, message.attempts) == (0, OutboxStatus.RETRY, 0)


def test_an_unreachable_relay_does_not_use_up_an_attempt(
    deps: Dependencies, store: FakeStore
) -> None:
    [message] = queue(store, "a@example.org")

    outbox.send_due(
        deps, ScriptedTransport({"a@example.org": Outcome.UNREACHABLE}), outbox.SendOptions()
    )

    assert (message.status, message.attempts) == (OutboxStatus.RETRY, 0)


def test_failed_messages_are_queued_again_with_fresh_attempts(
    deps: Dependencies, store: FakeStore
) -> None:
    failed, other = queue(store, "a@example.org", "b@example.org")
    failed.status, failed.attempts = OutboxStatus.FAILED, 5

    assert outbox.retry_failed(deps) == 1
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (
        OutboxStatus.QUEUED,
        0,
        NOW,
    )
    assert other.status == OutboxStatus.QUEUED
