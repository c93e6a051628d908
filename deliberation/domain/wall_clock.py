"""Wall-clock times as people type them, made into exact instants without inventing any.

In spring the clock jumps from 02:00 to 03:00: a time in between does not
exist and is refused (it would otherwise be stored as an hour later). In
autumn 02:00 to 03:00 happens twice: the first (summer time) is taken unless
the time names the second, and the caller is told which one it took.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deliberation.domain.errors import DeliberationError

#: The German names of Central European (summer) time; other zones use their own.
GERMAN_ZONE_NAMES = {"CET": "MEZ", "CEST": "MESZ"}


class NonexistentTime(DeliberationError):
    """The wall-clock time falls into the hour the clock skips."""


@dataclass(frozen=True)
class Instant:
    """An exact moment (UTC), and a note if the wall-clock time was ambiguous."""

    at: datetime
    note: str | None = None


def zone_name(moment: datetime) -> str:
    name = moment.tzname() or ""
    return GERMAN_ZONE_NAMES.get(name, name)


def exact(local: datetime, zone: ZoneInfo) -> Instant:
    """``local`` (naive; ``fold=1`` means the second of two) as an instant in ``zone``."""
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    if _round_trip(first) != local.replace(fold=0):
        raise NonexistentTime(_gap_message(local, zone, first, second))
    if first.utcoffset() == second.utcoffset():
        return Instant(first.astimezone(UTC))
    taken = second if local.fold else first
    other = first if local.fold else second
    note = (
        f"{local:%d.%m.%Y %H:%M} gibt es wegen der Zeitumstellung zweimal; genommen: "
        f"{local:%H:%M} {zone_name(taken)} ({_offset(taken)}). Für die "
        f"{'erste' if local.fold else 'zweite'} „{local:%d.%m.%Y %H:%M} {zone_name(other)}“ "
        "angeben."
    )
    # in UTC: an ambiguous local time never compares equal to another zone's (PEP 495)
    return Instant(taken.astimezone(UTC), note)


def _round_trip(aware: datetime) -> datetime:
    return aware.astimezone(UTC).astimezone(aware.tzinfo).replace(tzinfo=None, fold=0)


def _gap_message(local: datetime, zone: ZoneInfo, before: datetime, after: datetime) -> str:
    skipped = (after.utcoffset() or timedelta()) - (before.utcoffset() or timedelta())
    if skipped <= timedelta():
        skipped = (before.utcoffset() or timedelta()) - (after.utcoffset() or timedelta())
    # The gap begins where the clock shows the last time before the jump.
    start = local.replace(fold=0)
    while _round_trip((start - timedelta(minutes=1)).replace(tzinfo=zone)) != (
        start - timedelta(minutes=1)
    ):
        start -= timedelta(minutes=1)
    end = start + skipped
    return (
        f"Den Zeitpunkt {local:%d.%m.%Y %H:%M} gibt es in {zone.key} nicht: in dieser Nacht "
        f"wird die Uhr um {start:%H:%M} auf {end:%H:%M} vorgestellt (Zeitumstellung). Bitte "
        f"eine Zeit vor {start:%H:%M} oder ab {end:%H:%M} angeben."
    )


def _offset(moment: datetime) -> str:
    hours = (moment.utcoffset() or timedelta()) / timedelta(hours=1)
    return f"UTC{hours:+g}"
