"""The message catalogue: every user-facing text, per language, from gettext catalogues.

German is the source language: a message's id is its German text, so German
needs no translation and any text missing in another language comes out in
German. The catalogues are ``locale/<language>/LC_MESSAGES/deliberation.po``
beside this module (de, en, tr, ar, uk); installing the package (``pip install``,
also ``-e``, or building a wheel) compiles them to ``.mo`` files
(``setup.py``). A checkout without compiled files reads the ``.po`` files.

In code::

    from deliberation.translations import texts
    t = texts("uk")
    t.gettext("Antwort senden")
    t.ngettext("%(num)d Zyklus gestartet", "%(num)d Zyklen gestartet", 7) % {"num": 7}

In Jinja2 templates, ``adapters.template_i18n.install(environment)`` provides
``{% trans %}``, ``_()``, ``gettext`` and ``ngettext`` in the language that
the render context's ``language`` names.

After adding or changing texts: ``pybabel extract -F babel.cfg --ignore-dirs
".* build node_modules" --no-location --sort-output -o deliberation/locale/deliberation.pot .``
then ``pybabel update -i
deliberation/locale/deliberation.pot -d deliberation/locale -D deliberation``,
translate, and reinstall (``pip install -e .``) so the ``.mo`` files are current
(``tests/unit/test_translations.py`` checks).
"""

from __future__ import annotations

import gettext as _gettext
import io
from functools import cache
from pathlib import Path

SOURCE_LANGUAGE = "de"
LANGUAGES = ("de", "en", "tr", "ar", "uk")
DOMAIN = "deliberation"
LOCALE_DIR = Path(__file__).with_name("locale")


def catalogue_file(language: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def compile_catalogue(po_file: Path) -> bytes:
    """The ``.mo`` bytes of ``po_file`` (Babel; used by the build and without a build)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_file.open("rb") as handle:
        catalogue = read_po(handle)
    output = io.BytesIO()
    write_mo(output, catalogue)
    return output.getvalue()


class Texts:
    """The texts of one language; missing ones fall back to German (the message id)."""

    def __init__(self, language: str, translations: _gettext.NullTranslations) -> None:
        self.language = language
        self._translations = translations

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def pgettext(self, context: str, message: str) -> str:
        """``message`` where the same German text is translated differently elsewhere."""
        return self._translations.pgettext(context, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` by the language's plural rule (Arabic has six, Ukrainian three)."""
        return self._translations.ngettext(singular, plural, n)


def supported(language: str) -> str:
    """``language`` if there is a catalogue for it, else German."""
    return language if language in LANGUAGES else SOURCE_LANGUAGE


@cache
def texts(language: str) -> Texts:
    """The texts of ``language`` (German for a language without a catalogue)."""
    language = supported(language)
    compiled = catalogue_file(language, ".mo")
    source = catalogue_file(language)
    if compiled.is_file():
        with compiled.open("rb") as handle:
            return Texts(language, _gettext.GNUTranslations(handle))
    if source.is_file():
        return Texts(language, _gettext.GNUTranslations(io.BytesIO(compile_catalogue(source))))
    return Texts(language, _gettext.NullTranslations())


def gettext(message: str, language: str = SOURCE_LANGUAGE) -> str:
    return texts(language).gettext(message)


def ngettext(singular: str, plural: str, n: int, language: str = SOURCE_LANGUAGE) -> str:
    """The plural form for ``n``, with ``%(num)d`` filled in."""
    return texts(language).ngettext(singular, plural, n) % {"num": n}
