"""OParl 1.1 objects from publication items, for the live server and the static tree.

``OparlObjects`` builds every object; where it lives is the ``Addresses``' business:
the live server's ids are ``{base}/paper/7`` with list pages ``?page=2&…``, the static
tree's ``{base}/paper/7.json`` with pages ``paper-page-2.json``, so any web server can
serve the folder as is. Ids are built from database keys only, so they stay the same.
``OparlTree`` writes the static tree into a temporary folder next to the target and
moves it into place at the end: a failed export never leaves half a tree.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from deliberation.domain.consultations import WITHOUT_MEETING
from deliberation.oparl_config import OparlConfig
from deliberation.service_layer.publication import (
    AgendaEntry,
    BodyItem,
    GroupItem,
    MeetingItem,
    PaperItem,
    PersonItem,
    Publication,
    Removed,
)

OPARL = "https://schema.oparl.org/1.1/"
MEDIA_TYPE = "application/json; charset=utf-8"
PAGE_SIZE = 100
BODY_KIND_TITLES = {
    "council": "Kreistag",
    "executive": "Kreisausschuss",
    "committee": "Fachausschuss",
    "commission": "Kommission",
    "coordination": "Koordinierungsstab",
    "team": "Planungsteam",
    "advisory": "Beirat",
}
#: the lists a Body links to, by key (the specification marks them all mandatory here)
BODY_LISTS = {
    "organization": "organization",
    "person": "person",
    "meeting": "meeting",
    "paper": "paper",
    "agendaItem": "agendaItem",
    "consultation": "consultation",
    "file": "file",
    "membership": "membership",
    "locationList": "location",
    "legislativeTermList": "legislativeTerm",
}
#: the type each list holds
LIST_TYPES = {
    "organization": "Organization",
    "person": "Person",
    "meeting": "Meeting",
    "paper": "Paper",
    "agendaItem": "AgendaItem",
    "consultation": "Consultation",
    "file": "File",
    "membership": "Membership",
    "location": "Location",
    "legislativeTerm": "LegislativeTerm",
}
#: the path segment of each deleted kind (``Removed.kind``) and the type it had
REMOVED = {
    "paper": ("paper", "Paper"),
    "file": ("file", "File"),
    "meeting": ("meeting", "Meeting"),
    "location": ("location/meeting-", "Location"),
    "consultation": ("consultation", "Consultation"),
    "agendaItem": ("agendaitem", "AgendaItem"),
    "person": ("person", "Person"),
    "membership": ("membership", "Membership"),
}
CLOSED_ITEM_NAME = "Nichtöffentlicher Tagesordnungspunkt"
ACADEMIC_TITLE = re.compile(r"^(Prof\.|Dr\.|Dr\.-Ing\.|Dipl\.-[\w.]+|PD)$")
NAME_PARTICLES = {
    "von",
    "van",
    "de",
    "der",
    "den",
    "del",
    "la",
    "le",
    "da",
    "di",
    "du",
    "zu",
    "zum",
    "zur",
    "vom",
    "ten",
    "ter",
}
Json = dict[str, Any]


@dataclass(frozen=True)
class Addresses:
    """Where each object and list lives: ``suffix`` ".json" for the static tree."""

    base: str
    suffix: str = ""

    def url(self, path: str) -> str:
        return f"{self.base}/{path}{self.suffix}"

    def page(self, name: str, number: int, query: Mapping[str, str]) -> str:
        if self.suffix:
            return self.url(name if number == 1 else f"{name}-page-{number}")
        wanted = {**query, **({"page": str(number)} if number > 1 else {})}
        return self.url(name) + (f"?{urlencode(wanted)}" if wanted else "")

    def file_content(self, paper_id: int) -> str:
        if self.suffix:
            return f"{self.base}/file/{paper_id}.html"
        return f"{self.base}/file/{paper_id}/beschlussvorlage.html"


@dataclass(frozen=True)
class County:
    """What describes the county in OParl (``[county]`` and ``[oparl]`` of config.toml)."""

    name: str
    organiser: str
    timezone: str
    oparl: OparlConfig = field(default_factory=OparlConfig)


class OparlObjects:
    """Every OParl object, built from publication items; ``created``/``since`` for the
    objects that have no time of their own (system, body, bodies' organizations)."""

    def __init__(
        self, county: County, addresses: Addresses, since: datetime, latest: datetime
    ) -> None:
        self.county = county
        self.at = addresses
        self.zone = ZoneInfo(county.timezone)
        self.since, self.latest = since, max(since, latest)
        self.body_id = self.at.url("body/1")

    def time(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).isoformat(timespec="seconds")

    def day(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).date().isoformat()

    def stamps(self, created: datetime, modified: datetime) -> Json:
        return {"created": self.time(created), "modified": self.time(max(created, modified))}

    # --- the county ----------------------------------------------------------------------

    def system(self) -> Json:
        return {
            "id": self.at.url("system"),
            "type": OPARL + "System",
            "oparlVersion": OPARL,
            "name": f"{self.county.name}: Empfehlungen aus dem Beteiligungsprozess",
            "body": self.at.url("bodies"),
            "license": self.county.oparl.license,
            **({"website": self.county.oparl.website} if self.county.oparl.website else {}),
            **self.stamps(self.since, self.latest),
        }

    def body(self) -> Json:
        config = self.county.oparl
        optional = {
            "shortName": config.short_name,
            "website": config.website,
            "ags": config.ags,
            "rgs": config.rgs,
        }
        return {
            "id": self.body_id,
            "type": OPARL + "Body",
            "system": self.at.url("system"),
            "name": self.county.name,
            **{key: value for key, value in optional.items() if value},
            "license": config.license,
            "contactName": self.county.organiser,
            **{key: self.at.url(f"body/1/{name}") for key, name in BODY_LISTS.items()},
            "legislativeTerm": self.legislative_terms(),
            "classification": "Landkreis",
            **self.stamps(self.since, self.latest),
        }

    def legislative_terms(self) -> list[Json]:
        return [
            {
                "id": self.at.url(f"legislativeterm/{n}"),
                "type": OPARL + "LegislativeTerm",
                "body": self.body_id,
                "name": term.name,
                "startDate": term.start.isoformat(),
                "endDate": term.end.isoformat(),
                **self.stamps(self.since, self.since),
            }
            for n, term in enumerate(self.county.oparl.legislative_terms, start=1)
        ]

    # --- organizations -------------------------------------------------------------------

    def body_organization(self, body: BodyItem) -> Json:
        return {
            "id": self.at.url(f"organization/{body.key}"),
            "type": OPARL + "Organization",
            "body": self.body_id,
            "name": body.name,
            "organizationType": "Gremium",
            "classification": BODY_KIND_TITLES.get(body.kind, body.kind),
            **self.stamps(self.since, self.since),
        }

    def group_organization(self, group: GroupItem) -> Json:
        return {
            "id": self.at.url(f"organization/ag-{group.id}"),
            "type": OPARL + "Organization",
            "body": self.body_id,
            "name": group.name,
            "organizationType": "Arbeitsgruppe",
            "classification": f"Ad-hoc-Arbeitsgruppe der {group.conference}",
            "startDate": self.day(group.created),
            **self.stamps(group.created, group.modified),
        }

    # --- meetings ------------------------------------------------------------------------

    def meeting(self, meeting: MeetingItem) -> Json:
        state = (
            "abgesagt" if meeting.cancelled else "durchgeführt" if meeting.held else "terminiert"
        )
        item: Json = {
            "id": self.at.url(f"meeting/{meeting.id}"),
            "type": OPARL + "Meeting",
            "name": meeting.title,
            "meetingState": state,
            "cancelled": meeting.cancelled,
            "start": self.time(meeting.starts_at),
        }
        if meeting.ends_at is not None:
            item["end"] = self.time(meeting.ends_at)
        agenda = [self.agenda_item(e, n) for n, e in enumerate(meeting.agenda)]
        item.update(
            {
                "location": self.location(meeting),
                "organization": [self.at.url(f"organization/{meeting.body_key}")],
                **({"agendaItem": agenda} if agenda else {}),
                **self.stamps(meeting.created, meeting.modified),
            }
        )
        return item

    def location(self, meeting: MeetingItem) -> Json:
        return {
            "id": self.at.url(f"location/meeting-{meeting.id}"),
            "type": OPARL + "Location",
            "description": meeting.location,
            "meetings": [self.at.url(f"meeting/{meeting.id}")],
            **self.stamps(meeting.created, meeting.modified),
        }

    def agenda_item(self, entry: AgendaEntry, order: int = 0) -> Json:
        item: Json = {
            "id": self.at.url(f"agendaitem/{entry.consultation_id}"),
            "type": OPARL + "AgendaItem",
            "meeting": self.at.url(f"meeting/{entry.meeting_id}"),
            "number": str(order + 1),
            "order": order,
            "name": entry.recommendation_title or CLOSED_ITEM_NAME,
            "public": entry.public,
            "consultation": self.at.url(f"consultation/{entry.consultation_id}"),
            **self.stamps(entry.created, entry.modified),
        }
        if entry.result:
            item["result"] = entry.result
        if entry.resolution_text:
            item["resolutionText"] = entry.resolution_text
        return item

    def consultation(self, entry: AgendaEntry) -> Json:
        held: Json = {
            "agendaItem": self.at.url(f"agendaitem/{entry.consultation_id}"),
            "meeting": self.at.url(f"meeting/{entry.meeting_id}"),
        }
        if not entry.meeting_id:  # a statement without a meeting: its result as keywords
            held = {"keyword": [WITHOUT_MEETING, entry.result]} if entry.result else {}
        return {
            "id": self.at.url(f"consultation/{entry.consultation_id}"),
            "type": OPARL + "Consultation",
            "paper": self.at.url(f"paper/{entry.recommendation_id}"),
            **held,
            "organization": [self.at.url(f"organization/{entry.body_key}")],
            "authoritative": entry.authoritative,
            "role": entry.role,
            **self.stamps(entry.created, entry.modified),
        }

    # --- papers and their files ----------------------------------------------------------

    def paper(self, paper: PaperItem) -> Json:
        item: Json = {
            "id": self.at.url(f"paper/{paper.id}"),
            "type": OPARL + "Paper",
            "body": self.body_id,
            "name": paper.title,
            "reference": paper.reference,
            "date": self.day(paper.created),
            "paperType": "Beschlussvorlage",
            "mainFile": self.file(paper),
            "originatorOrganization": [self.at.url(f"organization/ag-{paper.group_id}")],
        }
        if paper.consultations:
            item["consultation"] = [self.consultation(e) for e in paper.consultations]
        item.update(self.stamps(paper.created, paper.modified))
        return item

    def file(self, paper: PaperItem) -> Json:
        return {
            "id": self.at.url(f"file/{paper.id}"),
            "type": OPARL + "File",
            "name": f"Beschlussvorlage {paper.reference}",
            "fileName": f"beschlussvorlage-{paper.id}.html",
            "mimeType": "text/html",
            "date": self.day(paper.created),
            "accessUrl": self.at.file_content(paper.id),
            "paper": [self.at.url(f"paper/{paper.id}")],
            **self.stamps(paper.created, paper.modified),
        }

    # --- people --------------------------------------------------------------------------

    def person(self, person: PersonItem) -> Json:
        titles, given, family = split_name(person.name)
        return {
            "id": self.at.url(f"person/{person.id}"),
            "type": OPARL + "Person",
            "body": self.body_id,
            "name": person.name,
            **({"familyName": family} if family else {}),
            **({"givenName": given} if given else {}),
            **({"title": titles} if titles else {}),
            "membership": [self.membership(person, key) for key in person.body_keys],
            **self.stamps(person.created, person.modified),
        }

    def membership(self, person: PersonItem, body_key: str) -> Json:
        return self.membership_of(person.id, body_key, person.created, person.modified)

    def membership_of(
        self, person_id: int, body_key: str, created: datetime, modified: datetime
    ) -> Json:
        return {
            "id": self.at.url(f"membership/{person_id}-{body_key}"),
            "type": OPARL + "Membership",
            "person": self.at.url(f"person/{person_id}"),
            "organization": self.at.url(f"organization/{body_key}"),
            "role": "Mitglied",
            **self.stamps(created, modified),
        }

    def removed(self, gone: Removed, kind: str = "") -> Json:
        """What is left of a deleted object: id, type, created, modified, ``deleted``."""
        prefix, type_name = REMOVED[kind or gone.kind]
        separator = "" if prefix.endswith("-") else "/"
        item: Json = {
            "id": self.at.url(f"{prefix}{separator}{gone.key}"),
            "type": OPARL + type_name,
            **self.stamps(gone.created or gone.modified, gone.modified),
            "deleted": True,
        }
        if type_name == "File":  # the schema requires it even of a deleted file
            item["accessUrl"] = self.at.file_content(int(gone.key))
        if type_name == "AgendaItem":
            item["order"] = 0
        return item

    # --- lists ---------------------------------------------------------------------------

    def page(
        self,
        name: str,
        data: Sequence[Json],
        total: int,
        number: int,
        size: int,
        query: Mapping[str, str] | None = None,
    ) -> Json:
        """One page of the list at ``body/1/{name}`` (or ``bodies``): data, pagination, links."""
        path = name if name == "bodies" else f"body/1/{name}"
        pages = max(1, math.ceil(total / size))
        wanted = dict(query or {})
        links = {
            "first": self.at.page(path, 1, wanted),
            "self": self.at.page(path, number, wanted),
            "last": self.at.page(path, pages, wanted),
        }
        if number > 1:
            links["prev"] = self.at.page(path, min(number - 1, pages), wanted)
        if number < pages:
            links["next"] = self.at.page(path, number + 1, wanted)
        return {
            "data": list(data),
            "pagination": {
                "totalElements": total,
                "elementsPerPage": size,
                "currentPage": number,
                "totalPages": pages,
            },
            "links": links,
        }


def split_name(name: str) -> tuple[list[str], str, str]:
    """Academic titles, given and family name of a display name ("Dr. Anna von Holt")."""
    words = name.split()
    titles = []
    while words and ACADEMIC_TITLE.match(words[0]):
        titles.append(words.pop(0))
    if len(words) < 2:
        return titles, "", " ".join(words)
    family = [words.pop()]
    while len(words) > 1 and words[-1] in NAME_PARTICLES:
        family.insert(0, words.pop())
    return titles, " ".join(words), " ".join(family)


class OparlTree:
    """The static tree: every object under its own id, and every list page, by path."""

    def __init__(self, data: Publication, county: County, base_url: str) -> None:
        self.data = data
        self.objects = OparlObjects(
            county, Addresses(base_url.rstrip("/"), ".json"), data.created, data.modified
        )

    def files(self) -> dict[str, Json]:
        o = self.objects
        organizations = [o.body_organization(b) for b in self.data.bodies] + [
            o.group_organization(g) for g in self.data.groups
        ]
        meetings = [o.meeting(m) for m in self.data.meetings]
        papers = [o.paper(p) for p in self.data.papers]
        persons = [o.person(p) for p in self.data.persons]
        lists: dict[str, list[Json]] = {
            "organization": organizations,
            "person": persons,
            "meeting": meetings,
            "paper": papers,
            "agendaItem": [i for m in meetings for i in m.get("agendaItem", [])],
            "consultation": [c for p in papers for c in p.get("consultation", [])],
            "file": [p["mainFile"] for p in papers],
            "membership": [ms for p in persons for ms in p["membership"]],
            "location": [m["location"] for m in meetings],
            "legislativeTerm": o.legislative_terms(),
        }
        body = o.body()
        objects = [o.system(), body, *(item for items in lists.values() for item in items)]
        files = {self.path(item["id"]): item for item in objects}
        files.update(self.pages("bodies", [body]))
        for name, items in lists.items():
            files.update(self.pages(name, items))
        return files

    def path(self, url: str) -> str:
        return url.removeprefix(self.objects.at.base + "/")

    def pages(self, name: str, items: Sequence[Json]) -> dict[str, Json]:
        total = max(1, math.ceil(len(items) / PAGE_SIZE))
        result = {}
        for n in range(1, total + 1):
            page = self.objects.page(
                name, items[(n - 1) * PAGE_SIZE : n * PAGE_SIZE], len(items), n, PAGE_SIZE
            )
            result[self.path(page["links"]["self"])] = page
        return result


def write_tree(
    files: dict[str, Json],
    target: Path,
    progress: Callable[[int, int], None] | None = None,
    documents: Mapping[str, str] | None = None,
) -> int:
    """Write all files (and the ``documents``, HTML by path) into ``target``, replacing an
    earlier export there; returns the number of files written."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    contents = {
        **{
            relative: json.dumps(c, ensure_ascii=False, indent=2) + "\n"
            for relative, c in files.items()
        },
        **(documents or {}),
    }
    try:
        for done, (relative, content) in enumerate(sorted(contents.items()), start=1):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, "utf-8")
            if progress is not None:
                progress(done, len(contents))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(contents)
