"""The consultation route (Beratungsfolge) of a recommendation and its results.

A recommendation passes the bodies of the configured route in order. At each
body it is placed on a concrete meeting (a ``Consultation``); the meeting
records a result. An advisory body (Anhörung, Vorberatung, Kenntnisnahme) gives
a statement in its own words (zugestimmt, abgelehnt, mit Änderungen empfohlen,
zur Kenntnis genommen); only the deciding body decides (ungeändert or geändert
beschlossen, abgelehnt). Where the county's rules allow it for a body
(``statement_without_meeting``), its statement can be recorded without a
meeting; the route then counts that body as done. "vertagt" keeps the
recommendation at the same body until it is placed on a later meeting. Which
workflow step a placement or a result takes is decided here, so the
recommendation workflow and the route agree; the triggers are looked up by
their ``role`` in the workflow file, never by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from deliberation.domain.cadence import ClosedDays
from deliberation.domain.errors import DeliberationError, NextStep, hint
from deliberation.domain.notice import NoPublicHolidays, NoticeCounting, NoticePeriod
from deliberation.domain.workflow import DECISION_ROLES as WORKFLOW_DECISION_ROLES
from deliberation.domain.workflow import WorkflowDefinition

if TYPE_CHECKING:
    from deliberation.domain.model import Body, Meeting, Recommendation


class ConsultationRole(StrEnum):
    """The role a body plays on the route (OParl ``Consultation.role``)."""

    HEARING = "Anhörung"
    PRELIMINARY = "Vorberatung"
    DECISION = "Entscheidung"
    NOTING = "Kenntnisnahme"


class ConsultationResult(StrEnum):
    """What a body did with a recommendation."""

    # a deciding body's decision
    ADOPTED = "adopted"
    ADOPTED_AMENDED = "adopted_amended"
    # an advisory body's statement
    APPROVED = "approved"
    AMENDMENTS_RECOMMENDED = "amendments_recommended"
    NOTED = "noted"
    # either
    REJECTED = "rejected"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"


RESULT_TITLES = {
    ConsultationResult.ADOPTED: "ungeändert beschlossen",
    ConsultationResult.ADOPTED_AMENDED: "geändert beschlossen",
    ConsultationResult.APPROVED: "zugestimmt",
    ConsultationResult.AMENDMENTS_RECOMMENDED: "mit Änderungen empfohlen",
    ConsultationResult.NOTED: "zur Kenntnis genommen",
    ConsultationResult.REJECTED: "abgelehnt",
    ConsultationResult.DEFERRED: "vertagt",
    ConsultationResult.WITHDRAWN: "zurückgezogen",
}

#: what the deciding body can record at its meeting
DECIDING_RESULTS = (
    ConsultationResult.ADOPTED,
    ConsultationResult.ADOPTED_AMENDED,
    ConsultationResult.REJECTED,
    ConsultationResult.DEFERRED,
    ConsultationResult.WITHDRAWN,
)
#: an advisory body's statement, with or without a meeting
STATEMENT_RESULTS = (
    ConsultationResult.APPROVED,
    ConsultationResult.REJECTED,
    ConsultationResult.AMENDMENTS_RECOMMENDED,
    ConsultationResult.NOTED,
)
#: what an advisory body can record at its meeting
ADVISORY_RESULTS = (*STATEMENT_RESULTS, ConsultationResult.DEFERRED, ConsultationResult.WITHDRAWN)
#: results that need a text: the amended resolution, the recommended changes
NEEDS_TEXT = {
    ConsultationResult.ADOPTED_AMENDED: "fehlt der Beschlusstext",
    ConsultationResult.AMENDMENTS_RECOMMENDED: "fehlen die empfohlenen Änderungen",
}

#: The role (``role = "..."`` in the recommendation workflow) of the step a deciding
#: body's result takes; the workflow file names the trigger.
DECISION_ROLES = {
    ConsultationResult.ADOPTED: "decision_adopted",
    ConsultationResult.ADOPTED_AMENDED: "decision_amended",
    ConsultationResult.REJECTED: "decision_rejected",
    ConsultationResult.DEFERRED: "deferral",
    ConsultationResult.WITHDRAWN: "withdrawal",
}


def parse_result(
    text: str, allowed: tuple[ConsultationResult, ...] = tuple(ConsultationResult)
) -> ConsultationResult:
    """A result given by its code ("deferred") or its German title ("vertagt")."""
    wanted = " ".join(text.split()).casefold()
    for result in allowed:
        if wanted in (result.value, RESULT_TITLES[result].casefold()):
            return result
    raise DeliberationError(f'Ergebnis "{text}" ist unbekannt (möglich: {titles(allowed)}).')


def titles(results: tuple[ConsultationResult, ...]) -> str:
    return ", ".join(f'"{RESULT_TITLES[r]}"' for r in results)


@dataclass(frozen=True)
class RouteStep:
    """One body of the route, its role, and the workflow step a placement there takes."""

    body_key: str
    role: ConsultationRole
    placement_trigger: str = ""
    #: the county's rules let this (advisory) body give its statement without a meeting
    statement_without_meeting: bool = False

    @property
    def authoritative(self) -> bool:
        return self.role == ConsultationRole.DECISION

    @property
    def results(self) -> tuple[ConsultationResult, ...]:
        """What a meeting of this body can record: a decision or a statement."""
        return DECIDING_RESULTS if self.authoritative else ADVISORY_RESULTS

    def check_result(self, result: ConsultationResult, body_name: str) -> None:
        """Refuse a result that is not in this body's vocabulary, naming the allowed ones."""
        if result in self.results:
            return
        if self.authoritative:
            raise DeliberationError(
                f'"{RESULT_TITLES[result]}" ist für die Entscheidung von {body_name} nicht '
                f"möglich; das entscheidende Gremium beschließt ungeändert oder geändert, "
                f"lehnt ab, vertagt, oder die Empfehlung wird zurückgezogen (möglich: "
                f"{titles(self.results)})."
            )
        raise DeliberationError(
            f'"{RESULT_TITLES[result]}" ist für {body_name} ({self.role.value}) nicht möglich: '
            f"ein beratendes Gremium beschließt nicht, es gibt eine Stellungnahme ab "
            f"(möglich: {titles(self.results)})."
        )


