"""The demo's invitations: languages, double opt-in, meetings, and a few answers.

Everything goes through the real use cases; where a participant would click a
link in an email, the demo signs the same link and hands it to the use case
that the web page (``deliberation serve``) calls.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deliberation.domain.invitations import Response
from deliberation.service_layer import consent, meetings
from deliberation.service_layer.messages import CONFIRM, RSVP, answer_token, person_token
from deliberation.service_layer.ports import Dependencies, HolidayNames, Mailing

#: Preferred languages in the sample registry (everyone else: German).
LANGUAGES = {
    "murat.celik@example.org": "tr",
    "elif.sahin@example.org": "tr",
    "samira.nasser@example.org": "ar",
    "abdullah.rezai@example.org": "ar",
    "oksana.lysenko@example.org": "uk",
    "daria.kowalczyk@example.org": "en",
}
#: Never clicks the confirmation link: gets no invitation.
HESITANT = "hamid.karimi@example.org"
CONFERENCE_SEATS = 6
#: (email, answer) to the conference, in this order: the last "yes" waits for a seat
#: until the "no" after it frees one.
ANSWERS = (
    ("heike.brandes@example.org", Response.YES),
    ("murat.celik@example.org", Response.YES),
    ("ingrid.lueders@example.org", Response.YES),
    ("samira.nasser@example.org", Response.YES),
    ("oksana.lysenko@example.org", Response.YES),
    ("kerstin.bode@example.org", Response.YES),
    ("elif.sahin@example.org", Response.YES),
    ("daria.kowalczyk@example.org", Response.MAYBE),
    ("ingrid.lueders@example.org", Response.NO),
)


def opt_in(deps: Dependencies, mailing: Mailing) -> int:
    """Ask everyone by consent to confirm, and confirm for all but one; returns the confirmed."""
    consent.request_confirmations(deps, mailing)
    confirmed = 0
    with deps.unit_of_work() as uow:
        payloads = [
            person_token(p)
            for p in uow.participants.participants()
            if p.consent_requested_at is not None and p.email != HESITANT
        ]
    for payload in payloads:
        token = mailing.links.url(CONFIRM, payload).rpartition("/")[2]
        consent.confirm(deps, mailing, token)
        confirmed += 1
    return confirmed


def schedule_meetings(
    deps: Dependencies, mailing: Mailing, workshops: list[tuple[int, str]], conference_id: int
) -> int:
    """A workshop evening per municipality and the conference day; returns the conference's."""
    zone = ZoneInfo(deps.timezone)
    calendar = deps.holidays  # the configured state's public holidays
    domain = mailing.sender.rpartition("@")[2]
    day = deps.today() + timedelta(days=21)
    for cycle_id, municipality in workshops:
        day = _working_day(day, calendar)  # workshop evenings: weekdays that are no holiday
        plan = meetings.MeetingPlan(
            f"Zukunftswerkstatt {municipality}",
            datetime.combine(day, time(18, 0), zone),
            f"Rathaus {municipality.removeprefix('Stadt ')}, Ratssaal",
            duration_minutes=180,
            cycle_id=cycle_id,
        )
        meetings.schedule(deps, plan, domain, confirmed=True)  # may lie in school holidays
        day += timedelta(days=1)
    conference_day = _working_day(day + timedelta(days=28), calendar)
    plan = meetings.MeetingPlan(
        "Integrationskonferenz",
        datetime.combine(conference_day, time(10, 0), zone),
        "Kreishaus Peine, Großer Sitzungssaal",
        duration_minutes=360,
        cycle_id=conference_id,
        capacity=CONFERENCE_SEATS,
    )
    return meetings.schedule(deps, plan, domain, confirmed=True)


def _working_day(day: date, calendar: HolidayNames | None) -> date:
    """``day`` or the next weekday that is no public holiday."""
    while day.weekday() >= 5 or (calendar is not None and calendar.public_holiday(day)):
        day += timedelta(days=1)
    return day


def answer_conference(deps: Dependencies, mailing: Mailing, meeting_id: int) -> str:
    """Play the sample answers through the answer links; returns a German summary."""
    with deps.unit_of_work() as uow:
        payloads = {p.email: answer_token(p, meeting_id) for p in uow.participants.participants()}
    for email, response in ANSWERS:
        url = mailing.links.url(RSVP, payloads[email])
        meetings.respond(deps, mailing, url.rpartition("/")[2], response)
    view = meetings.answers(deps, meeting_id)
    return (
        f"Antworten zur Integrationskonferenz ({view.capacity} Plätze): "
        f"Zusagen {view.counts['yes']}, Absagen {view.counts['no']}, "
        f"vielleicht {view.counts['maybe']}, Warteliste {view.waiting}"
    )
