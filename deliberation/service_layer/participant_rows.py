"""Checking records of people (an import row, a form) against the directory.

One check serves the import, its preview and the forms: a record is new, an
update of the person with its address (only the fields the record has), the
same as stored, or rejected with every problem at its field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email

from deliberation.domain.participants import (
    COLUMN_TITLES,
    LANGUAGES,
    ROLE_TITLES,
    Directory,
    LegalBasis,
    Participant,
    Problem,
    Rejection,
    Role,
    participant_from_record,
)
from deliberation.service_layer.ports import UnitOfWork

#: One record: its line number in a file (header = 1; 0 for a form) and its cells by field.
ImportRow = tuple[int, Mapping[str, str]]

FIELD_TITLES = {**COLUMN_TITLES, "legal_basis": "Rechtsgrundlage"}
LEGAL_BASIS_TITLES: dict[str, str] = {
    LegalBasis.DUTY: "Pflicht (Gremium)",
    LegalBasis.CONSENT: "Einwilligung",
}


class Outcome(StrEnum):
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


OUTCOME_TITLES = {
    Outcome.NEW: "neu",
    Outcome.UPDATE: "wird aktualisiert",
    Outcome.UNCHANGED: "unverändert",
    Outcome.REJECTED: "abgewiesen",
}


@dataclass(frozen=True)
class Change:
    """One field of a person as it was and as it becomes, in German for staff."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class RowCheck:
    line: int
    name: str
    email: str
    outcome: Outcome
    problems: tuple[Problem, ...] = ()
    changes: tuple[Change, ...] = ()
    fresh: Participant | None = None  # the checked record as a person
    fields: frozenset[str] = frozenset()  # the fields the record has (an update changes these)


def normalise_email(address: str) -> str:
    """The normalised, lower-case address; ``ValueError`` if it is not one."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


def directory(uow: UnitOfWork) -> Directory:
    municipalities = {}
    for m in uow.reference.municipalities():
        municipalities[m.key.casefold()] = municipalities[m.name.casefold()] = m.key
    bodies = {}
    for b in uow.reference.bodies():
        bodies[b.key.casefold()] = bodies[b.name.casefold()] = (b.key, b.kind)
    return Directory(municipalities, bodies, normalise_email)


def check_rows(uow: UnitOfWork, rows: Sequence[ImportRow], now: datetime) -> list[RowCheck]:
    """Every row checked, in file order; nothing is written."""
    known = directory(uow)
    known_names = names(uow)
    checked: list[tuple[int, Mapping[str, str], Participant | Rejection]] = []
    first_line: dict[str, int] = {}
    for line, record in rows:
        result = participant_from_record(record, known, now)
        if isinstance(result, Participant) and result.email in first_line:
            earlier = first_line[result.email]
            result = Rejection((("email", f"{result.email} steht schon in Zeile {earlier}."),))
        elif isinstance(result, Participant):
            first_line[result.email] = line
        checked.append((line, record, result))
    stored = _stored(uow, first_line)
    return [
        _outcome(line, record, result, stored.get(_email(result)), known_names)
        for line, record, result in checked
    ]


def _email(result: Participant | Rejection) -> str:
    return result.email if isinstance(result, Participant) else ""


def _stored(uow: UnitOfWork, emails: Collection[str]) -> dict[str, Participant]:
    registered = uow.participants.registered_emails(emails)
    found = (uow.participants.participant(email) for email in registered)
    return {p.email: p for p in found if p is not None}


def _outcome(
    line: int,
    record: Mapping[str, str],
    result: Participant | Rejection,
    existing: Participant | None,
    names: Names,
) -> RowCheck:
    name = " ".join(record.get("name", "").split())
    if isinstance(result, Rejection):
        return RowCheck(
            line, name, record.get("email", "").strip(), Outcome.REJECTED, problems=result.problems
        )
    fields = frozenset(record) & set(FIELD_TITLES)
    if existing is None:
        return RowCheck(line, result.name, result.email, Outcome.NEW, fresh=result, fields=fields)
    changes = differences(existing, result, fields, names)
    outcome = Outcome.UPDATE if changes else Outcome.UNCHANGED
    return RowCheck(
        line, result.name, result.email, outcome, changes=changes, fresh=result, fields=fields
    )


@dataclass(frozen=True)
class Names:
    """German names of municipalities and bodies by key, for the changes staff read."""

    municipalities: Mapping[str, str]
    bodies: Mapping[str, str]


def names(uow: UnitOfWork) -> Names:
    return Names(
        {m.key: m.name for m in uow.reference.municipalities()},
        {b.key: b.name for b in uow.reference.bodies()},
    )


def _shown(person: Participant, field: str, names: Names) -> str:
    if field == "name":
        return person.name
    if field == "email":
        return person.email
    if field == "language":
        return LANGUAGES.get(person.language, person.language)
    if field == "municipality":
        return names.municipalities.get(person.municipality_key or "", "—")
    if field == "roles":
        return ", ".join(sorted(ROLE_TITLES[Role(r)] for r in person.roles)) or "—"
    if field == "bodies":
        return ", ".join(sorted(names.bodies.get(k, k) for k in person.body_keys)) or "—"
    return LEGAL_BASIS_TITLES[person.legal_basis]


def differences(
    existing: Participant, fresh: Participant, fields: Collection[str], names: Names
) -> tuple[Change, ...]:
    """What taking over ``fields`` of ``fresh`` would change in ``existing``."""
    shown = [f for f in FIELD_TITLES if f in fields or (f == "legal_basis" and "bodies" in fields)]
    return tuple(
        Change(FIELD_TITLES[f], _shown(existing, f, names), _shown(fresh, f, names))
        for f in shown
        if _shown(existing, f, names) != _shown(fresh, f, names)
    )


def take_over(existing: Participant, fresh: Participant, fields: Collection[str]) -> None:
    """Give ``existing`` the values of ``fields`` from ``fresh`` (its consent proof stays)."""
    if "name" in fields:
        existing.name = fresh.name
    if "language" in fields:
        existing.language = fresh.language
    if "municipality" in fields:
        existing.municipality_key = fresh.municipality_key
    if "roles" in fields:
        existing.roles = fresh.roles
    if "bodies" in fields:
        existing.body_keys = fresh.body_keys
        existing.legal_basis = fresh.legal_basis


def record_of(person: Participant) -> dict[str, str]:
    """The person as a record of plain texts (what a form shows and ``check_rows`` reads)."""
    return {
        "name": person.name,
        "email": person.email,
        "language": person.language,
        "municipality": person.municipality_key or "",
        "roles": ", ".join(sorted(person.roles)),
        "bodies": ", ".join(sorted(person.body_keys)),
    }
