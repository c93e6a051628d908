"""Cycles launched and invited by hand, on SQLite and PostgreSQL: always with date and place."""

from __future__ import annotations

import dataclasses
import email
import shutil
from datetime import UTC, date, datetime, time, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from deliberation.adapters.templates import TemplateCatalog
from deliberation.bootstrap import Application
from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.domain.scheduling import DueStatus, SchedulePolicy
from deliberation.schedule_setup import schedule_policy, scheduler_tools
from deliberation.service_layer import cycles, due_work, meetings, notifications, planning
from deliberation.service_layer.cycle_invitations import InvitationIncomplete

BERLIN = ZoneInfo("Europe/Berlin")
ACTOR = "Frau Schulz (Referat)"
ILSEDE_VENUE = "Rathaus Ilsede, Eichstraße 3, 31241 Ilsede"


@pytest.fixture
def county(app: Application) -> SchedulePolicy:
    return schedule_policy(app.settings, app.deps.engine)


def _people(app: Application) -> None:
    with app.deps.unit_of_work() as uow:
        now = app.deps.clock()
        for name, address, language in (
            ("Ayşe Demir", "ayse@example.org", "tr"),
            ("Olena Koval", "olena@example.org", "uk"),
            ("Jan Becker", "jan@example.org", "de"),
        ):
            uow.participants.add(
                Participant(
                    name,
                    address,
                    language,
                    LegalBasis.DUTY,
                    now,
                    municipality_key="ilsede",
                )
            )
        uow.commit()


def _meeting_rows(app: Application) -> list[tuple[int, int | None, str, str, datetime, str]]:
    """(id, cycle id, series, status, start, location) of every meeting."""
    with app.deps.unit_of_work() as uow:
        return [
            (
                m.id or 0,
                m.cycle.id if m.cycle else None,
                m.series or "",
                m.status,
                m.starts_at,
                m.location,
            )
            for m in uow.meetings.meetings()
        ]


def _outbox(app: Application) -> list[EmailMessage]:
    with app.deps.unit_of_work() as uow:
        mails = [
            email.message_from_bytes(m.body, policy=policy.default)
            for m in uow.outbox.outbox_messages()
        ]
    return [m for m in mails if isinstance(m, EmailMessage)]


def test_a_round_launched_by_hand_gets_its_meetings_like_the_scheduler_launches_it(
    app: Application, county: SchedulePolicy
) -> None:
    workshops = cycles.launch(app.deps, "future_workshop", "2027", ACTOR, schedule=county)
    [conference] = cycles.launch(app.deps, "integration_conference", "2027", ACTOR, schedule=county)

    rows = _meeting_rows(app)
    by_cycle = {cycle: row for row in rows if (cycle := row[1]) is not None}
    assert set(by_cycle) == {*workshops, conference}  # every cycle of the round has its meeting
    conference_day = by_cycle[conference][4].astimezone(BERLIN).date()
    assert by_cycle[conference][2] == "integration_conference"
    assert conference_day.year == 2027 and conference_day.weekday() == 5  # the configured Saturday
    venues = {m.key: m.venue for m in app.settings.municipalities}
    with app.deps.unit_of_work() as uow:
        for cycle_id in workshops:
            cycle = uow.cycles.cycle(cycle_id)
            assert cycle is not None and cycle.municipality is not None
            _, _, series, status, starts, location = by_cycle[cycle_id]
            assert series == f"future_workshop:{cycle.municipality.key}"
            assert status == MeetingStatus.PROPOSED
            assert location == venues[cycle.municipality.key] != cycle.municipality.name
            assert starts.astimezone(BERLIN).date() < conference_day
    days = [by_cycle[c][4].astimezone(BERLIN).date() for c in workshops]
    assert len(set(days)) == len(days)  # each municipality on a day of its own
    # no second conference meeting for the year, and launching twice is refused as before
    assert sum(1 for row in rows if row[2] == "integration_conference") == 1
    with pytest.raises(DeliberationError, match="gibt es bereits eine Integrationskonferenz"):
        cycles.launch(app.deps, "integration_conference", "2027", ACTOR, schedule=county)


