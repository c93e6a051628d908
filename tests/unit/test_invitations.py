"""Audience, seats and the waiting list; the calendar part of an invitation."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage

from icalendar import Calendar

from deliberation.adapters.calendar_entries import write_calendar
from deliberation.domain.invitations import (
    Audience,
    CalendarEntry,
    Invitation,
    Response,
    answer,
    waiting_position,
)
from deliberation.domain.outbox import MailContent, compose_mail
from deliberation.domain.participants import LegalBasis, Participant

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def person(
    language: str = "de",
    municipality: str | None = "ilsede",
    roles: frozenset[str] = frozenset(),
    bodies: frozenset[str] = frozenset(),
) -> Participant:
    return Participant(
        "P", "p@example.org", language, LegalBasis.CONSENT, NOW, municipality, roles, bodies
    )


def invitations(count: int) -> list[Invitation]:
    result = []
    for number in range(1, count + 1):
        invitation = Invitation(1, number, NOW)
        invitation.id = number
        result.append(invitation)
    return result


def test_an_empty_audience_includes_everyone_and_criteria_combine_with_and() -> None:
    everyone = Audience()
    turkish_in_ilsede = Audience(municipalities=frozenset({"ilsede"}), languages=frozenset({"tr"}))
    kommission_or_kreistag = Audience(bodies=frozenset({"kommission", "kreistag"}))

    assert everyone.includes(person())
    assert turkish_in_ilsede.includes(person("tr"))
    assert not turkish_in_ilsede.includes(person("ar"))
    assert not turkish_in_ilsede.includes(person("tr", municipality="lengede"))
    assert kommission_or_kreistag.includes(person(bodies=frozenset({"kreistag"})))
    assert not kommission_or_kreistag.includes(person(roles=frozenset({"citizen"})))
    assert Audience(roles=frozenset({"association"})).includes(
        person(roles=frozenset({"association", "citizen"}))
    )


def test_yes_beyond_capacity_waits_and_the_first_waiting_moves_up_when_a_seat_frees() -> None:
    first, second, third, fourth = invitations(4)
    everyone = [first, second, third, fourth]

    def others(i: Invitation) -> list[Invitation]:
        return [o for o in everyone if o is not i]

    for minute, invitation in enumerate(everyone):
        moved = answer(
            invitation, Response.YES, others(invitation), 2, NOW + timedelta(minutes=minute)
        )
        assert moved is None
    assert [i.seated for i in everyone] == [True, True, False, False]
    assert [waiting_position(i, everyone) for i in everyone] == [0, 0, 1, 2]

    moved = answer(second, Response.NO, others(second), 2, NOW + timedelta(hours=1))

    assert moved is third
    assert [i.seated for i in everyone] == [True, False, True, False]
    assert waiting_position(fourth, everyone) == 1


def test_saying_yes_again_keeps_the_place_and_maybe_from_the_waiting_list_frees_nothing() -> None:
    first, second = invitations(2)
    answer(first, Response.YES, [second], 1, NOW)
    answer(second, Response.YES, [first], 1, NOW + timedelta(minutes=1))

    assert answer(first, Response.YES, [second], 1, NOW + timedelta(minutes=2)) is None
    assert first.seated and second.waitlisted
    assert answer(second, Response.MAYBE, [first], 1, NOW + timedelta(minutes=3)) is None
    assert first.seated and not second.waitlisted and second.response == Response.MAYBE


def test_without_capacity_every_yes_is_seated() -> None:
    group = invitations(5)
    for invitation in group:
        answer(invitation, Response.YES, [o for o in group if o is not invitation], None, NOW)
    assert all(i.seated for i in group)


def entry(method: str = "REQUEST", sequence: int = 0) -> CalendarEntry:
    return CalendarEntry(
        method=method,
        uid="meeting-abc@landkreis-peine.de",
        sequence=sequence,
        title="Zukunftswerkstatt Ilsede",
        starts_at=datetime(2027, 7, 1, 16, 0, tzinfo=UTC),  # 18:00 summer time
        ends_at=datetime(2027, 7, 1, 19, 0, tzinfo=UTC),
        location="Rathaus Ilsede, Ratssaal",
        organiser_name="Referat für Migration und Teilhabe, Landkreis Peine",
        organiser_email="migration-teilhabe@landkreis-peine.de",
        attendee_name="Elif Şahin",
        attendee_email="elif.sahin@example.org",
        stamp=NOW,
    )


def test_the_calendar_entry_has_method_organizer_attendee_uid_sequence_and_vtimezone() -> None:
    calendar = Calendar.from_ical(write_calendar(entry(sequence=3)))

    assert calendar["METHOD"] == "REQUEST"
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    assert "COMMENT" not in zone  # icalendar's English note on the covered range is dropped
    assert [c.name for c in zone.subcomponents] == ["STANDARD", "DAYLIGHT", "STANDARD"]
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == "meeting-abc@landkreis-peine.de"
    assert event["SEQUENCE"] == 3
    assert str(event["ORGANIZER"]) == "mailto:migration-teilhabe@landkreis-peine.de"
    assert str(event["ATTENDEE"]) == "mailto:elif.sahin@example.org"
    assert event["ATTENDEE"].params["CN"] == "Elif Şahin"
    start = event.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo)) == (18, "Europe/Berlin")
    assert event.decoded("DTEND") - start == timedelta(hours=3)
    assert event["STATUS"] == "CONFIRMED"


def test_a_cancellation_says_cancel_in_the_calendar_and_in_the_mime_type() -> None:
    text = write_calendar(entry("CANCEL", sequence=4))
    message = compose_mail(
        "migration-teilhabe@landkreis-peine.de",
        "elif.sahin@example.org",
        MailContent("Abgesagt", "Text", "<p>HTML</p>", text, "CANCEL"),
        NOW,
    )
    parsed = email.message_from_bytes(message.body, policy=policy.default)
    assert isinstance(parsed, EmailMessage)

    parts = {part.get_content_type(): part for part in parsed.walk()}
    assert parsed.get_content_type() == "multipart/alternative"
    assert {"text/plain", "text/html", "text/calendar"} <= set(parts)
    calendar_part = parts["text/calendar"]
    assert calendar_part.get_param("method") == "CANCEL"
    calendar = Calendar.from_ical(calendar_part.get_content())
    assert calendar["METHOD"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", 4)
