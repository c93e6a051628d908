"""The ``[[consultation_route]]`` section of ``config.toml``: the Beratungsfolge.

Each entry names a configured body, its role on the route and, optionally,
the recommendation workflow's step that placing a recommendation on one of
that body's meetings takes. Exactly the last entry decides ("Entscheidung").
"""

from __future__ import annotations

from collections.abc import Collection

from deliberation.adapters._toml import Section
from deliberation.domain.consultations import ConsultationRole, RouteStep

ROLES = ", ".join(f'"{r.value}"' for r in ConsultationRole)


def consultation_route(root: Section, body_keys: Collection[str]) -> tuple[RouteStep, ...]:
    """The route, validated: known bodies, each once, known roles, the decision last."""
    if "consultation_route" not in root.data:
        return ()
    steps: list[RouteStep] = []
    sections = root.tables("consultation_route")
    for entry in sections:
        entry.only(("body", "role", "placement_trigger"))
        body = entry.text("body")
        if body not in body_keys:
            raise entry.fail(
                "body", f'"{body}" ist kein Gremium aus [[bodies]] ({", ".join(body_keys)}).'
            )
        if body in (s.body_key for s in steps):
            raise entry.fail("body", f'"{body}" kommt in der Beratungsfolge doppelt vor.')
        role_text = entry.text("role")
        try:
            role = ConsultationRole(role_text)
        except ValueError:
            raise entry.fail("role", f'"{role_text}" ist unbekannt (erlaubt: {ROLES}).') from None
        steps.append(RouteStep(body, role, entry.optional_text("placement_trigger")))
    deciding = [i for i, s in enumerate(steps) if s.authoritative]
    if deciding != [len(steps) - 1]:
        raise sections[-1].fail(
            "role", 'genau der letzte Eintrag der Beratungsfolge muss "Entscheidung" sein.'
        )
    return tuple(steps)
