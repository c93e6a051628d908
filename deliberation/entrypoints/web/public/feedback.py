"""What became of our needs (public, no account): ``/public/feedback`` and, per round and
municipality, ``/public/feedback/<round>/<municipality>``, the page the next round's
invitations link to. Data comes from ``public_trace``, which leaves out every person."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deliberation.domain.consultations import RESULT_TITLES, ConsultationRole
from deliberation.domain.implementation import TRAFFIC_LIGHT_TITLES
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.public.home import SECTIONS, Section
from deliberation.entrypoints.web.public.language import page_language
from deliberation.entrypoints.web.public.rendering import render
from deliberation.entrypoints.web.public.texts import N_, say
from deliberation.service_layer import public_trace
from deliberation.service_layer.public_links import FEEDBACK_PATH

router = APIRouter()

TITLE = N_("Was aus unseren Bedarfen wurde")
INTRO = N_(
    "Für jede Gemeinde und jeden Durchgang: welche Bedarfe die Zukunftswerkstatt gesammelt "
    "hat und was daraus wurde, bis zur Entscheidung des Kreistags und ihrer Umsetzung."
)
# The codes public_trace hands out, as the catalogue knows them (the page says them in the
# reader's language): results, roles, traffic lights, scopes and what became of a need.
RESULTS = {r.value: N_(title) for r, title in RESULT_TITLES.items()}
ROLES = {r.value: N_(r.value) for r in ConsultationRole}
LIGHTS = {light.value: N_(title) for light, title in TRAFFIC_LIGHT_TITLES.items()}
SCOPES = {"local": N_("lokal: bleibt in der Gemeinde"), "county": N_("kreisweit: an die Konferenz")}
STATUSES = {
    "open": N_("noch offen"),
    "handled_locally": N_("wird in der Gemeinde bearbeitet"),
    "forwarded": N_("an die Integrationskonferenz weitergeleitet"),
}
CATALOGUE_IDS = (
    N_("ungeändert beschlossen"),
    N_("geändert beschlossen"),
    N_("abgelehnt"),
    N_("vertagt"),
    N_("zurückgezogen"),
    N_("zur Kenntnis genommen"),
    N_("Anhörung"),
    N_("Vorberatung"),
    N_("Entscheidung"),
    N_("Kenntnisnahme"),
    N_("im Plan"),
    N_("verspätet"),
    N_("nicht umsetzbar"),
)


@router.get(f"{FEEDBACK_PATH}", response_class=HTMLResponse)
def overview(request: Request, ctx: Context) -> HTMLResponse:
    language = page_language(request)
    found = public_trace.index(ctx.deps)
    context = {"title": say(language, TITLE), "intro": say(language, INTRO), "index": found}
    return render(ctx, request, "public/feedback_index.html", context, language)


@router.get(f"{FEEDBACK_PATH}/{{round_label}}/{{municipality}}", response_class=HTMLResponse)
def round_page(request: Request, ctx: Context, round_label: str, municipality: str) -> HTMLResponse:
    language = page_language(request)
    trace = public_trace.round_trace(ctx.deps, round_label, municipality)
    context = {
        "title": f"{say(language, TITLE)}: {trace.municipality.name}, {trace.round}",
        "trace": trace,
        "base": FEEDBACK_PATH,
        "say": lambda codes, code: say(language, codes.get(code, code)) if code else "",
        "results": RESULTS,
        "roles": ROLES,
        "lights": LIGHTS,
        "scopes": SCOPES,
        "statuses": STATUSES,
    }
    return render(ctx, request, "public/feedback.html", context, language)


def _section(ctx: WebContext, language: str) -> Section | None:
    found = public_trace.index(ctx.deps)
    if not found.rounds:
        return None
    return Section(
        say(language, TITLE), say(language, INTRO), [(FEEDBACK_PATH, say(language, TITLE))]
    )


SECTIONS.append(_section)
