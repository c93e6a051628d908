"""The forms of the meeting pages: a moment typed as date and time, an audience, a new meeting."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, field_validator

from deliberation.domain import wall_clock
from deliberation.domain.invitations import Audience
from deliberation.entrypoints.web.forms import FormErrors

DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")
TIME_FORMATS = ("%H:%M", "%H.%M")


def parse_day(value: str) -> datetime:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
    raise ValueError("Bitte ein Datum im Format TT.MM.JJJJ eingeben, z. B. 17.03.2027.")


def parse_clock(value: str) -> datetime:
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
    raise ValueError("Bitte eine Uhrzeit im Format HH:MM eingeben, z. B. 18:00.")


class MomentForm(BaseModel):
    """A date and a time as staff type them (``TT.MM.JJJJ``, ``HH:MM``)."""

    day: str = Field(title="Datum")
    clock: str = Field(title="Uhrzeit")

    @field_validator("day")
    @classmethod
    def _day(cls, value: str) -> str:
        parse_day(value)
        return value.strip()

    @field_validator("clock")
    @classmethod
    def _clock(cls, value: str) -> str:
        parse_clock(value)
        return value.strip()

    def moment(self, timezone: str, errors: FormErrors) -> datetime | None:
        """The instant; ``None`` with an error at the time if the clock skips it (spring)."""
        local = datetime.combine(parse_day(self.day).date(), parse_clock(self.clock).time())
        try:
            return wall_clock.exact(local, ZoneInfo(timezone)).at
        except wall_clock.NonexistentTime as exc:
            errors.add("clock", str(exc), "Uhrzeit")
            return None


class MoveForm(MomentForm):
    location: str = Field(title="Ort", min_length=1, max_length=300)


class NewMeetingForm(MomentForm):
    body: str = Field(title="Gremium", min_length=1)
    location: str = Field(title="Ort", min_length=1, max_length=300)
    title: str = Field(title="Titel", default="", max_length=300)


def audience_of(values: dict[str, object]) -> Audience:
    """The audience chosen with the checkboxes (nothing chosen in a group: any)."""

    def chosen(name: str) -> frozenset[str]:
        value = values.get(name, [])
        items = value if isinstance(value, list) else [value]
        return frozenset(str(v) for v in items if str(v).strip())

    return Audience(
        chosen("bodies"), chosen("roles"), chosen("municipalities"), chosen("languages")
    )


def confirmed(values: dict[str, object]) -> bool:
    """Whether the person ticked "trotzdem" for the warnings about a date."""
    return values.get("trotzdem") == "ja"
