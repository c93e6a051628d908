"""The decision route from the command line: ``advance`` refuses the route's steps, naming
``place``/``result``; where the county's rules allow it, ``result --ohne-sitzung`` records
the statement without a meeting and ``place`` goes on with the next body."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from route_helpers import Route
from written_statements import written_statement_config

from deliberation.entrypoints.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_advance_place_and_result_agree_on_the_command_line(
    walker: Any,
    clock: Any,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    route = Route(walker, clock)
    rec = str(route.rec)
    kommission = str(route.meeting("kommission", 30))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    written = written_statement_config(tmp_path)

    step = "Stellungnahme der Kommission festhalten"
    code, _, err = _run(capsys, written, "recommendation", "advance", rec, step, "--text", "Ja.")
    assert code == 1
    assert f"„{step}“ ist ein Schritt der Beratungsfolge" in err
    assert f"recommendation result {rec} --ohne-sitzung" in err

    code, _, err = _run(
        capsys,
        written,
        "recommendation",
        "result",
        rec,
        "--ohne-sitzung",
        "--result",
        "ungeändert beschlossen",
        "--text",
        "Ja.",
    )
    assert code == 1 and "gibt es ohne Sitzung nicht" in err

    code, out, err = _run(
        capsys,
        written,
        "recommendation",
        "result",
        rec,
        "--ohne-sitzung",
        "--result",
        "zugestimmt",
        "--text",
        "Die Kommission stimmt zu.",
        "--actor",
        "g.schreiber",
    )
    assert code == 0, err
    assert "Stellungnahme ohne Sitzung festgehalten: zugestimmt" in out
    code, shown, _ = _run(capsys, written, "recommendation", "show", rec)
    assert "Beratung: schriftliche Stellungnahme (ohne Sitzung, Anhörung): zugestimmt" in shown
    assert "Stellungnahme der Kommission liegt vor" in shown

    code, _, err = _run(capsys, written, "recommendation", "place", rec, kommission)
    assert code == 1 and "Als Nächstes berät Ausschuss für Soziales" in err
    # the committee's rules want a meeting: refused, naming the setting
    code, _, err = _run(
        capsys,
        written,
        "recommendation",
        "result",
        rec,
        "--ohne-sitzung",
        "--result",
        "zugestimmt",
        "--text",
        "Ja.",
    )
    assert code == 1 and "Ausschuss für Soziales" in err and "statement_without_meeting" in err
