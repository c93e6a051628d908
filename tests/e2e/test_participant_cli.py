"""End-to-end: the participant registry through ``deliberation participant …``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run

EXCEL_EXPORT = (
    "Name;E-Mail;Sprache;Gemeinde;Rollen;Gremien\r\n"
    "Jürgen Müller;juergen.mueller@peine.de;de;Edemissen;Bürger;\r\n"
    "Ohne Adresse;;de;;;\r\n"
    "Petra Groß;p.gross@landkreis-peine.de;de;;Verwaltung;Koordinierungsstab\r\n"
)


def test_import_list_export_and_delete_through_the_cli(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init")[0] == 0
    (data_folder / "personen.csv").write_bytes(EXCEL_EXPORT.encode("cp1252"))

    code, out, _ = run(capsys, "participant", "import", "personen.csv")
    assert code == 0
    assert "Abgewiesene Zeilen (1)" in out and "E-Mail-Adresse fehlt" in out
    assert (
        "2 Personen aus personen.csv neu übernommen, 0 aktualisiert, 0 unverändert, "
        "1 Zeile abgewiesen." in out
    )

    code, out, _ = run(capsys, "participant", "list", "--role", "Verwaltung")
    assert code == 0 and "Petra Groß" in out and "Pflicht" in out and "Jürgen" not in out

    code, out, _ = run(
        capsys, "participant", "export", "juergen.mueller@peine.de", "--output", "auskunft.json"
    )
    assert code == 0
    exported = json.loads((data_folder / "auskunft.json").read_text(encoding="utf-8"))
    assert exported["name"] == "Jürgen Müller" and exported["municipality"] == "edemissen"

    code, _, err = run(capsys, "participant", "delete", "juergen.mueller@peine.de")
    assert code == 1 and "--yes" in err
    code, out, _ = run(capsys, "participant", "delete", "juergen.mueller@peine.de", "--yes")
    assert code == 0 and "gelöscht" in out
    code, _, err = run(capsys, "participant", "export", "juergen.mueller@peine.de")
    assert code == 1 and "nicht im Verzeichnis" in err


def test_an_unreadable_file_is_refused_with_exit_code_1(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init")[0] == 0
    (data_folder / "liste.csv").write_text("Name;Telefon\nAnna;0511\n", encoding="utf-8")

    code, out, err = run(capsys, "participant", "import", "liste.csv")

    assert code == 1
    assert err.startswith("Fehler: liste.csv: Spalte E-Mail fehlt in der ersten Zeile")
    assert "Traceback" not in err and out == ""


def test_add_edit_preview_and_a_reimport_that_updates(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init")[0] == 0
    code, out, _ = run(
        capsys,
        "participant",
        "add",
        "Murat Çelik",
        "--email",
        "murat@example.org",
        "--language",
        "tr",
        "--municipality",
        "Stadt Peine",
        "--role",
        "Bürger",
    )
    assert code == 0 and "Murat Çelik (murat@example.org) ins Verzeichnis aufgenommen" in out
    code, _, err = run(capsys, "participant", "add", "X", "--email", "kaputt", "--role", "Chef")
    assert code == 1 and 'E-Mail-Adresse "kaputt" ist ungültig' in err and 'Rolle "Chef"' in err

    code, out, _ = run(capsys, "participant", "edit", "murat@example.org", "--body", "Kreistag")
    assert code == 0 and "Gremien" in out and "Pflicht (Gremium)" in out
    code, _, err = run(capsys, "participant", "edit", "murat@example.org")
    assert code == 1 and "Bitte angeben, was sich ändert" in err

    (data_folder / "neu.csv").write_text(
        "Name;E-Mail;Sprache\nMurat Çelik;murat@example.org;de\nAnna;anna@peine.de;\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "participant", "import", "neu.csv", "--vorschau")
    assert code == 0 and "nichts gespeichert" in out
    assert "1 neu, 1 zu aktualisieren, 0 unverändert, 0 abgewiesen" in out
    assert "anna@peine.de" not in run(capsys, "participant", "list")[1]

    code, out, _ = run(capsys, "participant", "import", "neu.csv")
    assert code == 0 and "Aktualisierte Personen (1)" in out
    assert "Sprache: Türkisch → Deutsch" in out
    assert "1 Person aus neu.csv neu übernommen, 1 aktualisiert" in out
