"""Use cases for needs (Bedarfe): collect them in a workshop, prioritise with dots."""

from __future__ import annotations

from deliberation.domain import text_rules
from deliberation.domain.errors import (
    ConcurrencyConflict,
    DeliberationError,
    FieldKey,
    NextStep,
    NotFound,
    hint,
)
from deliberation.domain.model import Need, NeedScope
from deliberation.service_layer import audit, cycles, stepping
from deliberation.service_layer.ports import Dependencies, UnitOfWork
from deliberation.service_layer.views import SCOPE_TITLES, NeedView, need_view

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


TEXT_MAX = 2000


def check_text(text: str) -> str:
    """The card's text, trimmed; refused when empty or longer than ``TEXT_MAX``."""
    if not text.strip():
        raise DeliberationError("Der Bedarf braucht einen Text.")
    if len(text.strip()) > TEXT_MAX:
        raise DeliberationError(f"Der Text eines Bedarfs hat höchstens {TEXT_MAX} Zeichen.")
    return text_rules.multi_line(
        text.strip(), "Der Text des Bedarfs", TEXT_MAX, field=FieldKey.TEXT
    )


def add(
    deps: Dependencies, cycle_id: int, text: str, topic_field: str, scope: str, actor: str
) -> int:
    """Record a need in a workshop that is collecting needs; returns its id."""
    with deps.unit_of_work() as uow:
        need_id = add_in(uow, deps, cycle_id, text, topic_field, scope)
        uow.commit()
        return need_id


def add_in(
    uow: UnitOfWork, deps: Dependencies, cycle_id: int, text: str, topic_field: str, scope: str
) -> int:
    """``add`` inside a unit of work the caller commits (an approved need from the web)."""
    text = check_text(text)
    field = known_topic_field(deps, topic_field)
    parsed_scope = parse_scope(scope)
    cycle = cycles.get_detached(uow, cycle_id, lock=True)
    stepping.require_capability(deps, cycle, "add_needs", "Bedarfe erfassen")
    now = deps.clock()
    stepping.touch(cycle, now)
    if cycle.municipality is None and parsed_scope != NeedScope.COUNTY:
        raise DeliberationError(
            f"{cycle.subject_label()} ist kreisweit und gehört zu keiner Gemeinde; seine "
            'Bedarfe sind "kreisweit", nicht "lokal".'
        )
    need = Need(text, cycle.municipality, field, parsed_scope, now)
    uow.fast_path.save_detached(cycle)  # the version check covers the new card
    return uow.fast_path.add_need_row(need, cycle)


def known_topic_field(deps: Dependencies, name: str) -> str:
    for field in deps.topic_fields:
        if field.casefold() == name.strip().casefold():
            return field
    raise DeliberationError(
        f'Themenfeld "{name}" ist nicht konfiguriert (bekannt: {", ".join(deps.topic_fields)}).'
    )


#: A vote that meets another one on the same workshop is simply counted again.
VOTE_ATTEMPTS = 50


def vote(deps: Dependencies, need_id: int, dots: int = 1) -> int:
    """Add ``dots`` to a need during dot-voting; returns the new total.

    The vote changes the workshop like any other change (its version moves on), so
    a phase change in between and this vote cannot both win. Votes commute: one that
    collides with a concurrent vote is retried, so every dot counts.
    """
    if not 1 <= dots <= 10:
        raise DeliberationError(f"Punkte je Abgabe: 1 bis 10, nicht {dots}.")
    for attempt in range(1, VOTE_ATTEMPTS + 1):
        try:
            return _vote_once(deps, need_id, dots)
        except ConcurrencyConflict:
            if attempt == VOTE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _vote_once(deps: Dependencies, need_id: int, dots: int) -> int:
    with deps.unit_of_work() as uow:
        cycle = uow.fast_path.detached_cycle_of_need(need_id)
        if cycle is None:
            raise _missing(need_id)
        stepping.require_capability(deps, cycle, "vote_needs", "Punkte vergeben")
        stepping.touch(cycle, deps.clock())
        uow.fast_path.save_detached(cycle)  # a vote is a change: the version check covers it
        total = uow.needs.add_votes(need_id, dots)
        uow.commit()
        return total


def edit(
    deps: Dependencies,
    need_id: int,
    text: str,
    topic_field: str,
    scope: str,
    actor: str,
) -> NeedView:
    """Correct a card while its workshop still collects needs (logged with ``actor``)."""
    text = check_text(text)
    field = known_topic_field(deps, topic_field)
    parsed_scope = parse_scope(scope)
    with deps.unit_of_work() as uow:
        need = _get(uow, need_id)
        cycle = cycles.get(uow, need.cycle.id or 0, lock=True)
        stepping.require_capability(deps, cycle, "add_needs", "Bedarfe ändern")
        before = _card(need)
        stepping.touch(cycle, deps.clock())
        need.text, need.topic_field, need.scope = text, field, parsed_scope
        uow.flush()
        view = need_view(need)
        audit.record(
            uow,
            deps.clock(),
            actor,
            "need_edited",
            ("need", need_id),
            before=before,
            after=_card(need),
        )
        uow.commit()
        return view


def delete(deps: Dependencies, need_id: int, actor: str) -> NeedView:
    """Remove a card while its workshop still collects needs; returns what it said."""
    with deps.unit_of_work() as uow:
        need = _get(uow, need_id)
        cycle = cycles.get(uow, need.cycle.id or 0, lock=True)
        stepping.require_capability(deps, cycle, "add_needs", "Bedarfe löschen")
        if uow.needs.topics_with_need(need_id) or uow.recommendations.recommendations_for_need(
            need_id
        ):
            raise DeliberationError(
                f"Bedarf {need_id} steht schon auf einer Tagesordnung oder in einer Empfehlung "
                "und kann nicht mehr gelöscht werden."
            )
        view = need_view(need)
        audit.record(
            uow,
            deps.clock(),
            actor,
            "need_deleted",
            ("need", need_id),
            before=_card(need),
            reason=cycle.title,
        )
        stepping.touch(cycle, deps.clock())
        uow.needs.remove(need)
        uow.commit()
        return view


def _card(need: Need) -> str:
    """What a card says, for the log: text · topic field · scope."""
    return f"{need.text} · {need.topic_field} · {SCOPE_TITLES.get(need.scope, need.scope)}"


def show(deps: Dependencies, need_id: int) -> NeedView:
    with deps.unit_of_work() as uow:
        return need_view(_get(uow, need_id))


def _missing(need_id: int) -> NotFound:
    return NotFound(f"Bedarf {need_id} gibt es nicht.", next_steps=[hint(NextStep.LIST_NEEDS)])


def _get(uow: UnitOfWork, need_id: int) -> Need:
    need = uow.needs.need(need_id)
    if need is None:
        raise _missing(need_id)
    return need


def list_needs(
    deps: Dependencies,
    cycle_id: int | None = None,
    round_label: str | None = None,
    scope: str | None = None,
) -> list[NeedView]:
    parsed = parse_scope(scope).value if scope else None
    with deps.unit_of_work() as uow:
        return [need_view(n) for n in uow.needs.needs(cycle_id, round_label, parsed)]
