"""The scheduler's tick on SQLite and PostgreSQL: planning, restarts, crashes, DST, moves."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from deliberation.adapters import orm
from deliberation.bootstrap import Application
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.domain.scheduling import DueKind, DueStatus, DueWork, MeetingStatus, due_item
from deliberation.schedule_setup import scheduler_tools
from deliberation.service_layer import due_work, meetings, planning
from deliberation.service_layer.due_work import SchedulerTools

BERLIN = ZoneInfo("Europe/Berlin")
MEMBERS = 3
KOMMISSION_MEMBER = "m0.kommission@example.org"


class PowerCut(BaseException):
    """The process dies: nothing after this line of the item runs (not an error it handles)."""


@pytest.fixture
def tools(app: Application) -> SchedulerTools:
    return scheduler_tools(app)


@pytest.fixture
def planned(app: Application, tools: SchedulerTools) -> Application:
    """Members for every body, and the first tick: this month's planning done."""
    with app.deps.unit_of_work() as uow:
        now = app.deps.clock()
        for body in uow.reference.bodies():
            for n in range(MEMBERS):
                uow.participants.add(
                    Participant(
                        f"Mitglied {n}",
                        f"m{n}.{body.key}@example.org",
                        "de",
                        LegalBasis.DUTY,
                        now,
                        body_keys=frozenset({body.key}),
                    )
                )
        uow.commit()
    assert due_work.start(app.deps, tools)
    due_work.tick(app.deps, tools)
    return app


def _count(app: Application, table: str, **where: object) -> int:
    t = orm.metadata.tables[table]
    query = select(func.count()).select_from(t)
    for column, value in where.items():
        query = query.where(t.c[column] == value)
    with app.db.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _snapshot(item: DueWork) -> DueWork:
    """A detached copy: the unit of work's rollback on exit expires the stored objects."""
    return dataclasses.replace(item)


def _items(app: Application, **where: object) -> list[DueWork]:
    with app.deps.unit_of_work() as uow:
        items = [_snapshot(i) for i in uow.due_work.due_work()]
    return [i for i in items if all(getattr(i, k) == v for k, v in where.items())]


def _first_invitation(app: Application, series: str) -> DueWork:
    with app.deps.unit_of_work() as uow:
        [meeting, *_] = uow.meetings.meetings(series=series)
        return _snapshot(
            next(
                i
                for i in uow.due_work.due_work_of("meeting", meeting.id or 0)
                if i.kind == DueKind.INVITATION
            )
        )


def test_planning_proposes_each_meeting_once(planned: Application, tools) -> None:
    with planned.deps.unit_of_work() as uow:
        proposed = uow.meetings.meetings()
        assert proposed and {m.status for m in proposed} == {MeetingStatus.PROPOSED}
        stab = [m for m in proposed if m.series == "koordinierungsstab"]
        # 10 March 2026 is too close for 14 days' notice; the 12-month horizon ends in
        # February 2027
        assert [m.starts_at.astimezone(BERLIN).date() for m in stab] == [date(2026, 9, 8)]
    meetings_before, work_before = _count(planned, "meetings"), _count(planned, "due_work")

    with planned.deps.unit_of_work() as uow:
        planning.plan_month(uow, tools.policy, date(2026, 3, 1), planned.deps.clock())
        uow.commit()

    assert (_count(planned, "meetings"), _count(planned, "due_work")) == (
        meetings_before,
        work_before,
    )


def test_work_due_while_the_scheduler_was_down_runs_once_and_is_marked_late(
    planned: Application, tools, clock
) -> None:
    invitation = _first_invitation(planned, "kommission")
    # down for hours, back the same day: the notice period still holds (days: see
    # test_scheduler_outage.py)
    clock.now = invitation.due_at + timedelta(hours=6)

    report = due_work.tick(planned.deps, tools)
    again = due_work.tick(planned.deps, tools)

    [done] = [v for v in report.items if v.key == invitation.key]
    assert done.status == DueStatus.DONE and done.late
    assert not [v for v in again.items if v.key == invitation.key]
    [stored] = _items(planned, key=invitation.key)
    assert stored.attempts == 1 and stored.finished_at == clock.now
    assert _count(planned, "outbox", recipient=KOMMISSION_MEMBER) == 1


