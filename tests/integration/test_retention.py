"""Retention periods on a simulated clock, both backends: each rule keeps everything until
its period is over, then removes exactly what it names, logs it with ids only, and keeps
what must stay (the headers of a mail, the figures of a meeting, the rows of the log)."""

from __future__ import annotations

import dataclasses
import email
import logging
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import delete, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from deliberation.adapters import database, orm
from deliberation.bootstrap import Application
from deliberation.domain.clock import Clock
from deliberation.domain.invitations import Audience, Response
from deliberation.entrypoints.cli import main as cli
from deliberation.schedule_setup import scheduler_tools
from deliberation.service_layer import (
    consent,
    due_work,
    meetings,
    need_submissions,
    participants,
    retention,
)
from deliberation.service_layer.messages import RSVP, answer_token, fingerprint
from deliberation.service_layer.retention import PSEUDONYM, RETENTION_ACTOR, RetentionPolicy
from tests.conftest import RoundWalker

POLICY = RetentionPolicy(
    unconfirmed_after=timedelta(days=30),
    message_texts_after=timedelta(days=30),
    answers_after=timedelta(days=90),
    log_years=3,
)
PEOPLE = [
    ("Heike Brandes", "heike.brandes@example.org", "Stadt Peine", "", "Kreistag", ""),
    ("Murat Çelik", "murat.celik@example.org", "Stadt Peine", "Bürger", "", "tr"),
    ("Nina Unbestätigt", "nina@example.org", "Stadt Peine", "Bürgerin", "", "en"),
]
UNCONFIRMED = "nina@example.org"
STARTS = datetime(2026, 4, 16, 16, 0, tzinfo=UTC)
MINUTES = 90


def _world(app: Application) -> int:
    """Three people (one asked for consent who never confirms), a meeting with answers,
    every message delivered now; returns the meeting's id."""
    rows = [
        (line, {"name": n, "email": e, "municipality": m, "roles": r, "bodies": b, "language": g})
        for line, (n, e, m, r, b, g) in enumerate(PEOPLE, start=2)
    ]
    participants.import_participants(app.deps, rows)
    with app.deps.unit_of_work() as uow:
        for person in uow.participants.participants():
            if person.email == "murat.celik@example.org":
                person.consent_requested_at = person.consent_confirmed_at = app.deps.clock()
        uow.commit()
    mailing = app.mailing()
    consent.request_confirmations(app.deps, mailing)  # asks Nina, who never confirms
    plan = meetings.MeetingPlan("Kommission", STARTS, "Kreishaus Peine", MINUTES)
    meeting_id = meetings.schedule(app.deps, plan, "landkreis-peine.de", confirmed=True)
    meetings.invite(app.deps, mailing, meeting_id, Audience())
    for address, response in (
        ("murat.celik@example.org", Response.YES),
        ("heike.brandes@example.org", Response.NO),
    ):
        with app.deps.unit_of_work() as uow:
            person = uow.participants.participant(address)
            assert person is not None
            url = mailing.links.url(RSVP, answer_token(person, meeting_id))
        meetings.respond(app.deps, mailing, url.split(f"/{RSVP}/", 1)[1], response)
    _deliver_all(app)
    return meeting_id


def _deliver_all(app: Application) -> None:
    with app.deps.unit_of_work() as uow:
        waiting = uow.outbox.outbox_messages()
        uow.outbox.mark_sent_many([(m.id or 0, "250 OK", app.deps.clock()) for m in waiting])
        uow.commit()


def _rows(app: Application, table: str) -> list[dict[str, object]]:
    with app.db.connect() as connection:
        query = select(orm.metadata.tables[table]).order_by(orm.metadata.tables[table].c.id)
        return [dict(r._mapping) for r in connection.execute(query)]


def _retention_log(app: Application, change: str) -> list[dict[str, object]]:
    return [r for r in _rows(app, "transition_log") if r["trigger"] == change]


def _person_id(app: Application, address: str) -> int:
    with app.deps.unit_of_work() as uow:
        person = uow.participants.participant(address)
        assert person is not None and person.id is not None
        return person.id


