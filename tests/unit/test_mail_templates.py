"""The translated mail templates: complete, strict, escaped, right-to-left where needed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from deliberation.adapters.templates import TemplateCatalog
from deliberation.domain.errors import TemplateRenderError
from deliberation.domain.participants import LANGUAGES

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MAILS = (
    "invitation/meeting",
    "invitation/cancellation",
    "invitation/waitlist_promoted",
    "consent/confirmation",
)
STARTS = datetime(2027, 3, 4, 17, 0, tzinfo=UTC)  # 18:00 in Peine


def context(title: str = "Sitzung der Kommission") -> dict[str, object]:
    meeting = SimpleNamespace(title=title, starts_at=STARTS, location="Kreishaus Peine", cycle=None)
    return {
        "meeting": meeting,
        "changed": False,
        "answer": {
            "yes": "https://x/rsvp/t?answer=yes",
            "no": "https://x/rsvp/t?answer=no",
            "maybe": "https://x/rsvp/t?answer=maybe",
        },
        "person": SimpleNamespace(name="Elif Şahin"),
        "county": "Landkreis Peine",
        "organiser": "Referat für Migration und Teilhabe",
        "unsubscribe_url": "https://x/unsubscribe/t",
        "calendar_url": "https://x/calendar/t/invitations.ics",
        "vote_url": "https://x/vote/t",
        "feedback_url": "https://x/public/feedback/2026/ilsede",
        "confirm_url": "https://x/confirm/t",
        "valid_until": STARTS,
    }


@pytest.fixture
def catalog() -> TemplateCatalog:
    return TemplateCatalog(TEMPLATES)


@pytest.mark.parametrize("name", MAILS)
def test_each_mail_is_one_template_per_part_in_every_language(
    catalog: TemplateCatalog, name: str
) -> None:
    """One text and one HTML template; the languages come from the catalogue, none has a
    file of its own any more (a file of its own would win over the catalogue)."""
    folder = TEMPLATES / name.rpartition("/")[0]
    stem = name.rpartition("/")[2]
    assert sorted(p.name for p in folder.glob(f"{stem}.*j2")) == [
        f"{stem}.html.j2",
        f"{stem}.txt.j2",
    ]
    german = catalog.render_mail(name, "de", context())
    for language in sorted(set(LANGUAGES) - {"de"}):
        mail = catalog.render_mail(name, language, context())
        assert mail.language == language
        assert mail.subject != german.subject and mail.text != german.text
        assert mail.html is not None and mail.html != german.html


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("name", MAILS)
def test_rendering_with_a_missing_variable_fails(
    catalog: TemplateCatalog, name: str, language: str
) -> None:
    complete = context()
    catalog.render_mail(name, language, complete)  # renders with everything given
    for key in ("person", "county", "organiser"):
        incomplete = {k: v for k, v in complete.items() if k != key}
        with pytest.raises(TemplateRenderError, match=rf"templates/{name}\.txt\.j2"):
            catalog.render_mail(name, language, incomplete)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_html_is_autoescaped_and_text_is_not(catalog: TemplateCatalog, language: str) -> None:
    mail = catalog.render_mail("invitation/meeting", language, context("<b>AG</b> & Co"))

    assert mail.html is not None
    assert "&lt;b&gt;AG&lt;/b&gt; &amp; Co" in mail.html
    assert "<b>AG</b>" not in mail.html
    assert "<b>AG</b> & Co" in mail.text
    assert "https://x/unsubscribe/t" in mail.text and 'href="https://x/unsubscribe/t"' in mail.html


def test_arabic_is_laid_out_right_to_left(catalog: TemplateCatalog) -> None:
    arabic = catalog.render_mail("invitation/meeting", "ar", context())
    german = catalog.render_mail("invitation/meeting", "de", context())

    assert arabic.html is not None and german.html is not None
    assert '<html lang="ar" dir="rtl">' in arabic.html
    assert "text-align:right" in arabic.html
    assert '<html lang="de" dir="ltr">' in german.html
    assert arabic.subject == "دعوة: Sitzung der Kommission"


@pytest.mark.parametrize(
    ("language", "subject", "date", "time"),
    [
        ("de", "Einladung: Sitzung der Kommission", "Donnerstag, 4. März 2027", "18:00 Uhr"),
        ("en", "Invitation: Sitzung der Kommission", "Thursday, March 4, 2027", "6:00\u202fPM"),
        ("tr", "Davet: Sitzung der Kommission", "4 Mart 2027 Perşembe", "18:00"),
        ("uk", "Запрошення: Sitzung der Kommission", "четвер, 4 березня 2027", "18:00"),
    ],
)
def test_subject_and_dates_are_in_the_recipients_language(
    catalog: TemplateCatalog, language: str, subject: str, date: str, time: str
) -> None:
    mail = catalog.render_mail("invitation/meeting", language, context())

    assert mail.subject == subject
    assert date in mail.text
    assert time in mail.text
    assert not mail.text.startswith(subject)  # the first line became the subject


def test_a_language_without_templates_falls_back_to_german(tmp_path: Path) -> None:
    (tmp_path / "note.de.txt.j2").write_text("Hinweis\n\nGuten Tag {{ person.name }}\n")
    catalog = TemplateCatalog(tmp_path)

    mail = catalog.render_mail("note", "uk", context())

    assert (mail.subject, mail.text, mail.html) == ("Hinweis", "Guten Tag Elif Şahin\n", None)
    assert mail.language == "de"


def test_the_buergerforum_invitation_mirrors_back_the_rounds_reports(
    catalog: TemplateCatalog,
) -> None:
    report = SimpleNamespace(recommendation=SimpleNamespace(title="Sprachkurse mit Kita"))
    cycle = SimpleNamespace(round=SimpleNamespace(label="2029", feedback_reports=[report]))
    full = {**context(), "cycle": cycle}
    text = catalog.render("buergerforum/invitation", "de", full)
    assert text.startswith("Einladung zum Bürgerforum 2029")
    assert "(Rückspiegelung)" in text and "  - Sprachkurse mit Kita" in text
    cycle.round.feedback_reports = []
    assert "stellen wir im Forum vor" in catalog.render("buergerforum/invitation", "de", full)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_a_cycle_invitation_lists_the_agenda_and_the_feedback_of_the_last_round(
    catalog: TemplateCatalog, language: str
) -> None:
    """The conference's agenda, and the Rückspiegelung of the last round, in every language."""
    report = SimpleNamespace(recommendation=SimpleNamespace(title="Abendkurse <für> Eltern"))
    cycle = SimpleNamespace(
        agenda_topics=[SimpleNamespace(position=1, title="Sprache")],
        round=SimpleNamespace(feedback_reports=[report]),
    )
    complete = context()
    complete["meeting"] = SimpleNamespace(
        title="Integrationskonferenz 2029", starts_at=STARTS, location="Forum", cycle=cycle
    )

    mail = catalog.render_mail("invitation/meeting", language, complete)

    assert "  1. Sprache" in mail.text and "  – Abendkurse <für> Eltern" in mail.text
    assert mail.html is not None
    assert "<li>Sprache</li>" in mail.html and "Abendkurse &lt;für&gt; Eltern" in mail.html
    plain = catalog.render_mail("invitation/meeting", language, context())
    assert "Sprache" not in plain.text and "–" not in plain.text