def test_a_crash_in_the_middle_of_an_item_keeps_nothing_and_it_runs_once_after_restart(
    planned: Application, tools, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    invitation = _first_invitation(planned, "kommission")
    clock.now = invitation.due_at
    real = due_work.HANDLERS[DueKind.INVITATION]

    def crash_after_the_work(deps, tools_, uow, item):  # type: ignore[no-untyped-def]
        outcome = real(deps, tools_, uow, item)
        if item.key == invitation.key:
            # messages queued, then the power fails before "done" is written
            raise PowerCut("Stromausfall")
        return outcome

    monkeypatch.setitem(due_work.HANDLERS, DueKind.INVITATION, crash_after_the_work)
    with pytest.raises(PowerCut):
        due_work.tick(planned.deps, tools)
    assert _count(planned, "outbox", recipient=KOMMISSION_MEMBER) == 0
    [stored] = _items(planned, key=invitation.key)
    assert (stored.status, stored.attempts) == (DueStatus.PENDING, 0)

    monkeypatch.setitem(due_work.HANDLERS, DueKind.INVITATION, real)
    due_work.tick(planned.deps, tools)
    due_work.tick(planned.deps, tools)

    [stored] = _items(planned, key=invitation.key)
    assert (stored.status, stored.attempts) == (DueStatus.DONE, 1)
    assert _count(planned, "outbox", recipient=KOMMISSION_MEMBER) == 1


def test_meetings_and_reminders_keep_their_wall_clock_time_across_the_switches(
    planned: Application,
) -> None:
    with planned.deps.unit_of_work() as uow:
        starts = [m.starts_at for m in uow.meetings.meetings(series="kommission")]
        ids = [m.id or 0 for m in uow.meetings.meetings(series="kommission")]
        items = [_snapshot(i) for m in ids for i in uow.due_work.due_work_of("meeting", m)]
    offsets = {s.astimezone(BERLIN).utcoffset() for s in starts}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}  # both sides of a switch
    assert {s.astimezone(BERLIN).time() for s in starts} == {time(17, 0)}
    assert {i.due_at.astimezone(BERLIN).time() for i in items} == {time(8, 0)}
    assert all(i.local_time.endswith("08:00") for i in items)


