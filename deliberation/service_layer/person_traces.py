"""Everything a person left beside their registry entry, for the DSGVO export and deletion.

The invitations with the meetings and answers, the working groups they are
a member of (members are recorded by name, so the match is by name), their
online dots, the mails sent to them and the log rows about them. Deletion removes the
invitations and mails, keeps each working-group membership with its
organisation but without the name, and leaves the log rows, which name the
person only by an id that leads to no one once the entry is gone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from deliberation.domain.invitations import RESPONSE_TITLES, Response
from deliberation.domain.participants import Participant
from deliberation.service_layer import audit
from deliberation.service_layer.ports import Dependencies, UnitOfWork

#: What a working-group member deleted from the directory is called from then on.
DELETED_MEMBER = "(gelöschte Person)"


def export(deps: Dependencies, uow: UnitOfWork, person: Participant) -> dict[str, Any]:
    """The person's traces, JSON-serialisable."""
    return {
        "invitations": _invitations(uow, person),
        "working_groups": _memberships(uow, person),
        "dot_votes": [
            {"need": need_id, "dots": dots, "cast_at": _iso(at)}
            for need_id, dots, at in uow.needs.dot_votes_of_person(person.id or 0)
        ],
        "mails": [
            {
                "subject": subject,
                "created_at": _iso(created),
                "sent_at": _iso(sent),
                "status": status,
            }
            for subject, created, sent, status in uow.outbox.mail_history(person.email)
        ],
        "log": [
            {
                "at": _iso(entry.at),
                "actor": entry.actor,
                "subject": entry.subject,
                "change": entry.what,
                "before": entry.before,
                "after": entry.after,
                "reason": entry.reason,
            }
            for entry in _log(deps, uow, person)
        ],
    }


def forget(uow: UnitOfWork, person: Participant) -> int:
    """Remove the person's name from working groups (the organisation stays) and their
    id from their online dots (the dots keep counting); how many memberships."""
    uow.needs.anonymise_dot_votes(person.id or 0)
    forgotten = 0
    for group in uow.groups.working_groups():
        for member in group.members:
            if _same_name(member.name, person.name):
                member.name = DELETED_MEMBER
                forgotten += 1
    return forgotten


def _invitations(uow: UnitOfWork, person: Participant) -> list[dict[str, Any]]:
    rows = []
    for invitation in uow.meetings.invitations(participant_id=person.id):
        meeting = uow.meetings.meeting(invitation.meeting_id)
        rows.append(
            {
                "meeting": invitation.meeting_id,
                "title": meeting.title if meeting else "",
                "starts_at": _iso(meeting.starts_at) if meeting else None,
                "location": meeting.location if meeting else "",
                "invited_at": _iso(invitation.invited_at),
                "response": RESPONSE_TITLES[Response(invitation.response)],
                "responded_at": _iso(invitation.responded_at),
                "waitlisted": invitation.waitlisted,
            }
        )
    return rows


def _memberships(uow: UnitOfWork, person: Participant) -> list[dict[str, Any]]:
    return [
        {"group": group.id, "name": group.name, "organisation": member.organisation}
        for group in uow.groups.working_groups()
        for member in group.members
        if _same_name(member.name, person.name)
    ]


def _log(deps: Dependencies, uow: UnitOfWork, person: Participant) -> list[audit.LogEntry]:
    rows = uow.log.log_entries(person_id=person.id)
    return [audit.entry(deps, row) for row in rows]


def _same_name(recorded: str, name: str) -> bool:
    return " ".join(recorded.split()).casefold() == " ".join(name.split()).casefold()


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
