"""The composition root: reads the configuration and wires adapters to use cases.

Every adapter is built here: the database, the SMTP and file transports, the local
mail sink, printable HTML documents, the holiday calendar, the link signer, the
scheduler's lock and APScheduler, the clock. Entrypoints get what they need from the
``Application`` (or the functions below) and import no adapter that holds a resource or
configuration themselves (an import-linter contract in ``pyproject.toml``).

Nothing connects, reads files or starts threads at import time; everything
happens in ``bootstrap()``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from deliberation.adapters import database, orm, publication_stamps, render_processes, unit_of_work
from deliberation.adapters.calendar_entries import write_calendar, write_feed
from deliberation.adapters.calendar_niedersachsen import HolidayCalendar
from deliberation.adapters.database import DatabaseError as DatabaseError
from deliberation.adapters.file_transport import FileTransport
from deliberation.adapters.health_store import SqlHealthProbe
from deliberation.adapters.html_documents import HtmlDocuments
from deliberation.adapters.links import SignedLinks, secret_from
from deliberation.adapters.passwords import Argon2Passwords
from deliberation.adapters.render_processes import ProcessRenderer
from deliberation.adapters.scheduler_lock import SchedulerLock, scheduler_lock
from deliberation.adapters.smtp_sender import SmtpTransport
from deliberation.adapters.templates import TemplateCatalog
from deliberation.adapters.unit_of_work import SqlUnitOfWork
from deliberation.adapters.workflow_files import load_workflows
from deliberation.config import Settings, SmtpConfig, load_settings
from deliberation.domain.clock import Clock
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.model import Body, Municipality
from deliberation.service_layer import (
    consultations,
    notifications,
    reference_data,
    workflow_versions,
)
from deliberation.service_layer.health import HealthProbe
from deliberation.service_layer.notifications import FanOut
from deliberation.service_layer.ports import (
    Dependencies,
    Mailing,
    PasswordHasher,
    RenderedInvitation,
)

if TYPE_CHECKING:  # aiosmtpd is imported only where a sink runs
    from deliberation.adapters.mailsink import MailSink
    from deliberation.adapters.mailsink import ReceivedMail as ReceivedMail


@dataclass
class Application:
    settings: Settings
    deps: Dependencies
    db: Engine
    templates: TemplateCatalog
    _renderer: ProcessRenderer | None = field(default=None, init=False, repr=False)

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
        self.db.dispose()

    def mailing(self) -> Mailing:
        """Rendering, calendar entries and signed links for messages to participants."""
        return build_mailing(self.settings, self.templates, self.deps.clock)

    def passwords(self) -> PasswordHasher:
        """Hashing of staff passwords (argon2id)."""
        return Argon2Passwords()

    def health(self) -> HealthProbe:
        """The readiness checks' view of the database, and the processes' heartbeats."""
        return SqlHealthProbe(self.db)

    def documents(self) -> HtmlDocuments:
        """Printable HTML documents from the templates folder (autoescaped)."""
        return HtmlDocuments(self.settings.templates_dir)

    def smtp_transport(self, smtp: SmtpConfig | None = None) -> SmtpTransport:
        """Delivery to the mail relay of ``[smtp]`` (or of ``smtp``, e.g. the demo's sink)."""
        return SmtpTransport(smtp or self.settings.smtp)

    def file_transport(self, folder: Path) -> FileTransport:
        """Delivery into ``folder``, one .eml file per message (the simulation's mail)."""
        return FileTransport(folder)

    def holidays(self) -> HolidayCalendar:
        """Public holidays of ``[county] holiday_state`` and the configured school holidays."""
        return holiday_calendar(self.settings)

    def web_secret(self) -> str:
        """The key that signs the web application's session cookies."""
        web = self.settings.web
        return secret_from(web.secret_env, web.secret_file)()

    def scheduler_lock(self) -> SchedulerLock:
        """The lock that keeps the scheduler process single (advisory lock or lock file)."""
        return scheduler_lock(self.db)

    def scheduler(self) -> Any:
        """APScheduler's blocking scheduler for the tick, its job store in this database
        (one worker, missed runs coalesced, UTC)."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.blocking import BlockingScheduler

        return BlockingScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.db, tablename="apscheduler_jobs")},
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )

    def fan_out(self) -> FanOut:
        """How the scheduler's tick stores a fan-out of invitations (``[rendering]``): in
        parts, a large one rendered in worker processes (not for an in-memory database,
        which other processes cannot open). The workers start with the first large
        fan-out and stay until ``close``."""
        rendering = self.settings.rendering
        if self._renderer is None and not database.in_memory(self.settings.database_url):
            # One core stays for storing the parts, the sender and the database server.
            processes = rendering.workers or max(1, (os.cpu_count() or 1) - 1)
            self._renderer = ProcessRenderer(processes, start_render_worker, (self.settings,))
        return FanOut(rendering.chunk_size, rendering.processes_from, self._renderer)

    def use_for_delivery(self) -> None:
        """Commits that do not wait for the disk, for a sender process (see
        ``database.use_for_delivery``)."""
        database.use_for_delivery(self.db)

    def use_as_scratch(self) -> None:
        """Trade durability for speed: for a throwaway database (the simulation's)."""
        database.use_as_scratch(self.db)


def mail_sink(
    folder: Path,
    host: str = "127.0.0.1",
    port: int | None = None,
    on_message: Callable[[ReceivedMail], None] | None = None,
) -> MailSink:
    """A local SMTP server that keeps every message it receives in ``folder`` (the demo's and
    ``outbox sink``); without ``port``, on a free one."""
    from deliberation.adapters.mailsink import MailSink as Sink
    from deliberation.adapters.mailsink import free_port

    return Sink(folder, host, free_port(host) if port is None else port, on_message)


def local_delivery(
    folder: Path, sender: str, rate_per_minute: int
) -> tuple[MailSink, SmtpTransport]:
    """A mail sink on a free local port and an SMTP transport that delivers to it (the
    demo's invitations, kept as .eml files in ``folder``)."""
    sink = mail_sink(folder)
    smtp = SmtpConfig(
        host=sink.host,
        port=sink.port,
        security="none",
        username="",
        password="",
        sender=sender,
        rate_per_minute=rate_per_minute,
        timeout_seconds=10,
    )
    return sink, SmtpTransport(smtp)


def holiday_calendar(settings: Settings, school_holidays: bool = True) -> HolidayCalendar:
    """The public holidays of ``[county] holiday_state``; with ``school_holidays`` the
    configured school holidays too."""
    days = settings.school_holidays if school_holidays else ()
    return HolidayCalendar(days, settings.county.holiday_state)


def commits() -> int:
    """How many transactions this process committed (whether "nothing was saved" is true)."""
    return unit_of_work.commits()


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
    return assemble(settings, clock, require_schema, check_published)


def assemble(
    settings: Settings,
    clock: Callable[[], datetime] | None = None,
    require_schema: bool = True,
    check_published: bool = True,
) -> Application:
    """The application on ``settings`` already read (``bootstrap`` reads them from the file;
    a render worker process gets them from its parent)."""
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
    clock = clock or Clock()
    publication_stamps.install(factory, clock)
    deps = Dependencies(
        unit_of_work=lambda: SqlUnitOfWork(factory),
        engine=engine,
        clock=clock,
        topic_fields=settings.topic_fields,
        timezone=settings.county.timezone,
        county_name=settings.county.name,
        organiser=settings.county.organiser,
        language=settings.county.language,
        consultation_route=settings.consultation_route,
        holidays=holiday_calendar(settings),
    )
    if require_schema and check_published:
        try:
            workflow_versions.require_unchanged(deps)
        except BaseException:
            db.dispose()
            raise
    return Application(settings, deps, db, templates)


def start_render_worker(settings: Settings) -> None:
    """In a render worker process (``ProcessRenderer``): the application on the parent's
    settings, rendering parts with ``notifications.render_part`` on a clock set to the
    parent's time of each run (the same stamps and signed links as if the parent rendered)."""
    clock = Clock()
    app = assemble(settings, clock, require_schema=False, check_published=False)
    mailing = app.mailing()

    def render(meeting_id: int, part: Sequence[int], now: datetime) -> list[RenderedInvitation]:
        clock.set(now)
        return notifications.render_part(app.deps, mailing, meeting_id, part)

    render_processes.serve(render)


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
