"""The secretaries' commands: the backward plan, "not feasible", the implementation report
(terminal, XLSX, printable HTML), run through ``deliberation`` on a walked round."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from route_helpers import Route

from deliberation.domain.consultations import ConsultationResult as R
from deliberation.entrypoints.cli.main import main
from deliberation.service_layer import body_meetings, implementation

BERLIN = ZoneInfo("Europe/Berlin")
CONFIG = Path(__file__).resolve().parents[2] / "config.toml"


@pytest.fixture
def route(walker: Any, clock: Any, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Route:
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "220")
    return Route(walker, clock)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(CONFIG), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _meeting(route: Route, body: str, day: date) -> int:
    at = datetime(day.year, day.month, day.day, 17, tzinfo=BERLIN)
    return body_meetings.add(route.deps, body, at, "Kreishaus Peine", confirmed=True).id


def test_plan_names_every_meeting_and_the_day_the_group_must_adopt(
    route: Route, capsys: pytest.CaptureFixture[str]
) -> None:
    _meeting(route, "kommission", date(2036, 4, 28))
    _meeting(route, "ausschuss-soziales", date(2036, 5, 12))
    _meeting(route, "kreisausschuss", date(2036, 6, 3))
    kreistag = _meeting(route, "kreistag", date(2036, 6, 18))
    code, out, err = run(
        capsys, "recommendation", "plan", str(route.rec), "--kreistag", str(kreistag)
    )
    assert code == 0, err
    for deadline in ("10.04.2036", "05.05.2036", "27.05.2036", "11.06.2036"):
        assert deadline in out
    assert "spätestens am 10.04.2036 beschließen" in out
    assert "Alle Ladungsfristen werden eingehalten." in out

    code, _, err = run(capsys, "recommendation", "plan", str(route.rec), "--kreistag", "999")
    assert code == 1 and "Sitzung 999 gibt es nicht" in err


def test_not_feasible_turns_the_light_red_and_the_report_shows_it(
    route: Route, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    route.to_kreistag()
    route.pass_body("kreistag", R.ADOPTED)
    implementation.assign(route.deps, route.rec, "FD Soziales", date(2036, 1, 1), "Sitzungsdienst")
    rec = str(route.rec)
    code, out, err = run(
        capsys, "recommendation", "progress", rec, "--note", "Kein Träger.", "--not-feasible"
    )
    assert code == 0, err
    assert "nicht umsetzbar gemeldet (Ampel rot)" in out
    code, out, err = run(
        capsys, "recommendation", "progress", rec, "--note", '=HYPERLINK("http://x")'
    )
    assert code == 0, err
    code, out, _ = run(capsys, "recommendation", "show", rec)
    assert "Ampel: rot – nicht umsetzbar" in out

    xlsx, html = tmp_path / "bericht.xlsx", tmp_path / "bericht.html"
    code, out, err = run(
        capsys,
        "recommendation",
        "implementation-report",
        "--committee",
        "Kreisausschuss",
        "--xlsx",
        str(xlsx),
        "--html",
        str(html),
    )
    assert code == 0, err
    assert "1 rot, 0 gelb, 0 grün" in out
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Nr.", "Drucksache", "Titel", "Ampel")
    assert rows[1][3] == "rot – nicht umsetzbar"
    # the note a person typed is text, never a formula
    assert rows[1][8] == '\'=HYPERLINK("http://x")'
    page = html.read_text(encoding="utf-8")
    assert '<html lang="de">' in page and "rot: nicht umsetzbar" in page
    assert "=HYPERLINK(&#34;http://x&#34;)" in page

    with pytest.raises(SystemExit) as refused:
        run(
            capsys, "recommendation", "progress", rec, "--note", "x", "--feasible", "--not-feasible"
        )
    assert refused.value.code == 2 and "--not-feasible" in capsys.readouterr().err