def test_a_conference_for_a_round_that_breaks_the_biennial_rhythm_is_refused(
    app: Application, county: SchedulePolicy
) -> None:
    refusal = r"2028 ist kein Jahr der Integrationskonferenz"
    with pytest.raises(DeliberationError, match=refusal) as no:
        cycles.launch(app.deps, "integration_conference", "2028", ACTOR, schedule=county)
    assert "alle 2 Jahre" in str(no.value) and "2027 und 2029" in str(no.value)
    assert cycles.list_cycles(app.deps) == []  # nothing half-launched
    assert _meeting_rows(app) == []


def test_the_invitation_step_by_hand_is_refused_without_a_confirmed_meeting_with_a_place(
    app: Application, county: SchedulePolicy
) -> None:
    _people(app)
    [workshop] = cycles.launch(
        app.deps, "future_workshop", "2027", ACTOR, ["ilsede"], schedule=county
    )
    [proposed] = [row for row in _meeting_rows(app) if row[1] == workshop]

    with pytest.raises(InvitationIncomplete, match=rf"Termin {proposed[0]} am .* vorgeschlagen"):
        cycles.advance(app.deps, workshop, "send_invitations", ACTOR, mailing=app.mailing())
    assert cycles.show(app.deps, workshop).status.state == "planned"
    assert _outbox(app) == []

    # confirmed, but without a place: still refused, naming what is missing
    meetings.move(app.deps, app.mailing(), proposed[0], location=" ")
    meetings.confirm(app.deps, proposed[0])
    with app.deps.unit_of_work() as uow:
        meeting = uow.meetings.meeting(proposed[0])
        assert meeting is not None
        meeting.location = ""
        uow.commit()
    with pytest.raises(InvitationIncomplete, match="keinen Ort"):
        cycles.advance(app.deps, workshop, "send_invitations", ACTOR, mailing=app.mailing())
    assert "keinen Ort" in cycles.show(app.deps, workshop).invitation_problem
    assert _outbox(app) == []


def test_the_invitation_step_by_hand_sends_the_full_multilingual_invitation_at_once(
    app: Application, county: SchedulePolicy
) -> None:
    _people(app)
    [workshop] = cycles.launch(
        app.deps, "future_workshop", "2027", ACTOR, ["ilsede"], schedule=county
    )
    [row] = [row for row in _meeting_rows(app) if row[1] == workshop]
    meetings.confirm(app.deps, row[0])

    stored: list[tuple[int, int]] = []
    step = cycles.advance(
        app.deps,
        workshop,
        "send_invitations",
        ACTOR,
        "Termin steht",
        mailing=app.mailing(),
        fan_out=notifications.FanOut(chunk_size=2),
        progress=lambda done, total: stored.append((done, total)),
    )

    assert (step.to_state, step.messages) == ("invitations_sent", 3)
    assert stored == [(2, 3), (3, 3)]  # in parts of two, the progress after each
    mails = {str(m["To"]): m for m in _outbox(app)}
    assert set(mails) == {"ayse@example.org", "olena@example.org", "jan@example.org"}
    for mail in mails.values():
        types = [part.get_content_type() for part in mail.walk()]
        assert types == ["multipart/alternative", "text/plain", "text/html", "text/calendar"]
        calendar = mail.get_body(preferencelist=("calendar",))
        assert calendar is not None
        assert "LOCATION:Rathaus Ilsede" in calendar.get_content().replace("\r\n ", "")
    german = mails["jan@example.org"].get_body(preferencelist=("plain",))
    assert german is not None
    text = german.get_content()
    assert f"Ort: {ILSEDE_VENUE}" in text and "Uhrzeit: 18:00 Uhr" in text
    turkish = mails["ayse@example.org"].get_body(preferencelist=("plain",))
    assert turkish is not None and "Merhaba" in turkish.get_content()
    # the scheduler's tick finds nothing left to render: the step sent them once
    with app.deps.unit_of_work() as uow:
        assert [n.status for n in uow.outbox.notifications()] == ["rendered"]


