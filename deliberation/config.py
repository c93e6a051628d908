"""The county's configuration (``config.toml``), declared once and validated on load.

Every key of the file is declared exactly once below, as a field of the
dataclass of its table: its type (the annotation), its default and its help
text (``setting(...)``). The loader (``deliberation.setting_fields``) derives
from these declarations which keys are allowed, which are required, the type
checks and the defaults; a wrong or missing key stops the program with one
German message that names the file and the dotted key, before any data is
touched. Secrets may come from the environment instead of the file.

Adding a setting is one edit:

* a key in an existing table: add a field to that table's class, e.g. in
  ``SchedulerConfig``::

      digest_hour: int = setting(7, help="Stunde der täglichen Übersicht", maximum=23)

  and, if it is new to staff, a commented line in ``config.toml``;
* a new table ``[web]``: a frozen dataclass whose fields are all declared
  with ``setting()``, and a field ``web: WebConfig = setting(WebConfig(), help=...)``
  in ``Settings``.

Rules that span several keys of one table go into that class's
``checked(section, reading)`` method (see ``SmtpConfig``); a key whose value
needs more than the built-in types (``str``, ``int``, ``bool``, times, dates,
paths, lists, sub-tables) gets ``read=``. Cadence rules are checked in one
place, ``domain.cadence.CadenceRule``; the loader only points its complaint at
the key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, time
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deliberation.domain.cadence import (
    WEEKDAY_NAMES,
    CadenceError,
    CadenceRule,
    SchoolHoliday,
)
from deliberation.domain.consultations import RouteStep
from deliberation.domain.errors import ConfigError
from deliberation.domain.notice import NoticeCounting
from deliberation.oparl_config import OparlConfig
from deliberation.route_config import RouteEntry, consultation_route
from deliberation.setting_fields import Reading, derived, read_table, setting
from deliberation.toml_files import Section, display_name, read_toml

BODY_KINDS = ("council", "executive", "committee", "commission", "coordination", "team", "advisory")
SMTP_SECURITY = ("none", "starttls", "tls")
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_DATABASE_URL = "sqlite:///data/deliberation.sqlite3"
#: The German federal states, by the codes of ISO 3166-2:DE (and of the ``holidays`` package).
FEDERAL_STATES = (
    "BB",
    "BE",
    "BW",
    "BY",
    "HB",
    "HE",
    "HH",
    "MV",
    "NI",
    "NW",
    "RP",
    "SH",
    "SL",
    "SN",
    "ST",
    "TH",
)


def _slug(value: str) -> str | None:
    if all(c.isascii() and (c.isalnum() or c in "-_") for c in value):
        return None
    return f'"{value}" darf nur a-z, 0-9, "-" und "_" enthalten.'


def _email(value: str) -> str | None:
    return None if not value or "@" in value else f'"{value}" ist keine E-Mail-Adresse.'


def _timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f'"{value}" ist keine Zeitzone (z. B. Europe/Berlin).'
    return None


def _web_address(value: str) -> str | None:
    if re.match(r"https?://[^/\s]+", value.rstrip("/")):
        return None
    return f'"{value.rstrip("/")}" ist keine Web-Adresse (z. B. https://beteiligung.example.de).'


def _port(value: int) -> str | None:
    return None if value <= 65535 else f"{value} ist kein gültiger Port (1 bis 65535)."


def _weekday(value: str) -> str | None:
    if value.strip().casefold() in (w.casefold() for w in WEEKDAY_NAMES):
        return None
    return f'"{value}" ist kein Wochentag (erlaubt: {", ".join(WEEKDAY_NAMES)}).'


@dataclass(frozen=True)
class County:
    """``[county]``: who runs the process, in which language and time zone."""

    name: str = setting(help="Name des Landkreises oder der Stadt")
    organiser: str = setting(help="die veranstaltende Stelle, z. B. das Referat")
    language: str = setting("de", help="Sprache der Verwaltung (Standard für Teilnehmende)")
    timezone: str = setting("Europe/Berlin", help="Zeitzone aller Termine", check=_timezone)
    holiday_state: str = setting(
        "NI",
        help="Bundesland der gesetzlichen Feiertage (Kürzel, z. B. NI)",
        choices=FEDERAL_STATES,
    )


@dataclass(frozen=True)
class MunicipalityConfig:
    """``[[municipalities]]``: one municipality of the county."""

    key: str = setting(help="kurzer Schlüssel (a-z, 0-9, - und _)", check=_slug)
    name: str = setting(help="Name der Gemeinde, wie Teilnehmende ihn kennen")
    venue: str = setting(
        "",
        help="Ort der Zukunftswerkstatt der Gemeinde (Adresse), wenn das Referat keinen anderen "
        "wählt; leer: der vorgeschlagene Termin hat keinen Ort, bis einer eingetragen ist",
    )


@dataclass(frozen=True)
class CadenceConfig:
    """``cadence`` of a body or a cycle type: when its meetings lie (Europe/Berlin wall clock)."""

    months: tuple[int, ...] = setting(
        (),
        help="bevorzugte Monate im Abstand von every_months (Standard: ab Januar)",
        expected="eine Liste von Monatszahlen",
        normalise=lambda months: tuple(sorted(months)),
    )
    weekday: str = setting("Dienstag", help="Wochentag (Montag … Sonntag)", check=_weekday)
    week: int = setting(2, help="Woche im Monat: 1 bis 4, oder -1 für die letzte")
    time: time = setting(time(17, 0), help="Uhrzeit HH:MM, bleibt über die Zeitumstellung gleich")
    allow_weekend: bool = setting(False, help="Sitzungen am Wochenende erlaubt")
    duration_minutes: int = setting(120, help="Dauer einer Sitzung in Minuten", minimum=1)
    anchor_year: int | None = setting(
        None, help="bei every_months über 12: ein Jahr mit Sitzung", minimum=1900
    )
    avoid_school_holidays: bool = setting(True, help="Schulferien meiden")

    def rule(self, every_months: int) -> CadenceRule:
        """The domain's rule; ``CadenceRule`` checks it (the one place for cadence rules)."""
        weekday = [w.casefold() for w in WEEKDAY_NAMES].index(self.weekday.strip().casefold())
        return CadenceRule(
            interval_months=every_months,
            months=self.months,
            weekday=weekday,
            week_of_month=self.week,
            time=self.time,
            allow_weekend=self.allow_weekend,
            duration_minutes=self.duration_minutes,
            anchor_year=self.anchor_year,
        )


