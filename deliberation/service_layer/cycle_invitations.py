"""Invitations of a cycle always say when and where.

A cycle's transition that sends messages (``send = [...]`` in its workflow,
e.g. the invitations of a workshop or the conference) invites the cycle's
audience to its meeting: a confirmed meeting with a place. Without one the
step is refused with what is missing, whoever fires it (staff by hand, the
scheduler by date); there is no invitation without date and place.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.model import Cycle, Meeting, Stateful, SubjectKind
from deliberation.service_layer.ports import Dependencies, UnitOfWork


class InvitationIncomplete(DeliberationError):
    """The cycle has no confirmed meeting with a place to invite to."""


def sends_messages(deps: Dependencies, subject: Stateful, trigger: str) -> bool:
    """Whether ``trigger`` in the subject's current state asks for messages to be sent."""
    definition = deps.engine.definition_of(subject)
    return any(t.send for t in definition.transitions_from(subject.state) if t.trigger == trigger)


def require_meeting_with_place(deps: Dependencies, uow: UnitOfWork, subject: Stateful) -> None:
    """Refuse unless the cycle has a confirmed meeting with a place (other subjects pass)."""
    if subject.kind != SubjectKind.CYCLE or subject.id is None:
        return
    if uow.meetings.invitable_meeting_exists(subject.id):
        return  # the common case, by one query; the meetings are loaded only to say what is missing
    problem = missing(deps, uow.meetings.meetings_of_cycle(subject.id))
    if problem is not None:
        assert isinstance(subject, Cycle)
        raise InvitationIncomplete(
            f"{subject.title} ({subject.subject_label()}): Einladungen gehen nur mit Datum, "
            f"Uhrzeit und Ort hinaus. {problem}"
        )


def missing(deps: Dependencies, meetings: list[Meeting]) -> str | None:
    """What keeps these meetings of a cycle from being invited to, or None."""
    zone = ZoneInfo(deps.timezone)
    planned = [m for m in meetings if m.status == MeetingStatus.PLANNED]
    for meeting in planned:
        if meeting.location.strip():
            return None
    if planned:
        meeting = planned[0]
        return (
            f"Termin {meeting.id} am {meeting.starts_at.astimezone(zone):%d.%m.%Y um %H:%M} Uhr "
            "hat noch keinen Ort; bitte zuerst einen Ort eintragen."
        )
    if meetings:
        meeting = meetings[0]
        return (
            f"Termin {meeting.id} am {meeting.starts_at.astimezone(zone):%d.%m.%Y um %H:%M} Uhr "
            "ist erst vorgeschlagen; bitte ihn zuerst bestätigen (oder verlegen)"
            + ("" if meeting.location.strip() else " und einen Ort eintragen")
            + "."
        )
    return "Es gibt noch keinen Termin; bitte zuerst einen Termin mit Ort ansetzen."
