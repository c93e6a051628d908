"""Loading workflow definitions: broken files are refused with a message naming file and problem;
the engine builds one ``transitions`` Machine per definition, never one per record."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import transitions.core
from domain_builders import (
    NOW,
    TEMPLATES_DIR,
    WORKFLOWS_DIR,
    context,
    definition,
    new_round,
    real_definitions,
    real_engine,
)

from deliberation.adapters.templates import TemplateCatalog
from deliberation.adapters.workflow_files import load_workflow, load_workflows
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.errors import WorkflowDefinitionError
from deliberation.domain.model import Cycle, Municipality, SubjectKind
from deliberation.domain.rules import RULES

VALID = """\
[workflow]
name = "mini"
version = 1
title = "Mini-Ablauf"
subject = "cycle"
initial = "start"

[states]
start = { title = "Start" }
middle = { title = "Mitte", allows = ["add_needs"] }
end = { title = "Ende", final = true }

[[transitions]]
trigger = "go"
title = "Los"
from = "start"
to = "middle"
guards = ["has_needs"]
actions = ["forward_county_needs"]
send = ["mini/hello"]
audience = "county"

[[transitions]]
trigger = "finish"
title = "Fertig"
from = "middle"
to = "end"
"""

KNOWN_TEMPLATES = {"mini/hello"}


def template_exists(name: str) -> bool:
    return name in KNOWN_TEMPLATES


def broken(old: str, new: str, text: str = VALID) -> str:
    assert old in text, f"test setup: {old!r} not in the definition"
    return text.replace(old, new, 1)


def extra_transition(trigger: str, source: str, dest: str) -> str:
    return (
        f'\n[[transitions]]\ntrigger = "{trigger}"\ntitle = "Extra"\n'
        f'from = "{source}"\nto = "{dest}"\n'
    )


def write(folder: Path, text: str, name: str = "mini.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(folder: Path, text: str) -> str:
    path = write(folder, text)
    with pytest.raises(WorkflowDefinitionError) as caught:
        load_workflows(folder, template_exists)
    message = str(caught.value)
    assert message.startswith(f"{folder.name}/{path.name}:"), message
    return message


def test_the_valid_minimal_definition_loads(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    (loaded,) = load_workflows(tmp_path, template_exists)
    assert (loaded.name, loaded.version, loaded.initial) == ("mini", 1, "start")
    assert loaded.source == f"{tmp_path.name}/mini.toml"
    assert loaded.transitions[0].guards == ("has_needs",)
    assert loaded.transitions[0].send == ("mini/hello",)
    assert loaded.allows("middle", "add_needs")
    assert loaded.is_final("end")


EXTRA_STATE_BEFORE_TRANSITIONS = 'end = { title = "Ende", final = true }\n'

BROKEN_DEFINITIONS: list[Any] = [
    pytest.param(
        broken('from = "start"', 'from = "strat"'),
        ['Übergang 1 ("go"): unbekannter Zustand "strat" in "from"', "bekannt: start, middle, end"],
        id="unknown-state-in-from",
    ),
    pytest.param(
        broken('to = "middle"', 'to = "midle"'),
        ['Übergang 1 ("go"): unbekannter Zustand "midle" in "to"'],
        id="unknown-state-in-to",
    ),
    pytest.param(
        broken('guards = ["has_needs"]', 'guards = ["has_nedes"]'),
        ['unbekannte(r) Guard "has_nedes"', "bekannt: " + ", ".join(sorted(RULES.guards))],
        id="unknown-guard-lists-known-guards",
    ),
    pytest.param(
        broken('guards = ["has_needs"]', 'guards = ["has_commission_statement"]'),
        ['Guard "has_commission_statement" passt nicht zu Datensätzen vom Typ "cycle"'],
        id="guard-for-another-subject-kind",
    ),
    pytest.param(
        broken('actions = ["forward_county_needs"]', 'actions = ["forward_everything"]'),
        ['unbekannte(r) Aktion "forward_everything"', "build_agenda"],
        id="unknown-action",
    ),
    pytest.param(
        broken('actions = ["forward_county_needs"]', 'actions = ["record_statement"]'),
        ['Aktion "record_statement" passt nicht zu Datensätzen vom Typ "cycle"'],
        id="action-for-another-subject-kind",
    ),
    pytest.param(
        broken(
            EXTRA_STATE_BEFORE_TRANSITIONS,
            EXTRA_STATE_BEFORE_TRANSITIONS + 'orphan = { title = "Waise", final = true }\n',
        ),
        ['Zustand "orphan" ist vom Startzustand "start" aus nicht erreichbar'],
        id="unreachable-state",
    ),
    pytest.param(
        broken(
            EXTRA_STATE_BEFORE_TRANSITIONS,
            EXTRA_STATE_BEFORE_TRANSITIONS + 'stuck = { title = "Hängt" }\n',
        )
        + extra_transition("stall", "middle", "stuck"),
        ['Zustand "stuck" ist eine Sackgasse', 'nicht als "final = true" markiert'],
        id="dead-end",
    ),
    pytest.param(
        VALID + extra_transition("reopen", "end", "start"),
        ['Endzustand "end" hat ausgehende Übergänge (reopen)'],
        id="final-state-with-outgoing-transition",
    ),
    pytest.param(
        broken('end = { title = "Ende", final = true }', 'end = { title = "Ende" }')
        + extra_transition("again", "end", "start"),
        ['kein Zustand ist als Endzustand ("final = true") markiert'],
        id="no-final-state",
    ),
    pytest.param(
        broken('send = ["mini/hello"]', 'send = ["mini/hello", "mini/goodbye"]'),
        ['Vorlage "mini/goodbye" fehlt im Ordner templates/'],
        id="missing-template",
    ),
    pytest.param(
        broken('allows = ["add_needs"]', 'allows = ["add_needz"]'),
        ['Zustand "middle": unbekannte Erlaubnis "add_needz"', "add_needs"],
        id="unknown-capability",
    ),
    pytest.param(
        broken('trigger = "finish"', 'trigger = "finish"\nrequires = ["pdf"]'),
        ['unbekannter Parameter "pdf" in "requires"'],
        id="unknown-parameter",
    ),
    pytest.param(
        broken('initial = "start"', 'initial = "begin"'),
        ['Startzustand "begin" ist kein deklarierter Zustand'],
        id="unknown-initial-state",
    ),
    pytest.param(
        VALID + extra_transition("finish", "middle", "start"),
        ['Auslöser "finish" ist im Zustand "middle" schon ohne Guard definiert'],
        id="duplicate-trigger-without-guard",
    ),
    pytest.param(
        broken('guards = ["has_needs"]', 'gaurds = ["has_needs"]'),
        ['Schlüssel "transitions[1].gaurds": unbekannter Schlüssel', "guards"],
        id="unknown-key-in-transition",
    ),
    pytest.param(
        broken("final = true", "fianl = true"),
        ['Schlüssel "states.end.fianl": unbekannter Schlüssel'],
        id="unknown-key-in-state",
    ),
    pytest.param(
        broken("[workflow]", "[workflow]\nowner = 'Referat'"),
        ['Schlüssel "workflow.owner": unbekannter Schlüssel'],
        id="unknown-key-in-head",
    ),
    pytest.param(
        VALID + "\n[hooks]\nx = 1\n",
        ['Schlüssel "hooks": unbekannter Schlüssel'],
        id="unknown-top-level-table",
    ),
    pytest.param(
        broken('subject = "cycle"', 'subject = "meeting"'),
        ['Schlüssel "workflow.subject": "meeting" ist unbekannt', "cycle, working_group"],
        id="unknown-subject-kind",
    ),
    pytest.param(
        broken("version = 1", 'version = "1"'),
        ['Schlüssel "workflow.version": muss eine ganze Zahl sein'],
        id="version-not-an-integer",
    ),
    pytest.param(
        broken("version = 1", "version = 0"),
        ['Schlüssel "workflow.version": muss mindestens 1 sein'],
        id="version-zero",
    ),
    pytest.param(
        broken('to = "middle"\n', ""),
        ['Schlüssel "transitions[1].to": fehlt (Pflichtangabe)'],
        id="missing-destination",
    ),
    pytest.param(
        broken('title = "Fertig"', 'title = ""'),
        ['Schlüssel "transitions[2].title": darf nicht leer sein'],
        id="empty-title",
    ),
    pytest.param(
        broken('audience = "county"\n', ""),
        ['Übergang 1 ("go"): "send" ohne "audience"'],
        id="send-without-audience",
    ),
    pytest.param(
        broken('audience = "county"', 'audience = "municipality"'),
        ['Zielgruppe "municipality" passt nur zu einem Workflow mit "per_municipality = true"'],
        id="municipality-audience-of-a-county-wide-workflow",
    ),
    pytest.param(
        broken('audience = "county"', 'audience = "everyone"'),
        ['unbekannte Zielgruppe "everyone"', "municipality, county"],
        id="unknown-audience",
    ),
    pytest.param(
        broken('title = "Fertig"', 'title = "Fertig"\naudience = "county"'),
        ['Übergang 2 ("finish"): "audience" ohne "send"'],
        id="audience-without-send",
    ),
    pytest.param(
        broken('title = "Fertig"', 'title = "Fertig"\nrole = "statment"'),
        ['Übergang 2 ("finish"): unbekannte Rolle "statment"', "statement"],
        id="unknown-role",
    ),
    pytest.param(
        broken('title = "Los"', 'title = "Los"\nrole = "withdrawal"').replace(
            'title = "Fertig"', 'title = "Fertig"\nrole = "withdrawal"'
        ),
        ['Übergang 2 ("finish"): die Rolle "withdrawal" hat schon der Übergang "go"'],
        id="role-twice",
    ),
    pytest.param(
        broken(
            'end = { title = "Ende", final = true }',
            'end = { title = "Ende", final = true, counts_as = ["decidet"] }',
        ),
        ['Zustand "end": unbekanntes "counts_as" "decidet"', "decided, implementing"],
        id="unknown-mark",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN_DEFINITIONS)
def test_broken_definition_is_refused_naming_file_and_problem(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    message = load_error(tmp_path, text)
    for part in expected:
        assert part in message


FINISH = 'trigger = "finish"\ntitle = "Fertig"\nfrom = "middle"\nto = "end"\n'


def test_guarded_transition_behind_an_unguarded_one_is_refused_as_unreachable(
    tmp_path: Path,
) -> None:
    text = VALID + extra_transition("finish", "middle", "start") + 'guards = ["has_needs"]\n'
    message = load_error(tmp_path, text)
    assert 'Auslöser "finish"' in message
    assert '"middle"' in message


def test_unguarded_fallback_after_a_guarded_transition_is_accepted(tmp_path: Path) -> None:
    text = broken(FINISH, FINISH + 'guards = ["needs_prioritised"]\n')
    text += extra_transition("finish", "middle", "start")
    write(tmp_path, text)
    (loaded,) = load_workflows(tmp_path, template_exists)
    assert [t.dest for t in loaded.transitions_from("middle")] == ["end", "start"]


def test_every_problem_of_a_definition_is_listed_at_once(tmp_path: Path) -> None:
    text = broken('guards = ["has_needs"]', 'guards = ["nope"]')
    text = broken('send = ["mini/hello"]', 'send = ["mini/missing"]', text)
    message = load_error(tmp_path, text)
    assert "Workflow-Definition ist fehlerhaft" in message
    assert 'Guard "nope"' in message
    assert 'Vorlage "mini/missing"' in message
    assert message.count("\n  - ") == 2


def test_invalid_toml_is_refused_naming_the_line(tmp_path: Path) -> None:
    text = broken('title = "Los"', 'title = "Los')
    line = text.splitlines().index('title = "Los') + 1
    message = load_error(tmp_path, text)
    assert "kein gültiges TOML" in message
    assert re.search(rf"\bline {line}\b", message), message


def test_two_files_with_the_same_name_and_version_are_refused(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a_mini.toml")
    write(tmp_path, broken('title = "Mini-Ablauf"', 'title = "Mini, kopiert"'), "b_copy.toml")
    with pytest.raises(WorkflowDefinitionError) as caught:
        load_workflows(tmp_path, template_exists)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path.name}/b_copy.toml:")
    assert 'Workflow "mini" Version 1 ist schon in' in message
    assert f"{tmp_path.name}/a_mini.toml" in message


def test_a_new_version_of_a_workflow_may_sit_beside_the_old(tmp_path: Path) -> None:
    write(tmp_path, VALID, "mini_v1.toml")
    write(tmp_path, broken("version = 1", "version = 2"), "mini_v2.toml")
    loaded = load_workflows(tmp_path, template_exists)
    engine = WorkflowEngine(loaded)
    assert sorted(d.version for d in loaded) == [1, 2]
    assert engine.latest("mini").version == 2
    assert engine.machine_count == 2


@pytest.mark.parametrize(
    ("round_table", "expected"),
    [
        ('feeders = ["mini"]', ['round.feeders" ohne "round.conference = true"']),
        ('conference = true\nfeeders = ["workshop"]', ['Workflow "workshop" gibt es nicht']),
        ('conference = true\nfeeders = ["mini"]', ['"mini" (', "ist kein Zyklus je Gemeinde"]),
    ],
)
def test_a_conference_and_its_feeders_must_fit_together(
    tmp_path: Path, round_table: str, expected: list[str]
) -> None:
    write(tmp_path, VALID + f"\n[round]\n{round_table}\n")
    with pytest.raises(WorkflowDefinitionError) as caught:
        load_workflows(tmp_path, template_exists)
    for part in expected:
        assert part in str(caught.value)


def test_two_conferences_are_refused(tmp_path: Path) -> None:
    write(tmp_path, VALID + "\n[round]\nconference = true\n", "a.toml")
    other = broken('name = "mini"', 'name = "maxi"') + "\n[round]\nconference = true\n"
    write(tmp_path, other, "b.toml")
    with pytest.raises(WorkflowDefinitionError, match="mehr als ein Workflow ist die Konferenz"):
        load_workflows(tmp_path, template_exists)


def test_the_real_workflows_declare_what_the_engine_needs() -> None:
    engine = real_engine()
    conference = engine.conference()
    assert conference is not None and conference.title == "Integrationskonferenz"
    assert [d.title for d in engine.feeders()] == ["Zukunftswerkstatt"]
    recommendation = engine.for_subject(SubjectKind.RECOMMENDATION)
    assert recommendation.trigger_for("statement") == "give_statement"
    assert recommendation.marked("implementing") == {
        "adopted",
        "adopted_amended",
        "in_implementation",
    }
    assert recommendation.decision_states() == {"adopted", "adopted_amended", "rejected"}
    forum = engine.latest("buergerforum")
    assert forum.collects_needs and not forum.per_municipality
    assert forum.audience_of("buergerforum/invitation") == "county"


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("keine Workflows", encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match="liegen keine Workflow-Def") as caught:
        load_workflows(tmp_path, template_exists)
    assert f"{tmp_path.name}/" in str(caught.value)


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(WorkflowDefinitionError, match="Datei nicht gefunden") as caught:
        load_workflow(tmp_path / "gone.toml", template_exists)
    assert str(caught.value).startswith(f"{tmp_path.name}/gone.toml:")


def test_a_template_with_a_syntax_error_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "mini").mkdir(parents=True)
    (templates / "mini" / "hello.de.txt.j2").write_text(
        "Guten Tag,\n{% if cycle %}\nkein endif\n", encoding="utf-8"
    )
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    write(workflows, VALID)
    with pytest.raises(WorkflowDefinitionError) as caught:
        load_workflows(workflows, TemplateCatalog(templates).exists)
    assert "templates/mini/hello.de.txt.j2, Zeile" in str(caught.value)


def test_the_template_catalog_finds_the_german_template(tmp_path: Path) -> None:
    (tmp_path / "mini").mkdir()
    (tmp_path / "mini" / "hello.de.txt.j2").write_text("Hallo {{ name }}\n", encoding="utf-8")
    catalog = TemplateCatalog(tmp_path)
    assert catalog.exists("mini/hello")
    assert not catalog.exists("mini/goodbye")


# --- the real files ----------------------------------------------------------------------


def test_all_real_workflow_files_load() -> None:
    loaded = load_workflows(WORKFLOWS_DIR, TemplateCatalog(TEMPLATES_DIR).exists)
    files = sorted(WORKFLOWS_DIR.glob("*.toml"))
    assert len(loaded) == len(files) >= 4
    assert {d.source for d in loaded} == {f"workflows/{f.name}" for f in files}
    assert {"future_workshop", "integration_conference", "working_group", "recommendation"} <= {
        d.name for d in loaded
    }


def test_the_engine_builds_one_machine_per_definition() -> None:
    loaded = real_definitions()
    engine = WorkflowEngine(loaded)
    assert engine.machine_count == len(loaded)
    assert [d.name for d in engine.definitions()] == sorted(d.name for d in loaded)


class _MachineCounter:
    def __init__(self) -> None:
        self.count = 0

    def wrap(self, original: Callable[..., None]) -> Callable[..., None]:
        def counting_init(machine: Any, *args: Any, **kwargs: Any) -> None:
            self.count += 1
            original(machine, *args, **kwargs)

        return counting_init


def test_ten_thousand_cycles_share_one_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    counter = _MachineCounter()
    monkeypatch.setattr(
        transitions.core.Machine, "__init__", counter.wrap(transitions.core.Machine.__init__)
    )
    engine = WorkflowEngine(real_definitions())
    assert counter.count == engine.machine_count == len(real_definitions())  # the wrapper counts
    machines_before = engine.machine_count
    spec = definition("future_workshop")
    round = new_round()
    town = Municipality("ilsede", "Ilsede")
    cycles = [
        Cycle(round, spec.name, spec.version, spec.initial, f"Werkstatt {i}", NOW, town)
        for i in range(10_000)
    ]
    attributes = set(vars(cycles[0]))
    class_attributes = set(dir(Cycle))
    ctx = context(engine)
    counter.count = 0

    outcomes = [engine.fire(cycle, "send_invitations", ctx) for cycle in cycles]

    assert counter.count == 0
    assert engine.machine_count == machines_before
    assert all(cycle.state == "invitations_sent" for cycle in cycles)
    assert len(outcomes) == 10_000
    for cycle in cycles:
        assert set(vars(cycle)) == attributes
    assert set(dir(Cycle)) == class_attributes
    assert not hasattr(cycles[0], "trigger")
    assert not [name for name in dir(cycles[-1]) if name.startswith(("may_", "to_", "is_"))]
    assert not hasattr(cycles[0], "send_invitations")