#: Where a complaint of ``CadenceRule`` about one of its fields points in the file.
_CADENCE_KEYS = {"interval_months": "every_months", "week_of_month": "week"}


def _checked_cadence(owner: Section, every_months: int, schedule: CadenceConfig) -> None:
    try:
        schedule.rule(every_months)
    except CadenceError as exc:
        key = _CADENCE_KEYS.get(exc.setting, exc.setting or "months")
        section = owner if key == "every_months" else owner.table("cadence", default_empty=True)
        raise section.fail(key, str(exc)) from None


@dataclass(frozen=True)
class BodyConfig:
    """``[[bodies]]``: a standing body with its cadence and notice period."""

    key: str = setting(help="kurzer Schlüssel (a-z, 0-9, - und _)", check=_slug)
    name: str = setting(help="Name des Gremiums")
    kind: str = setting(help="Art des Gremiums", choices=BODY_KINDS)
    every_months: int = setting(
        help="Sitzungsrhythmus in Monaten (1, 2, 3, 4, 6, 12 oder ein Vielfaches von 12)",
        minimum=1,
    )
    notice_days: int = setting(help="Ladungsfrist laut Geschäftsordnung in Tagen", minimum=0)
    notice_counting: str = setting(
        NoticeCounting.CALENDAR_DAYS.value,
        help="wie die Geschäftsordnung die Ladungsfrist zählt: calendar_days (Kalendertage), "
        "working_days (Werktage ohne Sonn- und Feiertage), business_days (Arbeitstage "
        "Montag bis Freitag ohne Feiertage)",
        choices=tuple(c.value for c in NoticeCounting),
    )
    public: bool = setting(True, help="öffentliche Sitzungen (false: nicht öffentlich)")
    schedule: CadenceConfig = setting(
        CadenceConfig(), key="cadence", help="wann die Sitzungen liegen"
    )

    @cached_property
    def cadence(self) -> CadenceRule:
        return self.schedule.rule(self.every_months)

    @property
    def avoid_school_holidays(self) -> bool:
        return self.schedule.avoid_school_holidays

    def checked(self, section: Section, reading: Reading) -> BodyConfig:
        _checked_cadence(section, self.every_months, self.schedule)
        return self


