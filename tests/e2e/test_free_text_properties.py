"""Property: any text typed into a free-text argument is stored and shown back, or refused.

Arbitrary text, with brackets, control characters, right-to-left marks,
very long strings and formula prefixes, goes into every free-text argument
of the commands that take one (in-process, on SQLite). Each command ends
with status 0 or 1, never a traceback or "Interner Fehler", and what it
stored is shown back literally.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deliberation.bootstrap import Application
from deliberation.domain import text_rules

PIECES = st.sampled_from(
    [
        "[",
        "]",
        "[/]",
        "[bold]",
        "[/Monat]",
        "\\[",
        ":smile:",
        "=",
        "+",
        "-",
        "@",
        "=1+1",
        "\t",
        "\r",
        "\n",
        "\x00",
        "\x1b[31m",
        "\u200f",
        "\u202e",
        "\u061c",
        "مرحبا",
        "Ayşe",
        "'",
        '"',
        "<b>",
        "&amp;",
        "%s",
        "{0}",
        "\\",
        " ",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=12).map("".join),
    st.integers(250, 400).map(lambda n: "x[" * (n // 2)),
)
EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def group(
    app: Application,
    walker,
    database_url: str,
    data_folder: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> int:
    if not database_url.startswith("sqlite"):
        pytest.skip("the property runs on SQLite; the per-field rules are tested on both")
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "100000")  # long texts stay on one line
    return walker.walk().group  # type: ignore[no-any-return]


def _sane(code: int, err: str) -> None:
    assert code in (0, 1), err
    assert "Traceback" not in err and "Interner Fehler" not in err, err
    if code == 1:
        assert err.startswith("Fehler: "), err


def _acceptable(title: str, text: str, actor: str) -> bool:
    """What the product's text rules allow (titles and the actor one line, no control
    characters, within the lengths); the command must accept exactly that."""
    try:
        text_rules.single_line(title, "t")
        text_rules.multi_line(text, "t", required=True)
        text_rules.single_line(actor, "t", text_rules.ACTOR_LENGTH)
    except text_rules.InvalidText:
        return False
    return True


@EXAMPLES
@given(title=TEXTS, text=TEXTS, actor=TEXTS)
@example(title="Kosten [/Monat] \u200fمرحبا", text="[s. Anlage 2]\n=1+1\t[/]", actor="@[/]")
@example(title="=HYPERLINK(1)", text="-5 Euro", actor="Nul\x00l")
def test_a_recommendation_with_any_title_text_and_actor(
    group: int, capsys: pytest.CaptureFixture[str], title: str, text: str, actor: str
) -> None:
    code, out, err = run(
        capsys,
        "recommendation",
        "draft",
        str(group),
        f"--title={title}",
        f"--text={text}",
        f"--actor={actor}",
    )
    _sane(code, err)
    assert (code == 0) == _acceptable(title, text, actor), err
    if code == 1:
        return
    rec = out.split("Empfehlung ", 1)[1].split()[0].strip(":")
    code, shown, err = run(capsys, "recommendation", "show", rec)
    assert code == 0, err
    assert title.strip() in shown
    assert actor.strip() in shown
    code, listed, err = run(capsys, "recommendation", "list")
    assert code == 0 and title.strip() in listed


@EXAMPLES
@given(title=TEXTS, location=TEXTS, round_=TEXTS, reason=TEXTS)
def test_a_meeting_a_round_and_a_reason_with_any_text(
    group: int,
    capsys: pytest.CaptureFixture[str],
    title: str,
    location: str,
    round_: str,
    reason: str,
) -> None:
    code, _out, err = run(
        capsys,
        "meeting",
        "schedule",
        "--at",
        "05.02.2030 18:00",
        f"--location={location}",
        "--trotzdem",
        "--",
        title,
    )
    _sane(code, err)
    if code == 0:
        code, listed, err = run(capsys, "meeting", "list")
        assert code == 0 and title.strip() in listed and location.strip() in listed
    code, _out, err = run(capsys, "cycle", "list", f"--round={round_}")
    _sane(code, err)
    code, _out, err = run(
        capsys, "group", "advance", str(group), "nonexistent", f"--reason={reason}"
    )
    _sane(code, err)