class Consultation:
    """A recommendation on the agenda of one meeting of one body of its route."""

    id: int | None
    recommendation: Recommendation
    #: ``None`` for a statement given without a meeting (``statement_without_meeting``)
    meeting: Meeting | None

    def __init__(
        self,
        meeting: Meeting | None,
        step: RouteStep,
        position: int,
        placed_at: datetime,
    ) -> None:
        self.id = None
        self.meeting = meeting
        self.body_key = step.body_key
        self.role = step.role.value
        self.authoritative = step.authoritative
        self.position = position
        self.result = ""
        self.resolution_text = ""
        self.placed_at = placed_at
        self.decided_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return not self.result

    @property
    def concluded(self) -> bool:
        """Done at this body: any result except a deferral."""
        return bool(self.result) and self.result != ConsultationResult.DEFERRED

    def result_title(self) -> str:
        return RESULT_TITLES[ConsultationResult(self.result)] if self.result else "offen"

    @property
    def meeting_title(self) -> str:
        """The meeting's title, or what stands in for it when there was none."""
        return self.meeting.title if self.meeting is not None else WITHOUT_MEETING

    @property
    def public(self) -> bool:
        """Whether it was dealt with in public: a statement without a meeting never was."""
        return self.meeting.public if self.meeting is not None else False


#: how a statement given without a meeting is named where a meeting would be
WITHOUT_MEETING = "schriftliche Stellungnahme"


def current_position(route: tuple[RouteStep, ...], consultations: list[Consultation]) -> int:
    """The index of the first route step not yet concluded (``len(route)`` when all are)."""
    concluded = {c.position for c in consultations if c.concluded}
    for position in range(len(route)):
        if position not in concluded:
            return position
    return len(route)


def pending_consultation(consultations: list[Consultation]) -> Consultation | None:
    return next((c for c in consultations if c.pending), None)


def placement_trigger(
    step: RouteStep, earlier_at_step: list[Consultation], workflow: WorkflowDefinition
) -> str:
    """The workflow step a placement takes: the step's own on first placement, after a
    deferral at the deciding body the workflow's "back_on_agenda" step, otherwise none."""
    if not earlier_at_step:
        return step.placement_trigger
    return workflow.trigger_for("back_on_agenda") if step.authoritative else ""


