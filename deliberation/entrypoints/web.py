"""The small web endpoint behind the links in emails (``deliberation serve``).

A plain WSGI application, no framework: three kinds of signed links, each a
GET that shows what the link will do and a button, and a POST that does it.
Mail scanners that open links therefore change nothing. The unsubscribe POST
is also the one-click unsubscribe of RFC 8058 (``List-Unsubscribe-Post``).
Pages are in the participant's language; errors in German.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from babel import Locale

from deliberation.adapters.templates import format_when
from deliberation.domain.errors import DeliberationError, LinkInvalid
from deliberation.domain.invitations import Response
from deliberation.entrypoints.web_texts import texts_for
from deliberation.service_layer import consent, meetings
from deliberation.service_layer.messages import CONFIRM, RSVP, UNSUBSCRIBE
from deliberation.service_layer.ports import Dependencies, Mailing

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Environ = dict[str, Any]
MAX_BODY = 10_000


@dataclass(frozen=True)
class Page:
    status: str
    title: str
    body: str  # HTML, already escaped
    language: str = "de"


class LinkApp:
    """The WSGI application: ``LinkApp(deps, mailing)`` is callable as ``app(environ, start)``."""

    def __init__(self, deps: Dependencies, mailing: Mailing, county: str) -> None:
        self.deps = deps
        self.mailing = mailing
        self.county = county

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        page = self._dispatch(environ)
        body = _document(page, self.county).encode("utf-8")
        start_response(
            page.status,
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
                ("Referrer-Policy", "no-referrer"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
        return [body]

    def _dispatch(self, environ: Environ) -> Page:
        method = environ.get("REQUEST_METHOD", "GET")
        parts = environ.get("PATH_INFO", "").strip("/").split("/")
        if len(parts) != 2 or parts[0] not in (CONFIRM, UNSUBSCRIBE, RSVP):
            return Page("404 Not Found", "Nicht gefunden", _p("Diese Seite gibt es nicht."))
        if method not in ("GET", "POST"):
            return Page("405 Method Not Allowed", "Nicht erlaubt", _p("Nur GET und POST."))
        purpose, token = parts
        query = parse_qs(environ.get("QUERY_STRING", ""))
        form = _form(environ) if method == "POST" else {}
        try:
            if purpose == RSVP:
                return self._rsvp(method, token, {**query, **form})
            return self._consent(method, purpose, token)
        except LinkInvalid as exc:
            return Page("400 Bad Request", "Link ungültig", _p(str(exc)))
        except DeliberationError as exc:
            return Page("409 Conflict", "Nicht möglich", _p(str(exc)))

    def _consent(self, method: str, purpose: str, token: str) -> Page:
        if method == "GET":
            view = consent.show(self.deps, self.mailing, purpose, token)
            t = texts_for(view.language)
            ask = _p(t[f"{purpose}_ask"].format(name=html.escape(view.name), place=""))
            return Page(
                "200 OK",
                t[f"{purpose}_title"],
                ask + _button(t[f"{purpose}_button"]),
                view.language,
            )
        if purpose == CONFIRM:
            view = consent.confirm(self.deps, self.mailing, token)
        else:
            view = consent.withdraw(self.deps, self.mailing, token)
        t = texts_for(view.language)
        done = _p(t[f"{purpose}_done"].format(name=html.escape(view.name), place=""))
        return Page("200 OK", t[f"{purpose}_title"], done, view.language)

    def _rsvp(self, method: str, token: str, fields: dict[str, list[str]]) -> Page:
        chosen = (fields.get("answer") or [""])[0]
        if method == "GET":
            view = meetings.show_answer(self.deps, self.mailing, token)
        else:
            try:
                response = Response(chosen)
            except ValueError:
                response = Response.PENDING
            if response == Response.PENDING:
                return Page(
                    "400 Bad Request",
                    "Antwort fehlt",
                    _p("Bitte wählen Sie Ja, Nein oder Vielleicht."),
                )
            view = meetings.respond(self.deps, self.mailing, token, response)
        t = texts_for(view.language)
        when = format_when(view.starts_at, view.language, self.deps.timezone)
        details = (
            f"<p><strong>{html.escape(view.meeting_title)}</strong><br>"
            f"{html.escape(when)}<br>{html.escape(view.location)}</p>"
        )
        if method == "GET":
            if not view.open:
                return Page("200 OK", t["rsvp_title"], details + _p(t["closed"]), view.language)
            ask = _p(t["rsvp_ask"].format(name=html.escape(view.person_name), place=""))
            return Page(
                "200 OK", t["rsvp_title"], details + ask + _choices(t, chosen), view.language
            )
        done = _p(t["rsvp_done"]) + _p(f"<strong>{html.escape(t[view.response])}</strong>")
        if view.waiting:
            done += _p(t["waiting"].format(name="", place=view.waiting))
        return Page("200 OK", t["rsvp_title"], details + done, view.language)


def _form(environ: Environ) -> dict[str, list[str]]:
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length else b""
    return parse_qs(raw.decode("utf-8", errors="replace"))


def _p(text: str) -> str:
    return f"<p>{text}</p>\n"


def _button(label: str) -> str:
    return (
        '<form method="post"><button type="submit" style="padding:10px 16px;">'
        f"{html.escape(label)}</button></form>\n"
    )


def _choices(t: dict[str, str], chosen: str) -> str:
    options = []
    for value in (Response.YES, Response.NO, Response.MAYBE):
        checked = " checked" if value == chosen else ""
        options.append(
            f'<label><input type="radio" name="answer" value="{value}"{checked}> '
            f"{html.escape(t[value])}</label><br>"
        )
    return (
        '<form method="post">'
        + "\n".join(options)
        + f'<p><button type="submit" style="padding:10px 16px;">{html.escape(t["rsvp_button"])}'
        "</button></p></form>\n"
    )


def _document(page: Page, county: str) -> str:
    direction = Locale.parse(page.language).text_direction
    return (
        f'<!DOCTYPE html>\n<html lang="{page.language}" dir="{direction}">\n<head>\n'
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, '
        'initial-scale=1">\n'
        f"<title>{html.escape(page.title)} · {html.escape(county)}</title>\n</head>\n"
        '<body style="font-family:Arial, Helvetica, sans-serif; max-width:640px; '
        'margin:0 auto; padding:24px; line-height:1.5;">\n'
        f"<h1>{html.escape(page.title)}</h1>\n{page.body}"
        f'<p style="color:#555555; font-size:13px;">{html.escape(county)}</p>\n</body>\n</html>\n'
    )
