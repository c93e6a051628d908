"""Fixtures shared by the integration and end-to-end tests.

``database_url`` runs every test that uses it twice: on a fresh SQLite file
and on the PostgreSQL server CI provides (``DELIBERATION_TEST_POSTGRES_URL``).
``app`` is the real composition root on that database, with a clock the test
controls. ``walker`` drives a whole round through the service layer so tests
can start from "conference held, group working" in one line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text

from deliberation.adapters import orm
from deliberation.bootstrap import Application, bootstrap, initialise_database
from deliberation.domain.clock import Clock
from deliberation.domain.consultations import ConsultationResult
from deliberation.domain.invitations import MeetingStatus
from deliberation.service_layer import (
    consultations,
    cycles,
    groups,
    meetings,
    needs,
    recommendations,
)
from deliberation.service_layer.ports import Dependencies

# In CI the property tests draw the same examples on every run, so a red build can be
# reproduced and is never a matter of luck; locally they explore new examples each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG = REPO_ROOT / "config.toml"
POSTGRES_URL_ENV = "DELIBERATION_TEST_POSTGRES_URL"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _unmap_domain_after_test() -> Iterator[None]:
    """Undo the ORM mapping that ``bootstrap()`` installs process-wide.

    Mapping instruments the domain classes themselves: afterwards, setting
    ``recommendation.working_group`` also appends to ``group.recommendations``.
    Unit tests that build plain domain objects in the same run would then see
    doubled collections, depending on which tests ran before them.
    """
    yield
    orm.clear_mappers()


@pytest.fixture(autouse=True)
def _link_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign links and session cookies with fixed test secrets instead of creating
    data/link-secret and data/web-secret in the repo."""
    monkeypatch.setenv("DELIBERATION_LINK_SECRET", "test-secret-for-signed-links-only")
    monkeypatch.setenv("DELIBERATION_WEB_SECRET", "test-secret-for-session-cookies-only")


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def config_path() -> Path:
    return CONFIG


@pytest.fixture
def clock() -> Clock:
    """The application's clock, standing at ``START`` until the test moves it."""
    return Clock.standing_at(START)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or the test PostgreSQL wiped clean."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'deliberation.sqlite3'}"
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        reason = f"{POSTGRES_URL_ENV} ist nicht gesetzt: kein PostgreSQL für die Tests"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: PostgreSQL-Tests dürfen nicht übersprungen werden)")
        pytest.skip(reason)
    _wipe_postgres(url)
    return url


def _wipe_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            # A connection left open by an earlier test would otherwise hang the run.
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture
def bare_app(database_url: str, clock: Clock) -> Iterator[Application]:
    """The application on an empty database: no schema, no reference data."""
    app = bootstrap(CONFIG, database_url=database_url, clock=clock, require_schema=False)
    yield app
    app.close()


@pytest.fixture
def app(bare_app: Application) -> Application:
    """The application on a database at the newest schema, with config.toml's reference data."""
    initialise_database(bare_app)
    return bare_app


@pytest.fixture
def deps(app: Application) -> Dependencies:
    return app.deps


# --- walking a round -------------------------------------------------------------------------

ACTOR = "Referat Migration und Teilhabe"
ROUND = "2026"
#: (text, topic field, scope, dots) per municipality: what each workshop collects.
NEEDS: dict[str, list[tuple[str, str, str, int]]] = {
    "stadt-peine": [
        ("Mehr Sprachkurse mit Kinderbetreuung", "Sprache", "kreisweit", 5),
        ("Beleuchtung am Bahnhof", "Sicherheit", "lokal", 2),
    ],
    "edemissen": [
        ("Anerkennung ausländischer Abschlüsse beschleunigen", "Arbeit", "kreisweit", 3),
        ("Sprachcafé im Dorfgemeinschaftshaus", "Sprache", "lokal", 1),
    ],
}
WORKSHOP_TO_NEEDS_COLLECTION = ("send_invitations", "start_needs_collection")
CONFERENCE_TO_HELD = ("build_agenda", "send_invitations", "hold")


@dataclass
class RoundRecord:
    """The ids a walked round produced, for the test to look at."""

    workshops: dict[str, int] = field(default_factory=dict)
    needs: dict[str, int] = field(default_factory=dict)
    conference: int = 0
    group: int = 0
    recommendations: list[int] = field(default_factory=list)


