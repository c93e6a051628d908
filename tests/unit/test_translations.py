"""The message catalogue: complete, compiled, plural forms per language, used by every mail."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from domain_builders import ROOT

from deliberation.adapters.templates import TemplateCatalog
from deliberation.translations import (
    LANGUAGES,
    catalogue_file,
    compile_catalogue,
    gettext,
    ngettext,
    texts,
)

TEMPLATES = ROOT / "templates"
STARTS = datetime(2027, 3, 4, 17, 0, tzinfo=UTC)
REMINDER = "invitation/reminder"


def _scanned(folder: str) -> bool:
    # as pybabel extract --ignore-dirs ".* build node_modules": templates/_mail is scanned
    name = Path(folder).name
    return not name.startswith(".") and name not in ("build", "node_modules")


@cache
def _extracted() -> dict[str, str]:
    """Every message id in the sources, as ``pybabel extract -F babel.cfg`` finds them,
    with the file it comes from."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(str(ROOT), method_map, options_map, directory_filter=_scanned)
    return {
        (message if isinstance(message, str) else message[0]): file_name
        for file_name, _, message, _, _ in found
    }


def _catalogue_ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_of_the_sources_is_in_every_catalogue(language: str) -> None:
    missing = set(_extracted()) - _catalogue_ids(catalogue_file(language))
    assert missing == set(), (
        "Texte fehlen im Katalog; pybabel extract/update ausführen (deliberation/translations.py)"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_current(language: str) -> None:
    compiled = catalogue_file(language, ".mo")
    if not compiled.is_file():
        pytest.skip("not installed: pip install -e . compiles the catalogues")
    assert compiled.read_bytes() == compile_catalogue(catalogue_file(language)), (
        f"{compiled.name} ({language}) is older than the .po file: run pip install -e . again"
    )


#: Where participants' texts are: their mails and the pages behind the links in them.
#: (Staff read German only, like the command line: escalations, reports, staff pages.)
STAFF_TEMPLATES = ("templates/scheduling/", "templates/recommendation/", "templates/web/")
PARTICIPANT_FILES = (
    "templates/web/links/",
    "templates/web/public/",
    "deliberation/entrypoints/web/link_texts.py",
    "templates/web/_forms.html",
    "deliberation/entrypoints/web/public/",
)


def _for_participants(file_name: str) -> bool:
    if file_name.startswith(PARTICIPANT_FILES):
        return True
    return file_name.startswith("templates/") and not file_name.startswith(STAFF_TEMPLATES)


@pytest.mark.parametrize("language", ["en", "tr", "ar", "uk"])
def test_every_text_participants_read_is_translated(language: str) -> None:
    participant_texts = {
        message for message, file_name in _extracted().items() if _for_participants(file_name)
    }
    with catalogue_file(language).open("rb") as handle:
        catalogue = read_po(handle)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogue
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert len(participant_texts) >= 35
    assert participant_texts - translated == set()


def test_german_plural_forms() -> None:
    started = ("%(num)d Zyklus gestartet", "%(num)d Zyklen gestartet")
    assert ngettext(*started, 1) == "1 Zyklus gestartet"
    assert ngettext(*started, 7) == "7 Zyklen gestartet"
    assert ngettext(*started, 0) == "0 Zyklen gestartet"


@pytest.mark.parametrize(
    ("days", "ukrainian", "arabic"),
    [
        (2, "через 2 дні", "بعد يومين"),
        (5, "через 5 днів", "بعد 5 أيام"),
        (11, "через 11 днів", "بعد 11 يومًا"),
        (21, "через 21 день", "بعد 21 يومًا"),
        (100, "через 100 днів", "بعد 100 يوم"),
    ],
)
def test_plural_forms_of_ukrainian_and_arabic(days: int, ukrainian: str, arabic: str) -> None:
    days_form = ("in %(count)s Tag", "in %(count)s Tagen")
    assert texts("uk").ngettext(*days_form, days) % {"count": days} == ukrainian
    assert texts("ar").ngettext(*days_form, days) % {"count": days} == arabic


def test_a_language_without_catalogue_and_an_untranslated_text_are_german() -> None:
    assert gettext("Abmelden", "en") == "Unsubscribe"
    assert gettext("Abmelden", "fr") == "Abmelden"
    assert texts("fr").language == "de"
    assert gettext("Diese Nachricht hat der Terminplaner von deliberation erzeugt.", "uk") == (
        "Diese Nachricht hat der Terminplaner von deliberation erzeugt."
    )


def _reminder(days: int, name: str = "Elif Şahin") -> dict[str, object]:
    return {
        "meeting": SimpleNamespace(title="Kommission", starts_at=STARTS, location="Kreishaus"),
        "days": days,
        "answer": {"no": "https://x/rsvp/t?answer=no"},
        "person": SimpleNamespace(name=name),
        "county": "Landkreis Peine",
        "organiser": "Referat für Migration und Teilhabe",
        "unsubscribe_url": "https://x/unsubscribe/t",
    }


@pytest.mark.parametrize(
    ("language", "days", "subject"),
    [
        ("de", 1, "Erinnerung: Kommission morgen"),
        ("de", 7, "Erinnerung: Kommission in 7 Tagen"),
        ("en", 7, "Reminder: Kommission in 7 days"),
        ("tr", 1, "Hatırlatma: Kommission yarın"),
        ("uk", 3, "Нагадування: Kommission через 3 дні"),
        ("ar", 7, "تذكير: Kommission بعد 7 أيام"),
    ],
)
def test_the_reminder_speaks_the_recipients_language_with_plural_forms(
    language: str, days: int, subject: str
) -> None:
    mail = TemplateCatalog(TEMPLATES).render_mail(REMINDER, language, _reminder(days))
    assert (mail.subject, mail.language) == (subject, language)
    assert mail.html is not None and f'<html lang="{language}"' in mail.html
    assert gettext("Mit freundlichen Grüßen", language) in mail.text
    assert gettext("Abmelden", language) in mail.html


def test_variables_of_translated_texts_are_escaped_in_html_only() -> None:
    mail = TemplateCatalog(TEMPLATES).render_mail(REMINDER, "en", _reminder(7, "<b>Ali</b>"))
    assert "Hello <b>Ali</b>," in mail.text
    assert mail.html is not None and "Hello &lt;b&gt;Ali&lt;/b&gt;," in mail.html


def test_a_language_of_its_own_file_wins_over_the_catalogue(tmp_path: Path) -> None:
    (tmp_path / "note.txt.j2").write_text("{{ _('Abmelden') }}\n\nx\n", encoding="utf-8")
    (tmp_path / "note.tr.txt.j2").write_text("Kendi\n\ny\n", encoding="utf-8")
    catalog = TemplateCatalog(tmp_path)
    assert catalog.render_mail("note", "tr", {}).subject == "Kendi"
    assert catalog.render_mail("note", "uk", {}).subject == "Відписатися"
    assert catalog.render_mail("note", "fr", {}).subject == "Abmelden"
