"""Dot-voting online: the page behind a person's vote link (``/vote/<token>``).

The GET shows the workshop's needs with the dots the person gave so far and how
many they have; the POST stores a new distribution. Over the budget, a number
that is none, or voting closed meanwhile: the page comes back with the message
in the person's language and everything they typed, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deliberation.domain.dot_voting import OverBudget
from deliberation.domain.errors import NotAllowedInState
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import FormErrors
from deliberation.entrypoints.web.public.language import page_language
from deliberation.entrypoints.web.public.protection import PublicForm
from deliberation.entrypoints.web.public.rendering import render
from deliberation.entrypoints.web.public.texts import N_, say
from deliberation.service_layer import dot_votes
from deliberation.service_layer.dot_votes import Ballot

router = APIRouter()

TITLE = N_("Punkte vergeben")
NOT_A_NUMBER = N_("Bitte eine ganze Zahl von 0 bis {budget} eingeben.")
OVER_BUDGET = N_(
    "Sie haben {given} Punkte verteilt, es stehen Ihnen aber nur {budget} zur Verfügung. "
    "Bitte nehmen Sie Punkte weg; gespeichert wurde nichts."
)
CLOSED = N_("Die Punktabfrage ist inzwischen geschlossen; Ihre Punkte wurden nicht gespeichert.")
DOTS_FOR = N_("Punkte für: {need}")
FIELD = "dots-"


@router.get(f"/{dot_votes.VOTE}/{{token}}", response_class=HTMLResponse)
def ballot_page(request: Request, ctx: Context, token: str) -> HTMLResponse:
    ballot = dot_votes.show(ctx.deps, ctx.mailing, token)
    language = page_language(request, ballot.language)
    typed = {f"{FIELD}{n.id}": str(n.dots) for n in ballot.needs}
    saved = request.query_params.get("gespeichert") == "1"
    return _page(ctx, request, ballot, language, typed, FormErrors(), saved=saved)


# A signed link is the permission, as for the answers to invitations: no rate limit per
# address (a workshop's guests vote from the same Wi-Fi), the form's size and honeypot only.
@router.post(f"/{dot_votes.VOTE}/{{token}}", response_class=HTMLResponse)
def cast(request: Request, ctx: Context, token: str, form: PublicForm) -> Response:
    ballot = dot_votes.show(ctx.deps, ctx.mailing, token)
    language = page_language(request, ballot.language)
    typed = {f"{FIELD}{n.id}": str(form.get(f"{FIELD}{n.id}") or "").strip() for n in ballot.needs}
    errors = FormErrors()
    distribution = _distribution(ballot, typed, errors, language)
    if not errors:
        try:
            dot_votes.cast(ctx.deps, ctx.mailing, token, distribution)
        except OverBudget as exc:
            errors.add("", say(language, OVER_BUDGET).format(given=exc.given, budget=exc.budget))
        except NotAllowedInState:
            ballot = dot_votes.show(ctx.deps, ctx.mailing, token)
            errors.add("", say(language, CLOSED))
            return _page(ctx, request, ballot, language, typed, errors, status=409)
        else:
            return RedirectResponse(f"{request.url.path}?gespeichert=1", status_code=303)
    return _page(ctx, request, ballot, language, typed, errors, status=400)


def _distribution(
    ballot: Ballot, typed: Mapping[str, str], errors: FormErrors, language: str
) -> dict[int, int]:
    """The typed dots per need; a field that is not a whole number from 0 to the budget is
    an error at that field (an empty one counts as 0)."""
    given: dict[int, int] = {}
    for need in ballot.needs:
        name = f"{FIELD}{need.id}"
        text = typed.get(name, "")
        if not text:
            continue
        if not text.isascii() or not text.isdigit() or int(text) > ballot.budget:
            label = say(language, DOTS_FOR).format(need=need.text)
            errors.add(name, say(language, NOT_A_NUMBER).format(budget=ballot.budget), label)
            continue
        given[need.id] = int(text)
    return given


def _page(
    ctx: WebContext,
    request: Request,
    ballot: Ballot,
    language: str,
    typed: Mapping[str, str],
    errors: FormErrors,
    status: int = 200,
    saved: bool = False,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "title": say(language, TITLE),
        "ballot": ballot,
        "values": typed,
        "errors": errors,
        "field": FIELD,
        "saved": saved,
    }
    return render(ctx, request, "public/vote.html", context, language, status)
