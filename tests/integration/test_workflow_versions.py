"""A published workflow version is never changed in place; running records move by migration.

On SQLite and PostgreSQL: records keep the fingerprint of the definition they were
started on; start-up and ``workflows check`` refuse a version in use whose file
changed (naming file, workflow, version, and the records whose state vanished);
``workflows migrate`` moves running records whose state exists in the new version,
one log row each, and lists those it cannot move.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deliberation.bootstrap import Application, bootstrap, initialise_database
from deliberation.domain.errors import DeliberationError
from deliberation.service_layer import cycles, workflow_versions
from tests.conftest import RoundWalker

REPO = Path(__file__).resolve().parents[2]
ACTOR = "Referat Migration und Teilhabe"
RENAMED = 'invitations_sent = { title = "Einladungen versendet" }'


@pytest.fixture
def county(tmp_path: Path) -> Path:
    """A county folder of its own: config.toml, workflows/ and templates/ to edit."""
    folder = tmp_path / "landkreis"
    folder.mkdir()
    shutil.copy(REPO / "config.toml", folder / "config.toml")
    shutil.copytree(REPO / "workflows", folder / "workflows")
    shutil.copytree(REPO / "templates", folder / "templates")
    return folder


@pytest.fixture
def opened(county: Path, database_url: str, clock: Any) -> Iterator[Any]:
    apps: list[Application] = []

    def open_app(**options: Any) -> Application:
        app = bootstrap(county / "config.toml", database_url=database_url, clock=clock, **options)
        apps.append(app)
        return app

    yield open_app
    for app in apps:
        app.close()


@pytest.fixture
def workshops(opened: Any) -> list[int]:
    """Three workshops on version 1: two still planned, one with invitations sent."""
    app = opened(require_schema=False)
    initialise_database(app)
    places = ["ilsede", "lengede", "vechelde"]
    ids = cycles.launch(app.deps, "future_workshop", "2027", ACTOR, places)
    for cycle_id in ids:  # invitations need a confirmed meeting with a place
        RoundWalker(app.deps).give_meeting(cycle_id)
    cycles.advance(app.deps, ids[2], "send_invitations", ACTOR)
    return ids


def rename_invited_state(path: Path, version: int | None = None) -> None:
    """The edit a county might make: the state "invitations_sent" becomes "invited"."""
    text = path.read_text(encoding="utf-8").replace("invitations_sent", "invited")
    if version is not None:
        text = text.replace("version = 1", f"version = {version}")
    path.write_text(text, encoding="utf-8")


def test_records_keep_the_fingerprint_of_their_definition(
    opened: Any, workshops: list[int]
) -> None:
    app = opened()
    definition = app.deps.engine.latest("future_workshop")
    with app.deps.unit_of_work() as uow:
        stored = {c.workflow_fingerprint for i in workshops if (c := uow.cycles.cycle(i))}
    assert stored == {definition.fingerprint} and len(definition.fingerprint) == 64


def test_a_comment_changes_no_fingerprint(county: Path, opened: Any, workshops: list[int]) -> None:
    path = county / "workflows" / "future_workshop.toml"
    path.write_text("# Anmerkung des Referats\n" + path.read_text(encoding="utf-8"), "utf-8")
    assert workflow_versions.published_problems(opened().deps) == []


def test_a_version_in_use_edited_in_place_is_refused(
    county: Path, opened: Any, workshops: list[int]
) -> None:
    rename_invited_state(county / "workflows" / "future_workshop.toml")

    with pytest.raises(DeliberationError) as caught:
        opened()
    message = str(caught.value)
    assert message.startswith(
        'workflows/future_workshop.toml: Workflow "future_workshop" Version 1 wurde verändert'
    )
    assert "laufende Zyklen (3)" in message
    assert "workflows migrate future_workshop --to 2" in message
    assert (
        f'  - Zyklus {workshops[2]}: Zustand "invitations_sent" gibt es in '
        "workflows/future_workshop.toml nicht mehr." in message
    )
    check = opened(check_published=False)
    assert workflow_versions.published_problems(check.deps) == message.split("\n\n")


def test_migrate_moves_running_records_whose_state_exists(
    county: Path, opened: Any, workshops: list[int]
) -> None:
    new_file = county / "workflows" / "future_workshop.v2.toml"
    shutil.copy(county / "workflows" / "future_workshop.toml", new_file)
    rename_invited_state(new_file, version=2)

    app = opened()
    report = workflow_versions.migrate(app.deps, "future_workshop", 2, "Frau Test")

    assert report.moved == tuple(f'Zyklus {i} ("Geplant"): Version 1 → 2' for i in workshops[:2])
    assert len(report.refused) == 1
    assert report.refused[0].startswith(
        f'Zyklus {workshops[2]}: Zustand "invitations_sent" gibt es in Version 2 '
        "(workflows/future_workshop.v2.toml) nicht"
    )
    v2 = app.deps.engine.definition("future_workshop", 2)
    with app.deps.unit_of_work() as uow:
        moved = [uow.cycles.cycle(i) for i in workshops]
        versions = [
            (c.workflow_version, c.workflow_fingerprint == v2.fingerprint) for c in moved if c
        ]
        assert versions == [(2, True), (2, True), (1, False)]
        last = uow.log.log("cycle", workshops[0])[-1]
        logged = (last.trigger, last.from_state, last.to_state, last.actor, last.reason)
    assert logged == (
        workflow_versions.MIGRATION,
        "planned",
        "planned",
        "Frau Test",
        "Workflow Zukunftswerkstatt: Version 1 → 2",
    )
    # moved records take the new version's steps; a second run has nothing left to move
    cycles.advance(app.deps, workshops[0], "send_invitations", ACTOR)
    assert cycles.show(app.deps, workshops[0]).status.state == "invited"
    again = workflow_versions.migrate(app.deps, "future_workshop", 2, "Frau Test")
    assert again.moved == () and len(again.refused) == 1
    assert workflow_versions.published_problems(app.deps) == []


def test_migrate_to_an_unknown_version_is_a_clear_error(opened: Any, workshops: list[int]) -> None:
    with pytest.raises(DeliberationError, match='Workflow "future_workshop" Version 7 ist nicht'):
        workflow_versions.migrate(opened().deps, "future_workshop", 7, "Frau Test")
