"""Texts of the public side that Python code hands to a page: messages and refusals.

Each is a German message id of the catalogue (``N_`` marks it for ``pybabel extract``);
``say(language, text)`` gives it in the visitor's language. Messages that the service
layer raises in German on a public page (an invalid link …) are listed here too, so
they reach the catalogue; a message the catalogue does not know stays German, and
``say_or(language, text, fallback)`` then shows the fallback, which it does know.
"""

from __future__ import annotations

from deliberation.translations import SOURCE_LANGUAGE, texts


def N_(message: str) -> str:
    """Marks a text for the catalogue; translated where it is shown (``say``)."""
    return message


# Error pages (titles and messages of errors.py, in the visitor's language).
NOT_FOUND_TITLE = N_("Seite nicht gefunden")
NOT_FOUND = N_("Diese Seite gibt es nicht. Vielleicht ist die Adresse veraltet oder unvollständig.")
NOT_ALLOWED_TITLE = N_("Nicht möglich")
NOT_ALLOWED = N_("Diese Adresse nimmt so keine Anfrage an.")
REQUEST_TITLE = N_("Anfrage nicht möglich")
LINK_TITLE = N_("Link ungültig")
LINK_INVALID = N_("Der Link ist ungültig.")
FORM_REFUSED_TITLE = N_("Formular abgelehnt")
FORM_REFUSED = N_(
    "Das Formular war abgelaufen oder kam nicht von dieser Seite. Bitte laden Sie die "
    "Seite neu und senden Sie es noch einmal."
)
INTERNAL_TITLE = N_("Interner Fehler")
INTERNAL = N_(
    "Auf dem Server ist ein unerwarteter Fehler aufgetreten. Bitte versuchen Sie es noch "
    "einmal; wenn er bleibt, nennen Sie der IT die Fehlernummer."
)
CONFLICT = N_(
    "Das ist gerade nicht möglich. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal."
)

# Messages of invalid signed links (adapters/links.py, service_layer/messages.py, …).
LINK_MESSAGES = (
    N_("Der Link ist abgelaufen. Bitte fordern Sie beim Referat einen neuen an."),
    N_("Der Link ist ungültig. Bitte kopieren Sie ihn vollständig aus der E-Mail."),
    N_("Diese Adresse ist nicht (mehr) im Verzeichnis."),
    N_("Zu diesem Link gibt es keine Einladung (mehr)."),
)

# Refusals of the form protection (protection.py).
TOO_LARGE_TITLE = N_("Zu viel Text")
TOO_LARGE = N_(
    "Das Formular war zu groß, um es anzunehmen. Bitte kürzen Sie Ihren Text und senden "
    "Sie es noch einmal."
)
TOO_MANY_TITLE = N_("Bitte etwas später noch einmal")
TOO_MANY = N_(
    "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Formulare. Bitte warten Sie "
    "einige Minuten und senden Sie es dann noch einmal."
)
NOT_A_FORM = N_(
    "Das Formular kam nicht in der erwarteten Form an. Bitte senden Sie es noch einmal."
)
HONEYPOT_LABEL = N_("Dieses Feld bitte leer lassen")
HONEYPOT_FILLED = N_(
    "Das Formular wurde nicht angenommen: Das Feld „Dieses Feld bitte leer lassen“ war "
    "ausgefüllt. Bitte lassen Sie es leer und senden Sie das Formular noch einmal."
)

# Field errors of public forms (protection.validate).
REQUIRED = N_("Bitte ausfüllen.")
TOO_LONG = N_("Höchstens {limit} Zeichen.")
CHOOSE = N_("Bitte wählen Sie eine der angebotenen Möglichkeiten.")
NO_HTML = N_(
    "Bitte nur Text eingeben, ohne HTML: Zeichen wie „<“ direkt vor einem Buchstaben "
    "werden nicht angenommen."
)
INVALID = N_("Ungültige Eingabe.")
EMAIL = N_("Bitte eine E-Mail-Adresse wie name@example.org eingeben.")
ERROR_PREFIX = N_("Fehler")


def say(language: str, message: str) -> str:
    """``message`` (a German message id) in ``language``."""
    return texts(language).gettext(message)


def say_or(language: str, message: str, fallback: str) -> str:
    """``message`` in ``language`` if the catalogue knows it there, else ``fallback``."""
    translated = say(language, message)
    if language != SOURCE_LANGUAGE and translated == message:
        return say(language, fallback)
    return translated
