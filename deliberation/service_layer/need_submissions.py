"""Use cases: bringing a need on the public page, confirming the address, moderating it.

Which cycles take needs is the workflow's word: a cycle whose current state
allows ``add_needs`` (the capability staff entry asks for too). A submission
waits in the moderation queue and counts nowhere until the Referat approves it
(it then becomes a need of its cycle, through ``needs.add_in``), merges it into a
need already there, or rejects it with a reason. An address left for feedback
gets a confirmation link first (double opt-in, as for consent); only a confirmed
address hears what became of the need, in the language the page was in, and the
address is deleted once that mail is written.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from deliberation.domain.errors import DeliberationError, LinkInvalid, NotFound
from deliberation.domain.model import Cycle, NeedScope
from deliberation.domain.need_submissions import NeedSubmission, SubmissionStatus
from deliberation.domain.outbox import compose_mail
from deliberation.service_layer import audit, needs, outbox
from deliberation.service_layer.messages import fingerprint, read_token
from deliberation.service_layer.ports import Dependencies, Mailing, UnitOfWork

CAPABILITY = "add_needs"
#: The purpose (and path) of the link that confirms the address left with a need.
CONFIRM_ADDRESS = "public/needs/confirm"
CONFIRMATION = "need/confirmation"
DECISION = "need/decision"
#: Who the log names for what the person did through the page or the link.
WEB_ACTOR = "Bedarf aus dem Web"
SUBJECT = "need_submission"

#: Messages of refusals the public page shows (German message ids of the catalogue).
NOT_COLLECTING = "Hier werden gerade keine Bedarfe gesammelt."
BAD_ADDRESS = "Bitte eine E-Mail-Adresse wie name@example.org eingeben."
ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


@dataclass(frozen=True)
class CollectingCycle:
    """A cycle that takes needs now, as the public page names it."""

    id: int
    title: str
    municipality: str | None  # None: county-wide (its needs concern the whole county)


@dataclass(frozen=True)
class AddressLinkView:
    language: str
    cycle_title: str
    confirmed: bool


@dataclass(frozen=True)
class QueueItem:
    """One submission in the moderation queue, with the needs it could be merged into."""

    submission: NeedSubmission
    cycle_title: str
    municipality: str | None
    needs: list[tuple[int, str]]


def collecting_cycles(deps: Dependencies) -> list[CollectingCycle]:
    """Every cycle whose state allows collecting needs, oldest first."""
    with deps.unit_of_work() as uow:
        found: list[CollectingCycle] = []
        for definition in deps.engine.all_definitions():
            for state in definition.states.values():
                if CAPABILITY not in state.allows:
                    continue
                for cycle in uow.cycles.cycles(workflow=definition.name, state=state.name):
                    if cycle.workflow_version == definition.version:
                        found.append(_collecting(cycle))
        return sorted(found, key=lambda c: c.id)


def collecting_cycle(deps: Dependencies, cycle_id: int) -> CollectingCycle:
    """The cycle, if it takes needs now; ``NotFound`` (``NOT_COLLECTING``) otherwise."""
    with deps.unit_of_work() as uow:
        return _collecting(_taking_needs(deps, uow, cycle_id))


def _taking_needs(deps: Dependencies, uow: UnitOfWork, cycle_id: int) -> Cycle:
    cycle = uow.cycles.cycle(cycle_id)
    if cycle is None or not deps.engine.allows(cycle, CAPABILITY):
        raise NotFound(NOT_COLLECTING)
    return cycle


def _collecting(cycle: Cycle) -> CollectingCycle:
    municipality = cycle.municipality.name if cycle.municipality else None
    return CollectingCycle(cycle.id or 0, cycle.title, municipality)


def check_address(email: str) -> str:
    """The address, trimmed; ``DeliberationError`` (``BAD_ADDRESS``) if it is none."""
    email = email.strip()
    if len(email) > 254 or not ADDRESS.match(email):
        raise DeliberationError(BAD_ADDRESS)
    return email


def submit(
    deps: Dependencies,
    mailing: Mailing,
    cycle_id: int,
    text: str,
    topic_field: str,
    scope: str,
    email: str,
    language: str,
) -> int:
    """Queue a need from the public page; with an address, send the confirmation link."""
    text = needs.check_text(text)
    field = needs.known_topic_field(deps, topic_field)
    parsed_scope = needs.parse_scope(scope)
    address = check_address(email) if email.strip() else None
    with deps.unit_of_work() as uow:
        cycle = _taking_needs(deps, uow, cycle_id)
        if cycle.municipality is None:
            parsed_scope = NeedScope.COUNTY
        now = deps.clock()
        submission_id = uow.submissions.add_submission(
            cycle_id, text, field, parsed_scope.value, language, address, now
        )
        audit.record(
            uow,
            now,
            WEB_ACTOR,
            "need_submitted",
            (SUBJECT, submission_id),
            after=f"{cycle.title}: {field}, {'mit' if address else 'ohne'} Adresse",
        )
        if address is not None:
            link = mailing.links.url(CONFIRM_ADDRESS, [submission_id, fingerprint(address)])
            context = {
                "confirm_url": link,
                "valid_until": now + mailing.confirm_valid,
                "cycle_title": cycle.title,
                "need_text": text,
            }
            _mail(deps, mailing, uow, address, language, CONFIRMATION, context)
        uow.commit()
        return submission_id


def _mail(
    deps: Dependencies,
    mailing: Mailing,
    uow: UnitOfWork,
    address: str,
    language: str,
    template: str,
    context: dict[str, object],
) -> None:
    values = {
        **context,
        "county": deps.county_name,
        "organiser": deps.organiser,
        "unsubscribe_url": "",
    }
    content = mailing.renderer.render_mail(template, language, values)
    outbox.enqueue(uow, compose_mail(mailing.sender, address, content, deps.clock()))


def address_link(deps: Dependencies, mailing: Mailing, token: str) -> AddressLinkView:
    """What a confirmation link is about, for the page that asks to confirm."""
    with deps.unit_of_work() as uow:
        submission = _holder(uow, mailing, token)
        return _link_view(uow, submission)


def confirm_address(deps: Dependencies, mailing: Mailing, token: str) -> AddressLinkView:
    """Record that the address is the person's (double opt-in); twice changes nothing."""
    with deps.unit_of_work() as uow:
        submission = _holder(uow, mailing, token)
        if submission.email_confirmed_at is None:
            now = deps.clock()
            uow.submissions.change_submission(submission.id, email_confirmed_at=now)
            audit.record(uow, now, WEB_ACTOR, "need_address_confirmed", (SUBJECT, submission.id))
            submission = uow.submissions.submission(submission.id) or submission
        view = _link_view(uow, submission)
        uow.commit()
        return view


