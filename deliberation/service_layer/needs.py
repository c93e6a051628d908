"""Use cases for needs (Bedarfe): collect them in a workshop, prioritise with dots."""

from __future__ import annotations

from deliberation.domain import text_rules
from deliberation.domain.errors import DeliberationError, NotFound
from deliberation.domain.model import Need, NeedScope
from deliberation.service_layer import cycles, stepping
from deliberation.service_layer.ports import Dependencies
from deliberation.service_layer.views import NeedView, need_view

SCOPE_NAMES = {
    "local": NeedScope.LOCAL,
    "lokal": NeedScope.LOCAL,
    "county": NeedScope.COUNTY,
    "kreisweit": NeedScope.COUNTY,
}


def parse_scope(name: str) -> NeedScope:
    try:
        return SCOPE_NAMES[name.strip().casefold()]
    except KeyError:
        raise DeliberationError(
            f'Reichweite "{name}" ist unbekannt; erlaubt sind "lokal" und "kreisweit".'
        ) from None


def add(
    deps: Dependencies, cycle_id: int, text: str, topic_field: str, scope: str, actor: str
) -> int:
    """Record a need in a workshop that is collecting needs; returns its id."""
    if not text.strip():
        raise DeliberationError("Der Bedarf braucht einen Text.")
    text = text_rules.multi_line(text, "Der Text des Bedarfs (--text)")
    field = _known_topic_field(deps, topic_field)
    parsed_scope = parse_scope(scope)
    with deps.unit_of_work() as uow:
        cycle = cycles.get_detached(uow, cycle_id, lock=True)
        stepping.require_capability(deps, cycle, "add_needs", "Bedarfe erfassen")
        now = deps.clock()
        stepping.touch(cycle, now)
        if cycle.municipality is None and parsed_scope != NeedScope.COUNTY:
            raise DeliberationError(
                f"{cycle.subject_label()} ist kreisweit und gehört zu keiner Gemeinde; seine "
                'Bedarfe sind "kreisweit", nicht "lokal".'
            )
        need = Need(text.strip(), cycle.municipality, field, parsed_scope, now)
        uow.repo.save_detached(cycle)  # the version check covers the new card
        need_id = uow.repo.add_need_row(need, cycle)
        uow.commit()
        return need_id


def _known_topic_field(deps: Dependencies, name: str) -> str:
    for field in deps.topic_fields:
        if field.casefold() == name.strip().casefold():
            return field
    raise DeliberationError(
        f'Themenfeld "{name}" ist nicht konfiguriert (bekannt: {", ".join(deps.topic_fields)}).'
    )


def vote(deps: Dependencies, need_id: int, dots: int = 1) -> int:
    """Add ``dots`` to a need during dot-voting; returns the new total."""
    if not 1 <= dots <= 10:
        raise DeliberationError(f"Punkte je Abgabe: 1 bis 10, nicht {dots}.")
    with deps.unit_of_work() as uow:
        cycle = uow.repo.detached_cycle_of_need(need_id)
        if cycle is None:
            raise NotFound(f"Bedarf {need_id} gibt es nicht (deliberation need list zeigt alle).")
        stepping.require_capability(deps, cycle, "vote_needs", "Punkte vergeben")
        total = uow.repo.add_votes(need_id, dots)
        uow.commit()
        return total


def list_needs(
    deps: Dependencies,
    cycle_id: int | None = None,
    round_label: str | None = None,
    scope: str | None = None,
) -> list[NeedView]:
    parsed = parse_scope(scope).value if scope else None
    with deps.unit_of_work() as uow:
        return [need_view(n) for n in uow.repo.needs(cycle_id, round_label, parsed)]
