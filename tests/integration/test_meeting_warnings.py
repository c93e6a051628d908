"""Dates a county would never pick: holidays, school holidays, a clash of time and place.

A meeting added or moved by hand onto such a date is refused with German
reasons until it is confirmed; the scheduler plans around other meetings at
its place. On SQLite and PostgreSQL, through the real composition root.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from deliberation.bootstrap import Application
from deliberation.domain.cadence import CadenceRule
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.scheduling import SchedulePolicy, Series, WorkshopPlan
from deliberation.schedule_setup import scheduler_tools
from deliberation.service_layer import body_meetings, meetings, planning
from deliberation.service_layer.meeting_warnings import NeedsConfirmation

BERLIN = ZoneInfo("Europe/Berlin")
PLACE = "Kreishaus Peine, Saal 1"
#: Thursday 16 April 2026, after the Easter holidays, no public holiday
ORDINARY = datetime(2026, 4, 16, 17, 0, tzinfo=BERLIN)


def _count(app: Application) -> int:
    return len(meetings.list_meetings(app.deps))


def test_a_meeting_on_a_public_holiday_must_be_confirmed(app: Application) -> None:
    may_day = datetime(2026, 5, 1, 17, 0, tzinfo=BERLIN)
    with pytest.raises(NeedsConfirmation) as refused:
        body_meetings.add(app.deps, "kreistag", may_day, PLACE)
    assert refused.value.warnings == ("Der 01.05.2026 ist ein Feiertag (Erster Mai).",)
    assert _count(app) == 0  # nothing written until it is confirmed

    added = body_meetings.add(app.deps, "kreistag", may_day, PLACE, confirmed=True)
    assert [m.id for m in meetings.list_meetings(app.deps)] == [added.id]


def test_a_meeting_in_the_school_holidays_must_be_confirmed(app: Application) -> None:
    summer = datetime(2026, 7, 15, 17, 0, tzinfo=BERLIN)
    plan = meetings.MeetingPlan("Elternabend Integration", summer, PLACE)
    with pytest.raises(NeedsConfirmation) as refused:
        meetings.schedule(app.deps, plan, "landkreis-peine.de")
    assert refused.value.warnings == (
        "Der 15.07.2026 liegt in den Schulferien (Sommerferien 2026).",
    )
    assert _count(app) == 0
    assert meetings.schedule(app.deps, plan, "landkreis-peine.de", confirmed=True) > 0


def test_an_ordinary_day_needs_no_confirmation(app: Application) -> None:
    body_meetings.add(app.deps, "kreistag", ORDINARY, PLACE)
    assert _count(app) == 1


def test_the_same_time_and_place_as_another_meeting_names_it(app: Application) -> None:
    first = body_meetings.add(app.deps, "kreistag", ORDINARY, PLACE)  # 17:00 to 19:00
    overlapping = ORDINARY + timedelta(minutes=90)
    with pytest.raises(NeedsConfirmation) as refused:
        body_meetings.add(app.deps, "kreisausschuss", overlapping, " kreishaus peine,  saal 1 ")
    assert refused.value.warnings == (
        f"Zur selben Zeit am selben Ort ({PLACE}) ist schon Termin {first.id} "
        "„Sitzung Kreistag am 16.04.2026“ am 16.04.2026 von 17:00 bis 19:00 Uhr.",
    )
    # another room, or after the first one ends, is no clash
    body_meetings.add(app.deps, "kreisausschuss", overlapping, "Kreishaus Peine, Saal 2")
    body_meetings.add(app.deps, "kreisausschuss", ORDINARY + timedelta(hours=2), PLACE)
    assert _count(app) == 3


def test_a_cancelled_meeting_leaves_its_place_free(app: Application) -> None:
    first = body_meetings.add(app.deps, "kreistag", ORDINARY, PLACE)
    meetings.cancel(app.deps, app.mailing(), first.id)
    body_meetings.add(app.deps, "kreisausschuss", ORDINARY, PLACE)
    assert _count(app) == 2


def test_moving_onto_a_clash_changes_nothing_until_confirmed(app: Application) -> None:
    mailing = app.mailing()
    kreistag = body_meetings.add(app.deps, "kreistag", ORDINARY, PLACE)
    other = body_meetings.add(app.deps, "kreisausschuss", ORDINARY + timedelta(days=1), PLACE)
    with pytest.raises(NeedsConfirmation, match=f"schon Termin {kreistag.id}"):
        meetings.move(app.deps, mailing, other.id, ORDINARY + timedelta(minutes=30))
    [unchanged] = [m for m in meetings.list_meetings(app.deps) if m.id == other.id]
    assert unchanged.starts_at == ORDINARY + timedelta(days=1)

    report = meetings.move(
        app.deps, mailing, other.id, ORDINARY + timedelta(minutes=30), confirmed=True
    )
    assert report.changed and len(report.warnings) == 1
    # moving a meeting within its own time is no clash with itself
    again = meetings.move(app.deps, mailing, other.id, location="Kreishaus Peine, Saal 2")
    assert again.changed and again.warnings == ()


def test_moving_onto_a_holiday_warns_with_its_name(app: Application) -> None:
    added = body_meetings.add(app.deps, "kreistag", ORDINARY, PLACE)
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=BERLIN)
    with pytest.raises(NeedsConfirmation) as refused:
        meetings.move(app.deps, app.mailing(), added.id, christmas)
    assert refused.value.warnings == (
        "Der 25.12.2026 ist ein Feiertag (Erster Weihnachtstag).",
        "Der 25.12.2026 liegt in den Schulferien (Weihnachtsferien 2026/27).",
    )


def _twin_policy(app: Application) -> SchedulePolicy:
    """Two bodies with the same cadence, time and place: a clash every time."""
    base = scheduler_tools(app).policy
    rule = CadenceRule(interval_months=3, weekday=1, time=time(17, 0), week_of_month=2)
    calendar = base.series[0].closed
    twins = tuple(
        Series(key, key, rule, 14, "Kreishaus Peine", body_key=key, closed=calendar)
        for key in ("kreistag", "kreisausschuss")
    )
    workshops = WorkshopPlan(8, time(18, 0), 21, 12, 10)
    return SchedulePolicy(timezone=base.timezone, series=twins, workshops=workshops)


def test_the_scheduler_never_plans_two_meetings_at_one_time_and_place(
    app: Application,
) -> None:
    policy = _twin_policy(app)
    with app.deps.unit_of_work() as uow:
        planning.plan_month(uow, policy, date(2026, 4, 1), app.deps.clock())
        uow.commit()
    proposed = meetings.list_meetings(app.deps, status=MeetingStatus.PROPOSED)
    assert {m.series for m in proposed} == {"kreistag", "kreisausschuss"}
    assert len(proposed) == 8  # a year of quarterly meetings for each
    for first in proposed:
        for second in proposed:
            if first.id < second.id:
                assert first.starts_at != second.starts_at, (first, second)
    with app.deps.unit_of_work() as uow:  # planning the same months again adds nothing
        planning.plan_month(uow, policy, date(2026, 4, 1), app.deps.clock())
        uow.commit()
    assert len(meetings.list_meetings(app.deps, status=MeetingStatus.PROPOSED)) == 8
