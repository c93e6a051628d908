"""The message templates in ``templates/``: the one renderer of every mail.

A mail's template is ``<folder>/<name>.<txt|html>.j2``, its texts from the
message catalogue (``{% trans %}``, see ``template_i18n``), rendered in the
recipient's language (German for a language without a catalogue, and for any
text not yet translated). Some older mails still have one file per language,
``<folder>/<name>.<language>.<txt|html>.j2``; such a file wins for its
language, and the German one (``.de.``) for a language without its own file.

Text templates are rendered as they are; HTML templates are autoescaped, so
nothing a participant or a member of staff typed is rendered as markup. Every
undefined variable is an error (``StrictUndefined``). Dates and times are
formatted for the language with Babel: ``{{ meeting.starts_at | date_long }}``,
``| time_short``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

from deliberation.adapters import template_i18n
from deliberation.domain.errors import TemplateRenderError, WorkflowDefinitionError
from deliberation.domain.outbox import MailContent
from deliberation.translations import supported

FALLBACK_LANGUAGE = "de"
PARTS = ("txt", "html")


class TemplateCatalog:
    def __init__(self, folder: Path, timezone: str = "Europe/Berlin") -> None:
        self.folder = folder
        self.timezone = timezone
        self.environment = Environment(
            loader=FileSystemLoader(folder),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
            keep_trailing_newline=True,
        )
        self.environment.filters["date_long"] = _date_long
        self.environment.filters["time_short"] = _time_short
        template_i18n.install(self.environment)

    def text_file(self, name: str, language: str = FALLBACK_LANGUAGE) -> str:
        """The text template of ``name`` for ``language`` (see ``language_for``)."""
        return self._file(name, language, "txt")

    def html_file(self, name: str, language: str = FALLBACK_LANGUAGE) -> str:
        return self._file(name, language, "html")

    def _file(self, name: str, language: str, part: str) -> str:
        own = f"{name}.{language}.{part}.j2"
        if (self.folder / own).is_file() or not (self.folder / f"{name}.{part}.j2").is_file():
            return own
        return f"{name}.{part}.j2"

    def exists(self, name: str) -> bool:
        """Whether the (German) text template of ``name`` exists and parses."""
        file_name = self.text_file(name)
        if not (self.folder / file_name).is_file():
            return False
        try:
            self.environment.get_template(file_name)
        except TemplateSyntaxError as exc:
            raise WorkflowDefinitionError(
                f"templates/{file_name}, Zeile {exc.lineno}: Vorlage fehlerhaft: {exc.message}"
            ) from None
        return True

    def render(self, name: str, language: str, context: Mapping[str, object]) -> str:
        """The text of template ``name`` in ``language`` (the ``TemplateRenderer`` port)."""
        language = self.language_for(name, language)
        full = {**context, "language": language, "timezone": self.timezone}
        return self._render(self.text_file(name, language), full)

    def language_for(self, name: str, language: str) -> str:
        """``language`` if ``name`` can be written in it (its own file, or the catalogue's
        template and a catalogue for the language), else German."""
        if (self.folder / f"{name}.{language}.txt.j2").is_file():
            return language
        if (self.folder / f"{name}.txt.j2").is_file():
            return supported(language)
        return FALLBACK_LANGUAGE

    def render_mail(self, name: str, language: str, context: Mapping[str, object]) -> MailContent:
        """Subject (first line of the text), text and, if there is one, HTML (``MailRenderer``)."""
        language = self.language_for(name, language)
        full = {
            **context,
            "language": language,
            "direction": _locale(language).text_direction,
            "timezone": self.timezone,
        }
        subject, text = split_subject(self._render(self.text_file(name, language), full), name)
        html_file = self.html_file(name, language)
        html = None
        if (self.folder / html_file).is_file():
            html = self._render(html_file, {**full, "subject": subject})
        return MailContent(subject=subject, text=text, html=html, language=language)

    def _render(self, file_name: str, context: Mapping[str, object]) -> str:
        try:
            return self.environment.get_template(file_name).render(context)
        except TemplateNotFound as exc:  # the file itself, or one it includes or extends
            raise TemplateRenderError(f"Die Vorlage templates/{exc.name} fehlt.") from None
        except TemplateError as exc:
            raise TemplateRenderError(
                f"Die Vorlage templates/{file_name} lässt sich nicht füllen: {exc}"
            ) from None


def split_subject(text: str, template: str) -> tuple[str, str]:
    """Subject (the first line) and body (the rest, without the blank lines before it)."""
    first, _, rest = text.lstrip("\n").partition("\n")
    subject = first.strip()
    if not subject:
        raise TemplateRenderError(
            f"Die Vorlage {template} ergibt keinen Betreff (die erste Zeile ist leer)."
        )
    return subject, rest.lstrip("\n")


@lru_cache(maxsize=64)
def _locale(language: str) -> Locale:
    """Babel's ``Locale`` of a language, parsed once (parsing reads its data file)."""
    return Locale.parse(language)


def _local(context: Context, moment: datetime) -> tuple[datetime, str]:
    zone = ZoneInfo(str(context["timezone"]))
    return moment.astimezone(zone), str(context["language"])


@pass_context
def _date_long(context: Context, moment: datetime) -> str:
    local, language = _local(context, moment)
    return str(format_date(local.date(), "full", locale=_locale(language)))


@pass_context
def _time_short(context: Context, moment: datetime) -> str:
    local, language = _local(context, moment)
    return str(format_time(local, "short", tzinfo=local.tzinfo, locale=_locale(language)))


def format_when(moment: datetime, language: str, timezone: str) -> str:
    """Date and time of ``moment`` in ``language``, e.g. "Donnerstag, 4. März 2027, 18:00"."""
    local = moment.astimezone(ZoneInfo(timezone))
    day = format_date(local.date(), "full", locale=language)
    hour = format_time(local, "short", tzinfo=local.tzinfo, locale=language)
    pattern = str(get_datetime_format("medium", locale=language)).replace("'", "")
    return pattern.format(hour, day)
