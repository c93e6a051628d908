"""The ``[[consultation_route]]`` section of ``config.toml``: the Beratungsfolge.

Each entry names a configured body, its role on the route and, optionally,
the recommendation workflow's step that placing a recommendation on one of
that body's meetings takes, and whether the county's rules let the (advisory)
body give its statement without a meeting. Exactly the last entry decides
("Entscheidung").
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from deliberation.domain.consultations import ConsultationRole, RouteStep
from deliberation.setting_fields import Reading, read_table, setting
from deliberation.toml_files import Section

ROLES = tuple(f'"{r.value}"' for r in ConsultationRole)


def _role(text: str) -> str | None:
    if text in (r.value for r in ConsultationRole):
        return None
    return f'"{text}" ist unbekannt (erlaubt: {", ".join(ROLES)}).'


@dataclass(frozen=True)
class RouteEntry:
    """``[[consultation_route]]``: one body on the route."""

    body: str = setting(help="Schlüssel eines Gremiums aus [[bodies]]")
    role: str = setting(help="Anhörung, Vorberatung, Entscheidung oder Kenntnisnahme", check=_role)
    placement_trigger: str = setting(
        "", help="Schritt der Empfehlung, den das Setzen auf eine Sitzung auslöst"
    )
    statement_without_meeting: bool = setting(
        False,
        help="die Stellungnahme darf auch ohne Sitzung festgehalten werden (z. B. schriftlich "
        "im Umlaufverfahren), wenn die Geschäftsordnung es erlaubt; nur für beratende Gremien",
    )


def consultation_route(
    root: Section, body_keys: Collection[str], reading: Reading
) -> tuple[RouteStep, ...]:
    """The route, validated: known bodies, each once, known roles, the decision last."""
    if "consultation_route" not in root.data:
        return ()
    steps: list[RouteStep] = []
    sections = root.tables("consultation_route")
    for section in sections:
        entry = read_table(RouteEntry, section, reading.inside())
        if entry.body not in body_keys:
            raise section.fail(
                "body", f'"{entry.body}" ist kein Gremium aus [[bodies]] ({", ".join(body_keys)}).'
            )
        if entry.body in (s.body_key for s in steps):
            raise section.fail("body", f'"{entry.body}" kommt in der Beratungsfolge doppelt vor.')
        role = ConsultationRole(entry.role)
        if entry.statement_without_meeting and role == ConsultationRole.DECISION:
            raise section.fail(
                "statement_without_meeting",
                "das entscheidende Gremium beschließt in einer Sitzung; eine Stellungnahme "
                "ohne Sitzung gibt es nur bei beratenden Gremien.",
            )
        steps.append(
            RouteStep(entry.body, role, entry.placement_trigger, entry.statement_without_meeting)
        )
    deciding = [i for i, s in enumerate(steps) if s.authoritative]
    if deciding != [len(steps) - 1]:
        raise sections[-1].fail(
            "role", 'genau der letzte Eintrag der Beratungsfolge muss "Entscheidung" sein.'
        )
    return tuple(steps)