@pytest.mark.parametrize(
    ("day", "expected_utc"),
    [
        # 25 October 2026: 02:30 happens twice; it runs once, at the first (CEST) one
        (date(2026, 10, 25), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        # 29 March 2026: 02:30 does not exist; it runs once, an hour later by the clock
        (date(2026, 3, 29), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
    ],
    ids=["october-repeated-hour", "march-skipped-hour"],
)
def test_an_item_in_the_switching_hour_runs_exactly_once(
    app: Application, tools, clock, day: date, expected_utc: datetime
) -> None:
    key = f"test:{day}"
    with app.deps.unit_of_work() as uow:
        uow.due_work.add_due_work(
            [
                due_item(
                    key,
                    DueKind.GROUP_OVERDUE,
                    ("working_group", 999),
                    day,
                    time(2, 30),
                    BERLIN,
                    clock.now,
                )
            ]
        )
        uow.commit()
    clock.now = datetime.combine(day, time(22, 0), tzinfo=UTC) - timedelta(days=1)
    runs = []
    while clock.now < datetime.combine(day, time(5, 0), tzinfo=UTC):
        runs += [v for v in due_work.tick(app.deps, tools).items if v.key == key]
        clock.advance(timedelta(minutes=10))

    assert len(runs) == 1
    [stored] = _items(app, key=key)
    assert stored.due_at == expected_utc
    assert stored.started_at is not None
    assert timedelta(0) <= stored.started_at - expected_utc < timedelta(minutes=10)


def test_moving_a_meeting_moves_its_reminders_and_cancelling_cancels_them(
    planned: Application, tools, clock
) -> None:
    with planned.deps.unit_of_work() as uow:
        meeting = uow.meetings.meetings(series="kommission")[0]
        meeting_id, new_start = meeting.id or 0, meeting.starts_at + timedelta(days=7)
        before = {i.key: i.due_at for i in uow.due_work.due_work_of("meeting", meeting_id)}

    meetings.move(planned.deps, planned.mailing(), meeting_id, new_start)

    moved = {i.key: i for i in _items(planned, subject_id=meeting_id, subject_kind="meeting")}
    assert {k: moved[k].due_at - before[k] for k in before} == {
        k: timedelta(days=7) for k in before
    }
    assert all(i.due_at.astimezone(BERLIN).time() == time(8, 0) for i in moved.values())

    meetings.cancel(planned.deps, planned.mailing(), meeting_id)
    clock.now = new_start + timedelta(days=1)
    report = due_work.tick(planned.deps, tools)

    assert not [v for v in report.items if v.key in before]
    statuses = {i.status for i in _items(planned, subject_id=meeting_id, subject_kind="meeting")}
    assert statuses == {DueStatus.CANCELLED}
    assert _count(planned, "outbox", recipient=KOMMISSION_MEMBER) == 0


def test_cancelling_after_the_invitation_tells_the_invited(
    planned: Application, tools, clock
) -> None:
    invitation = _first_invitation(planned, "kommission")
    clock.now = invitation.due_at
    due_work.tick(planned.deps, tools)

    told = meetings.cancel(planned.deps, planned.mailing(), invitation.subject_id)

    assert told == MEMBERS
    with planned.deps.unit_of_work() as uow:
        subjects = [
            m.subject for m in uow.outbox.outbox_messages()
        ]  # read inside: rollback expires
    assert sum(s.startswith("Abgesagt: Kommission") for s in subjects) == MEMBERS


def test_an_overdue_working_group_report_is_escalated_once(
    app: Application, tools, clock, walker
) -> None:
    walker.walk()
    group_key = f"working_group:{walker.record.group}:overdue"
    due_work.tick(app.deps, tools)  # plans the escalation
    [item] = _items(app, key=group_key)
    clock.now = item.due_at + timedelta(minutes=1)

    due_work.tick(app.deps, tools)
    due_work.tick(app.deps, tools)

    with app.deps.unit_of_work() as uow:
        sent = [
            dataclasses.replace(m)
            for m in uow.outbox.outbox_messages()
            if m.subject.startswith("Überfällig: Bericht")
        ]
    assert [m.recipient for m in sent] == [tools.policy.escalation_to]
    mail = email.message_from_bytes(sent[0].body, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    # staff are told what to do, not which command to type
    assert "deliberation " not in text.replace("deliberation erzeugt", "")
    assert "Frist" in text and "auflösen" in text
    # the web application's page of the group, at [web] base_url
    base = app.settings.web.base_url.rstrip("/")
    assert f"Zur Arbeitsgruppe: {base}/arbeitsgruppen/{walker.record.group}" in text
    unlinked = dataclasses.replace(tools, web_base_url="")
    assert unlinked.page("arbeitsgruppen/4") == ""
    [item] = _items(app, key=group_key)
    assert (item.status, item.attempts) == (DueStatus.DONE, 1)


def test_a_delivered_report_is_not_escalated(app: Application, tools, clock, walker) -> None:
    walker.walk()
    due_work.tick(app.deps, tools)
    walker.finish()  # the group delivers its report
    [item] = _items(app, key=f"working_group:{walker.record.group}:overdue")
    clock.now = item.due_at + timedelta(minutes=1)

    due_work.tick(app.deps, tools)

    [item] = _items(app, key=item.key)
    assert item.status == DueStatus.SKIPPED
    with app.deps.unit_of_work() as uow:
        assert not [m for m in uow.outbox.outbox_messages() if m.subject.startswith("Überfällig")]


def test_two_claims_at_once_get_different_items(
    planned: Application, clock, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; SKIP LOCKED is PostgreSQL's")
    clock.now += timedelta(days=400)
    with planned.deps.unit_of_work() as first, planned.deps.unit_of_work() as second:
        a = first.due_work.claim_next_due(clock.now)
        b = second.due_work.claim_next_due(clock.now)
        assert a is not None and b is not None
        assert a.id != b.id


def test_a_failing_item_is_retried_later_and_does_not_block_the_others(
    planned: Application, tools, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    invitation = _first_invitation(planned, "kommission")
    clock.now = invitation.due_at + timedelta(days=5)  # other items are due by now, too
    real = due_work.HANDLERS[DueKind.INVITATION]

    def broken_for_one(deps, tools_, uow, item):  # type: ignore[no-untyped-def]
        if item.key == invitation.key:
            raise ValueError("Vorlage kaputt")
        return real(deps, tools_, uow, item)

    monkeypatch.setitem(due_work.HANDLERS, DueKind.INVITATION, broken_for_one)
    report = due_work.tick(planned.deps, tools)

    assert [v for v in report.items if v.status == DueStatus.DONE]
    [stored] = _items(planned, key=invitation.key)
    assert (stored.status, stored.attempts) == (DueStatus.PENDING, 1)
    assert stored.note == "ValueError: Vorlage kaputt"
    assert stored.due_at == clock.now + tools.policy.retry_after
    assert _count(planned, "outbox", recipient=KOMMISSION_MEMBER) == 0

    for _ in range(tools.policy.max_attempts - 1):
        clock.now += tools.policy.retry_after
        due_work.tick(planned.deps, tools)

    [stored] = _items(planned, key=invitation.key)
    assert (stored.status, stored.attempts) == (DueStatus.FAILED, tools.policy.max_attempts)


def test_reminders_go_to_those_invited_who_did_not_decline_in_their_language(
    planned: Application, tools, clock
) -> None:
    invitation = _first_invitation(planned, "kommission")
    meeting_id = invitation.subject_id
    with planned.deps.unit_of_work() as uow:
        turkish = uow.participants.participant("m1.kommission@example.org")
        assert turkish is not None
        turkish.language = "tr"
        uow.commit()
    clock.now = invitation.due_at
    due_work.tick(planned.deps, tools)
    with planned.deps.unit_of_work() as uow:
        invited = uow.meetings.invitations(meeting_id=meeting_id)
        assert len(invited) == MEMBERS
        declining = uow.participants.participant("m2.kommission@example.org")
        assert declining is not None
        [answer] = [i for i in invited if i.participant_id == declining.id]
        answer.response = "no"
        uow.commit()

    [last] = [
        i
        for i in _items(planned, subject_id=meeting_id, subject_kind="meeting")
        if i.key.endswith(":reminder:1")
    ]
    clock.now = last.due_at
    report = due_work.tick(planned.deps, tools)

    assert any(v.key == last.key and v.note == "2 Erinnerungen" for v in report.items)
    with planned.deps.unit_of_work() as uow:
        reminders = {
            m.recipient: m.subject
            for m in uow.outbox.outbox_messages()
            if m.subject.startswith(("Erinnerung:", "Hatırlatma:"))
            and m.recipient.endswith(".kommission@example.org")
        }
    assert set(reminders) == {KOMMISSION_MEMBER, "m1.kommission@example.org"}
    assert reminders["m1.kommission@example.org"].startswith("Hatırlatma: ")
    assert reminders[KOMMISSION_MEMBER].endswith(" morgen")


def test_the_first_planning_runs_at_once_even_just_after_midnight_on_the_first(
    app: Application, tools, clock
) -> None:
    clock.now = datetime(2026, 11, 30, 23, 10, tzinfo=UTC)  # 00:10 on 1 December in Berlin
    assert due_work.start(app.deps, tools)
    report = due_work.tick(app.deps, tools)

    assert [v.key for v in report.items][:1] == ["plan:2026-12"]
    assert _count(app, "meetings") > 0
    [following] = [i for i in _items(app, kind=DueKind.PLAN) if i.status == DueStatus.PENDING]
    assert following.local_time == "2027-01-01 00:30"
