"""Workflows are data: no workflow, state or trigger name of ``workflows/`` in the package.

What the engine needs to know about a workflow (the round's conference and its
feeders, which states count as decided or in implementation, which step is an
advisory body's statement, who is invited) is declared in the workflow files;
a county adds a workflow without writing Python. This test reads every module
of the package (the demo too: its steps are in its data file) and fails on a string literal
that equals a name declared in ``workflows/``.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

from domain_builders import ROOT

PACKAGE = ROOT / "deliberation"
#: literals that equal a declared name but mean something else, with the reason
OTHER_VOCABULARIES = {
    ("domain/model.py", "working_group"): "subject kind (SubjectKind), the table a record is in",
    ("domain/model.py", "recommendation"): "subject kind (SubjectKind), the table a record is in",
    ("domain/model.py", "planned"): "a meeting's status (MeetingStatus.PLANNED)",
    ("domain/invitations.py", "planned"): "a meeting's status (MeetingStatus.PLANNED)",
    ("adapters/meeting_store.py", "planned"): "a meeting's status (MeetingStatus.PLANNED)",
    ("domain/scheduling.py", "done"): "a due work item's status (DueStatus.DONE)",
    ("domain/outbox.py", "withdrawn"): "an outbox message's status (consent withdrawn)",
    ("domain/consultations.py", "adopted"): "a consultation result code (OParl result)",
    ("domain/consultations.py", "adopted_amended"): "a consultation result code",
    ("domain/consultations.py", "rejected"): "a consultation result code",
    ("domain/consultations.py", "deferred"): "a consultation result code",
    ("domain/consultations.py", "withdrawn"): "a consultation result code",
    ("domain/workflow.py", "form_groups"): "a state's capability (allows), not the trigger",
    ("service_layer/groups.py", "form_groups"): "a state's capability (allows)",
    ("service_layer/simulation.py", "form_groups"): "a state's capability (allows)",
    ("service_layer/round_views.py", "form_groups"): "a state's capability (allows)",
    ("service_layer/route_overview.py", "done"): "a stop of the route: already consulted there",
    ("domain/rules.py", "working_group"): "the relationship a guard reads (reads=...)",
    ("entrypoints/web/staff/meetings.py", "done"): "a message key of the page",
    ("entrypoints/web/staff/participants.py", "done"): "a message key of the page",
    ("entrypoints/web/staff/recommendations.py", "done"): "a message key of the page",
    ("entrypoints/web/staff/recommendations.py", "draft"): "a template variable (Beschlussvorlage)",
    ("entrypoints/web/oparl/routes.py", "draft"): "a template variable (Beschlussvorlage)",
    ("entrypoints/cli/publication_commands.py", "draft"): "a template variable (Beschlussvorlage)",
    ("adapters/orm.py", "working_group"): "a mapped relationship's attribute name",
    ("adapters/orm.py", "recommendation"): "a mapped relationship's attribute name",
    ("adapters/repository.py", "working_group"): "a mapped relationship's attribute name",
    (
        "entrypoints/cli/main.py",
        "recommendation",
    ): "the command family 'deliberation recommendation'",
    ("entrypoints/cli/command_index.py", "recommendation"): "the command family's name",
    ("entrypoints/cli/main.py", "draft"): "the command 'deliberation recommendation draft'",
    ("entrypoints/cli/main.py", "close"): "the command 'deliberation group close'",
    ("entrypoints/web/link_texts.py", "closed"): "a text key of the link pages",
    ("entrypoints/web/links.py", "closed"): "a text key of the link pages",
    ("entrypoints/web/staff/accounts.py", "done"): "a message key of the accounts page",
    ("service_layer/outbox.py", "withdrawn"): "an outbox message's status (consent withdrawn)",
    ("service_layer/participant_rows.py", "rejected"): "an import row's outcome",
    ("entrypoints/cli/route_commands.py", "draft"): "a template variable of the Beschlussvorlage",
    ("service_layer/recommendations.py", "draft"): "the log's creation label of a draft",
    ("domain/engine.py", "draft"): "the title of the log's creation label of a draft",
    ("service_layer/due_work.py", "recommendation"): "a template variable of the escalation",
    ("service_layer/implementation.py", "recommendation"): "a template variable of the report",
    # the demo's steps are data (demo_sample.toml); these are keys of that file's tables
    ("entrypoints/cli/demo_sample.py", "hold"): "a key of demo_sample.toml ([conference] hold)",
    ("entrypoints/cli/demo_sample.py", "close"): "a key of demo_sample.toml ([conference] close)",
    ("entrypoints/cli/demo_sample.py", "complete"): "a key of demo_sample.toml",
    ("entrypoints/cli/demo_sample.py", "recommendation"): "a table of demo_sample.toml",
}


def declared_names() -> set[str]:
    """Every workflow, state and trigger name of the repository's workflow files."""
    names: set[str] = set()
    for path in sorted((ROOT / "workflows").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        names.add(data["workflow"]["name"])
        names.update(data["states"])
        names.update(t["trigger"] for t in data["transitions"])
    return names


def string_literals(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """String constants with their line, docstrings left out."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or id(node) in docstrings:
            continue
        if isinstance(node.value, str):
            yield node.lineno, node.value


def package_modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("adapters/migrations/"):
            continue
        yield relative, path


def test_no_workflow_state_or_trigger_name_is_written_into_the_package() -> None:
    names = declared_names()
    found = [
        f"deliberation/{relative}:{line}: {value!r}"
        for relative, path in package_modules()
        for line, value in string_literals(ast.parse(path.read_text(encoding="utf-8")))
        if value in names and (relative, value) not in OTHER_VOCABULARIES
    ]
    assert not found, (
        "Names from workflows/ written into the package. Ask the workflow definition instead "
        "(engine.conference(), definition.trigger_for(role), engine.marked(record, mark), "
        "...); if the literal means something else (a status, a command, a text key), add "
        "it with the reason to OTHER_VOCABULARIES in this file:\n" + "\n".join(found)
    )


def test_every_exception_is_still_needed() -> None:
    """An exception nobody needs any more is removed, so the list cannot hide new literals."""
    names = declared_names()
    used = {
        (relative, value)
        for relative, path in package_modules()
        for _, value in string_literals(ast.parse(path.read_text(encoding="utf-8")))
        if value in names
    }
    assert set(OTHER_VOCABULARIES) - used == set()


def test_the_scan_finds_a_literal_it_is_meant_to_catch() -> None:
    tree = ast.parse('WORKFLOW = "integration_conference"\n"""doc: future_workshop"""\n')
    found = [value for _, value in string_literals(tree) if value in declared_names()]
    assert found == ["integration_conference"]
