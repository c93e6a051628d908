"""Use cases of the participant registry: import (with a preview), add, edit, list, export
and delete people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from deliberation.domain.errors import ConcurrencyConflict, DeliberationError, NotFound
from deliberation.domain.participants import (
    LegalBasis,
    Participant,
    Problem,
    Rejection,
    parse_role,
    participant_from_record,
)
from deliberation.service_layer import audit, person_traces
from deliberation.service_layer.participant_rows import (
    FIELD_TITLES,
    Change,
    ImportRow,
    Outcome,
    RowCheck,
    check_rows,
    differences,
    directory,
    names,
    record_of,
    take_over,
)
from deliberation.service_layer.ports import Dependencies, UnitOfWork


@dataclass(frozen=True)
class ImportReport:
    imported: int
    rejected: tuple[tuple[int, str], ...]
    #: (line, address, what changed) of every person the file updated
    updated: tuple[tuple[int, str, tuple[Change, ...]], ...] = ()
    unchanged: int = 0


@dataclass(frozen=True)
class ImportPreview:
    """Every row of a file with what importing it would do; nothing is written."""

    rows: tuple[RowCheck, ...]

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


@dataclass(frozen=True)
class ParticipantView:
    name: str
    email: str
    language: str
    municipality: str
    roles: tuple[str, ...]
    bodies: tuple[str, ...]
    legal_basis: str
    id: int = 0
    consent_requested_at: datetime | None = None
    consent_confirmed_at: datetime | None = None
    consent_withdrawn_at: datetime | None = None
    publication_consent_at: datetime | None = None


@dataclass(frozen=True)
class EditReport:
    name: str
    email: str
    changes: tuple[Change, ...]
    consent_reset: bool = False  # a new address: consent must be asked for again


class InvalidPerson(DeliberationError):
    """A person's record has problems; each is at its field (for a form)."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(_reason(problems))
        self.problems = problems


def _reason(problems: tuple[Problem, ...]) -> str:
    return " ".join(text for _field, text in problems)


def preview_import(deps: Dependencies, rows: Iterable[ImportRow]) -> ImportPreview:
    """What importing ``rows`` would do, row by row, with every problem; writes nothing."""
    with deps.unit_of_work() as uow:
        return ImportPreview(tuple(check_rows(uow, list(rows), deps.clock())))


def import_participants(
    deps: Dependencies, rows: Iterable[ImportRow], actor: str = "", source: str = ""
) -> ImportReport:
    """Take over every good row in one transaction: new people are added, people already in
    the directory (same address) get the fields the file has; every other row is reported.

    The log gets one row for the import (``source``: e.g. the file name) and one per
    person added or changed, naming them only by their id and the changed fields.
    """
    with deps.unit_of_work() as uow:
        now = deps.clock()
        checked = check_rows(uow, list(rows), now)
        updated = []
        touched: list[tuple[Participant, str]] = []
        for row in checked:
            if row.fresh is None:
                continue
            if row.outcome == Outcome.NEW:
                uow.participants.add(row.fresh)
                touched.append((row.fresh, "ins Verzeichnis übernommen"))
            elif row.outcome == Outcome.UPDATE:
                existing = uow.participants.participant(row.email)
                assert existing is not None
                take_over(existing, row.fresh, row.fields)
                updated.append((row.line, row.email, row.changes))
                touched.append((existing, "geändert: " + ", ".join(c.field for c in row.changes)))
        uow.flush()
        _audit_import(uow, now, actor, source, checked, touched)
        uow.commit()
    return ImportReport(
        imported=sum(1 for row in checked if row.outcome == Outcome.NEW),
        rejected=tuple((row.line, _reason(row.problems)) for row in checked if row.problems),
        updated=tuple(updated),
        unchanged=sum(1 for row in checked if row.outcome == Outcome.UNCHANGED),
    )


def _audit_import(
    uow: UnitOfWork,
    now: datetime,
    actor: str,
    source: str,
    checked: list[RowCheck],
    touched: list[tuple[Participant, str]],
) -> None:
    new = sum(1 for row in checked if row.outcome == Outcome.NEW)
    changed = sum(1 for row in checked if row.outcome == Outcome.UPDATE)
    refused = sum(1 for row in checked if row.problems)
    summary = f"{new} übernommen, {changed} aktualisiert, {refused} abgelehnt"
    audit.record(
        uow,
        now,
        actor,
        "participants_imported",
        ("import", new + changed),
        reason=f"Datei {source}" if source else "",
        after=summary,
    )
    for person, what in touched:
        audit.record(
            uow,
            now,
            actor,
            "participants_imported",
            ("participant", person.id or 0),
            after=what,
            person_id=person.id,
        )


