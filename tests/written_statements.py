"""A county whose rules let the Kommission give its statement without a meeting: the
repository's config.toml with ``statement_without_meeting = true`` for the Kommission,
written to a folder of its own (its paths made absolute)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RULE = "statement_without_meeting = false"


def written_statement_config(folder: Path) -> Path:
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    assert text.count(RULE) == 1, "config.toml: the Kommission's rule is not there once"
    text = text.replace(RULE, "statement_without_meeting = true")
    for key in ("workflows", "templates"):
        line = f'{key} = "{key}"'
        assert line in text, f"config.toml: {line} is missing"
        text = text.replace(line, f'{key} = "{(REPO / key).as_posix()}"')
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path
