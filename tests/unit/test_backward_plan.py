"""Notice periods counted as the rules of procedure say, and the backward plan from a chosen
Kreistag meeting; every date below is counted by hand on the 2027 calendar."""

from __future__ import annotations

from datetime import date

import pytest

from deliberation.domain.backward_plan import MeetingSlot, RouteStop, plan_backward
from deliberation.domain.errors import NextStep, hint
from deliberation.domain.notice import NoPublicHolidays, NoticeCounting, NoticePeriod

#: Lower Saxony's public holidays that matter below (Easter 2027 is on 28 March).
HOLIDAYS_2027 = {
    date(2027, 3, 26): "Karfreitag",
    date(2027, 3, 29): "Ostermontag",
    date(2027, 5, 6): "Christi Himmelfahrt",
    date(2027, 5, 17): "Pfingstmontag",
}


class Holidays:
    def is_closed(self, day: date) -> str | None:
        name = HOLIDAYS_2027.get(day)
        return None if name is None else f"Feiertag: {name}"


HOLIDAYS = Holidays()
CALENDAR = NoticeCounting.CALENDAR_DAYS
WORKING = NoticeCounting.WORKING_DAYS
BUSINESS = NoticeCounting.BUSINESS_DAYS


@pytest.mark.parametrize(
    ("days", "counting", "meeting", "latest"),
    [
        # Wednesday 16 June minus 7 calendar days: Wednesday 9 June
        (7, CALENDAR, date(2027, 6, 16), date(2027, 6, 9)),
        # 14 calendar days before Monday 12 April is Easter Monday; Good Friday before it:
        # the invitation must go out on Maundy Thursday
        (14, CALENDAR, date(2027, 4, 12), date(2027, 3, 25)),
        # 7 calendar days before Monday 14 June is a Monday; before Tuesday 15 June a Tuesday
        (7, CALENDAR, date(2027, 6, 15), date(2027, 6, 8)),
        # Werktage before Tuesday 25 May: 25, 24, (Sunday 23 no), 22, 21, 20, 19, 18 -> the
        # period starts after Monday 17 May, Whit Monday: the Friday before
        (7, WORKING, date(2027, 5, 25), date(2027, 5, 14)),
        # Arbeitstage before Tuesday 25 May: 25, 24, 21, 20, 19, 18, (17 Whit Monday no), 14
        (7, BUSINESS, date(2027, 5, 25), date(2027, 5, 13)),
        # no notice at all: the meeting day itself, if it is an office day
        (0, CALENDAR, date(2027, 6, 16), date(2027, 6, 16)),
        (0, CALENDAR, date(2027, 6, 19), date(2027, 6, 18)),
    ],
)
def test_the_latest_sending_day_keeps_the_period_and_falls_on_an_office_day(
    days: int, counting: NoticeCounting, meeting: date, latest: date
) -> None:
    assert NoticePeriod(days, counting).latest_sending_day(meeting, HOLIDAYS) == latest


@pytest.mark.parametrize(
    ("days", "counting", "sent", "earliest"),
    [
        (7, CALENDAR, date(2027, 6, 9), date(2027, 6, 16)),
        # Werktage from Friday 14 May: 15, (16 Sunday), (17 Whit Monday), 18, 19, 20, 21, 22, 24
        (7, WORKING, date(2027, 5, 14), date(2027, 5, 24)),
        # Arbeitstage from Thursday 13 May: 14, 18, 19, 20, 21, 24, 25
        (7, BUSINESS, date(2027, 5, 13), date(2027, 5, 25)),
        (0, BUSINESS, date(2027, 5, 13), date(2027, 5, 13)),
    ],
)
def test_the_earliest_meeting_day_for_an_invitation_sent_on_a_day(
    days: int, counting: NoticeCounting, sent: date, earliest: date
) -> None:
    assert NoticePeriod(days, counting).earliest_meeting_day(sent, HOLIDAYS) == earliest


def test_without_holidays_whit_monday_counts_like_any_monday() -> None:
    period = NoticePeriod(7, WORKING)
    assert period.latest_sending_day(date(2027, 5, 25), NoPublicHolidays()) == date(2027, 5, 17)