def test_unconfirmed_consent_requests_go_after_their_period(app: Application, clock: Clock) -> None:
    _world(app)
    nina = _person_id(app, UNCONFIRMED)

    clock.advance(timedelta(days=29))
    assert retention.apply(app.deps, POLICY).of(retention.UNCONFIRMED).ids == ()
    clock.advance(timedelta(days=2))
    assert retention.due(app.deps, POLICY).of(retention.UNCONFIRMED).ids == (nina,)
    assert len(_rows(app, "participants")) == 3  # the dry run changed nothing

    assert retention.apply(app.deps, POLICY).of(retention.UNCONFIRMED).ids == (nina,)

    assert {p.email for p in participants.list_participants(app.deps)} == {
        "heike.brandes@example.org",
        "murat.celik@example.org",
    }
    [logged] = _retention_log(app, "participant_deleted")
    assert (logged["actor"], logged["person_id"]) == (RETENTION_ACTOR, nina)
    assert UNCONFIRMED not in str(logged)  # ids only
    assert retention.apply(app.deps, POLICY).total == 0


def _bring_need(app: Application, cycle_id: int, address: str) -> int:
    """A need from the public page with an address, which gets a confirmation link."""
    need_text = f"Sprachkurs am Abend ({address.split('@')[0]})"
    return need_submissions.submit(
        app.deps, app.mailing(), cycle_id, need_text, "Sprache", "county", address, "de"
    )


def _confirm(app: Application, submission_id: int, address: str) -> None:
    mailing = app.mailing()
    link = mailing.links.url(
        need_submissions.CONFIRM_ADDRESS, [submission_id, fingerprint(address)]
    )
    token = link.split(f"/{need_submissions.CONFIRM_ADDRESS}/", 1)[1]
    assert need_submissions.confirm_address(app.deps, mailing, token).confirmed


def _submissions(app: Application) -> dict[int, dict[str, object]]:
    return {int(str(r["id"])): r for r in _rows(app, "need_submissions")}


