"""The recommendation page where the county's rules let the Kommission state its view
without a meeting: the form, its refusals keeping what was typed, the route counting the
Kommission as done, and the signed-in secretary as the actor in the log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import StaffClient, csrf_of
from written_statements import written_statement_config

from deliberation.bootstrap import Application, bootstrap
from deliberation.service_layer import audit, recommendations
from deliberation.service_layer.audit import LogFilter


@pytest.fixture
def bare_app(database_url: str, clock: object, tmp_path: Path) -> Iterator[Application]:
    """The application of a county whose rules allow a written statement of the Kommission."""
    config = written_statement_config(tmp_path)
    app = bootstrap(config, database_url=database_url, clock=clock, require_schema=False)  # type: ignore[arg-type]
    yield app
    app.close()


@pytest.fixture
def rec_id(walker: object) -> int:
    record = walker.walk()  # type: ignore[attr-defined]
    [rec] = record.recommendations
    recommendations.advance(walker.deps, rec, "adopt_in_group", "AG")  # type: ignore[attr-defined]
    return int(rec)


def _version(page: str) -> str:
    found = re.search(r'action="[^"]*/statement">.*?name="version" value="(\d+)"', page, re.S)
    assert found, "the page has no form for a statement without a meeting"
    return found[1]


def test_a_statement_without_a_meeting_through_the_page(
    staff: StaffClient, rec_id: int, app: Application
) -> None:
    secretary = staff("geschaeftsstelle", "g.schreiber")
    path = f"/recommendations/{rec_id}"
    page = secretary.get(path).text
    assert "Oder: Stellungnahme ohne Sitzung" in page
    assert 'value="approved"' in page and 'value="adopted"' not in page
    token, version = csrf_of(page), _version(page)

    missing = secretary.post(
        f"{path}/statement",
        data={"csrf_token": token, "version": version, "statement_result": "approved"},
    )
    assert missing.status_code == 400
    assert (
        'id="statement_text-error"><span class="visually-hidden">Fehler:</span> '
        "Für die Anhörung fehlt die Stellungnahme.</p>"
    ) in missing.text
    assert "(--text)" not in missing.text
    assert 'value="approved" checked' in missing.text  # what was chosen stays

    typed = "Die Kommission begrüßt <die> Empfehlung."
    refused = staff("referat", "r.referat").post(
        f"{path}/statement",
        data={
            "csrf_token": token,
            "version": version,
            "statement_result": "approved",
            "statement_text": typed,
        },
    )
    assert refused.status_code == 403

    done = secretary.post(
        f"{path}/statement",
        data={
            "csrf_token": token,
            "version": version,
            "statement_result": "approved",
            "statement_text": typed,
        },
    )
    assert done.status_code == 303, done.text
    shown = secretary.get(done.headers["location"]).text
    assert "Die Stellungnahme ohne Sitzung ist festgehalten" in shown
    assert "Auf eine Sitzung setzen: Ausschuss für Soziales" in shown
    assert "schriftliche Stellungnahme" in shown and "&lt;die&gt;" in shown
    view = recommendations.show(app.deps, rec_id)
    assert view.status.state == "statement_given" and view.commission_statement == typed

    rows = audit.entries(app.deps, LogFilter(subject_kind="recommendation", subject_id=rec_id))
    assert [(r.actor, r.what) for r in rows if not r.what.startswith("In der")][-2:] == [
        ("g.schreiber", "Stellungnahme ohne Sitzung festgehalten"),
        ("g.schreiber", "Stellungnahme der Kommission festhalten"),
    ]
