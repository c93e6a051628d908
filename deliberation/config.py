"""The county's configuration (``config.toml``), validated on load.

A wrong or missing key stops the program with one message that names the
file and the key, before any data is touched. Secrets may come from the
environment instead of the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deliberation.adapters._toml import Section, display_name, read_toml
from deliberation.domain.cadence import (
    WEEKDAY_NAMES,
    CadenceError,
    CadenceRule,
    SchoolHoliday,
    allowed_intervals,
)
from deliberation.domain.consultations import RouteStep
from deliberation.domain.errors import ConfigError
from deliberation.oparl_config import DEFAULT_BASE_URL, oparl_base_url
from deliberation.route_config import consultation_route

BODY_KINDS = ("council", "executive", "committee", "commission", "coordination", "team", "advisory")
SMTP_SECURITY = ("none", "starttls", "tls")
DEFAULT_DATABASE_URL = "sqlite:///data/deliberation.sqlite3"


@dataclass(frozen=True)
class County:
    name: str
    organiser: str
    language: str
    timezone: str


@dataclass(frozen=True)
class MunicipalityConfig:
    key: str
    name: str


@dataclass(frozen=True)
class BodyConfig:
    key: str
    name: str
    kind: str
    every_months: int
    notice_days: int
    public: bool
    cadence: CadenceRule | None = None
    avoid_school_holidays: bool = True


@dataclass(frozen=True)
class CycleConfig:
    """A recurring cycle type (e.g. the integration conference) and when it takes place."""

    key: str
    name: str
    every_months: int
    cadence: CadenceRule
    avoid_school_holidays: bool = True


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    username: str
    password: str
    sender: str
    connections: int = 4
    rate_per_minute: int = 600
    timeout_seconds: int = 30
    max_attempts: int = 8
    retry_base_seconds: int = 60
    retry_max_seconds: int = 7200
    claim_timeout_minutes: int = 15


@dataclass(frozen=True)
class InvitationsConfig:
    """Links in emails and the consent periods (``[invitations]``)."""

    base_url: str = "http://localhost:8080"
    secret_env: str = "DELIBERATION_LINK_SECRET"
    secret_file: Path = Path("data/link-secret")
    confirm_valid_days: int = 7
    remove_unconfirmed_after_days: int = 30
    answer_valid_days: int = 365


@dataclass(frozen=True)
class WorkshopScheduleConfig:
    """``[scheduler.workshops]``: where a round's workshops lie before its conference."""

    weeks_before_conference: int = 12
    time: time = time(18, 0)
    notice_days: int = 21
    launch_weeks_before_conference: int = 30
    conference_launch_weeks_before: int = 16
    allow_weekend: bool = False
    duration_minutes: int = 180


@dataclass(frozen=True)
class SchedulerConfig:
    """``[scheduler]``: the periodic tick and the due work it does."""

    tick_seconds: int = 60
    reminder_days: tuple[int, ...] = (7, 1)
    send_time: time = time(8, 0)
    horizon_months: int = 12
    late_after_minutes: int = 15
    max_attempts: int = 5
    retry_minutes: int = 30
    escalation_to: str = ""
    decision_due_days: int = 270
    decided_states: tuple[str, ...] = (
        "adopted", "adopted_amended", "rejected", "withdrawn",
        "in_implementation", "reported_back", "done",
    )
    conference_notice_days: int = 42
    location: str = ""
    workshops: WorkshopScheduleConfig = WorkshopScheduleConfig()


@dataclass(frozen=True)
class Settings:
    county: County
    municipalities: tuple[MunicipalityConfig, ...]
    bodies: tuple[BodyConfig, ...]
    topic_fields: tuple[str, ...]
    database_url: str
    smtp: SmtpConfig
    workflows_dir: Path
    templates_dir: Path
    source: str
    school_holidays: tuple[SchoolHoliday, ...] = ()
    cycles: tuple[CycleConfig, ...] = ()
    invitations: InvitationsConfig = InvitationsConfig()
    consultation_route: tuple[RouteStep, ...] = ()
    oparl_base_url: str = DEFAULT_BASE_URL
    scheduler: SchedulerConfig = SchedulerConfig()

    def with_database(self, url: str) -> Settings:
        return replace(self, database_url=url)

    def municipality(self, key_or_name: str) -> MunicipalityConfig:
        wanted = key_or_name.casefold()
        for m in self.municipalities:
            if wanted in (m.key.casefold(), m.name.casefold()):
                return m
        known = ", ".join(m.key for m in self.municipalities)
        raise ConfigError(f'Gemeinde "{key_or_name}" ist nicht konfiguriert (bekannt: {known}).')


