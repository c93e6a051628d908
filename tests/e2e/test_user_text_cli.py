"""End-to-end: what people type is data, on SQLite and PostgreSQL.

Brackets are shown literally in every table and message (the console reads
no rich markup); line breaks and control characters are refused where they
would break a title, a mail header or the database; lengths are checked by
the product, not by the database.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from cli_helpers import ok, run

from deliberation.bootstrap import Application

BRACKETS = ("Kosten [/Monat]", "[s. Anlage 2]", "[/]", "[bold]fett[/bold] :smile:")


@pytest.fixture
def walked(
    app: Application,
    walker,
    database_url: str,
    data_folder: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> int:
    """A round up to a working group drafting; the CLI on the same database. The group's id."""
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", database_url)
    return walker.walk().group  # type: ignore[no-any-return]


def test_brackets_are_shown_literally_in_lists_details_and_traces(
    walked: int, capsys: pytest.CaptureFixture[str]
) -> None:
    title, text, reason, actor = BRACKETS
    out = ok(
        capsys,
        "recommendation",
        "draft",
        str(walked),
        "--title",
        title,
        "--text",
        text,
        "--actor",
        actor,
    )
    rec = out.split("Empfehlung ", 1)[1].split()[0].strip(":")
    ok(
        capsys,
        "recommendation",
        "advance",
        rec,
        "adopt_in_group",
        "--reason",
        reason,
        "--actor",
        actor,
    )

    for argv in (
        ("recommendation", "list"),
        ("recommendation", "show", rec),
        ("trace", "recommendation", rec),
        ("status",),
    ):
        shown = ok(capsys, *argv)
        assert title in shown, argv
    detail = ok(capsys, "recommendation", "show", rec)
    assert text in detail and reason in detail and actor in detail
    assert actor in ok(capsys, "trace", "recommendation", rec)


def test_line_breaks_and_control_characters_in_titles_are_refused_by_name(
    walked: int, capsys: pytest.CaptureFixture[str]
) -> None:
    for bad in ("Sitzung\rNacht", "Sitzung\nBcc: x@example.org", "Nul\x00l"):
        code, _, err = run(
            capsys, "meeting", "schedule", bad, "--at", "01.02.2030 10:00", "--location", "Peine"
        )
        assert code == 1, bad
        assert "Der Titel der Sitzung enthält" in err and "Traceback" not in err
    code, _, err = run(
        capsys, "recommendation", "draft", str(walked), "--title", "A\x1bB", "--text", "t"
    )
    assert code == 1
    assert "Der Titel der Empfehlung enthält ein Steuerzeichen (U+001B" in err
    assert err.rstrip().endswith("bitte entfernen (--title).")  # the option, named by the CLI
    assert "Nul" not in ok(capsys, "meeting", "list")


def test_lengths_are_checked_before_the_database_sees_them(
    walked: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "cycle", "launch", "future_workshop", "--round", "9" * 81)
    assert code == 1 and "Der Durchgang ist zu lang: 81 Zeichen, höchstens 80 (--round)." in err
    code, _, err = run(
        capsys,
        "recommendation",
        "draft",
        str(walked),
        "--title",
        "T",
        "--text",
        "t",
        "--actor",
        "x" * 201,
    )
    assert code == 1 and "Wer handelt ist zu lang: 201 Zeichen, höchstens 200 (--actor)." in err
    code, _, err = run(
        capsys,
        "recommendation",
        "draft",
        str(walked),
        "--title",
        "T",
        "--text",
        "t",
        "--actor",
        " ",
    )
    assert code == 1 and "Fehler: Wer handelt darf nicht leer sein (--actor)." in err
    assert "Interner Fehler" not in err
    assert "(0)" in ok(capsys, "cycle", "list", "--round", "9" * 81)


def test_an_import_refuses_control_characters_per_row_and_keeps_the_rest(
    walked: int, data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = (
        "Name;E-Mail;Sprache\r\n"
        "Anna Nul\x00l;anna@example.org;de\r\n"
        "Bernd Escape\x1b;bernd@example.org;de\r\n"
        f"{'L' * 301};lang@example.org;de\r\n"
        "Carla Gut;carla@example.org;de\r\n"
    )
    (data_folder / "personen.csv").write_text(rows, encoding="utf-8")

    code, out, err = run(capsys, "participant", "import", "personen.csv")

    assert code == 0, err
    assert 'Die Spalte "Name" enthält ein Steuerzeichen (U+0000 an Stelle 9)' in out
    assert "U+001B" in out and "Der Name ist zu lang: 301 Zeichen" in out
    assert "1 Person aus personen.csv neu übernommen" in out and "3 Zeilen abgewiesen" in out
    assert "Carla Gut" in ok(capsys, "participant", "list")


def test_a_utf16_file_from_excel_is_read(
    walked: int, data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "Name\tE-Mail\tSprache\r\nÇiğdem Öztürk\tcigdem@example.org\ttr\r\n"
    (data_folder / "unicode.txt").write_bytes(rows.encode("utf-16"))
    (data_folder / "ohne-bom.csv").write_bytes(rows.encode("utf-16-le"))

    out = ok(capsys, "participant", "import", "unicode.txt")
    assert "1 Person aus unicode.txt neu übernommen" in out
    assert "Çiğdem Öztürk" in ok(capsys, "participant", "list")
    code, _, err = run(capsys, "participant", "import", "ohne-bom.csv")
    assert code == 1 and "wohl UTF-16" in err


def test_the_tracker_csv_neutralises_formula_cells(
    walked: int, data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    formula = '=HYPERLINK("http://example.org";"Klick")'
    ok(capsys, "recommendation", "draft", str(walked), "--title", formula, "--text", "-5 Euro")
    ok(capsys, "recommendation", "list", "--csv", "tracker.csv")

    raw = (data_folder / "tracker.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw, newline=""), delimiter=";"))
    titles = [row[1] for row in rows[1:]]
    assert "'" + formula in titles
    assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "@"))]
