"""Who may do what in the browser: the roles, and the navigation each role sees."""

from __future__ import annotations

from dataclasses import dataclass

from deliberation.domain.accounts import Role

#: What each role is for, as the refusal page says it.
ROLE_DUTIES = {
    Role.REFERAT: "Durchgänge, Zyklen, Bedarfe, Arbeitsgruppen, Personen, Termine und Einladungen",
    Role.SECRETARY: "Beratungsfolge, Ergebnisse, Umsetzung und Exporte",
    Role.ADMIN: "Zugänge",
}

REFERAT = frozenset({Role.REFERAT})
SECRETARY = frozenset({Role.SECRETARY})
ADMIN = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class NavItem:
    path: str
    title: str
    roles: frozenset[Role] = frozenset(Role)  # who sees it; everyone signed in by default


#: The main navigation, in order. A new area adds one line here.
NAVIGATION: list[NavItem] = [
    NavItem("/", "Start"),
    NavItem("/rounds", "Durchgänge"),
    NavItem("/moderation", "Bedarfe aus dem Web", REFERAT),
    NavItem("/groups", "Arbeitsgruppen"),
    NavItem("/tracker", "Tracker", REFERAT | SECRETARY),
    NavItem("/implementation-report", "Umsetzungsbericht", REFERAT | SECRETARY),
    NavItem("/meetings", "Termine"),
    NavItem("/participants", "Personen", REFERAT),
    NavItem("/outbox", "Postausgang"),
    NavItem("/monitoring", "Monitoring"),
    NavItem("/workflows", "Abläufe"),
    NavItem("/timeline", "Zeitleiste"),
    NavItem("/accounts", "Zugänge", ADMIN),
]


def navigation_for(role: str) -> list[NavItem]:
    return [item for item in NAVIGATION if Role(role) in item.roles]
