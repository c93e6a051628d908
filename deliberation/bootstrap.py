"""The composition root: reads the configuration and wires adapters to use cases.

Nothing connects, reads files or starts threads at import time; everything
happens in ``bootstrap()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from deliberation.adapters import database, orm
from deliberation.adapters.calendar_entries import write_calendar, write_feed
from deliberation.adapters.calendar_niedersachsen import HolidayCalendar
from deliberation.adapters.links import SignedLinks, secret_from
from deliberation.adapters.passwords import Argon2Passwords
from deliberation.adapters.templates import TemplateCatalog
from deliberation.adapters.unit_of_work import SqlUnitOfWork
from deliberation.adapters.workflow_files import load_workflows
from deliberation.config import Settings, load_settings
from deliberation.domain.clock import Clock
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.model import Body, Municipality
from deliberation.service_layer import consultations, reference_data, workflow_versions
from deliberation.service_layer.ports import Dependencies, Mailing, PasswordHasher


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Application:
    settings: Settings
    deps: Dependencies
    db: Engine
    templates: TemplateCatalog

    def close(self) -> None:
        self.db.dispose()

    def mailing(self) -> Mailing:
        """Rendering, calendar entries and signed links for messages to participants."""
        return build_mailing(self.settings, self.templates, self.deps.clock)

    def passwords(self) -> PasswordHasher:
        """Hashing of staff passwords (argon2id)."""
        return Argon2Passwords()


def build_mailing(
    settings: Settings, templates: TemplateCatalog, clock: Callable[[], datetime]
) -> Mailing:
    links = settings.invitations
    secret = secret_from(links.secret_env, links.secret_file)
    return Mailing(
        renderer=templates,
        calendar=write_calendar,
        calendar_feed=write_feed,
        links=SignedLinks(links.base_url, secret, clock),
        sender=settings.smtp.sender,
        confirm_valid=timedelta(days=links.confirm_valid_days),
        answer_valid=timedelta(days=links.answer_valid_days),
    )


def load_engine(settings: Settings) -> tuple[WorkflowEngine, TemplateCatalog]:
    """Load and validate every workflow definition and its templates."""
    templates = TemplateCatalog(settings.templates_dir, settings.county.timezone)
    definitions = load_workflows(settings.workflows_dir, templates.exists)
    return WorkflowEngine(definitions), templates


def bootstrap(
    config_path: Path,
    database_url: str | None = None,
    clock: Callable[[], datetime] | None = None,
    require_schema: bool = True,
    check_published: bool = True,
) -> Application:
    """The application on ``config_path``; with ``require_schema`` the database must be
    current, with ``check_published`` too no running record's workflow version may have
    been changed in place (``workflow_versions``). Without ``clock`` the application
    runs on the real time (a running ``Clock``)."""
    settings = load_settings(config_path)
    if database_url is not None:
        settings = settings.with_database(database_url)
    engine, templates = load_engine(settings)
    consultations.check_route(engine, settings.consultation_route, settings.source)
    orm.start_mappers()
    db = database.make_engine(settings.database_url)
    if require_schema:
        try:
            database.require_current_schema(db)
        except BaseException:
            db.dispose()
            raise
    factory = database.session_factory(db)
    deps = Dependencies(
        unit_of_work=lambda: SqlUnitOfWork(factory),
        engine=engine,
        clock=clock or Clock(),
        topic_fields=settings.topic_fields,
        timezone=settings.county.timezone,
        county_name=settings.county.name,
        organiser=settings.county.organiser,
        language=settings.county.language,
        consultation_route=settings.consultation_route,
        holidays=HolidayCalendar(settings.school_holidays, settings.county.holiday_state),
    )
    if require_schema and check_published:
        try:
            workflow_versions.require_unchanged(deps)
        except BaseException:
            db.dispose()
            raise
    return Application(settings, deps, db, templates)


def initialise_database(app: Application) -> tuple[str | None, str]:
    """Create or upgrade the schema, then load municipalities and bodies from the config."""
    revisions = database.upgrade(app.db)
    reference_data.synchronise(app.deps, *reference_records(app.settings))
    workflow_versions.stamp_unfingerprinted(app.deps)
    return revisions


def reference_records(settings: Settings) -> tuple[list[Municipality], list[Body]]:
    """The municipalities and bodies ``config.toml`` declares, as domain records."""
    municipalities = [Municipality(m.key, m.name) for m in settings.municipalities]
    bodies = [
        Body(b.key, b.name, b.kind, b.notice_days, b.every_months, b.public, b.notice_counting)
        for b in settings.bodies
    ]
    return municipalities, bodies