@dataclass(frozen=True, kw_only=True)
class CycleConfig:
    """``[cycles.NAME]``: a recurring cycle type (e.g. the integration conference)."""

    key: str = derived("", help="der Name der Tabelle, z. B. integration_conference")
    name: str = setting(help="Titel des Zyklus")
    every_months: int = setting(help="Rhythmus in Monaten, z. B. 24 für alle zwei Jahre", minimum=1)
    schedule: CadenceConfig = setting(CadenceConfig(), key="cadence", help="wann er stattfindet")

    @cached_property
    def cadence(self) -> CadenceRule:
        return self.schedule.rule(self.every_months)

    @property
    def avoid_school_holidays(self) -> bool:
        return self.schedule.avoid_school_holidays

    def checked(self, section: Section, reading: Reading) -> CycleConfig:
        _checked_cadence(section, self.every_months, self.schedule)
        return self


def _cycles(section: Section, key: str, reading: Reading) -> tuple[CycleConfig, ...]:
    cycles = section.table(key, default_empty=True)
    result = []
    for name in cycles.data:
        complaint = _slug(name)
        if complaint:
            raise cycles.fail(name, 'der Name darf nur a-z, 0-9, "-" und "_" enthalten.')
        result.append(read_table(CycleConfig, cycles.table(name), reading.inside(), {"key": name}))
    return tuple(result)


@dataclass(frozen=True)
class SchoolHolidayConfig(SchoolHoliday):
    """``[[school_holidays]]``: a period without meetings, first and last day inclusive."""

    name: str = setting(help="Name, z. B. Sommerferien 2026")
    first: date = setting(help="erster Ferientag")
    last: date = setting(help="letzter Ferientag")


@dataclass(frozen=True)
class ProcessConfig:
    """``[process]``: the standing topic fields of the integration conference."""

    topic_fields: tuple[str, ...] = setting(help="ständige Themenfelder (Handlungsfelder)")


@dataclass(frozen=True)
class DatabaseConfig:
    """``[database]``: where the data live; the URL may come from the environment."""

    url: str = setting(DEFAULT_DATABASE_URL, help="Datenbank-URL (SQLite-Datei oder PostgreSQL)")
    url_env: str = setting(
        "DELIBERATION_DATABASE_URL", help="Umgebungsvariable, die url ersetzt, wenn sie gesetzt ist"
    )

    def checked(self, section: Section, reading: Reading) -> DatabaseConfig:
        url = reading.environ.get(self.url_env) or self.url
        if "://" not in url:
            raise section.fail(
                "url", f'"{url}" ist keine Datenbank-URL (z. B. {DEFAULT_DATABASE_URL}).'
            )
        return replace(self, url=resolve_sqlite_path(url, reading.base))


@dataclass(frozen=True)
class SmtpConfig:
    """``[smtp]``: the mail relay and the limits of delivery from the outbox."""

    host: str = setting(help="Mail-Server (Relay)")
    port: int = setting(help="Port des Mail-Servers", minimum=1, check=_port)
    sender: str = setting(help="Absenderadresse", check=_email)
    security: str = setting("none", help="Verschlüsselung", choices=SMTP_SECURITY)
    username: str = setting("", help="Benutzername (leer: ohne Anmeldung)")
    password: str = derived("", help="Passwort, aus der Umgebungsvariablen password_env")
    password_env: str = setting(
        "DELIBERATION_SMTP_PASSWORD", help="Umgebungsvariable mit dem SMTP-Passwort"
    )
    connections: int = setting(4, help="gleichzeitige SMTP-Verbindungen", minimum=1, maximum=50)
    rate_per_minute: int = setting(
        600, help="höchstens so viele Nachrichten je Minute", minimum=1, maximum=100_000
    )
    timeout_seconds: int = setting(30, help="Zeitlimit je SMTP-Schritt", minimum=1, maximum=600)
    max_attempts: int = setting(
        8, help="Versuche, bevor eine Nachricht als gescheitert gilt", minimum=1, maximum=100
    )
    retry_base_seconds: int = setting(
        60, help="Wartezeit vor dem 2. Versuch (verdoppelt sich)", minimum=1, maximum=86_400
    )
    retry_max_seconds: int = setting(
        7200, help="längste Wartezeit zwischen Versuchen", minimum=1, maximum=604_800
    )
    claim_timeout_minutes: int = setting(
        15,
        help="so lange darf ein Versand hängen, bevor ein anderer übernimmt",
        minimum=1,
        maximum=1440,
    )

    def checked(self, section: Section, reading: Reading) -> SmtpConfig:
        if self.retry_max_seconds < self.retry_base_seconds:
            raise section.fail(
                "retry_max_seconds",
                f"{self.retry_max_seconds} ist kleiner als retry_base_seconds "
                f"({self.retry_base_seconds}).",
            )
        return replace(self, password=reading.environ.get(self.password_env, ""))