def _holder(uow: UnitOfWork, mailing: Mailing, token: str) -> NeedSubmission:
    payload = mailing.links.read(CONFIRM_ADDRESS, token, mailing.confirm_valid)
    [submission_id], digest = read_token(payload, 1)
    submission = uow.submissions.submission(submission_id)
    email = submission.email if submission else None
    if submission is None or email is None or not hmac.compare_digest(fingerprint(email), digest):
        raise LinkInvalid("Diese Adresse ist nicht (mehr) im Verzeichnis.")
    return submission


def _link_view(uow: UnitOfWork, submission: NeedSubmission) -> AddressLinkView:
    cycle = uow.cycles.cycle(submission.cycle_id)
    title = cycle.title if cycle else ""
    return AddressLinkView(submission.language, title, submission.email_confirmed_at is not None)


def forget_unconfirmed_address(
    uow: UnitOfWork, submission_id: int, now: datetime, actor: str
) -> bool:
    """Delete the address of a submission that was never confirmed, with its request time;
    the submission stays. Whether there was one to delete (a confirmation just now keeps it).
    """
    submission = uow.submissions.submission(submission_id, lock=True)
    if submission is None or submission.email is None or submission.email_confirmed_at is not None:
        return False
    uow.submissions.change_submission(submission_id, email=None, email_requested_at=None)
    audit.record(
        uow, now, actor, "need_address_removed", (SUBJECT, submission_id), reason="Frist abgelaufen"
    )
    return True


def queue(deps: Dependencies) -> list[QueueItem]:
    """The submissions waiting for moderation, oldest first."""
    with deps.unit_of_work() as uow:
        items = []
        needs_of: dict[int, list[tuple[int, str]]] = {}
        for submission in uow.submissions.submissions(SubmissionStatus.PENDING):
            cycle = uow.cycles.cycle(submission.cycle_id)
            if submission.cycle_id not in needs_of:
                needs_of[submission.cycle_id] = [
                    (n.id or 0, n.text) for n in uow.needs.needs(cycle_id=submission.cycle_id)
                ]
            items.append(
                QueueItem(
                    submission,
                    cycle.title if cycle else "",
                    cycle.municipality.name if cycle and cycle.municipality else None,
                    needs_of[submission.cycle_id],
                )
            )
        return items


