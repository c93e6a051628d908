"""Use cases of the participant registry: import, list, export and delete people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

from deliberation.domain.errors import DeliberationError, NotFound
from deliberation.domain.participants import (
    Directory,
    Participant,
    Rejection,
    parse_role,
    participant_from_record,
)
from deliberation.service_layer.ports import Dependencies, UnitOfWork

#: One row of an import file: its line number (header = 1) and its cells by field name.
ImportRow = tuple[int, Mapping[str, str]]


@dataclass(frozen=True)
class ImportReport:
    imported: int
    rejected: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class ParticipantView:
    name: str
    email: str
    language: str
    municipality: str
    roles: tuple[str, ...]
    bodies: tuple[str, ...]
    legal_basis: str


def normalise_email(address: str) -> str:
    """The normalised, lower-case address; ``ValueError`` if it is not one."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


def import_participants(deps: Dependencies, rows: Iterable[ImportRow]) -> ImportReport:
    """Take over every good row in one transaction; report every other row with its reason."""
    rows = list(rows)
    with deps.unit_of_work() as uow:
        accepted, rejected = _check_rows(uow, rows, deps.clock())
        for participant in accepted:
            uow.repo.add(participant)
        uow.commit()
    return ImportReport(len(accepted), tuple(sorted(rejected)))


def _check_rows(
    uow: UnitOfWork, rows: list[ImportRow], now: datetime
) -> tuple[list[Participant], list[tuple[int, str]]]:
    directory = _directory(uow)
    accepted: list[tuple[int, Participant]] = []
    rejected: list[tuple[int, str]] = []
    first_line: dict[str, int] = {}
    for line, record in rows:
        result = participant_from_record(record, directory, now)
        if isinstance(result, Rejection):
            rejected.append((line, result.reason))
        elif result.email in first_line:
            rejected.append(
                (line, f"{result.email} steht schon in Zeile {first_line[result.email]}.")
            )
        else:
            first_line[result.email] = line
            accepted.append((line, result))
    registered = uow.repo.registered_emails(first_line)
    for line, participant in accepted:
        if participant.email in registered:
            rejected.append((line, f"{participant.email} ist bereits im Verzeichnis."))
    fresh = [p for _line, p in accepted if p.email not in registered]
    return fresh, rejected


def _directory(uow: UnitOfWork) -> Directory:
    municipalities = {}
    for m in uow.repo.municipalities():
        municipalities[m.key.casefold()] = municipalities[m.name.casefold()] = m.key
    bodies = {}
    for b in uow.repo.bodies():
        bodies[b.key.casefold()] = bodies[b.name.casefold()] = (b.key, b.kind)
    return Directory(municipalities, bodies, normalise_email)


def list_participants(
    deps: Dependencies, municipality: str | None = None, role: str | None = None
) -> list[ParticipantView]:
    role_code = _role_code(role) if role else None
    with deps.unit_of_work() as uow:
        key = _municipality_key(uow, municipality) if municipality else None
        names = {m.key: m.name for m in uow.repo.municipalities()}
        return [_view(p, names) for p in uow.repo.participants(key, role_code)]


def _role_code(name: str) -> str:
    role = parse_role(name)
    if role is None:
        raise DeliberationError(f'Die Rolle "{name}" ist unbekannt.')
    return role.value


def _municipality_key(uow: UnitOfWork, name: str) -> str:
    for m in uow.repo.municipalities():
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
    )


def export(deps: Dependencies, email: str) -> dict[str, Any]:
    """Everything the registry stores about one person, JSON-serialisable (Art. 15 DSGVO)."""
    with deps.unit_of_work() as uow:
        p = _get(uow, email)
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
            "invitations": [
                {"meeting": i.meeting_id, "response": i.response, "waitlisted": i.waitlisted}
                for i in uow.repo.invitations(participant_id=p.id)
            ],
            "created_at": _iso(p.created_at),
        }


def delete(deps: Dependencies, email: str) -> str:
    """Remove a person and their personal data; returns the name that was deleted.

    Minutes, recommendations and the transition log stay: they refer to no
    participant record, and the log's actors are members of staff.
    """
    with deps.unit_of_work() as uow:
        participant = _get(uow, email)
        remove_participant(uow, participant)
        uow.commit()
        return participant.name


def remove_participant(uow: UnitOfWork, person: Participant) -> None:
    """Delete ``person`` with their invitations and answers (their personal data)."""
    for invitation in uow.repo.invitations(participant_id=person.id):
        uow.repo.remove(invitation)
    uow.flush()  # the answers go first: they refer to the person
    uow.repo.forget_recipient(person.email)  # the messages to them are personal data too
    uow.repo.remove(person)


def _get(uow: UnitOfWork, email: str) -> Participant:
    participant = uow.repo.participant(email.strip().lower())
    if participant is None:
        raise NotFound(f"{email.strip()} ist nicht im Verzeichnis.")
    return participant


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def may_publish(participant: Participant) -> bool:
    """Whether the person agreed that their name is published (e.g. in the OParl export)."""
    return participant.publication_consent_at is not None


def set_publication_consent(deps: Dependencies, email: str, consent: bool) -> str:
    """Record (or withdraw) a person's consent to the publication of their name."""
    with deps.unit_of_work() as uow:
        participant = _get(uow, email)
        participant.publication_consent_at = deps.clock() if consent else None
        name = participant.name
        uow.commit()
        return name