@dataclass(frozen=True)
class PathsConfig:
    """``[paths]``: folders, relative to the config file."""

    workflows: Path = setting(Path("workflows"), help="Ordner der Workflow-Definitionen")
    templates: Path = setting(Path("templates"), help="Ordner der Vorlagen")


@dataclass(frozen=True)
class InvitationsConfig:
    """``[invitations]``: links in emails and the consent periods."""

    base_url: str = setting(
        "http://localhost:8000",
        help="Web-Adresse der Links in E-Mails (die Webanwendung)",
        check=_web_address,
        normalise=lambda url: url.rstrip("/"),
    )
    secret_env: str = setting(
        "DELIBERATION_LINK_SECRET", help="Umgebungsvariable mit dem Schlüssel der Links"
    )
    secret_file: Path = setting(
        Path("data/link-secret"), help="Datei mit dem Schlüssel, wenn die Variable fehlt"
    )
    confirm_valid_days: int = setting(7, help="so lange gilt der Bestätigungslink", minimum=1)
    remove_unconfirmed_after_days: int = setting(
        30, help="unbestätigte Adressen danach löschen", minimum=1
    )
    answer_valid_days: int = setting(365, help="so lange gelten Zu-/Absage-Links", minimum=1)


@dataclass(frozen=True)
class RetentionConfig:
    """``[retention]``: how long personal data is kept (DSGVO Art. 5: storage limitation).

    The scheduler applies these periods on every tick; unconfirmed consent requests
    go after ``[invitations] remove_unconfirmed_after_days``.
    """

    message_text_days: int = setting(
        30,
        help="Text versandter E-Mails so viele Tage nach dem Versand löschen (Kopfzeilen, "
        "Empfänger, Betreff, Status und Zeitpunkte bleiben)",
        minimum=1,
    )
    answers_days: int = setting(
        90,
        help="Antworten auf Einladungen so viele Tage nach dem Ende der Sitzung löschen (die "
        "Zahl der Eingeladenen und Zusagen bleibt)",
        minimum=1,
    )
    log_years: int = setting(
        3,
        help="Protokollzeilen nach so vielen Jahren pseudonymisieren: wer, Begründung und "
        "betroffene Person gehen, was wann geschah bleibt",
        minimum=1,
        maximum=100,
    )


@dataclass(frozen=True)
class WebConfig:
    """``[web]``: the staff web application: address, sessions, lock-out."""

    base_url: str = setting(
        "http://localhost:8000",
        help="öffentliche Adresse der Webanwendung (mit https://: Cookies nur über HTTPS)",
        check=_web_address,
        normalise=lambda url: url.rstrip("/"),
    )
    session_hours: int = setting(8, help="so lange gilt eine Anmeldung", minimum=1, maximum=720)
    secret_env: str = setting(
        "DELIBERATION_WEB_SECRET", help="Umgebungsvariable mit dem Schlüssel der Sitzungs-Cookies"
    )
    secret_file: Path = setting(
        Path("data/web-secret"), help="Datei mit dem Schlüssel, wenn die Variable fehlt"
    )
    login_attempts: int = setting(
        5, help="so viele Fehlversuche in Folge, dann gesperrt", minimum=1
    )
    lockout_minutes: int = setting(15, help="so lange bleibt ein Zugang gesperrt", minimum=1)


@dataclass(frozen=True)
class PublicConfig:
    """``[public]``: the public pages' forms (bring a need, my data): abuse protection."""

    max_form_bytes: int = setting(
        32768, help="so viele Bytes darf ein öffentliches Formular höchstens haben", minimum=1024
    )
    posts_per_window: int = setting(
        10, help="so viele Formulare je Adresse und Formular im Zeitfenster", minimum=1
    )
    window_minutes: int = setting(10, help="Länge des Zeitfensters in Minuten", minimum=1)


