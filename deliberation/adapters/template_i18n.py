"""The message catalogue in Jinja2 templates (mails, pages).

``install(environment)`` adds Jinja2's i18n extension with new-style gettext:
``{% trans name=person.name %}Guten Tag {{ name }},{% endtrans %}``,
``{% trans count=days %}morgen{% pluralize %}in {{ count }} Tagen{% endtrans %}``,
``{{ _("Antwort senden") }}``, and ``{{ pgettext("Schaltfläche", "Senden") }}`` where
the same German text needs another translation. Every text is looked up in the language the
render context names (``language``, German if it is missing); autoescaping
escapes the variables of a translated text, never the text itself.
"""

from __future__ import annotations

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from deliberation.translations import SOURCE_LANGUAGE, texts


def install(environment: Environment) -> None:
    """Make ``{% trans %}``, ``_``, ``gettext``, ``ngettext`` and ``pgettext`` use the catalogue."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext
    )


def _language(context: Context) -> str:
    return str(context.get("language") or SOURCE_LANGUAGE)


@pass_context
def _gettext(context: Context, message: str) -> str:
    return texts(_language(context)).gettext(message)


@pass_context
def _pgettext(context: Context, message_context: str, message: str) -> str:
    return texts(_language(context)).pgettext(message_context, message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return texts(_language(context)).ngettext(singular, plural, n)
