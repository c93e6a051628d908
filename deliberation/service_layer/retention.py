"""Retention (DSGVO Art. 5 Abs. 1 lit. e, storage limitation): personal data kept no longer
than needed, by the periods of ``[retention]`` and ``[invitations]`` in config.toml.

Five rules, each applied in its own transaction and logged with ids only:

- people asked for consent who never confirmed are deleted (as ``consent purge`` does);
- an address left with a need from the web and never confirmed goes after the same
  period (with the time it was asked); the need itself stays for moderation;
- the text of a message in the outbox goes once it was delivered (or withdrawn): the
  headers stay, with recipient, subject, status and dates, so the history still says
  who was written to when;
- the answers to an invitation go once the meeting is over: the meeting keeps how many
  were invited and how many accepted (for the monitoring), the log rows of the answers
  lose their person;
- log rows older than the configured years are pseudonymised: who did it, the reason
  typed and the person concerned go, what happened and when stays. The log stays
  append-only otherwise (the database allows exactly this one change per row).

The scheduler applies them on every tick; ``deliberation retention --dry-run`` shows
what would go, ``deliberation retention`` applies them at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from deliberation.service_layer import audit, need_submissions
from deliberation.service_layer.consent import unconfirmed_people
from deliberation.service_layer.participants import remove_participant
from deliberation.service_layer.ports import Dependencies

LOG = logging.getLogger("deliberation.retention")
RETENTION_ACTOR = "Aufbewahrungsfristen"
#: What a pseudonymised log row names as its actor.
PSEUDONYM = "(pseudonymisiert)"

UNCONFIRMED = "unconfirmed_consent"
NEED_ADDRESSES = "unconfirmed_need_addresses"
MESSAGE_TEXTS = "message_texts"
ANSWERS = "answers"
LOG_ROWS = "log_rows"
RULE_TITLES = {
    UNCONFIRMED: "Unbestätigte Einwilligungen (Personen gelöscht)",
    NEED_ADDRESSES: "Unbestätigte Adressen zu Bedarfen aus dem Web (Bedarf bleibt)",
    MESSAGE_TEXTS: "Inhalte versandter E-Mails (Kopfzeilen bleiben)",
    ANSWERS: "Antworten auf Einladungen nach der Sitzung (Zahlen bleiben)",
    LOG_ROWS: "Protokollzeilen pseudonymisiert (Zeilen bleiben)",
}


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind of personal data is kept."""

    unconfirmed_after: timedelta
    message_texts_after: timedelta
    answers_after: timedelta
    log_years: int

    def log_limit(self, now: datetime) -> datetime:
        """``log_years`` calendar years before ``now`` (29 February: the 28th)."""
        year = now.year - self.log_years
        try:
            return now.replace(year=year)
        except ValueError:
            return now.replace(year=year, day=28)


@dataclass(frozen=True)
class RuleResult:
    rule: str
    ids: tuple[int, ...]  # participants, submissions, messages, meetings or log rows
    limit: datetime  # what is older than this goes

    @property
    def title(self) -> str:
        return RULE_TITLES[self.rule]


@dataclass(frozen=True)
class RetentionReport:
    results: tuple[RuleResult, ...]

    @property
    def total(self) -> int:
        return sum(len(r.ids) for r in self.results)

    def of(self, rule: str) -> RuleResult:
        return next(r for r in self.results if r.rule == rule)


def due(deps: Dependencies, policy: RetentionPolicy) -> RetentionReport:
    """What the rules would remove now; nothing is changed (``--dry-run``)."""
    now = deps.clock()
    limits = _limits(policy, now)
    with deps.unit_of_work() as uow:
        people = tuple(p.id or 0 for p in unconfirmed_people(uow, limits[UNCONFIRMED]))
        addresses = tuple(uow.submissions.unconfirmed_addresses(limits[NEED_ADDRESSES]))
        texts = tuple(uow.outbox.texts_to_remove(limits[MESSAGE_TEXTS]))
        meetings = tuple(_finished_with_answers(deps, limits[ANSWERS]))
        rows = tuple(uow.log.rows_to_pseudonymise(before=limits[LOG_ROWS]))
    found = {
        UNCONFIRMED: people,
        NEED_ADDRESSES: addresses,
        MESSAGE_TEXTS: texts,
        ANSWERS: meetings,
        LOG_ROWS: rows,
    }
    return RetentionReport(tuple(RuleResult(r, found[r], limits[r]) for r in RULE_TITLES))


def apply(deps: Dependencies, policy: RetentionPolicy) -> RetentionReport:
    """Apply every rule now, each in its own transaction, and log what went (ids only)."""
    now = deps.clock()
    limits = _limits(policy, now)
    found = {
        UNCONFIRMED: _remove_unconfirmed(deps, limits[UNCONFIRMED]),
        NEED_ADDRESSES: _remove_need_addresses(deps, limits[NEED_ADDRESSES]),
        MESSAGE_TEXTS: _remove_texts(deps, limits[MESSAGE_TEXTS]),
        ANSWERS: _remove_answers(deps, limits[ANSWERS]),
        LOG_ROWS: _pseudonymise_log(deps, limits[LOG_ROWS]),
    }
    for rule, ids in found.items():
        if ids:  # ids and counts only, never a name or an address
            LOG.info("retention %s: %d (%s)", rule, len(ids), id_ranges(ids))
    return RetentionReport(tuple(RuleResult(r, found[r], limits[r]) for r in RULE_TITLES))


