"""The OParl objects and lists (GET only): each route asks one query of ``oparl_feed``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from deliberation.adapters.oparl import BODY_LISTS, OparlObjects
from deliberation.domain.errors import NotFound
from deliberation.entrypoints.web.oparl.server import Listed, ListRequest, OparlResponse, Site
from deliberation.service_layer import oparl_feed
from deliberation.service_layer.documents import RESOLUTION_TEMPLATE
from deliberation.service_layer.oparl_feed import Listing
from deliberation.service_layer.publication import Removed

router = APIRouter()
T = TypeVar("T")
Json = dict[str, Any]


def _page(
    o: OparlObjects,
    name: str,
    listing: Listing[T],
    wanted: ListRequest,
    render: Callable[[T], Json],
    deleted_as: str = "",
) -> OparlResponse:
    data = [
        o.removed(item, deleted_as) if isinstance(item, Removed) else render(item)
        for item in listing.items
    ]
    return OparlResponse(
        o.page(name, data, listing.total, listing.page, listing.size, wanted.query)
    )


def _one(
    o: OparlObjects, found: Any, render: Callable[[Any], Json], deleted_as: str = ""
) -> OparlResponse:
    return OparlResponse(
        o.removed(found, deleted_as) if isinstance(found, Removed) else render(found)
    )


@router.get("/system")
def system(site: Site) -> OparlResponse:
    return OparlResponse(site.objects().system())


@router.get("/bodies")
def bodies(site: Site, wanted: Listed) -> OparlResponse:
    o = site.objects()
    return OparlResponse(o.page("bodies", [o.body()], 1, 1, wanted.size, wanted.query))


@router.get("/body/1")
def body(site: Site) -> OparlResponse:
    return OparlResponse(site.objects().body())


@router.get("/body/1/{name}")
def body_list(name: str, site: Site, wanted: Listed) -> OparlResponse:
    if name not in BODY_LISTS.values():
        raise NotFound(
            f"Die Liste „{name}“ gibt es nicht (es gibt: {', '.join(BODY_LISTS.values())})."
        )
    o, feed, deps = site.objects(), site.feed, site.deps
    window, page, size = wanted.window, wanted.page, wanted.size
    if name in ("paper", "file"):
        papers = oparl_feed.papers(deps, feed, window, page, size)
        render = o.paper if name == "paper" else o.file
        return _page(o, name, papers, wanted, render, name)
    if name in ("meeting", "location"):
        meetings = oparl_feed.meetings(deps, feed, window, page, size)
        return _page(
            o, name, meetings, wanted, o.meeting if name == "meeting" else o.location, name
        )
    if name in ("consultation", "agendaItem"):
        entries = oparl_feed.consultations(
            deps, feed, window, page, size, at_meetings=name == "agendaItem"
        )
        render_entry = o.consultation if name == "consultation" else o.agenda_item
        return _page(o, name, entries, wanted, render_entry, name)
    if name == "person":
        return _page(o, name, oparl_feed.persons(deps, window, page, size), wanted, o.person)
    if name == "membership":
        members = oparl_feed.memberships(deps, window, page, size)
        return _page(
            o,
            name,
            members,
            wanted,
            lambda m: o.membership_of(m.person_id, m.body_key, m.created, m.modified),
        )
    if name == "organization":
        return _organizations(site, o, wanted)
    terms = [t for t in o.legislative_terms() if _admitted(wanted, o, t)]
    return _page(o, name, _in_memory(terms, wanted), wanted, lambda t: t)


def _organizations(site: Site, o: OparlObjects, wanted: ListRequest) -> OparlResponse:
    found = oparl_feed.organizations(site.deps)
    items = [o.body_organization(b) for b in found.bodies] + [
        o.group_organization(g) for g in found.groups
    ]
    items = [i for i in items if _admitted(wanted, o, i)]
    return _page(o, "organization", _in_memory(items, wanted), wanted, lambda i: i)


def _admitted(wanted: ListRequest, o: OparlObjects, item: Json) -> bool:
    return wanted.window.admits(
        datetime.fromisoformat(item["created"]), datetime.fromisoformat(item["modified"])
    )


def _in_memory(items: list[Json], wanted: ListRequest) -> Listing[Json]:
    start = (wanted.page - 1) * wanted.size
    return Listing(tuple(items[start : start + wanted.size]), len(items), wanted.page, wanted.size)


@router.get("/legislativeterm/{number}")
def legislative_term(number: int, site: Site) -> OparlResponse:
    terms = site.objects().legislative_terms()
    if not 1 <= number <= len(terms):
        raise NotFound(f"Die Wahlperiode {number} gibt es nicht.")
    return OparlResponse(terms[number - 1])


@router.get("/organization/{key}")
def organization(key: str, site: Site) -> OparlResponse:
    o = site.objects()
    found = oparl_feed.organizations(site.deps)
    for b in found.bodies:
        if b.key == key:
            return OparlResponse(o.body_organization(b))
    for g in found.groups:
        if f"ag-{g.id}" == key:
            return OparlResponse(o.group_organization(g))
    raise NotFound(f"Die Gruppierung „{key}“ gibt es nicht.")


@router.get("/person/{person_id}")
def person(person_id: int, site: Site) -> OparlResponse:
    o = site.objects()
    return _one(o, oparl_feed.person(site.deps, person_id), o.person)


@router.get("/membership/{key}")
def membership(key: str, site: Site) -> OparlResponse:
    o = site.objects()
    found = oparl_feed.membership(site.deps, key)
    if isinstance(found, Removed):
        return OparlResponse(o.removed(found))
    return OparlResponse(
        o.membership_of(found.person_id, found.body_key, found.created, found.modified)
    )


@router.get("/meeting/{meeting_id}")
def meeting(meeting_id: int, site: Site) -> OparlResponse:
    o = site.objects()
    return _one(o, oparl_feed.meeting(site.deps, site.feed, meeting_id), o.meeting)


@router.get("/location/meeting-{meeting_id}")
def location(meeting_id: int, site: Site) -> OparlResponse:
    o = site.objects()
    return _one(o, oparl_feed.meeting(site.deps, site.feed, meeting_id), o.location, "location")


@router.get("/agendaitem/{consultation_id}")
def agenda_item(consultation_id: int, site: Site) -> OparlResponse:
    o = site.objects()
    found = oparl_feed.consultation(site.deps, site.feed, consultation_id)
    if not isinstance(found, Removed) and not found.meeting_id:
        raise NotFound(f"Die Stellungnahme {consultation_id} wurde ohne Sitzung abgegeben.")
    return _one(o, found, o.agenda_item, "agendaItem")


@router.get("/consultation/{consultation_id}")
def consultation(consultation_id: int, site: Site) -> OparlResponse:
    o = site.objects()
    found = oparl_feed.consultation(site.deps, site.feed, consultation_id)
    return _one(o, found, o.consultation, "consultation")


@router.get("/paper/{paper_id}")
def paper(paper_id: int, site: Site) -> OparlResponse:
    o = site.objects()
    return _one(o, oparl_feed.paper(site.deps, site.feed, paper_id), o.paper, "paper")


@router.get("/file/{paper_id}")
def file(paper_id: int, site: Site) -> OparlResponse:
    o = site.objects()
    return _one(o, oparl_feed.paper(site.deps, site.feed, paper_id), o.file, "file")


@router.get("/file/{paper_id}/beschlussvorlage.html", response_class=HTMLResponse)
def file_content(paper_id: int, site: Site) -> HTMLResponse:
    """The Beschlussvorlage itself (the File's ``accessUrl``), as the public may read it."""
    draft = oparl_feed.public_resolution_draft(site.deps, site.feed, paper_id)
    return HTMLResponse(site.documents.render(RESOLUTION_TEMPLATE, {"draft": draft}))