def load_settings(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate ``path``; raise ``ConfigError`` naming file and key on any problem."""
    environ = os.environ if environ is None else environ
    where = display_name(path)
    root = Section(read_toml(path, ConfigError), where, "", ConfigError)
    root.only(
        (
            "county",
            "process",
            "municipalities",
            "bodies",
            "database",
            "smtp",
            "paths",
            "school_holidays",
            "cycles",
            "invitations",
            "consultation_route",
            "oparl",
            "scheduler",
        )
    )
    base = path.resolve().parent
    paths = root.table("paths", default_empty=True)
    paths.only(("workflows", "templates"))
    process = root.table("process")
    process.only(("topic_fields",))
    settings = Settings(
        county=_county(root.table("county")),
        municipalities=_municipalities(root),
        bodies=_bodies(root),
        topic_fields=process.texts("topic_fields"),
        database_url=_database_url(root.table("database", default_empty=True), base, environ),
        smtp=_smtp(root.table("smtp"), environ),
        workflows_dir=base / paths.text("workflows", "workflows"),
        templates_dir=base / paths.text("templates", "templates"),
        source=where,
        school_holidays=_school_holidays(root),
        cycles=_cycles(root.table("cycles", default_empty=True)),
        invitations=_invitations(root.table("invitations", default_empty=True), base),
        scheduler=_scheduler(root.table("scheduler", default_empty=True)),
    )
    _check_unique(root, "municipalities", [m.key for m in settings.municipalities])
    _check_unique(root, "bodies", [b.key for b in settings.bodies])
    route = consultation_route(root, [b.key for b in settings.bodies])
    return replace(settings, consultation_route=route, oparl_base_url=oparl_base_url(root))


def _county(county: Section) -> County:
    county.only(("name", "organiser", "language", "timezone"))
    timezone = county.text("timezone", "Europe/Berlin")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise county.fail(
            "timezone", f'"{timezone}" ist keine Zeitzone (z. B. Europe/Berlin).'
        ) from None
    return County(
        name=county.text("name"),
        organiser=county.text("organiser"),
        language=county.text("language", "de"),
        timezone=timezone,
    )


def _municipalities(root: Section) -> tuple[MunicipalityConfig, ...]:
    result = []
    for m in root.tables("municipalities"):
        m.only(("key", "name"))
        result.append(MunicipalityConfig(key=_slug(m, "key"), name=m.text("name")))
    return tuple(result)


def _bodies(root: Section) -> tuple[BodyConfig, ...]:
    result = []
    for b in root.tables("bodies"):
        b.only(("key", "name", "kind", "every_months", "notice_days", "public", "cadence"))
        kind = b.text("kind")
        if kind not in BODY_KINDS:
            raise b.fail("kind", f'"{kind}" ist unbekannt (erlaubt: {", ".join(BODY_KINDS)}).')
        every_months = b.integer("every_months", minimum=1)
        cadence = b.table("cadence", default_empty=True)
        result.append(
            BodyConfig(
                key=_slug(b, "key"),
                name=b.text("name"),
                kind=kind,
                every_months=every_months,
                notice_days=b.integer("notice_days", minimum=0),
                public=b.flag("public", True),
                cadence=_cadence(b, every_months, cadence),
                avoid_school_holidays=cadence.flag("avoid_school_holidays", True),
            )
        )
    return tuple(result)


CADENCE_KEYS = (
    "months",
    "weekday",
    "week",
    "time",
    "allow_weekend",
    "duration_minutes",
    "anchor_year",
    "avoid_school_holidays",
)


def _cadence(owner: Section, every_months: int, cadence: Section) -> CadenceRule:
    """The cadence rule of a body or cycle type; ``every_months`` is the interval."""
    cadence.only(CADENCE_KEYS)
    if (
        every_months < 1
        or (every_months > 12 and every_months % 12)
        or (every_months < 12 and 12 % every_months)
    ):
        raise owner.fail(
            "every_months",
            f"{every_months} Monate ergeben keinen Sitzungsrhythmus "
            f"(erlaubt: {allowed_intervals()}).",
        )
    months = _months(cadence)
    week = cadence.integer("week", 2)
    if week not in (1, 2, 3, 4, -1):
        raise cadence.fail(
            "week", f"{week} ist nicht möglich (1 bis 4, oder -1 für die letzte Woche)."
        )
    anchor_year: int | None = None
    if "anchor_year" in cadence.data:
        anchor_year = cadence.integer("anchor_year", minimum=1900)
    elif every_months > 12:
        raise cadence.fail(
            "anchor_year",
            f"fehlt; bei every_months = {every_months} ist es ein Jahr mit Sitzung.",
        )
    fields: dict[str, Any] = {
        "interval_months": every_months,
        "months": months,
        "weekday": _weekday(cadence),
        "week_of_month": week,
        "time": _time(cadence),
        "allow_weekend": cadence.flag("allow_weekend", False),
        "duration_minutes": cadence.integer("duration_minutes", 120, minimum=1),
        "anchor_year": anchor_year,
    }
    try:
        return CadenceRule(**fields)
    except CadenceError as exc:
        raise cadence.fail("months", str(exc)) from None


def _months(cadence: Section) -> tuple[int, ...]:
    value = cadence.data.get("months", [])
    if not isinstance(value, list) or not all(
        isinstance(m, int) and not isinstance(m, bool) for m in value
    ):
        raise cadence.fail("months", f"muss eine Liste von Monatszahlen sein, nicht {value!r}.")
    for month in value:
        if not 1 <= month <= 12:
            raise cadence.fail("months", f"Monat {month} gibt es nicht (1 bis 12).")
    return tuple(sorted(value))


def _weekday(cadence: Section) -> int:
    name = cadence.text("weekday", "Dienstag")
    for index, known in enumerate(WEEKDAY_NAMES):
        if name.strip().casefold() == known.casefold():
            return index
    raise cadence.fail(
        "weekday", f'"{name}" ist kein Wochentag (erlaubt: {", ".join(WEEKDAY_NAMES)}).'
    )


def _time(cadence: Section) -> time:
    text = cadence.text("time", "17:00")
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise cadence.fail("time", f'"{text}" ist keine Uhrzeit (Format HH:MM, z. B. "17:00").')
    if int(match[1]) == 2:
        raise cadence.fail("time", f'"{text}" liegt in der Stunde der Zeitumstellung.')
    return time(int(match[1]), int(match[2]))


def _school_holidays(root: Section) -> tuple[SchoolHoliday, ...]:
    if "school_holidays" not in root.data:
        return ()
    result = []
    for h in root.tables("school_holidays"):
        h.only(("name", "first", "last"))
        name, first, last = h.text("name"), _date(h, "first"), _date(h, "last")
        if last < first:
            raise h.fail("last", f"{last:%d.%m.%Y} liegt vor dem ersten Tag {first:%d.%m.%Y}.")
        result.append(SchoolHoliday(name=name, first=first, last=last))
    return tuple(sorted(result, key=lambda h: h.first))


def _date(section: Section, key: str) -> date:
    value = section.data.get(key)
    if key not in section.data:
        raise section.fail(key, "fehlt (Pflichtangabe).")
    if isinstance(value, datetime) or not isinstance(value, date):
        raise section.fail(key, f"muss ein Datum sein (z. B. 2026-07-02), nicht {value!r}.")
    return value


def _cycles(cycles: Section) -> tuple[CycleConfig, ...]:
    result = []
    for key in cycles.data:
        c = cycles.table(key)
        c.only(("name", "every_months", "cadence"))
        if not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in key):
            raise cycles.fail(key, 'der Name darf nur a-z, 0-9, "-" und "_" enthalten.')
        every_months = c.integer("every_months", minimum=1)
        cadence = c.table("cadence", default_empty=True)
        result.append(
            CycleConfig(
                key=key,
                name=c.text("name"),
                every_months=every_months,
                cadence=_cadence(c, every_months, cadence),
                avoid_school_holidays=cadence.flag("avoid_school_holidays", True),
            )
        )
    return tuple(result)


def _database_url(db: Section, base: Path, environ: Mapping[str, str]) -> str:
    db.only(("url", "url_env"))
    env_name = db.text("url_env", "DELIBERATION_DATABASE_URL")
    url = environ.get(env_name) or db.text("url", DEFAULT_DATABASE_URL)
    if "://" not in url:
        raise db.fail("url", f'"{url}" ist keine Datenbank-URL (z. B. {DEFAULT_DATABASE_URL}).')
    return resolve_sqlite_path(url, base)


def resolve_sqlite_path(url: str, base: Path) -> str:
    """Make a relative SQLite file path relative to ``base`` (the config file's folder)."""
    match = re.match(r"(sqlite(?:\+\w+)?:///)(.*)", url)
    if match is None:
        return url
    prefix, file_part = match.groups()
    if file_part in ("", ":memory:") or file_part.startswith("/"):
        return url
    return prefix + str(base / file_part)


def _smtp(smtp: Section, environ: Mapping[str, str]) -> SmtpConfig:
    smtp.only(("host", "port", "security", "username", "password_env", "sender", *SMTP_LIMITS))
    security = smtp.text("security", "none")
    if security not in SMTP_SECURITY:
        allowed = ", ".join(SMTP_SECURITY)
        raise smtp.fail("security", f'"{security}" ist unbekannt (erlaubt: {allowed}).')
    port = smtp.integer("port", minimum=1)
    if port > 65535:
        raise smtp.fail("port", f"{port} ist kein gültiger Port (1 bis 65535).")
    sender = smtp.text("sender")
    if "@" not in sender:
        raise smtp.fail("sender", f'"{sender}" ist keine E-Mail-Adresse.')
    return SmtpConfig(
        host=smtp.text("host"),
        port=port,
        security=security,
        username=smtp.optional_text("username"),
        password=environ.get(smtp.text("password_env", "DELIBERATION_SMTP_PASSWORD"), ""),
        sender=sender,
        **_smtp_limits(smtp),
    )


#: Delivery limits in ``[smtp]``: default and allowed range.
SMTP_LIMITS = {
    "connections": (4, 1, 50),
    "rate_per_minute": (600, 1, 100_000),
    "timeout_seconds": (30, 1, 600),
    "max_attempts": (8, 1, 100),
    "retry_base_seconds": (60, 1, 86_400),
    "retry_max_seconds": (7200, 1, 604_800),
    "claim_timeout_minutes": (15, 1, 1440),
}


def _smtp_limits(smtp: Section) -> dict[str, int]:
    limits = {}
    for key, (default, minimum, maximum) in SMTP_LIMITS.items():
        value = smtp.integer(key, default, minimum=minimum)
        if value > maximum:
            raise smtp.fail(key, f"darf höchstens {maximum} sein, nicht {value}.")
        limits[key] = value
    if limits["retry_max_seconds"] < limits["retry_base_seconds"]:
        raise smtp.fail(
            "retry_max_seconds",
            f"{limits['retry_max_seconds']} ist kleiner als retry_base_seconds "
            f"({limits['retry_base_seconds']}).",
        )
    return limits


def _slug(section: Section, key: str) -> str:
    value = section.text(key)
    if not all(c.isascii() and (c.isalnum() or c in "-_") for c in value):
        raise section.fail(key, f'"{value}" darf nur a-z, 0-9, "-" und "_" enthalten.')
    return value


def _check_unique(root: Section, key: str, keys: list[str]) -> None:
    seen = set()
    for value in keys:
        if value in seen:
            raise root.fail(key, f'der Schlüssel "{value}" kommt doppelt vor.')
        seen.add(value)


def _invitations(section: Section, base: Path) -> InvitationsConfig:
    section.only(
        (
            "base_url",
            "secret_env",
            "secret_file",
            "confirm_valid_days",
            "remove_unconfirmed_after_days",
            "answer_valid_days",
        )
    )
    defaults = InvitationsConfig()
    base_url = section.text("base_url", defaults.base_url).rstrip("/")
    if not re.match(r"https?://[^/\s]+", base_url):
        raise section.fail(
            "base_url", f'"{base_url}" ist keine Web-Adresse (z. B. https://beteiligung.example.de).'
        )
    return InvitationsConfig(
        base_url=base_url,
        secret_env=section.text("secret_env", defaults.secret_env),
        secret_file=base / section.text("secret_file", str(defaults.secret_file)),
        confirm_valid_days=section.integer("confirm_valid_days", 7, minimum=1),
        remove_unconfirmed_after_days=section.integer(
            "remove_unconfirmed_after_days", 30, minimum=1
        ),
        answer_valid_days=section.integer("answer_valid_days", 365, minimum=1),
    )
SCHEDULER_KEYS = (
    "tick_seconds", "reminder_days", "send_time", "horizon_months", "late_after_minutes",
    "max_attempts", "retry_minutes", "escalation_to", "decision_due_days", "decided_states",
    "conference_notice_days", "location", "workshops",
)


def _scheduler(section: Section) -> SchedulerConfig:
    section.only(SCHEDULER_KEYS)
    default = SchedulerConfig()
    reminder_days = section.data.get("reminder_days", list(default.reminder_days))
    if not isinstance(reminder_days, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in reminder_days
    ):
        raise section.fail(
            "reminder_days", f"muss eine Liste ganzer Tage ab 1 sein (z. B. [7, 1]), nicht "
            f"{reminder_days!r}."
        )
    escalation_to = section.optional_text("escalation_to")
    if escalation_to and "@" not in escalation_to:
        raise section.fail("escalation_to", f'"{escalation_to}" ist keine E-Mail-Adresse.')
    workshops = _workshop_schedule(section.table("workshops", default_empty=True))
    horizon = section.integer("horizon_months", default.horizon_months, minimum=1)
    if workshops.launch_weeks_before_conference * 7 > horizon * 28:
        raise section.fail(
            "horizon_months",
            f"{horizon} Monate reichen nicht: die Werkstätten werden "
            f"{workshops.launch_weeks_before_conference} Wochen vor der Konferenz gestartet.",
        )
    return SchedulerConfig(
        tick_seconds=section.integer("tick_seconds", default.tick_seconds, minimum=1),
        reminder_days=tuple(sorted(set(reminder_days), reverse=True)),
        send_time=_time_key(section, "send_time", "08:00"),
        horizon_months=horizon,
        late_after_minutes=section.integer("late_after_minutes", 15, minimum=0),
        max_attempts=section.integer("max_attempts", default.max_attempts, minimum=1),
        retry_minutes=section.integer("retry_minutes", default.retry_minutes, minimum=1),
        escalation_to=escalation_to,
        decision_due_days=section.integer("decision_due_days", 270, minimum=1),
        decided_states=section.texts("decided_states", default.decided_states),
        conference_notice_days=section.integer("conference_notice_days", 42, minimum=0),
        location=section.optional_text("location"),
        workshops=workshops,
    )


def _workshop_schedule(section: Section) -> WorkshopScheduleConfig:
    section.only((
        "weeks_before_conference", "time", "notice_days", "launch_weeks_before_conference",
        "conference_launch_weeks_before", "allow_weekend", "duration_minutes",
    ))
    weeks = section.integer("weeks_before_conference", 12, minimum=1)
    notice = section.integer("notice_days", 21, minimum=0)
    launch = section.integer("launch_weeks_before_conference", 30, minimum=1)
    if launch * 7 <= weeks * 7 + notice:
        raise section.fail(
            "launch_weeks_before_conference",
            f"{launch} Wochen sind zu knapp: die Werkstätten liegen {weeks} Wochen vor der "
            f"Konferenz und brauchen {notice} Tage Ladungsfrist.",
        )
    return WorkshopScheduleConfig(
        weeks_before_conference=weeks,
        time=_time_key(section, "time", "18:00"),
        notice_days=notice,
        launch_weeks_before_conference=launch,
        conference_launch_weeks_before=section.integer(
            "conference_launch_weeks_before", 16, minimum=1
        ),
        allow_weekend=section.flag("allow_weekend", False),
        duration_minutes=section.integer("duration_minutes", 180, minimum=1),
    )


def _time_key(section: Section, key: str, default: str) -> time:
    text = section.text(key, default)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise section.fail(key, f'"{text}" ist keine Uhrzeit (Format HH:MM, z. B. "08:00").')
    return time(int(match[1]), int(match[2]))
