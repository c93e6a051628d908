"""After an outage the scheduler sends nothing stale, and loses nothing else.

A simulated clock: the scheduler ticks every hour for three weeks, is down
for ten days across several meetings, then ticks every hour again. Work
that came due during the outage is checked against the world when it runs:
no invitation or reminder for a meeting that has begun, no reminder after
its day, no invitation once the notice period can no longer be kept. Such
items end as "übersprungen (veraltet)" with the reason, a proposed meeting
whose invitation was skipped stays proposed, and staff get one mail listing
them.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from zoneinfo import ZoneInfo

import pytest

from deliberation.bootstrap import Application
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.domain.scheduling import DueKind, DueStatus, DueWork
from deliberation.schedule_setup import scheduler_tools
from deliberation.service_layer import due_work
from deliberation.service_layer.due_work import SchedulerTools

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)
#: the scheduler ticks hourly from here for three weeks ...
RUN_FROM = datetime(2026, 7, 15, 0, 0, tzinfo=BERLIN).astimezone(UTC)
OUTAGE_FROM = RUN_FROM + timedelta(weeks=3)
#: ... then is down for ten days, then ticks hourly for three more weeks
OUTAGE_UNTIL = OUTAGE_FROM + timedelta(days=10)
RUN_UNTIL = OUTAGE_UNTIL + timedelta(weeks=3)
MAILED = (DueKind.INVITATION, DueKind.REMINDER)


def _tick_hourly(app: Application, tools: SchedulerTools, clock, until: datetime) -> int:  # type: ignore[no-untyped-def]
    ticks = 0
    while clock.now < until:
        due_work.tick(app.deps, tools)
        clock.advance(HOUR)
        ticks += 1
    return ticks


@dataclasses.dataclass(frozen=True)
class _Meeting:
    starts_at: datetime
    status: str


def _meeting_items(app: Application) -> tuple[dict[int, _Meeting], list[DueWork]]:
    with app.deps.unit_of_work() as uow:
        meetings = {m.id or 0: _Meeting(m.starts_at, m.status) for m in uow.meetings.meetings()}
        items = [dataclasses.replace(i) for i in uow.due_work.due_work()]
    return meetings, [i for i in items if i.subject_kind == "meeting"]


def _text(raw: bytes) -> str:
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    text = message.get_body(preferencelist=("plain",))  # the HTML part is the alternative
    assert text is not None
    return str(text.get_content())


@pytest.fixture
def tools(app: Application) -> SchedulerTools:
    return scheduler_tools(app)


def test_after_ten_days_down_nothing_stale_is_sent_and_nothing_else_is_lost(
    app: Application, tools: SchedulerTools, clock
) -> None:  # type: ignore[no-untyped-def]
    with app.deps.unit_of_work() as uow:
        for body in uow.reference.bodies():
            uow.participants.add(
                Participant(
                    f"Mitglied {body.name}",
                    f"mitglied.{body.key}@example.org",
                    "de",
                    LegalBasis.DUTY,
                    clock.now,
                    body_keys=frozenset({body.key}),
                )
            )
        uow.commit()
    clock.now = RUN_FROM
    due_work.start(app.deps, tools)
    ticks = _tick_hourly(app, tools, clock, OUTAGE_FROM)
    clock.now = OUTAGE_UNTIL  # the machine was off
    ticks += _tick_hourly(app, tools, clock, RUN_UNTIL)

    meetings, items = _meeting_items(app)
    stale = [i for i in items if i.status == DueStatus.STALE]
    in_outage = [i for i in items if OUTAGE_FROM <= i.due_at < OUTAGE_UNTIL]
    begun = [m for m in meetings.values() if OUTAGE_FROM <= m.starts_at < OUTAGE_UNTIL]
    counts = Counter((i.kind, i.status) for i in in_outage)
    print(f"\n{ticks} ticks; due in the outage: {dict(counts)}; meetings in it: {len(begun)}")

    # Several meetings lay in the outage; the work due in it ran, none of it silently.
    assert len(begun) >= 2
    assert {i.status for i in in_outage} <= {DueStatus.DONE, DueStatus.STALE}
    assert {i.kind for i in stale} >= {DueKind.INVITATION, DueKind.REMINDER}
    assert all(i.note and i.late for i in stale)
    # Nothing that went out was stale: before its meeting and on the day it was meant for.
    for item in items:
        if item.kind in MAILED and item.status == DueStatus.DONE:
            assert item.finished_at is not None
            assert item.finished_at < meetings[item.subject_id].starts_at, item.key
            assert item.finished_at.astimezone(BERLIN).date().isoformat() == item.local_time[:10]
    # A meeting whose invitation was skipped was not confirmed by it.
    skipped = {i.subject_id for i in stale if i.kind == DueKind.INVITATION}
    assert skipped
    assert {meetings[m].status for m in skipped} == {MeetingStatus.PROPOSED}
    # Nothing else was lost: every item due by now has run, meetings after the outage
    # were invited as usual.
    assert not [i.key for i in items if i.status == DueStatus.PENDING and i.due_at <= clock.now]
    after = [i for i in items if i.kind == DueKind.INVITATION and i.due_at >= OUTAGE_UNTIL]
    assert after and all(i.status == DueStatus.DONE for i in after if i.due_at <= clock.now)
    # Staff were told: one mail listing every stale item with its reason.
    with app.deps.unit_of_work() as uow:
        notes = [
            (m.subject, _text(m.body))
            for m in uow.outbox.outbox_messages()
            if m.recipient == tools.policy.escalation_to and "übersprungen" in m.subject
        ]
    [(subject, body)] = notes
    assert f"{len(stale)} Aufgaben übersprungen" in subject
    listed = due_work.stale_items(app.deps)
    assert {v.key for v in listed} == {i.key for i in stale}
    assert all(v.note.split(";")[0] in body for v in listed)
