"""The consultation route (Beratungsfolge) of a recommendation and its results.

A recommendation passes the bodies of the configured route in order. At each
body it is placed on a concrete meeting (a ``Consultation``); the meeting
records a result. "vertagt" keeps the recommendation at the same body until
it is placed on a later meeting. Which workflow step a placement or a result
takes is decided here, so the recommendation workflow and the route agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from deliberation.domain.cadence import ClosedDays
from deliberation.domain.errors import DeliberationError
from deliberation.domain.notice import NoPublicHolidays, NoticeCounting, NoticePeriod
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
    """What a meeting did with a recommendation."""

    ADOPTED = "adopted"
    ADOPTED_AMENDED = "adopted_amended"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"
    NOTED = "noted"


RESULT_TITLES = {
    ConsultationResult.ADOPTED: "ungeändert beschlossen",
    ConsultationResult.ADOPTED_AMENDED: "geändert beschlossen",
    ConsultationResult.REJECTED: "abgelehnt",
    ConsultationResult.DEFERRED: "vertagt",
    ConsultationResult.WITHDRAWN: "zurückgezogen",
    ConsultationResult.NOTED: "zur Kenntnis genommen",
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


def parse_result(text: str) -> ConsultationResult:
    """A result given by its code ("deferred") or its German title ("vertagt")."""
    wanted = " ".join(text.split()).casefold()
    for result, title in RESULT_TITLES.items():
        if wanted in (result.value, title.casefold()):
            return result
    known = ", ".join(f'"{t}"' for t in RESULT_TITLES.values())
    raise DeliberationError(f'Ergebnis "{text}" ist unbekannt (möglich: {known}).')


@dataclass(frozen=True)
class RouteStep:
    """One body of the route, its role, and the workflow step a placement there takes."""

    body_key: str
    role: ConsultationRole
    placement_trigger: str = ""

    @property
    def authoritative(self) -> bool:
        return self.role == ConsultationRole.DECISION


class Consultation:
    """A recommendation on the agenda of one meeting of one body of its route."""

    id: int | None
    recommendation: Recommendation
    meeting: Meeting

    def __init__(
        self,
        meeting: Meeting,
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
    """The workflow step a result takes ("" when the recommendation simply moves on)."""
    if result == ConsultationResult.WITHDRAWN:
        return workflow.trigger_for(DECISION_ROLES[result])
    if step.authoritative:
        if result not in DECISION_ROLES:
            raise DeliberationError(
                f'"{RESULT_TITLES[result]}" ist für die Entscheidung nicht möglich; der '
                "Kreistag beschließt (ungeändert oder geändert), lehnt ab, vertagt, oder "
                "die Empfehlung wird zurückgezogen."
            )
        return _required(workflow, DECISION_ROLES[result])
    if result == ConsultationResult.DEFERRED:
        return ""
    if step.role == ConsultationRole.HEARING:
        return _required(workflow, "statement")
    return ""


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
) -> str | None:
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
        return (
            f"{message} Frühestmöglich ist die Sitzung {first.id} am "
            f"{day_of[first.id or 0]:%d.%m.%Y} ({first.title})."
        )
    return (
        f"{message} Frühestmöglich wäre eine Sitzung ab dem {earliest:%d.%m.%Y}; es ist "
        f"noch keine angelegt (deliberation meeting add {body.key} --at …)."
    )