@dataclass(frozen=True)
class WorkshopScheduleConfig:
    """``[scheduler.workshops]``: where a round's workshops lie before its conference."""

    weeks_before_conference: int = setting(
        12, help="Zukunftswerkstätten so viele Wochen vor der Konferenz", minimum=1
    )
    time: time = setting(time(18, 0), help="Uhrzeit der Werkstätten")
    notice_days: int = setting(21, help="Ladungsfrist der Werkstätten", minimum=0)
    launch_weeks_before_conference: int = setting(
        30, help="Durchgang so viele Wochen vor der Konferenz starten", minimum=1
    )
    conference_launch_weeks_before: int = setting(
        16, help="die Konferenz so viele Wochen vorher starten", minimum=1
    )
    allow_weekend: bool = setting(False, help="Werkstätten am Wochenende erlaubt")
    duration_minutes: int = setting(180, help="Dauer einer Werkstatt in Minuten", minimum=1)

    def checked(self, section: Section, reading: Reading) -> WorkshopScheduleConfig:
        weeks, notice = self.weeks_before_conference, self.notice_days
        if self.launch_weeks_before_conference * 7 <= weeks * 7 + notice:
            raise section.fail(
                "launch_weeks_before_conference",
                f"{self.launch_weeks_before_conference} Wochen sind zu knapp: die Werkstätten "
                f"liegen {weeks} Wochen vor der Konferenz und brauchen {notice} Tage "
                "Ladungsfrist.",
            )
        return self


@dataclass(frozen=True)
class SchedulerConfig:
    """``[scheduler]``: the periodic tick and the due work it does."""

    tick_seconds: int = setting(60, help="so oft schaut der Terminplaner nach Arbeit", minimum=1)
    reminder_days: tuple[int, ...] = setting(
        (7, 1),
        help="Erinnerungen so viele Tage vor der Sitzung",
        minimum=1,
        expected="eine Liste ganzer Tage ab 1 (z. B. [7, 1])",
        normalise=lambda days: tuple(sorted(set(days), reverse=True)),
    )
    send_time: time = setting(time(8, 0), help="Uhrzeit für Einladungen, Erinnerungen, Mahnungen")
    horizon_months: int = setting(12, help="so weit im Voraus Sitzungen vorschlagen", minimum=1)
    late_after_minutes: int = setting(
        15, help="später erledigte Arbeit gilt als verspätet", minimum=0
    )
    max_attempts: int = setting(5, help="Versuche einer scheiternden Aufgabe", minimum=1)
    retry_minutes: int = setting(30, help="Wartezeit vor dem nächsten Versuch", minimum=1)
    escalation_to: str = setting("", help="Empfänger der Mahnungen", check=_email)
    decision_due_days: int = setting(
        270, help="Beschluss spätestens so viele Tage nach dem Entwurf", minimum=1
    )
    conference_notice_days: int = setting(
        42, help="Ladungsfrist der Integrationskonferenz", minimum=0
    )
    location: str = setting("", help="Ort der Sitzungen, die der Terminplaner vorschlägt")
    workshops: WorkshopScheduleConfig = setting(
        WorkshopScheduleConfig(), help="die Zukunftswerkstätten eines Durchgangs"
    )

    def checked(self, section: Section, reading: Reading) -> SchedulerConfig:
        launch = self.workshops.launch_weeks_before_conference
        if launch * 7 > self.horizon_months * 28:
            raise section.fail(
                "horizon_months",
                f"{self.horizon_months} Monate reichen nicht: die Werkstätten werden "
                f"{launch} Wochen vor der Konferenz gestartet.",
            )
        return self


@dataclass(frozen=True)
class LoggingConfig:
    """``[logging]``: what the web application, the scheduler and the sender write to the log."""

    format: str = setting(
        "text",
        help="text: eine Zeile je Meldung; json: JSON Lines für Log-Sammler",
        choices=LOG_FORMATS,
    )
    level: str = setting("INFO", help="ab welcher Stufe gemeldet wird", choices=LOG_LEVELS)


@dataclass(frozen=True)
class HealthConfig:
    """``[health]``: when ``/readyz`` and ``status --check`` report a problem."""

    outbox_stuck_minutes: int = setting(
        30,
        help="Postausgang hängt, wenn fällige E-Mails so lange warten und keine hinausging",
        minimum=1,
    )