def approve(deps: Dependencies, mailing: Mailing, submission_id: int, actor: str) -> int:
    """The submission becomes a need of its cycle (which must still collect); its id."""
    with deps.unit_of_work() as uow:
        submission = _pending(uow, submission_id)
        need_id = needs.add_in(
            uow,
            deps,
            submission.cycle_id,
            submission.text,
            submission.topic_field,
            submission.scope,
        )
        _decide(deps, mailing, uow, submission, SubmissionStatus.APPROVED, actor, need_id=need_id)
        uow.commit()
        return need_id


def merge(
    deps: Dependencies, mailing: Mailing, submission_id: int, need_id: int, actor: str
) -> None:
    """The submission joins need ``need_id`` of the same cycle (nothing new counts)."""
    with deps.unit_of_work() as uow:
        submission = _pending(uow, submission_id)
        target = uow.needs.need(need_id)
        if target is None or target.cycle.id != submission.cycle_id:
            raise DeliberationError(
                f"Bedarf {need_id} gehört nicht zum selben Zyklus; zusammenführen lässt sich "
                "nur mit einem Bedarf dieses Zyklus."
            )
        _decide(
            deps,
            mailing,
            uow,
            submission,
            SubmissionStatus.MERGED,
            actor,
            need_id=need_id,
            need_text=target.text,
        )
        uow.commit()


def reject(
    deps: Dependencies, mailing: Mailing, submission_id: int, reason: str, actor: str
) -> None:
    """Refuse the submission; the reason is kept and told to the person."""
    reason = reason.strip()
    if not reason:
        raise DeliberationError("Eine Ablehnung braucht eine Begründung.")
    if len(reason) > 1000:
        raise DeliberationError("Die Begründung hat höchstens 1000 Zeichen.")
    with deps.unit_of_work() as uow:
        submission = _pending(uow, submission_id)
        _decide(deps, mailing, uow, submission, SubmissionStatus.REJECTED, actor, reason=reason)
        uow.commit()


def _pending(uow: UnitOfWork, submission_id: int) -> NeedSubmission:
    submission = uow.submissions.submission(submission_id, lock=True)
    if submission is None:
        raise NotFound(f"Einen Bedarf aus dem Web mit der Nummer {submission_id} gibt es nicht.")
    if submission.status != SubmissionStatus.PENDING:
        raise DeliberationError(
            f"Der Bedarf aus dem Web {submission_id} ist schon entschieden "
            f"({submission.status.value}); nichts wurde geändert."
        )
    return submission


def _decide(
    deps: Dependencies,
    mailing: Mailing,
    uow: UnitOfWork,
    submission: NeedSubmission,
    status: SubmissionStatus,
    actor: str,
    *,
    need_id: int | None = None,
    need_text: str = "",
    reason: str = "",
) -> None:
    now = deps.clock()
    uow.submissions.change_submission(
        submission.id,
        status=status,
        reason=reason,
        need_id=need_id,
        decided_at=now,
        decided_by=actor,
        email=None,  # its only purpose was this answer
        email_confirmed_at=None,
        email_requested_at=None,
    )
    change = {
        SubmissionStatus.APPROVED: "need_approved",
        SubmissionStatus.MERGED: "need_merged",
        SubmissionStatus.REJECTED: "need_rejected",
    }[status]
    audit.record(
        uow,
        now,
        actor,
        change,
        (SUBJECT, submission.id),
        before=SubmissionStatus.PENDING.value,
        after=status.value + (f" (Bedarf {need_id})" if need_id else ""),
        reason=reason,
    )
    if submission.will_hear and submission.email is not None:
        cycle = uow.cycles.cycle(submission.cycle_id)
        context: dict[str, object] = {
            "outcome": status.value,
            "cycle_title": cycle.title if cycle else "",
            "need_text": submission.text,
            "merged_into": need_text,
            "reason": reason,
            "submitted_at": submission.created_at,
        }
        _mail(deps, mailing, uow, submission.email, submission.language, DECISION, context)


def submissions_of(deps: Dependencies, email: str) -> list[dict[str, object]]:
    """What the page kept about an address (for the person's data export)."""
    with deps.unit_of_work() as uow:
        return [_exported(s) for s in uow.submissions.submissions(email=email)]


def _exported(submission: NeedSubmission) -> dict[str, object]:
    return {
        "text": submission.text,
        "topic_field": submission.topic_field,
        "status": submission.status.value,
        "created_at": _iso(submission.created_at),
        "email_requested_at": _iso(submission.email_requested_at),
        "email_confirmed_at": _iso(submission.email_confirmed_at),
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
