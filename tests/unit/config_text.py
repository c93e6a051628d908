"""The real config.toml as text, and broken copies of it for validation tests."""

from __future__ import annotations

from domain_builders import ROOT

REAL_TEXT = (ROOT / "config.toml").read_text(encoding="utf-8")


def broken(old: str, new: str, text: str = REAL_TEXT) -> str:
    """``text`` with ``old`` replaced by ``new``; ``old`` must occur exactly once."""
    assert text.count(old) == 1, f"test setup: {old!r} not exactly once in config.toml"
    return text.replace(old, new)
