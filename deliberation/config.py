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
from pathlib import Path

from deliberation.adapters._toml import Section, display_name, read_toml
from deliberation.domain.errors import ConfigError

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


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    username: str
    password: str
    sender: str


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
    root.only(("county", "process", "municipalities", "bodies", "database", "smtp", "paths"))
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
    )
    _check_unique(root, "municipalities", [m.key for m in settings.municipalities])
    _check_unique(root, "bodies", [b.key for b in settings.bodies])
    return settings


def _county(county: Section) -> County:
    county.only(("name", "organiser", "language", "timezone"))
    return County(
        name=county.text("name"),
        organiser=county.text("organiser"),
        language=county.text("language", "de"),
        timezone=county.text("timezone", "Europe/Berlin"),
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
        b.only(("key", "name", "kind", "every_months", "notice_days", "public"))
        kind = b.text("kind")
        if kind not in BODY_KINDS:
            raise b.fail("kind", f'"{kind}" ist unbekannt (erlaubt: {", ".join(BODY_KINDS)}).')
        result.append(
            BodyConfig(
                key=_slug(b, "key"),
                name=b.text("name"),
                kind=kind,
                every_months=b.integer("every_months", minimum=1),
                notice_days=b.integer("notice_days", minimum=0),
                public=b.flag("public", True),
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
    smtp.only(("host", "port", "security", "username", "password_env", "sender"))
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
    )


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
