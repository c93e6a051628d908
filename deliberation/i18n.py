"""Translatable user texts.

German is the source language of every user-facing message; other languages
come from gettext catalogues in ``deliberation/locale`` when they exist.
"""

import gettext
from pathlib import Path

_LOCALE_DIR = Path(__file__).parent / "locale"
_translation = gettext.translation("deliberation", localedir=_LOCALE_DIR, fallback=True)


def _(message: str) -> str:
    """Translate ``message`` into the active language (German by default)."""
    return _translation.gettext(message)
