"""The texts of the pages behind links in emails (``web/links.py``), from the message catalogue.

Each page text has a key; its German text is the catalogue's message id, so
``texts_for(language)`` gives it in the participant's language (German where a
language or a text is missing). ``{name}`` and ``{place}`` are filled in (and
escaped) by the page.
"""

from __future__ import annotations

from deliberation.translations import texts


def N_(message: str) -> str:
    """Marks a text for the catalogue (``pybabel extract``); translated in ``texts_for``."""
    return message


PAGE_TEXTS: dict[str, str] = {
    "confirm_title": N_("E-Mail-Adresse bestätigen"),
    "confirm_ask": N_(
        "Guten Tag {name}, bitte bestätigen Sie, dass wir Ihnen Einladungen "
        "zu Beteiligungsangeboten schicken dürfen."
    ),
    "confirm_button": N_("Ja, ich bin einverstanden"),
    "confirm_done": N_(
        "Vielen Dank, {name}. Ihre Einwilligung ist gespeichert. Sie können sie "
        "jederzeit mit dem Abmeldelink in jeder E-Mail widerrufen."
    ),
    "unsubscribe_title": N_("Abmelden"),
    "unsubscribe_ask": N_("Guten Tag {name}, möchten Sie keine E-Mails mehr von uns erhalten?"),
    "unsubscribe_button": N_("Ja, abmelden"),
    "unsubscribe_done": N_("Sie sind abgemeldet und erhalten keine E-Mails mehr von uns."),
    "rsvp_title": N_("Antwort auf die Einladung"),
    "rsvp_ask": N_("Guten Tag {name}, bitte bestätigen Sie Ihre Antwort:"),
    "rsvp_button": N_("Antwort senden"),
    "rsvp_done": N_("Vielen Dank, Ihre Antwort ist gespeichert:"),
    "waiting": N_(
        "Alle Plätze sind vergeben. Sie stehen auf der Warteliste (Platz {place}); "
        "wir schreiben Ihnen, sobald ein Platz frei wird."
    ),
    "closed": N_("Auf diese Einladung kann nicht mehr geantwortet werden."),
    "yes": N_("Ja, ich komme"),
    "no": N_("Nein, ich komme nicht"),
    "maybe": N_("Vielleicht"),
    "pending": N_("Noch keine Antwort"),
    "choose": N_("Bitte wählen Sie Ja, Nein oder Vielleicht."),
    "skip_link": N_("Zum Inhalt springen"),
}


def texts_for(language: str) -> dict[str, str]:
    catalogue = texts(language)
    return {key: catalogue.gettext(message) for key, message in PAGE_TEXTS.items()}