def result_trigger(
    step: RouteStep, result: ConsultationResult, workflow: WorkflowDefinition
) -> str:
    """The workflow step a result takes ("" when the recommendation simply moves on).

    A hearing's statement takes the step with ``role = "statement"``; a deciding body's
    decision the step of its ``decision_*`` role. ``result`` must be one of the step's
    ``results``: the service layer checks that first, naming the body
    (``RouteStep.check_result``); here the key stands in for the name.
    """
    step.check_result(result, step.body_key)
    if result == ConsultationResult.WITHDRAWN:
        return workflow.trigger_for(DECISION_ROLES[result])
    if step.authoritative:
        return _required(workflow, DECISION_ROLES[result])
    if step.role == ConsultationRole.HEARING and result in STATEMENT_RESULTS:
        return _required(workflow, STATEMENT_ROLE)
    return ""


#: the role of the workflow's step that records an advisory body's statement
STATEMENT_ROLE = "statement"
#: roles of steps only the route takes: placing and recording results fires them
ROUTE_ROLES = (STATEMENT_ROLE, *WORKFLOW_DECISION_ROLES, "deferral", "back_on_agenda")


def route_steps(route: tuple[RouteStep, ...], workflow: WorkflowDefinition) -> frozenset[str]:
    """The triggers the consultation route fires itself: placements, the statement, the
    decisions, deferral and return to the agenda. Taking one by hand would leave the route
    behind the recommendation's state, so only placement and results take them."""
    if not route:
        return frozenset()
    found = {step.placement_trigger for step in route if step.placement_trigger}
    found.update(workflow.trigger_for(role) for role in ROUTE_ROLES)
    return frozenset(t for t in found if t)


def _required(workflow: WorkflowDefinition, role: str) -> str:
    trigger = workflow.trigger_for(role)
    if not trigger:
        raise DeliberationError(
            f'{workflow.source}: kein Übergang hat role = "{role}"; die Beratungsfolge '
            "braucht ihn für dieses Ergebnis."
        )
    return trigger


def notice_period(body: Body) -> NoticePeriod:
    """The body's notice period (Ladungsfrist), counted as its rules of procedure say."""
    return NoticePeriod(body.notice_days, NoticeCounting(body.notice_counting))


def earliest_allowed_date(body: Body, today: date, holidays: ClosedDays) -> date:
    """The first meeting day that still respects the body's notice period (Ladungsfrist)."""
    return notice_period(body).earliest_meeting_day(today, holidays)


def earliest_possible_meeting(
    body: Body,
    today: date,
    candidates: list[Meeting],
    day_of: dict[int, date],
    holidays: ClosedDays,
) -> Meeting | None:
    """The first of ``candidates`` (with local days ``day_of``) the notice period allows."""
    earliest = earliest_allowed_date(body, today, holidays)
    possible = sorted(
        (m for m in candidates if m.id is not None and day_of[m.id] >= earliest),
        key=lambda m: m.starts_at,
    )
    return possible[0] if possible else None


def notice_refusal(
    body: Body,
    meeting: Meeting,
    meeting_day: date,
    today: date,
    candidates: list[Meeting],
    day_of: dict[int, date],
    holidays: ClosedDays | None = None,
) -> DeliberationError | None:
    """Why ``meeting`` is too close for the notice period, naming the earliest possible one.

    ``candidates`` are the body's other planned meetings, ``day_of`` their local dates.
    """
    holidays = holidays or NoPublicHolidays()
    earliest = earliest_allowed_date(body, today, holidays)
    if meeting_day >= earliest:
        return None
    first = earliest_possible_meeting(body, today, candidates, day_of, holidays)
    message = (
        f"Die Sitzung {meeting.id} ({body.name}) am {meeting_day:%d.%m.%Y} liegt innerhalb "
        f"der Ladungsfrist von {notice_period(body).describe_dative()}."
    )
    if first is not None:
        return DeliberationError(
            f"{message} Frühestmöglich ist die Sitzung {first.id} am "
            f"{day_of[first.id or 0]:%d.%m.%Y} ({first.title})."
        )
    return DeliberationError(
        f"{message} Frühestmöglich wäre eine Sitzung ab dem {earliest:%d.%m.%Y}; es ist "
        "noch keine angelegt.",
        next_steps=[hint(NextStep.ADD_MEETING, body=body.key)],
    )