def test_a_hand_step_whose_invitations_cannot_be_rendered_is_done_and_says_so(
    app: Application, county: SchedulePolicy, tmp_path: Path, repo_root: Path
) -> None:
    _people(app)
    [workshop] = cycles.launch(
        app.deps, "future_workshop", "2027", ACTOR, ["ilsede"], schedule=county
    )
    [row] = [row for row in _meeting_rows(app) if row[1] == workshop]
    meetings.confirm(app.deps, row[0])
    shutil.copytree(repo_root / "templates", tmp_path, dirs_exist_ok=True)
    (tmp_path / "invitation" / "meeting.txt.j2").write_text(
        "{{ meeting.no_such_field.name }}\n", encoding="utf-8"
    )
    broken = dataclasses.replace(app.mailing(), renderer=TemplateCatalog(tmp_path))

    step = cycles.advance(
        app.deps, workshop, "send_invitations", ACTOR, "Termin steht", mailing=broken
    )

    # The step is done; nothing went into the outbox; the invitations wait, and the
    # warning says why and what happens next.
    assert (step.to_state, step.messages) == ("invitations_sent", 0)
    assert "ließen sich nicht erstellen" in step.warning
    assert "invitation/meeting.txt.j2" in step.warning
    assert "Terminplaner" in step.warning
    assert _outbox(app) == []
    with app.deps.unit_of_work() as uow:
        assert [n.status for n in uow.outbox.notifications()] == ["pending"]
    # Once the template is right, the scheduler's render step sends them, once each.
    assert notifications.render_pending(app.deps, app.mailing()) == 3
    assert {str(m["To"]) for m in _outbox(app)} == {
        "ayse@example.org",
        "olena@example.org",
        "jan@example.org",
    }


def test_the_scheduler_inviting_at_the_notice_period_confirms_the_proposed_date(
    app: Application, county: SchedulePolicy, clock: Any
) -> None:
    _people(app)
    [workshop] = cycles.launch(
        app.deps, "future_workshop", "2027", ACTOR, ["ilsede"], schedule=county
    )
    [row] = [row for row in _meeting_rows(app) if row[1] == workshop]
    notice_day = row[4].astimezone(BERLIN).date() - timedelta(days=county.workshops.notice_days)
    clock.now = datetime.combine(notice_day, time(12, 0), tzinfo=BERLIN).astimezone(UTC)
    due_work.tick(app.deps, scheduler_tools(app))

    [after] = [r for r in _meeting_rows(app) if r[1] == workshop]
    assert after[3] == MeetingStatus.PLANNED
    assert cycles.show(app.deps, workshop).status.state == "invitations_sent"
    subjects = {str(m["Subject"]) for m in _outbox(app)}
    assert len(_outbox(app)) == 3  # in each one's language, with the date and the venue
    assert all(s.endswith("Zukunftswerkstatt Ilsede 2027") for s in subjects)
    assert after[4].astimezone(BERLIN).date() > date(2027, 1, 1)


def test_building_the_agenda_while_a_workshop_runs_warns_with_the_reason(
    app: Application, walker: Any
) -> None:
    walker.launch_workshops()
    walker.run_workshop("stadt-peine")
    running = walker.open_needs_collection("edemissen")
    conference = walker.launch_conference()

    step = cycles.advance(app.deps, conference, "build_agenda", ACTOR)

    assert step.to_state == "agenda_built"
    assert f"noch nicht dokumentiert: Zukunftswerkstatt Edemissen 2026 (Zyklus {running})" in (
        step.warning
    )


def test_the_scheduler_skips_a_launch_of_a_round_launched_by_hand_naming_the_workflows_title(
    app: Application, county: SchedulePolicy, clock: Any
) -> None:
    cycles.launch(app.deps, "future_workshop", "2027", ACTOR, schedule=county)
    [conference_id] = cycles.launch(
        app.deps, "integration_conference", "2027", ACTOR, schedule=county
    )
    with app.deps.unit_of_work() as uow:
        [conference] = [
            m for m in uow.meetings.meetings() if m.cycle and m.cycle.id == conference_id
        ]
        items = planning.launch_items(conference, county, app.deps.clock())
        uow.due_work.add_due_work(items)
        uow.commit()
    clock.now = max(i.due_at for i in items) + timedelta(minutes=1)

    due_work.tick(app.deps, scheduler_tools(app))

    with app.deps.unit_of_work() as uow:
        notes = {i.argument: (i.status, i.note) for i in uow.due_work.due_work(kind="launch")}
    assert notes == {
        "future_workshop": (DueStatus.SKIPPED, "Durchgang 2027 hat schon eine Zukunftswerkstatt."),
        "integration_conference": (
            DueStatus.SKIPPED,
            "Durchgang 2027 hat schon eine Integrationskonferenz.",
        ),
    }
