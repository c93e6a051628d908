"""iCalendar objects for meeting invitations (the ``CalendarWriter`` port), with icalendar.

The start and end are written in the county's time zone with its VTIMEZONE,
so Outlook, Thunderbird and Gmail show the local time even across a change
between summer and winter time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vText
from icalendar.parser import Contentline

from deliberation.domain.calendar_feed import CalendarFeed, FeedEvent
from deliberation.domain.invitations import CalendarEntry

PRODUCT_ID = "-//deliberation//Einladungen//DE"


def write_calendar(entry: CalendarEntry) -> str:
    """The iCalendar text (CRLF line ends) of ``entry`` with METHOD and VTIMEZONE.

    The invitations to one meeting differ only in their ATTENDEE line: the rest is
    serialised once (``_shared_calendar``) and each call writes the one line.
    """
    before, after = _shared_calendar(replace(entry, attendee_name="", attendee_email=""))
    return before + _attendee_line(entry) + after


def _attendee_line(entry: CalendarEntry) -> str:
    attendee = _attendee(entry)
    line = Contentline.from_parts("ATTENDEE", attendee.params, attendee, sorted=True)
    return str(line.to_ical().decode("utf-8")) + "\r\n"


@lru_cache(maxsize=64)
def _shared_calendar(entry: CalendarEntry) -> tuple[str, str]:
    """The calendar of ``entry`` (which has no attendee) before and after its ATTENDEE line."""
    text = _calendar_text(replace(entry, attendee_name=_MARK, attendee_email=_MARK))
    start = text.index("ATTENDEE")
    end = text.index("\r\n", text.index(f"mailto:{_MARK}", start)) + 2
    return text[:start], text[end:]


_MARK = "attendee-placeholder"


def _calendar_text(entry: CalendarEntry) -> str:
    zone = ZoneInfo(entry.timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", entry.method)
    calendar.add_component(_event(entry, zone))
    body = str(calendar.to_ical().decode("utf-8"))
    # The VTIMEZONE goes before the event; it is the same for every message of a
    # year and costs more to build than the rest, so it is built once.
    year = entry.starts_at.astimezone(zone).year
    head, _, tail = body.partition("BEGIN:VEVENT")
    return head + _vtimezone(entry.timezone, year) + "BEGIN:VEVENT" + tail


@lru_cache(maxsize=32)
def _vtimezone(timezone: str, year: int) -> str:
    """The VTIMEZONE of ``timezone`` covering the year before to the year after ``year``."""
    component = Timezone.from_tzid(
        timezone, first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1)
    )
    # icalendar adds an English COMMENT on the range covered; mail programs may show it
    component.pop("COMMENT", None)
    return str(component.to_ical().decode("utf-8"))


def _event(entry: CalendarEntry, zone: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", entry.stamp)
    event.add("dtstart", entry.starts_at.astimezone(zone))
    event.add("dtend", entry.ends_at.astimezone(zone))
    event.add("summary", entry.title)
    event.add("location", entry.location)
    cancelled = entry.method == "CANCEL"
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organiser = vCalAddress(f"mailto:{entry.organiser_email}")
    organiser.params["cn"] = vText(entry.organiser_name)
    event.add("organizer", organiser)
    event.add("attendee", _attendee(entry))
    return event


def _attendee(entry: CalendarEntry) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{entry.attendee_email}")
    attendee.params["cn"] = vText(entry.attendee_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("FALSE")
    return attendee


FEED_PRODUCT_ID = "-//deliberation//Termine//DE"
#: how often calendar programs should fetch the feed again (RFC 7986 and Outlook's X-PUBLISHED-TTL)
FEED_REFRESH = "PT6H"


def write_feed(feed: CalendarFeed) -> str:
    """The iCalendar text of a feed to subscribe to: METHOD:PUBLISH, one VEVENT per meeting
    (cancelled ones with STATUS:CANCELLED), the zone's VTIMEZONE once for all of them."""
    zone = ZoneInfo(feed.timezone)
    calendar = Calendar()
    calendar.add("prodid", FEED_PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", feed.name)
    calendar.add("x-wr-timezone", feed.timezone)
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", FEED_REFRESH)
    for item in feed.events:
        calendar.add_component(_feed_event(item, feed.stamp, zone))
    body = str(calendar.to_ical().decode("utf-8"))
    if not feed.events:
        return body
    years = [e.starts_at.astimezone(zone).year for e in feed.events]
    component = Timezone.from_tzid(
        feed.timezone, first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1)
    )
    component.pop("COMMENT", None)
    head, _, tail = body.partition("BEGIN:VEVENT")
    return head + str(component.to_ical().decode("utf-8")) + "BEGIN:VEVENT" + tail


def _feed_event(item: FeedEvent, stamp: datetime, zone: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("sequence", item.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", item.starts_at.astimezone(zone))
    event.add("dtend", item.ends_at.astimezone(zone))
    event.add("summary", item.title)
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    return event
