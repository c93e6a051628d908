"""The web's wording of a next step: a link to the page for it, or nothing.

The service layer states the situation and puts the step's key on the error
(``DeliberationError.next_steps``); a staff error page shows a link for each step
that has a page. Steps taken on the page the person is on (a cycle's needs, its
dots, its groups) have none: the page itself offers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from deliberation.domain.errors import DeliberationError, Hint, NextStep

_RECOMMENDATION = "/recommendations/{recommendation_id}"
#: the page of every next step and the link's text; None: no page of its own
LINKS: dict[NextStep, tuple[str, str] | None] = {
    NextStep.LIST_ACCOUNTS: ("/accounts", "Alle Zugänge"),
    NextStep.LIST_CYCLES: ("/rounds", "Alle Durchgänge mit ihren Zyklen"),
    NextStep.LIST_NEEDS: None,  # the needs are listed on their cycle's page
    NextStep.LIST_GROUPS: ("/groups", "Alle Arbeitsgruppen"),
    NextStep.LIST_RECOMMENDATIONS: ("/tracker", "Alle Empfehlungen im Tracker"),
    NextStep.LIST_MEETINGS: ("/meetings?alle=1", "Alle Termine"),
    NextStep.MEETINGS_OF_BODY: ("/meetings?gremium={body}", "Die Termine dieses Gremiums"),
    NextStep.ADD_MEETING: ("/meetings/new", "Eine Sitzung anlegen"),
    NextStep.PLACE_RECOMMENDATION: (_RECOMMENDATION, "Zur Empfehlung: auf eine Sitzung setzen"),
    NextStep.RECORD_RESULT: (_RECOMMENDATION, "Zur Empfehlung: Ergebnis festhalten"),
    NextStep.STATEMENT_WITHOUT_MEETING: (
        _RECOMMENDATION,
        "Zur Empfehlung: Stellungnahme ohne Sitzung festhalten",
    ),
    NextStep.ASSIGN_RECOMMENDATION: (_RECOMMENDATION, "Zur Empfehlung: Zuständigkeit festlegen"),
    NextStep.ADD_NEEDS: None,
    NextStep.VOTE_NEEDS: None,
    NextStep.FORM_GROUP: None,
    NextStep.REPORT_IMPLEMENTATION: None,
    NextStep.OUTBOX_STATUS: ("/outbox", "Zum Postausgang"),
    NextStep.CHECK_WORKFLOWS: ("/workflows", "Zu den Workflows"),
}


@dataclass(frozen=True)
class Link:
    href: str
    text: str


def link_of(step: Hint) -> Link | None:
    page = LINKS[step.step]
    if page is None:
        return None
    path, text = page
    return Link(path.format_map({k: quote(v, safe="") for k, v in step.about.items()}), text)


def links_of(error: DeliberationError) -> list[Link]:
    """The links of the error's next steps, each page once."""
    links: list[Link] = []
    for step in error.next_steps:
        link = link_of(step)
        if link is not None and link.href not in {known.href for known in links}:
            links.append(link)
    return links
