"""Audit rows: every change is in the one append-only log, with who, when, what, before/after.

Workflow steps write their row through ``stepping``; every other change (a
meeting moved, confirmed or cancelled, an answer to an invitation, consent
given or withdrawn, a deletion, an import, a placement, a statement without
a meeting, a need or a working group corrected, a person added or edited, a
failed mail retried) writes one with
``record`` in the unit of work of the change itself, so a change is never
kept without its row. Any front end passes its own actor (the command
line's ``--actor``, the web application's logged-in user).

A row about a participant names them only by ``person_id``: no name, no
address, in ``reason``, ``before`` or ``after``. When the person is deleted
the rows stay (the log is append-only) and are pseudonymous from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deliberation.domain.errors import DeliberationError
from deliberation.domain.model import SUBJECT_LABELS, TransitionRecord
from deliberation.service_layer.ports import Dependencies, UnitOfWork

#: What an audit row's subject is, in the log's words (workflow subjects: see SUBJECT_LABELS).
SUBJECT_TITLES: dict[str, str] = {
    **{kind.value: title for kind, title in SUBJECT_LABELS.items()},
    "meeting": "Sitzung",
    "participant": "Person",
    "import": "Import",
    "outbox": "Postausgang",
    "log": "Protokoll",
    "need": "Bedarf",
    "need_submission": "Bedarf-aus-dem-Web",
}
#: What each kind of audited change is called in the log.
CHANGE_TITLES: dict[str, str] = {
    "meeting_scheduled": "Termin angesetzt",
    "meeting_moved": "Termin verlegt",
    "meeting_confirmed": "Termin bestätigt",
    "meeting_cancelled": "Termin abgesagt",
    "invitation_answered": "Antwort auf Einladung",
    "consent_requested": "Einwilligung angefragt",
    "consent_confirmed": "Einwilligung bestätigt",
    "consent_withdrawn": "Einwilligung widerrufen (Abmeldung)",
    "participant_deleted": "Person gelöscht",
    "participants_imported": "Personen importiert",
    "placed_on_meeting": "auf Sitzung gesetzt",
    "result_recorded": "Ergebnis festgehalten",
    "message_texts_removed": "E-Mail-Texte gelöscht (Aufbewahrungsfrist)",
    "answers_removed": "Antworten gelöscht (Aufbewahrungsfrist)",
    "log_pseudonymised": "Protokoll pseudonymisiert (Aufbewahrungsfrist)",
    "statement_without_meeting": "Stellungnahme ohne Sitzung festgehalten",
    "need_edited": "Bedarf geändert",
    "need_deleted": "Bedarf gelöscht",
    "group_changed": "Arbeitsgruppe geändert",
    "group_report_saved": "Bericht der Arbeitsgruppe gespeichert",
    "participant_added": "Person angelegt",
    "participant_edited": "Person geändert",
    "outbox_retried": "E-Mail erneut versucht",
    "need_submitted": "Bedarf aus dem Web eingegangen",
    "need_address_confirmed": "Adresse für Rückmeldung bestätigt",
    "need_address_removed": "Unbestätigte Adresse gelöscht (Aufbewahrungsfrist)",
    "need_approved": "Bedarf aus dem Web freigegeben",
    "need_merged": "Bedarf aus dem Web zusammengeführt",
    "need_rejected": "Bedarf aus dem Web abgelehnt",
}


def record(
    uow: UnitOfWork,
    at: datetime,
    actor: str,
    change: str,
    subject: tuple[str, int],
    *,
    reason: str = "",
    before: str = "",
    after: str = "",
    person_id: int | None = None,
) -> TransitionRecord:
    """Append one audit row in ``uow`` (committed with the change it describes).

    ``change`` is a key of ``CHANGE_TITLES``; ``subject`` is (kind, id), e.g.
    ("meeting", 14). ``person_id`` names the participant the row concerns.
    """
    if change not in CHANGE_TITLES:
        raise ValueError(f"unknown audited change {change!r}")
    row = TransitionRecord(
        subject_kind=subject[0],
        subject_id=subject[1],
        workflow="",
        trigger=change,
        from_state=None,
        to_state="",
        actor=actor.strip() or "unbekannt",
        reason=reason,
        at=at,
        before=before,
        after=after,
        person_id=person_id,
    )
    uow.log.append_to_log(row)
    return row


@dataclass(frozen=True)
class LogFilter:
    """What ``deliberation log`` asks for; every part optional."""

    subject_kind: str | None = None
    subject_id: int | None = None
    actor: str | None = None
    since: date | None = None  # local days, inclusive
    until: date | None = None
    person_id: int | None = None
    limit: int | None = None


@dataclass(frozen=True)
class LogEntry:
    """One row of the log as people read it."""

    id: int
    at: datetime
    actor: str
    subject: str  # e.g. "Sitzung 14"
    what: str  # "Termin verlegt", or a workflow step's title
    before: str
    after: str
    reason: str


def parse_subject(text: str) -> tuple[str, int | None]:
    """ "meeting:14", "Sitzung 14", "cycle" … as (kind, id); a clear error for anything else."""
    cleaned = text.replace(":", " ").split()
    titles = {title.casefold(): kind for kind, title in SUBJECT_TITLES.items()}
    if not cleaned or len(cleaned) > 2:
        raise DeliberationError(_subject_help(text))
    word = cleaned[0].casefold()
    kind = word if word in SUBJECT_TITLES else titles.get(word)
    if kind is None:
        raise DeliberationError(_subject_help(text))
    if len(cleaned) == 1:
        return kind, None
    if not cleaned[1].isdigit():
        raise DeliberationError(_subject_help(text))
    return kind, int(cleaned[1])


def _subject_help(text: str) -> str:
    known = ", ".join(f"{kind} ({title})" for kind, title in SUBJECT_TITLES.items())
    return (
        f'"{text}" ist kein Gegenstand des Protokolls; möglich: ART oder ART:NUMMER, z. B. '
        f"meeting:14 oder Sitzung 14 (Arten: {known})."
    )


def entries(deps: Dependencies, wanted: LogFilter) -> list[LogEntry]:
    """The log, oldest first, as filtered; workflow steps and audited changes alike."""
    zone = ZoneInfo(deps.timezone)
    since = _start_of(wanted.since, zone)
    until = _start_of(wanted.until + timedelta(days=1), zone) if wanted.until else None
    if since and until and since >= until:
        raise DeliberationError("Der Zeitraum ist leer: --von liegt nach --bis.")
    with deps.unit_of_work() as uow:
        rows = uow.log.log_entries(
            subject_kind=wanted.subject_kind,
            subject_id=wanted.subject_id,
            actor=wanted.actor,
            since=since,
            until=until,
            person_id=wanted.person_id,
            limit=wanted.limit,
        )
        return [entry(deps, row) for row in rows]


def _start_of(day: date | None, zone: ZoneInfo) -> datetime | None:
    return None if day is None else datetime.combine(day, time(0, 0), tzinfo=zone)


def entry(deps: Dependencies, row: TransitionRecord) -> LogEntry:
    """A stored row as people read it: subject, change or step, states by their titles."""
    return LogEntry(
        id=row.id or 0,
        at=row.at,
        actor=row.actor,
        subject=f"{SUBJECT_TITLES.get(row.subject_kind, row.subject_kind)} {row.subject_id}",
        what=_what(deps, row),
        before=row.before or _state_title(deps, row, row.from_state),
        after=row.after or _state_title(deps, row, row.to_state),
        reason=row.reason,
    )


def _what(deps: Dependencies, row: TransitionRecord) -> str:
    if not row.workflow:
        return CHANGE_TITLES.get(row.trigger, row.trigger)
    if row.from_state is None:
        return "angelegt"
    return _step_title(deps, row)


def _step_title(deps: Dependencies, row: TransitionRecord) -> str:
    try:
        definition = deps.engine.latest(row.workflow)
    except DeliberationError:
        return row.trigger
    for transition in definition.transitions:
        if transition.trigger == row.trigger:
            return transition.title
    return row.trigger


def _state_title(deps: Dependencies, row: TransitionRecord, state: str | None) -> str:
    if not row.workflow or not state:
        return ""
    try:
        return deps.engine.latest(row.workflow).state(state).title
    except DeliberationError:
        return state