class RoundWalker:
    """Drives one round through the real service layer, step by step or all at once."""

    def __init__(self, deps: Dependencies, round_label: str = ROUND, actor: str = ACTOR) -> None:
        self.deps = deps
        self.round = round_label
        self.actor = actor
        self.record = RoundRecord()

    def advance(self, cycle_id: int, *triggers: str) -> None:
        for trigger in triggers:
            if trigger == "send_invitations":
                self.give_meeting(cycle_id)
            cycles.advance(self.deps, cycle_id, trigger, self.actor, reason=f"Test: {trigger}")

    def give_meeting(self, cycle_id: int, days_ahead: int = 30) -> int:
        """A planned meeting with a place for the cycle (invitations need one), unless it has."""
        with self.deps.unit_of_work() as uow:
            existing = [
                (m.id, m.status)
                for m in uow.meetings.meetings_of_cycle(cycle_id)
                if m.status != MeetingStatus.CANCELLED
            ]
            title = uow.cycles.cycle(cycle_id).title  # type: ignore[union-attr]
        if existing:
            meeting_id, status = existing[0]
            if status == MeetingStatus.PROPOSED:
                meetings.confirm(self.deps, meeting_id or 0, self.actor)
            return meeting_id or 0
        plan = meetings.MeetingPlan(
            title,
            self.deps.clock() + timedelta(days=days_ahead),
            "Forum Peine, Werderstraße 22, 31224 Peine",
            cycle_id=cycle_id,
        )
        return meetings.schedule(self.deps, plan, "landkreis-peine.de", confirmed=True)

    def launch_workshops(self, keys: tuple[str, ...] = tuple(NEEDS)) -> dict[str, int]:
        ids = cycles.launch(self.deps, "future_workshop", self.round, self.actor, list(keys))
        self.record.workshops.update(zip(keys, ids, strict=True))
        return self.record.workshops

    def launch_conference(self) -> int:
        [self.record.conference] = cycles.launch(
            self.deps, "integration_conference", self.round, self.actor
        )
        return self.record.conference

    def open_needs_collection(self, key: str) -> int:
        workshop = self.record.workshops[key]
        self.advance(workshop, *WORKSHOP_TO_NEEDS_COLLECTION)
        return workshop

    def collect_needs(self, key: str) -> list[int]:
        workshop = self.record.workshops[key]
        ids = []
        for text_, field_, scope, _dots in NEEDS[key]:
            need_id = needs.add(self.deps, workshop, text_, field_, scope, self.actor)
            self.record.needs[text_] = need_id
            ids.append(need_id)
        return ids

    def vote(self, key: str) -> None:
        for text_, _field, _scope, dots in NEEDS[key]:
            needs.vote(self.deps, self.record.needs[text_], dots)

    def run_workshop(self, key: str, document: bool = True) -> int:
        """One workshop (a key of ``NEEDS``) from planned to realisation, or on to documented."""
        workshop = self.open_needs_collection(key)
        self.collect_needs(key)
        self.advance(workshop, "start_vision", "start_realisation")
        self.vote(key)
        if document:
            self.advance(workshop, "document")
        return workshop

    def hold_conference(self) -> int:
        conference = self.record.conference or self.launch_conference()
        self.advance(conference, *CONFERENCE_TO_HELD)
        return conference

    def form_group(self, topic: str = "1", start_work: bool = True) -> int:
        self.record.group = groups.form(
            self.deps,
            self.record.conference,
            topic,
            name="AG Sprachkurse",
            mandate="Konzept für Sprachkurse mit Kinderbetreuung in allen Gemeinden",
            due_date=self.deps.clock().date() + timedelta(days=180),
            members=["Ayşe Yılmaz / Migrantenorganisation", "Jan Becker / VHS Peine"],
            actor=self.actor,
        )
        if start_work:
            groups.advance(self.deps, self.record.group, "start_work", self.actor)
        return self.record.group

    def draft_recommendation(self, need_texts: tuple[str, ...]) -> int:
        rec = recommendations.draft(
            self.deps,
            self.record.group,
            title=f"Empfehlung {len(self.record.recommendations) + 1}",
            text="Der Kreis finanziert Sprachkurse mit Kinderbetreuung.",
            actor=self.actor,
            need_ids=[self.record.needs[t] for t in need_texts],
        )
        self.record.recommendations.append(rec)
        return rec

    def walk(self) -> RoundRecord:
        """Workshops documented, conference held, a working group drafting one recommendation."""
        self.launch_workshops()
        for key in NEEDS:
            self.run_workshop(key)
        self.launch_conference()
        self.hold_conference()
        self.form_group()
        self.draft_recommendation((NEEDS["stadt-peine"][0][0],))
        return self.record

    def finish(self) -> RoundRecord:
        """After ``walk``: the recommendation goes to the Kommission, everything closes."""
        [recommendation] = self.record.recommendations
        recommendations.advance(
            self.deps, recommendation, "adopt_in_group", "AG Sprachkurse", "einstimmig"
        )
        # as in a county whose rules let the Kommission state its view in writing
        written = tuple(
            replace(step, statement_without_meeting=not step.authoritative)
            for step in self.deps.consultation_route
        )
        consultations.give_statement_without_meeting(
            replace(self.deps, consultation_route=written),
            recommendation,
            ConsultationResult.APPROVED,
            "Die Kommission unterstützt die Empfehlung.",
            "Kommission",
        )
        groups.advance(self.deps, self.record.group, "deliver_report", "AG Sprachkurse", "Bericht")
        self.advance(self.record.conference, "form_groups", "collect_recommendations", "close")
        for workshop in self.record.workshops.values():
            self.advance(workshop, "close")
        return self.record


@pytest.fixture
def walker(app: Application) -> RoundWalker:
    return RoundWalker(app.deps)


@pytest.fixture
def make_walker() -> type[RoundWalker]:
    """For a walker on other dependencies (a different engine, another round)."""
    return RoundWalker
