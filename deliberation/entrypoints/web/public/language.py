"""Which language a public page speaks, and the switcher every public page shows.

The order: a ``?lang=`` in the address (the switcher's links; it is then remembered
in a cookie), the remembered choice, the person's own language where the page knows
the person (the language stored with a signed link's participant), the browser's
``Accept-Language``, German. Only the catalogue's languages are chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode

from babel import Locale
from fastapi import Request
from fastapi.responses import Response

from deliberation.translations import LANGUAGES, SOURCE_LANGUAGE

PARAMETER = "lang"
COOKIE = "deliberation_lang"
COOKIE_DAYS = 365


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the switcher: the language's own name and the same page in it."""

    code: str
    name: str
    url: str
    current: bool


def chosen(request: Request) -> str | None:
    """The language the visitor chose (address or cookie), if any."""
    for value in (request.query_params.get(PARAMETER), request.cookies.get(COOKIE)):
        if value in LANGUAGES:
            return value
    return None


def page_language(request: Request, own: str | None = None) -> str:
    """The language of this page for this visitor (``own``: the person's stored language)."""
    picked = chosen(request)
    if picked:
        return picked
    if own in LANGUAGES:
        return own
    return from_accept_language(request.headers.get("accept-language", ""))


def from_accept_language(header: str) -> str:
    """The best catalogue language of an ``Accept-Language`` header (RFC 9110), else German."""
    best, best_weight = SOURCE_LANGUAGE, 0.0
    for position, part in enumerate(header.split(",")[:30]):
        tag, _, parameters = part.strip().partition(";")
        weight = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        weight -= position * 1e-6  # equal weights: the earlier one wins
        if primary in LANGUAGES and weight > best_weight and weight > 0:
            best, best_weight = primary, weight
    return best


def direction(language: str) -> str:
    """``rtl`` for Arabic, ``ltr`` for the others (from the CLDR data)."""
    return str(Locale.parse(language).text_direction)


@cache
def own_name(language: str) -> str:
    """The language's name in itself (Deutsch, English, Türkçe, العربية, Українська)."""
    name = str(Locale.parse(language).get_display_name(language))
    return name[:1].upper() + name[1:]


def switcher(request: Request, current: str) -> list[LanguageLink]:
    """The same page in every language: path and query kept, ``lang`` replaced."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != PARAMETER]
    links = []
    for code in LANGUAGES:
        url = request.url.path + "?" + urlencode([*query, (PARAMETER, code)])
        links.append(LanguageLink(code, own_name(code), url, code == current))
    return links


def remember(request: Request, response: Response, secure: bool) -> None:
    """Keep a language chosen by ``?lang=`` for the next pages (a cookie, no account)."""
    picked = request.query_params.get(PARAMETER)
    if picked in LANGUAGES and picked != request.cookies.get(COOKIE):
        response.set_cookie(
            COOKIE,
            picked,
            max_age=COOKIE_DAYS * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=secure,
        )
