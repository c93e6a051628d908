"""A static OParl 1.1 tree from a ``Publication``: one JSON file per object and list page.

Object ids are URLs below ``base_url`` that end in ``.json`` and name the file
the object is written to, so any static web server can serve the folder as
is. Ids are built from database keys only, so they stay the same on every
export. The tree is written into a temporary folder next to the target and
moved into place at the end: a failed export never leaves half a tree.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from deliberation.domain.consultations import WITHOUT_MEETING
from deliberation.service_layer.publication import (
    AgendaEntry,
    BodyItem,
    GroupItem,
    MeetingItem,
    PaperItem,
    PersonItem,
    Publication,
)

OPARL = "https://schema.oparl.org/1.1/"
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
Json = dict[str, Any]


class OparlTree:
    """Builds every object of the tree; ``files()`` maps relative paths to JSON objects."""

    def __init__(self, data: Publication, base_url: str, timezone: str) -> None:
        self.data = data
        self.base = base_url.rstrip("/")
        self.zone = ZoneInfo(timezone)
        self.body_id = self.url("body/1")

    def url(self, path: str) -> str:
        return f"{self.base}/{path}.json"

    def time(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).isoformat(timespec="seconds")

    def stamps(self, created: datetime, modified: datetime) -> Json:
        return {"created": self.time(created), "modified": self.time(max(created, modified))}

    # --- objects ---------------------------------------------------------------------------

    def system(self) -> Json:
        return {
            "id": self.url("system"),
            "type": OPARL + "System",
            "oparlVersion": OPARL,
            "name": f"{self.data.county}: Empfehlungen aus dem Beteiligungsprozess",
            "body": self.url("bodies"),
            **self.stamps(self.data.created, self.data.modified),
        }

    def body(self) -> Json:
        lists = ("organization", "person", "meeting", "paper", "agendaItem", "consultation")
        return {
            "id": self.body_id,
            "type": OPARL + "Body",
            "system": self.url("system"),
            "name": self.data.county,
            "contactName": self.data.organiser,
            **{name: self.url(f"body/1/{name}") for name in lists},
            "legislativeTerm": [self.legislative_term()],
            "classification": "Landkreis",
            **self.stamps(self.data.created, self.data.modified),
        }

    def legislative_term(self) -> Json:
        return {
            "id": self.url("legislativeterm/1"),
            "type": OPARL + "LegislativeTerm",
            "body": self.body_id,
            "name": "laufende Wahlperiode",
            **self.stamps(self.data.created, self.data.modified),
        }

    def body_organization(self, body: BodyItem) -> Json:
        return {
            "id": self.url(f"organization/{body.key}"),
            "type": OPARL + "Organization",
            "body": self.body_id,
            "name": body.name,
            "organizationType": "Gremium",
            "classification": BODY_KIND_TITLES.get(body.kind, body.kind),
            **self.stamps(self.data.created, self.data.modified),
        }

    def group_organization(self, group: GroupItem) -> Json:
        return {
            "id": self.url(f"organization/ag-{group.id}"),
            "type": OPARL + "Organization",
            "body": self.body_id,
            "name": group.name,
            "organizationType": "Arbeitsgruppe",
            "classification": f"Ad-hoc-Arbeitsgruppe der {group.conference}",
            "startDate": group.created.astimezone(self.zone).date().isoformat(),
            **self.stamps(group.created, group.modified),
        }

    def meeting(self, meeting: MeetingItem) -> Json:
        agenda = [self.agenda_item(e, n) for n, e in enumerate(meeting.agenda, start=1)]
        return {
            "id": self.url(f"meeting/{meeting.id}"),
            "type": OPARL + "Meeting",
            "name": meeting.title,
            "meetingState": "abgesagt" if meeting.cancelled else "terminiert",
            "cancelled": meeting.cancelled,
            "start": self.time(meeting.starts_at),
            "location": self.location(meeting),
            "organization": [self.url(f"organization/{meeting.body_key}")],
            "agendaItem": agenda,
            **self.stamps(meeting.created, meeting.modified),
        }

    def location(self, meeting: MeetingItem) -> Json:
        return {
            "id": self.url(f"location/meeting-{meeting.id}"),
            "type": OPARL + "Location",
            "description": meeting.location,
            "meetings": [self.url(f"meeting/{meeting.id}")],
            **self.stamps(meeting.created, meeting.modified),
        }

    def agenda_item(self, entry: AgendaEntry, number: int) -> Json:
        item: Json = {
            "id": self.url(f"agendaitem/{entry.consultation_id}"),
            "type": OPARL + "AgendaItem",
            "meeting": self.url(f"meeting/{entry.meeting_id}"),
            "number": str(number),
            "order": number,
            "name": entry.recommendation_title,
            "public": entry.public,
            "consultation": self.url(f"consultation/{entry.consultation_id}"),
            **self.stamps(entry.created, entry.modified),
        }
        if entry.result:
            item["result"] = entry.result
        if entry.resolution_text:
            item["resolutionText"] = entry.resolution_text
        return item

    def consultation(self, entry: AgendaEntry) -> Json:
        held: Json = {
            "agendaItem": self.url(f"agendaitem/{entry.consultation_id}"),
            "meeting": self.url(f"meeting/{entry.meeting_id}"),
        }
        if not entry.meeting_id:  # a statement without a meeting: its result as keywords
            held = {"keyword": [WITHOUT_MEETING, entry.result]}
        return {
            "id": self.url(f"consultation/{entry.consultation_id}"),
            "type": OPARL + "Consultation",
            "paper": self.url(f"paper/{entry.recommendation_id}"),
            **held,
            "organization": [self.url(f"organization/{entry.body_key}")],
            "authoritative": entry.authoritative,
            "role": entry.role,
            **self.stamps(entry.created, entry.modified),
        }

    def paper(self, paper: PaperItem) -> Json:
        return {
            "id": self.url(f"paper/{paper.id}"),
            "type": OPARL + "Paper",
            "body": self.body_id,
            "name": paper.title,
            "reference": paper.reference,
            "date": paper.created.astimezone(self.zone).date().isoformat(),
            "paperType": "Beschlussvorlage",
            "originatorOrganization": [self.url(f"organization/ag-{paper.group_id}")],
            "consultation": [self.consultation(e) for e in paper.consultations],
            **self.stamps(paper.created, paper.modified),
        }

    def person(self, person: PersonItem) -> Json:
        return {
            "id": self.url(f"person/{person.id}"),
            "type": OPARL + "Person",
            "body": self.body_id,
            "name": person.name,
            "membership": [
                {
                    "id": self.url(f"membership/{person.id}-{key}"),
                    "type": OPARL + "Membership",
                    "person": self.url(f"person/{person.id}"),
                    "organization": self.url(f"organization/{key}"),
                    **self.stamps(person.created, person.modified),
                }
                for key in person.body_keys
            ],
            **self.stamps(person.created, person.modified),
        }

    # --- the tree --------------------------------------------------------------------------

    def files(self) -> dict[str, Json]:
        """Every object under its own id, and every list page, by path relative to the root."""
        organizations = [self.body_organization(b) for b in self.data.bodies] + [
            self.group_organization(g) for g in self.data.groups
        ]
        meetings = [self.meeting(m) for m in self.data.meetings]
        papers = [self.paper(p) for p in self.data.papers]
        persons = [self.person(p) for p in self.data.persons]
        agenda_items = [item for m in meetings for item in m["agendaItem"]]
        consultations = [c for p in papers for c in p["consultation"]]
        body = self.body()
        objects = [
            self.system(),
            body,
            *body["legislativeTerm"],
            *organizations,
            *meetings,
            *(m["location"] for m in meetings),
            *agenda_items,
            *papers,
            *consultations,
            *persons,
            *(ms for p in persons for ms in p["membership"]),
        ]
        files = {self.path(o["id"]): o for o in objects}
        files.update(self.pages("bodies", [body]))
        lists: dict[str, Sequence[Json]] = {
            "organization": organizations,
            "person": persons,
            "meeting": meetings,
            "paper": papers,
            "agendaItem": agenda_items,
            "consultation": consultations,
        }
        for name, items in lists.items():
            files.update(self.pages(f"body/1/{name}", items))
        return files

    def path(self, url: str) -> str:
        return url.removeprefix(self.base + "/")

    def pages(self, name: str, items: Sequence[Json]) -> dict[str, Json]:
        """A paginated list: the first page at ``name``, further ones at ``name-page-N``."""
        total = max(1, math.ceil(len(items) / PAGE_SIZE))

        def page_url(n: int) -> str:
            return self.url(name if n == 1 else f"{name}-page-{n}")

        result = {}
        for n in range(1, total + 1):
            links = {"first": page_url(1), "last": page_url(total)}
            if n > 1:
                links["prev"] = page_url(n - 1)
            if n < total:
                links["next"] = page_url(n + 1)
            result[self.path(page_url(n))] = {
                "data": list(items[(n - 1) * PAGE_SIZE : n * PAGE_SIZE]),
                "pagination": {
                    "totalElements": len(items),
                    "elementsPerPage": PAGE_SIZE,
                    "currentPage": n,
                    "totalPages": total,
                },
                "links": links,
            }
        return result


def write_tree(
    files: dict[str, Json], target: Path, progress: Callable[[int, int], None] | None = None
) -> int:
    """Write all files into ``target`` (replacing an earlier export there); returns the count."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for done, (relative, content) in enumerate(sorted(files.items()), start=1):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", "utf-8")
            if progress is not None:
                progress(done, len(files))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(files)