def _limits(policy: RetentionPolicy, now: datetime) -> dict[str, datetime]:
    return {
        UNCONFIRMED: now - policy.unconfirmed_after,
        NEED_ADDRESSES: now - policy.unconfirmed_after,
        MESSAGE_TEXTS: now - policy.message_texts_after,
        ANSWERS: now - policy.answers_after,
        LOG_ROWS: policy.log_limit(now),
    }


def _remove_unconfirmed(deps: Dependencies, limit: datetime) -> tuple[int, ...]:
    with deps.unit_of_work() as uow:
        removed = []
        for person in unconfirmed_people(uow, limit):
            removed.append(person.id or 0)
            remove_participant(uow, person, deps.clock(), RETENTION_ACTOR, "Frist abgelaufen")
        uow.commit()
    return tuple(removed)


def _remove_need_addresses(deps: Dependencies, limit: datetime) -> tuple[int, ...]:
    with deps.unit_of_work() as uow:
        removed = tuple(
            submission_id
            for submission_id in uow.submissions.unconfirmed_addresses(limit)
            if need_submissions.forget_unconfirmed_address(
                uow, submission_id, deps.clock(), RETENTION_ACTOR
            )
        )
        uow.commit()
    return removed


def _remove_texts(deps: Dependencies, limit: datetime) -> tuple[int, ...]:
    with deps.unit_of_work() as uow:
        ids = tuple(uow.outbox.texts_to_remove(limit))
        if not ids:
            return ()
        uow.outbox.remove_texts(ids, deps.clock())
        audit.record(
            uow,
            deps.clock(),
            RETENTION_ACTOR,
            "message_texts_removed",
            ("outbox", 0),
            after=f"Nachrichten {id_ranges(ids)}",
        )
        uow.commit()
    return ids


def _finished_with_answers(deps: Dependencies, limit: datetime) -> list[int]:
    """The meetings over (or cancelled) before ``limit`` that still hold answers."""
    with deps.unit_of_work() as uow:
        return [
            m.id or 0
            for m in uow.meetings.meetings_with_invitations(starts_before=limit)
            if m.starts_at + timedelta(minutes=m.duration_minutes) <= limit
        ]


def _remove_answers(deps: Dependencies, limit: datetime) -> tuple[int, ...]:
    done = []
    for meeting_id in _finished_with_answers(deps, limit):
        with deps.unit_of_work() as uow:
            stored = uow.meetings.meeting(meeting_id, lock=True)
            if stored is None:
                continue
            answers = uow.meetings.invitations(meeting_id=meeting_id)
            invited, accepted = len(answers), sum(1 for i in answers if i.seated)
            stored.invited_count = (stored.invited_count or 0) + invited
            stored.accepted_count = (stored.accepted_count or 0) + accepted
            for invitation in answers:
                uow.meetings.remove_invitation(invitation)
            rows = uow.log.rows_to_pseudonymise(
                subject=("meeting", meeting_id), change="invitation_answered"
            )
            uow.log.pseudonymise(rows, deps.clock(), PSEUDONYM)
            audit.record(
                uow,
                deps.clock(),
                RETENTION_ACTOR,
                "answers_removed",
                ("meeting", meeting_id),
                after=f"{invited} Einladungen mit Antworten gelöscht ({accepted} Zusagen); "
                f"{len(rows)} Protokollzeilen pseudonymisiert",
            )
            uow.commit()
        done.append(meeting_id)
    return tuple(done)


def _pseudonymise_log(deps: Dependencies, limit: datetime) -> tuple[int, ...]:
    with deps.unit_of_work() as uow:
        rows = tuple(uow.log.rows_to_pseudonymise(before=limit))
        if not rows:
            return ()
        uow.log.pseudonymise(rows, deps.clock(), PSEUDONYM)
        audit.record(
            uow,
            deps.clock(),
            RETENTION_ACTOR,
            "log_pseudonymised",
            ("log", 0),
            after=f"Zeilen {id_ranges(rows)}",
        )
        uow.commit()
    return rows


def id_ranges(ids: Iterable[int]) -> str:
    """1, 2, 3, 5, 7, 8 as "1–3, 5, 7–8": long lists of ids stay readable in the log."""
    ordered = sorted(set(ids))
    parts: list[str] = []
    first = 0
    while first < len(ordered):
        last = first
        while last + 1 < len(ordered) and ordered[last + 1] == ordered[last] + 1:
            last += 1
        single = first == last
        parts.append(str(ordered[first]) if single else f"{ordered[first]}–{ordered[last]}")
        first = last + 1
    return ", ".join(parts)