def add(deps: Dependencies, record: Mapping[str, str], actor: str = "") -> ParticipantView:
    """Add one person (name, email, language, municipality, roles, bodies as texts).

    ``InvalidPerson`` names every problem at its field; an address already in
    the directory is refused (the person is edited instead). The log row names the
    person by number only, and the fields given.
    """
    with deps.unit_of_work() as uow:
        [row] = check_rows(uow, [(0, record)], deps.clock())
        if row.problems:
            raise InvalidPerson(row.problems)
        if row.outcome != Outcome.NEW or row.fresh is None:
            raise InvalidPerson(
                (("email", f"{row.email} ist bereits im Verzeichnis; bitte dort bearbeiten."),)
            )
        uow.participants.add(row.fresh)
        uow.flush()
        view = _view(row.fresh, names(uow).municipalities)
        audit.record(
            uow,
            deps.clock(),
            actor,
            "participant_added",
            ("participant", row.fresh.id or 0),
            after=", ".join(FIELD_TITLES.get(k, k) for k, v in record.items() if v.strip()),
            person_id=row.fresh.id,
        )
        uow.commit()
        return view


def edit(
    deps: Dependencies,
    email: str,
    changes: Mapping[str, str],
    expected: Mapping[str, str] | None = None,
    actor: str = "",
) -> EditReport:
    """Change the fields in ``changes`` (texts as in a form) of the person with ``email``.

    ``expected`` is the record as the person editing saw it; if someone else
    changed it meanwhile, ``ConcurrencyConflict``. A new address of someone
    invited by consent needs their consent again (the proof was for the old one).
    """
    with deps.unit_of_work() as uow:
        person = _get(uow, email)
        current = record_of(person)
        if expected is not None and any(current.get(k) != v for k, v in expected.items()):
            raise ConcurrencyConflict(
                f"{person.name} wurde inzwischen geändert; bitte die neuen Angaben prüfen."
            )
        merged = {**current, **{k: v for k, v in changes.items() if k in current}}
        fresh = participant_from_record(merged, directory(uow), deps.clock())
        if isinstance(fresh, Rejection):
            raise InvalidPerson(fresh.problems)
        report = _apply_edit(uow, person, fresh, frozenset(changes) & set(current))
        if report.changes:
            audit.record(
                uow,
                deps.clock(),
                actor,
                "participant_edited",
                ("participant", person.id or 0),
                after=", ".join(c.field for c in report.changes),  # which fields, not values
                person_id=person.id,
            )
        uow.commit()
        return report


def _apply_edit(
    uow: UnitOfWork, person: Participant, fresh: Participant, fields: frozenset[str]
) -> EditReport:
    found = list(differences(person, fresh, fields - {"email"}, names(uow)))
    reset = False
    if "email" in fields and fresh.email != person.email:
        if uow.participants.participant(fresh.email) is not None:
            raise InvalidPerson(
                (("email", f"{fresh.email} gehört schon zu einer anderen Person."),)
            )
        found.insert(0, Change("E-Mail", person.email, fresh.email))
        reset = person.legal_basis == LegalBasis.CONSENT and person.consent_requested_at is not None
        person.email = fresh.email
        if reset:
            person.consent_requested_at = person.consent_confirmed_at = None
    take_over(person, fresh, fields)
    return EditReport(person.name, person.email, tuple(found), reset)


def list_participants(
    deps: Dependencies,
    municipality: str | None = None,
    role: str | None = None,
    search: str = "",
) -> list[ParticipantView]:
    """People in the directory; ``search`` finds a part of the name or address (any case)."""
    role_code = _role_code(role) if role else None
    wanted = search.strip().casefold()
    with deps.unit_of_work() as uow:
        key = _municipality_key(uow, municipality) if municipality else None
        municipalities = names(uow).municipalities
        return [
            _view(p, municipalities)
            for p in uow.participants.participants(key, role_code)
            if wanted in p.name.casefold() or wanted in p.email
        ]


def get(deps: Dependencies, participant_id: int) -> ParticipantView:
    """One person by id, with the proof of their consent."""
    with deps.unit_of_work() as uow:
        person = uow.participants.participant_by_id(participant_id)
        if person is None:
            raise NotFound(f"Person {participant_id} gibt es nicht (mehr) im Verzeichnis.")
        return _view(person, names(uow).municipalities)


def editable_record(deps: Dependencies, email: str) -> dict[str, str]:
    """The person's fields as texts, as a form shows them and ``edit`` compares them."""
    with deps.unit_of_work() as uow:
        return record_of(_get(uow, email))