def _stop(
    position: int,
    key: str,
    days: int,
    *meetings: tuple[int, date],
    counting: NoticeCounting = CALENDAR,
    placed: int | None = None,
) -> RouteStop:
    slots = tuple(MeetingSlot(i, f"Sitzung {key} {d:%d.%m.}", d) for i, d in meetings)
    return RouteStop(
        position,
        key,
        key.capitalize(),
        "Vorberatung",
        NoticePeriod(days, counting),
        slots,
        next((s for s in slots if s.id == placed), None),
    )


KREISTAG = MeetingSlot(40, "Kreistag 16.06.", date(2027, 6, 16))


def _route(placed_commission: int | None = None) -> list[RouteStop]:
    return [
        _stop(
            0,
            "kommission",
            14,
            (10, date(2027, 3, 9)),
            (11, date(2027, 4, 12)),
            (12, date(2027, 5, 11)),
            placed=placed_commission,
        ),
        _stop(1, "ausschuss", 7, (20, date(2027, 5, 10)), (21, date(2027, 6, 7))),
        _stop(
            2,
            "kreisausschuss",
            7,
            (30, date(2027, 6, 1)),
            (31, date(2027, 6, 8)),
            (32, date(2027, 7, 6)),
        ),
        _stop(3, "kreistag", 7, (40, date(2027, 6, 16)), (41, date(2027, 9, 22))),
    ]


def test_the_backward_plan_takes_the_latest_meeting_of_each_body_that_keeps_every_period() -> None:
    plan = plan_backward(_route(), KREISTAG, date(2027, 3, 1), HOLIDAYS)
    # Kreistag 16.06. -> invitation by 09.06.; Kreisausschuss 08.06. (not 06.07.) -> by
    # 01.06.; Ausschuss 07.06. is too late, 10.05. -> by 03.05.; Kommission 11.05. is too
    # late, 12.04. -> 14 days back is Easter Monday, Good Friday before: by Thursday 25.03.
    assert [(s.meeting.id if s.meeting else None, s.agenda_deadline) for s in plan.stops] == [
        (11, date(2027, 3, 25)),
        (20, date(2027, 5, 3)),
        (31, date(2027, 6, 1)),
        (40, date(2027, 6, 9)),
    ]
    assert plan.adoption_deadline == date(2027, 3, 25)
    assert plan.feasible and plan.problems == ()


def test_a_plan_that_is_already_too_late_says_which_deadline_has_passed() -> None:
    plan = plan_backward(_route(), KREISTAG, date(2027, 3, 26), HOLIDAYS)
    assert not plan.feasible
    assert plan.adoption_deadline == date(2027, 3, 25)
    assert "bis zum 25.03.2027 auf die Tagesordnung" in plan.problems[0]


def test_a_body_without_a_fitting_meeting_breaks_the_plan_before_it() -> None:
    route = _route()
    route[1] = _stop(1, "ausschuss", 7, (21, date(2027, 6, 7)))
    plan = plan_backward(route, KREISTAG, date(2027, 3, 1), HOLIDAYS)
    assert plan.stops[1].meeting is None
    assert "bis zum 01.06.2027 keine passende Sitzung" in plan.stops[1].problem
    assert "deliberation" not in plan.stops[1].problem  # each front end words the step
    assert plan.stops[1].next_step == hint(NextStep.ADD_MEETING, body="ausschuss")
    assert plan.stops[0].meeting is None and plan.adoption_deadline is None
    assert not plan.feasible


def test_a_placement_already_made_is_kept_even_after_its_deadline() -> None:
    plan = plan_backward(_route(placed_commission=10), KREISTAG, date(2027, 3, 8), HOLIDAYS)
    assert plan.stops[0].meeting == MeetingSlot(10, "Sitzung kommission 09.03.", date(2027, 3, 9))
    assert plan.feasible


def test_a_placement_too_late_for_the_next_body_is_a_problem() -> None:
    plan = plan_backward(_route(placed_commission=12), KREISTAG, date(2027, 3, 1), HOLIDAYS)
    assert "zu spät für die Ladung zu Ausschuss bis 03.05.2027" in plan.stops[0].problem


def test_only_the_rest_of_the_route_is_planned() -> None:
    plan = plan_backward(_route()[2:], KREISTAG, date(2027, 5, 20), HOLIDAYS)
    assert [s.meeting.id for s in plan.stops if s.meeting] == [31, 40]
    assert plan.adoption_deadline == date(2027, 6, 1)