def test_unconfirmed_addresses_of_needs_from_the_web_go_and_the_needs_stay(
    app: Application, walker: RoundWalker, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    walker.launch_workshops(("stadt-peine",))
    cycle_id = walker.open_needs_collection("stadt-peine")
    old = _bring_need(app, cycle_id, "alt@example.org")
    confirmed = _bring_need(app, cycle_id, "bestaetigt@example.org")
    _confirm(app, confirmed, "bestaetigt@example.org")
    clock.advance(timedelta(days=20))
    young = _bring_need(app, cycle_id, "jung@example.org")
    clock.advance(timedelta(days=9, hours=23))
    assert retention.due(app.deps, POLICY).of(retention.NEED_ADDRESSES).ids == ()
    clock.advance(timedelta(hours=2))  # the old one was asked more than 30 days ago
    before = _submissions(app)
    assert before[old]["email_requested_at"] == before[old]["created_at"]

    assert retention.due(app.deps, POLICY).of(retention.NEED_ADDRESSES).ids == (old,)
    assert _submissions(app) == before  # the dry run changed nothing
    with caplog.at_level(logging.INFO, logger="deliberation.retention"):
        report = retention.apply(app.deps, POLICY)

    assert report.of(retention.NEED_ADDRESSES).ids == (old,)
    after = _submissions(app)
    assert (after[old]["email"], after[old]["email_requested_at"]) == (None, None)
    unchanged = ("text", "topic_field", "status", "created_at", "cycle_id", "language")
    assert {k: after[old][k] for k in unchanged} == {k: before[old][k] for k in unchanged}
    assert after[old]["status"] == "pending"  # it still waits for moderation
    assert after[confirmed] == before[confirmed] and after[young] == before[young]
    assert [item.submission.id for item in need_submissions.queue(app.deps)] == [
        old,
        confirmed,
        young,
    ]
    [logged] = _retention_log(app, "need_address_removed")
    assert (logged["actor"], logged["subject_id"]) == (RETENTION_ACTOR, old)
    written = str(_rows(app, "transition_log")) + caplog.text
    assert "alt@example.org" not in written  # ids only, in the log table and the log file
    assert f"retention {retention.NEED_ADDRESSES}: 1 ({old})" in caplog.text
    assert retention.apply(app.deps, POLICY).of(retention.NEED_ADDRESSES).ids == ()

    clock.advance(timedelta(days=20))  # the young one's period is over too
    assert retention.apply(app.deps, POLICY).of(retention.NEED_ADDRESSES).ids == (young,)
    assert _submissions(app)[confirmed]["email"] == "bestaetigt@example.org"


def test_the_text_of_delivered_messages_goes_and_their_headers_stay(
    app: Application, clock: Clock
) -> None:
    _world(app)
    sent = _rows(app, "outbox")
    assert sent and all(m["status"] == "sent" for m in sent)
    clock.advance(timedelta(days=29))
    _make_a_queued_message(app)
    clock.advance(timedelta(days=2))

    # Nina stays here: deleting her would take the messages to her with her.
    keeping_people = dataclasses.replace(POLICY, unconfirmed_after=timedelta(days=3650))
    found = retention.due(app.deps, keeping_people).of(retention.MESSAGE_TEXTS).ids
    assert found == tuple(m["id"] for m in sent)
    assert retention.apply(app.deps, keeping_people).of(retention.MESSAGE_TEXTS).ids == found

    after = {m["id"]: m for m in _rows(app, "outbox")}
    for before in sent:
        kept = after[before["id"]]
        mail = email.message_from_bytes(kept["body"], policy=policy.default)
        original = email.message_from_bytes(before["body"], policy=policy.default)
        assert mail["Message-ID"] == original["Message-ID"] and mail["To"] == original["To"]
        assert mail["Subject"] == original["Subject"]
        assert not mail.is_multipart() and mail.get_payload() == ""
        assert len(kept["body"]) < len(before["body"])
        assert (kept["recipient"], kept["status"], kept["sent_at"]) == (
            before["recipient"],
            before["status"],
            before["sent_at"],
        )
        assert kept["text_removed_at"] == clock.now
    [queued] = [m for m in after.values() if m["status"] == "queued"]
    assert queued["text_removed_at"] is None and b"\r\n\r\n" in queued["body"]
    [logged] = _retention_log(app, "message_texts_removed")
    assert logged["actor"] == RETENTION_ACTOR
    assert logged["after"] == f"Nachrichten {retention.id_ranges(found)}"
    assert retention.apply(app.deps, keeping_people).total == 0


def _make_a_queued_message(app: Application) -> None:
    with app.deps.unit_of_work() as uow:
        person = uow.participants.participant("heike.brandes@example.org")
        assert person is not None
        person.consent_requested_at = None
        person.legal_basis = "consent"
        uow.commit()
    assert consent.request_confirmations(app.deps, app.mailing()) == 1


def test_answers_go_after_the_meeting_and_its_figures_stay(app: Application, clock: Clock) -> None:
    meeting_id = _world(app)
    invited = len(_rows(app, "invitations"))
    assert invited >= 2
    answered = _retention_log(app, "invitation_answered")
    assert len(answered) == 2 and all(r["person_id"] for r in answered)
    clock.now = STARTS + timedelta(minutes=MINUTES) + timedelta(days=89)
    assert retention.due(app.deps, POLICY).of(retention.ANSWERS).ids == ()

    clock.advance(timedelta(days=2))
    assert retention.apply(app.deps, POLICY).of(retention.ANSWERS).ids == (meeting_id,)

    assert _rows(app, "invitations") == []
    [meeting] = [m for m in _rows(app, "meetings") if m["id"] == meeting_id]
    assert (meeting["invited_count"], meeting["accepted_count"]) == (invited, 1)
    for row in _retention_log(app, "invitation_answered"):
        assert (row["person_id"], row["actor"]) == (None, PSEUDONYM)
        assert row["pseudonymised_at"] == clock.now
    assert [r["before"] + r["after"] for r in _retention_log(app, "invitation_answered")] == [
        r["before"] + r["after"] for r in answered
    ]
    [logged] = _retention_log(app, "answers_removed")
    assert logged["subject_id"] == meeting_id and str(invited) in str(logged["after"])
    answering = {"heike.brandes@example.org", "murat.celik@example.org"}
    assert answering <= {p.email for p in participants.list_participants(app.deps)}
    assert retention.apply(app.deps, POLICY).of(retention.ANSWERS).ids == ()


def test_log_rows_are_pseudonymised_after_the_years_and_stay(
    app: Application, clock: Clock
) -> None:
    _world(app)
    early = _rows(app, "transition_log")
    clock.advance(timedelta(days=2 * 365))
    later = meetings.MeetingPlan("Später", clock.now + timedelta(days=10), "Kreishaus Peine")
    meetings.schedule(app.deps, later, "landkreis-peine.de", confirmed=True, actor="Frau Ober")
    last = early[-1]["at"]
    assert isinstance(last, datetime)
    clock.now = last.replace(year=last.year + 3) + timedelta(seconds=1)

    found = retention.due(app.deps, POLICY).of(retention.LOG_ROWS).ids
    assert found == tuple(r["id"] for r in early)
    report = retention.apply(app.deps, POLICY)
    # the answers' rows went with the answers (their rule runs first), the rest by the years
    by_answers = set(found) - set(report.of(retention.LOG_ROWS).ids)
    assert {rows["trigger"] for rows in early if rows["id"] in by_answers} <= {
        "invitation_answered"
    }

    rows = {r["id"]: r for r in _rows(app, "transition_log")}
    for before in early:
        row = rows[before["id"]]
        assert (row["actor"], row["reason"], row["person_id"]) == (PSEUDONYM, "", None)
        kept = ("subject_kind", "workflow", "trigger", "from_state", "to_state", "at", "before")
        assert {k: row[k] for k in kept} == {k: before[k] for k in kept}
        assert row["subject_id"] == (
            0 if before["subject_kind"] == "participant" else before["subject_id"]
        )
    assert any(r["actor"] == "Frau Ober" for r in rows.values())  # younger rows untouched
    assert {r["id"] for r in early} <= set(rows)  # every row stays
    _still_append_only(app, found[0])


def _still_append_only(app: Application, pseudonymised: int) -> None:
    log = orm.transition_log
    for statement in (
        update(log).where(log.c.id == pseudonymised).values(actor="Wieder da"),
        update(log).values(to_state="closed"),
        delete(log).where(log.c.id == pseudonymised),
    ):
        with pytest.raises(DBAPIError, match="append-only"), app.db.begin() as connection:
            connection.execute(statement)
    with app.db.connect() as connection:
        count = connection.execute(select(func.count()).select_from(log)).scalar_one()
    assert count == len(_rows(app, "transition_log"))


def test_the_scheduler_tick_applies_the_periods_of_the_configuration(
    app: Application, walker: RoundWalker, clock: Clock
) -> None:
    _world(app)
    walker.launch_workshops(("stadt-peine",))
    submission = _bring_need(app, walker.open_needs_collection("stadt-peine"), "alt@example.org")
    tools = scheduler_tools(app)
    assert tools.retention is not None
    clock.now = STARTS + timedelta(days=100)

    report = due_work.tick(app.deps, tools)

    assert report.retention is not None
    assert report.retention.of(retention.UNCONFIRMED).ids == (_nina_gone(app),)
    assert report.retention.of(retention.NEED_ADDRESSES).ids == (submission,)
    assert report.retention.of(retention.MESSAGE_TEXTS).ids
    assert report.retention.of(retention.ANSWERS).ids
    assert _rows(app, "invitations") == []


def _nina_gone(app: Application) -> int:
    [row] = _retention_log(app, "participant_deleted")
    assert UNCONFIRMED not in {p.email for p in participants.list_participants(app.deps)}
    return int(str(row["person_id"]))


def test_the_command_line_shows_first_then_applies(
    app: Application,
    walker: RoundWalker,
    database_url: str,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _world(app)  # on the test's clock, months before the real one of the command line
    walker.launch_workshops(("stadt-peine",))
    submission = _bring_need(app, walker.open_needs_collection("stadt-peine"), "alt@example.org")
    _deliver_all(app)
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", database_url)
    messages = len(_rows(app, "outbox"))

    assert cli.main(["--config", str(config_path), "retention", "--dry-run"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "nichts geändert" in shown and "Nachrichten: 1–" in shown
    assert f"Bedarfe aus dem Web: {submission}" in shown and "alt@example.org" not in shown
    assert [m["text_removed_at"] for m in _rows(app, "outbox")] == [None] * messages
    assert _submissions(app)[submission]["email"] == "alt@example.org"

    assert cli.main(["--config", str(config_path), "retention"]) == 0
    assert "Gelöscht bzw. pseudonymisiert" in capsys.readouterr().out
    assert all(m["text_removed_at"] is not None for m in _rows(app, "outbox"))
    assert _rows(app, "invitations") == []
    assert _submissions(app)[submission]["email"] is None


def test_addresses_waiting_before_the_migration_count_from_their_need(
    app: Application, walker: RoundWalker, clock: Clock
) -> None:
    walker.launch_workshops(("stadt-peine",))
    cycle_id = walker.open_needs_collection("stadt-peine")
    with_address = _bring_need(app, cycle_id, "alt@example.org")
    without = need_submissions.submit(
        app.deps, app.mailing(), cycle_id, "Ohne Adresse", "Sprache", "county", "", "de"
    )
    rows = _submissions(app)

    database.downgrade(app.db, "0021")
    assert "email_requested_at" not in {
        c["name"] for c in inspect(app.db).get_columns("need_submissions")
    }
    with app.db.connect() as connection:  # going down keeps the rows
        kept = connection.execute(text("SELECT id, email FROM need_submissions ORDER BY id"))
        assert [tuple(r) for r in kept] == [(with_address, "alt@example.org"), (without, None)]
    database.upgrade(app.db)

    again = _submissions(app)
    assert again[with_address]["email_requested_at"] == rows[with_address]["created_at"]
    assert again[without]["email_requested_at"] is None
    clock.advance(timedelta(days=31))
    assert retention.due(app.deps, POLICY).of(retention.NEED_ADDRESSES).ids == (with_address,)