@dataclass(frozen=True)
class RenderingConfig:
    """``[rendering]``: how a large fan-out of invitations is turned into outbox messages.

    The messages are stored in parts of ``chunk_size``, each part with its invitations in
    one transaction, so the sender delivers the first part while the rest is rendered; a
    fan-out of at least ``processes_from`` messages is rendered in ``workers`` processes.
    """

    chunk_size: int = setting(
        500,
        help="so viele Einladungen werden zusammen gespeichert; der Versand beginnt nach dem "
        "ersten Teil",
        minimum=1,
        maximum=10_000,
    )
    processes_from: int = setting(
        2000, help="ab so vielen Einladungen einer Runde in eigenen Prozessen rendern", minimum=1
    )
    workers: int = setting(
        0,
        help="so viele Prozesse rendern eine große Runde (0: einer weniger, als der Rechner "
        "Prozessorkerne hat, mindestens einer; der letzte Kern bleibt für Speichern und Versand)",
        minimum=0,
        maximum=64,
    )


def _route(section: Section, key: str, reading: Reading) -> tuple[RouteStep, ...]:
    bodies: tuple[BodyConfig, ...] = reading.values["bodies"]
    return consultation_route(section, [b.key for b in bodies], reading)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The whole ``config.toml``: one field per table."""

    county: County = setting(help="der Landkreis")
    process: ProcessConfig = setting(help="der Prozess")
    municipalities: tuple[MunicipalityConfig, ...] = setting(help="die Gemeinden")
    bodies: tuple[BodyConfig, ...] = setting(help="die Gremien")
    database: DatabaseConfig = setting(DatabaseConfig(), help="die Datenbank")
    smtp: SmtpConfig = setting(help="der Mail-Versand")
    paths: PathsConfig = setting(PathsConfig(), help="Ordner")
    school_holidays: tuple[SchoolHolidayConfig, ...] = setting(
        (),
        help="Schulferien ohne Sitzungen",
        normalise=lambda holidays: tuple(sorted(holidays, key=lambda h: h.first)),
    )
    cycles: tuple[CycleConfig, ...] = setting(
        (), help="wiederkehrende Zyklen", read=_cycles, entries=CycleConfig
    )
    invitations: InvitationsConfig = setting(InvitationsConfig(), help="Links und Einwilligung")
    consultation_route: tuple[RouteStep, ...] = setting(
        (), help="die Beratungsfolge einer Empfehlung", read=_route, entries=RouteEntry
    )
    oparl: OparlConfig = setting(OparlConfig(), help="der OParl-Export")
    scheduler: SchedulerConfig = setting(SchedulerConfig(), help="der Terminplaner")
    web: WebConfig = setting(WebConfig(), help="die Webanwendung")
    public: PublicConfig = setting(PublicConfig(), help="die öffentlichen Seiten")
    retention: RetentionConfig = setting(RetentionConfig(), help="Aufbewahrungsfristen")
    logging: LoggingConfig = setting(LoggingConfig(), help="das Protokoll der Dienste")
    rendering: RenderingConfig = setting(RenderingConfig(), help="das Rendern großer Runden")
    health: HealthConfig = setting(HealthConfig(), help="die Betriebsprüfung")
    source: str = derived("", help="die Datei, als ordner/name (für Meldungen)")

    @property
    def topic_fields(self) -> tuple[str, ...]:
        return self.process.topic_fields

    @property
    def database_url(self) -> str:
        return self.database.url

    @property
    def workflows_dir(self) -> Path:
        return self.paths.workflows

    @property
    def templates_dir(self) -> Path:
        return self.paths.templates

    @property
    def oparl_base_url(self) -> str:
        return self.oparl.base_url

    def with_database(self, url: str) -> Settings:
        return replace(self, database=replace(self.database, url=url))

    def municipality(self, key_or_name: str) -> MunicipalityConfig:
        wanted = key_or_name.casefold()
        for m in self.municipalities:
            if wanted in (m.key.casefold(), m.name.casefold()):
                return m
        known = ", ".join(m.key for m in self.municipalities)
        raise ConfigError(f'Gemeinde "{key_or_name}" ist nicht konfiguriert (bekannt: {known}).')


def load_settings(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate ``path``; raise ``ConfigError`` naming file and key on any problem."""
    where = display_name(path)
    root = Section(read_toml(path, ConfigError), where, "", ConfigError)
    reading = Reading(path.resolve().parent, os.environ if environ is None else environ)
    return read_table(Settings, root, reading, {"source": where})


def resolve_sqlite_path(url: str, base: Path) -> str:
    """Make a relative SQLite file path relative to ``base`` (the config file's folder)."""
    match = re.match(r"(sqlite(?:\+\w+)?:///)(.*)", url)
    if match is None:
        return url
    prefix, file_part = match.groups()
    if file_part in ("", ":memory:") or file_part.startswith("/"):
        return url
    return prefix + str(base / file_part)
