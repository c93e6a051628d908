"""A whole loop for the public pages' tests: a need of Stadt Peine adopted by the Kreistag,
implemented and mirrored back into the next round, with people who must stay unnamed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from deliberation.bootstrap import Application
from deliberation.domain.consultations import ConsultationResult
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.service_layer import (
    body_meetings,
    consultations,
    cycles,
    dot_votes,
    groups,
    implementation,
    recommendations,
)

ROUTE = ("kommission", "ausschuss-soziales", "kreisausschuss", "kreistag")
NEXT_ROUND = "2028"
SPRACHKURSE = "Mehr Sprachkurse mit Kinderbetreuung"
#: a person who takes part everywhere: group member, author, actor, invited; never shown
HIDDEN_NAME = "Friederike Quast"
HIDDEN_EMAIL = "friederike.quast@example.org"
#: the walker's own group members and the secretaries' actor name
OTHER_PEOPLE = ("Ayşe Yılmaz", "Jan Becker", "Sitzungsdienst")
RESOLUTION = "Der Kreistag beschließt Sprachkurse mit Kinderbetreuung in allen Gemeinden."
PROGRESS = "Zwei Kurse mit Kinderbetreuung laufen in Peine."


@dataclass(frozen=True)
class Loop:
    recommendation: int
    person: Participant


def closed_loop(app: Application, walker: Any, clock: Any) -> Loop:
    deps = app.deps
    with deps.unit_of_work() as uow:
        person = Participant(
            HIDDEN_NAME,
            HIDDEN_EMAIL,
            "de",
            LegalBasis.DUTY,
            deps.clock(),
            municipality_key="stadt-peine",
        )
        uow.participants.add(person)
        uow.commit()
        uow.participants.participant_by_id(person.id or 0)
    record = walker.walk()
    [rec] = record.recommendations
    group = groups.show(deps, record.group)
    members = [
        "Ayşe Yılmaz / Migrantenorganisation",
        "Jan Becker / VHS Peine",
        f"{HIDDEN_NAME} / Elternbeirat",
    ]
    groups.change(deps, record.group, group.mandate, group.due_date, members, HIDDEN_NAME)
    recommendations.advance(deps, rec, "adopt_in_group", HIDDEN_NAME)
    for body in ROUTE:
        starts = clock.now + timedelta(days=21)
        meeting = body_meetings.add(deps, body, starts, "Kreishaus Peine", confirmed=True).id
        consultations.place(deps, rec, meeting, "Sitzungsdienst")
        clock.advance(timedelta(days=22))
        text = RESOLUTION if body == "kreistag" else "Zustimmung."
        result = ConsultationResult.ADOPTED if body == "kreistag" else ConsultationResult.APPROVED
        consultations.record_result(deps, rec, result, "Sitzungsdienst", text)
    due = deps.today() + timedelta(days=90)
    implementation.assign(deps, rec, "Fachdienst Soziales", due, HIDDEN_NAME)
    implementation.note_progress(deps, rec, PROGRESS, HIDDEN_NAME)
    implementation.report_back(deps, app.templates, rec, HIDDEN_NAME, NEXT_ROUND)
    # the person is really there: member of the group, author of the note, in the report
    assert any(HIDDEN_NAME in member for member in groups.show(deps, record.group).members)
    shown = recommendations.show(deps, rec)
    assert [note.author for note in shown.progress] == [HIDDEN_NAME]
    [report] = implementation.feedback(deps, NEXT_ROUND)
    assert HIDDEN_NAME in report.text
    return Loop(rec, person)


def voting_link(app: Application, walker: Any, language: str) -> tuple[str, list[int], int]:
    """A Stadt Peine workshop in its voting phase with its two needs (language courses,
    station lighting); the path of the vote link of one invited person, Elif Şahin."""
    deps = app.deps
    with deps.unit_of_work() as uow:
        person = Participant(
            "Elif Şahin",
            "elif@example.org",
            language,
            LegalBasis.DUTY,
            deps.clock(),
            municipality_key="stadt-peine",
        )
        uow.participants.add(person)
        uow.commit()
        uow.participants.participant_by_id(person.id or 0)
    [workshop] = walker.launch_workshops(("stadt-peine",)).values()
    walker.give_meeting(workshop)
    mailing = app.mailing()
    cycles.advance(deps, workshop, "send_invitations", walker.actor, mailing=mailing)
    cycles.advance(deps, workshop, "start_needs_collection", walker.actor)
    ids = walker.collect_needs("stadt-peine")
    walker.advance(workshop, "start_vision", "start_realisation")
    url = dot_votes.vote_url(mailing, person, workshop)
    return url.removeprefix(mailing.links.base_url), ids, workshop
