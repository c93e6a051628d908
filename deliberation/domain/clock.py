"""The one clock of the application: the real time, or a time someone sets.

Production reads the system clock through it. The demo moves it ahead to the next
meeting, the simulation walks it through years in seconds, and tests hold it still
or move it; the link signer, the scheduler's due work and every use case read the
same clock, so they all agree on what "now" is.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Tells the time as an aware UTC ``datetime`` (call it: ``clock()``).

    A clock either *runs* (system time, shifted by an offset: ``Clock()`` has none) or
    *stands* at a moment (``Clock.standing_at(moment)``, or after ``set``). ``advance``
    moves either kind on; ``now`` reads it, and assigning ``now`` stops it there.
    """

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset
        self._standing: datetime | None = None

    @classmethod
    def standing_at(cls, moment: datetime) -> Clock:
        """A clock that shows ``moment`` until it is set or advanced."""
        clock = cls()
        clock.set(moment)
        return clock

    @classmethod
    def running_from(cls, moment: datetime) -> Clock:
        """A clock that shows ``moment`` now and runs on from there in real time."""
        return cls(_utc(moment) - datetime.now(UTC))

    def __call__(self) -> datetime:
        if self._standing is not None:
            return self._standing
        return datetime.now(UTC) + self._offset

    @property
    def now(self) -> datetime:
        return self()

    @now.setter
    def now(self, moment: datetime) -> None:
        self.set(moment)

    @property
    def standing(self) -> bool:
        """Whether the clock stands still (set by hand) rather than running."""
        return self._standing is not None

    def set(self, moment: datetime) -> None:
        """Stop the clock at ``moment`` (a time zone is required; kept as UTC)."""
        self._standing = _utc(moment)

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock on by ``delta`` (back, if negative); returns the new time."""
        if self._standing is not None:
            self._standing += delta
        else:
            self._offset += delta
        return self()

    def stopped(self) -> Clock:
        """A clock standing at what this one shows now (the demo's and the simulation's
        start: today, until they move it)."""
        return Clock.standing_at(self())

    def running(self) -> Clock:
        """A running clock that shows what this one shows now (the demo's web server
        after its jump ahead keeps the demo's date and lets the minutes pass)."""
        return Clock.running_from(self())


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("the clock keeps aware times only (give a time zone)")
    return moment.astimezone(UTC)