def _role_code(name: str) -> str:
    role = parse_role(name)
    if role is None:
        raise DeliberationError(f'Die Rolle "{name}" ist unbekannt.')
    return role.value


def _municipality_key(uow: UnitOfWork, name: str) -> str:
    for m in uow.reference.municipalities():
        if name.strip().casefold() in (m.key.casefold(), m.name.casefold()):
            return m.key
    raise DeliberationError(f'Die Gemeinde "{name}" ist unbekannt.')


def _view(p: Participant, municipality_names: Mapping[str, str]) -> ParticipantView:
    return ParticipantView(
        name=p.name,
        email=p.email,
        language=p.language,
        municipality=municipality_names.get(p.municipality_key or "", ""),
        roles=tuple(sorted(p.roles)),
        bodies=tuple(sorted(p.body_keys)),
        legal_basis=str(p.legal_basis),
        id=p.id or 0,
        consent_requested_at=p.consent_requested_at,
        consent_confirmed_at=p.consent_confirmed_at,
        consent_withdrawn_at=p.consent_withdrawn_at,
        publication_consent_at=p.publication_consent_at,
    )


def export(deps: Dependencies, email: str) -> dict[str, Any]:
    """Everything stored about one person, JSON-serialisable (Art. 15 DSGVO).

    The registry entry, the invitations with the meetings and answers, the
    working groups the person is a member of, the mails sent to them (subject
    and dates) and the log rows about them.
    """
    with deps.unit_of_work() as uow:
        p = _get(uow, email)
        return {**_registry_entry(uow, p), **person_traces.export(deps, uow, p)}


def _registry_entry(uow: UnitOfWork, p: Participant) -> dict[str, Any]:
    return {
        "name": p.name,
        "email": p.email,
        "language": p.language,
        "municipality": p.municipality_key,
        "roles": sorted(p.roles),
        "bodies": sorted(p.body_keys),
        "legal_basis": str(p.legal_basis),
        "consent_requested_at": _iso(p.consent_requested_at),
        "publication_consent_at": _iso(p.publication_consent_at),
        "consent_confirmed_at": _iso(p.consent_confirmed_at),
        "consent_withdrawn_at": _iso(p.consent_withdrawn_at),
        "created_at": _iso(p.created_at),
    }


def delete(deps: Dependencies, email: str, actor: str = "") -> str:
    """Remove a person and their personal data; returns the name that was deleted.

    Minutes, recommendations and the log stay: the log names the person only
    by an id that no longer leads to anyone, and their working-group
    memberships keep only the organisation (see ``person_traces.forget``).
    """
    with deps.unit_of_work() as uow:
        participant = _get(uow, email)
        remove_participant(uow, participant, deps.clock(), actor, "auf Antrag gelöscht")
        uow.commit()
        return participant.name


def remove_participant(
    uow: UnitOfWork, person: Participant, at: datetime, actor: str, reason: str
) -> None:
    """Delete ``person`` with everything personal they left; the log keeps a pseudonymous row."""
    person_traces.forget(uow, person)
    for invitation in uow.meetings.invitations(participant_id=person.id):
        uow.meetings.remove_invitation(invitation)
    uow.flush()  # the answers go first: they refer to the person
    uow.outbox.forget_recipient(person.email)  # the messages to them are personal data too
    audit.record(
        uow,
        at,
        actor,
        "participant_deleted",
        ("participant", person.id or 0),
        reason=reason,
        person_id=person.id,
    )
    uow.participants.remove(person)


def _get(uow: UnitOfWork, email: str) -> Participant:
    participant = uow.participants.participant(email.strip().lower())
    if participant is None:
        raise NotFound(f"{email.strip()} ist nicht im Verzeichnis.")
    return participant


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def may_publish(participant: Participant) -> bool:
    """Whether the person agreed that their name is published (OParl) and did not withdraw
    their consent since (``adapters/oparl_store.py`` asks the same in SQL)."""
    return publication_allowed(participant.publication_consent_at, participant.consent_withdrawn_at)


def publication_allowed(consent_at: datetime | None, withdrawn_at: datetime | None) -> bool:
    return consent_at is not None and withdrawn_at is None


def set_publication_consent(deps: Dependencies, email: str, consent: bool) -> str:
    """Record (or withdraw) a person's consent to the publication of their name."""
    with deps.unit_of_work() as uow:
        participant = _get(uow, email)
        participant.publication_consent_at = deps.clock() if consent else None
        name = participant.name
        uow.commit()
        return name
