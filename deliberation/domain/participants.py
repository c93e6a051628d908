"""The participant registry: who can be invited, in which language, and on what legal basis.

Members of statutory bodies (Kreistag, its committees, the Kommission, the
Koordinierungsstab) are invited by duty; everyone else needs consent, which
is asked for by double opt-in (``consent_requested_at`` and
``consent_confirmed_at`` are the proof; ``consent_withdrawn_at`` ends it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from deliberation.domain import text_rules

DEFAULT_LANGUAGE = "de"
#: the import file's columns as staff know them
COLUMN_TITLES = {
    "name": "Name",
    "email": "E-Mail",
    "language": "Sprache",
    "municipality": "Gemeinde",
    "roles": "Rollen",
    "bodies": "Gremien",
}
#: Languages invitations can be written in, with their German names.
LANGUAGES = {
    "de": "Deutsch",
    "en": "Englisch",
    "tr": "Türkisch",
    "ar": "Arabisch",
    "uk": "Ukrainisch",
}
#: Body kinds (``config.toml``) whose members are invited by duty.
STATUTORY_BODY_KINDS = frozenset(
    {"council", "executive", "committee", "commission", "coordination"}
)


class Role(StrEnum):
    """What a person is, besides the bodies they sit in."""

    CITIZEN = "citizen"
    ASSOCIATION = "association"
    ADMINISTRATION = "administration"
    WORKING_GROUP_MEMBER = "working_group_member"


ROLE_TITLES = {
    Role.CITIZEN: "Bürgerin/Bürger",
    Role.ASSOCIATION: "Verein/Verband",
    Role.ADMINISTRATION: "Verwaltung",
    Role.WORKING_GROUP_MEMBER: "AG-Mitglied",
}
_ROLE_ALIASES = {
    **{role.value: role for role in Role},
    **{title.casefold(): role for role, title in ROLE_TITLES.items()},
    "bürger": Role.CITIZEN,
    "bürgerin": Role.CITIZEN,
    "verein": Role.ASSOCIATION,
    "verband": Role.ASSOCIATION,
    "arbeitsgruppe": Role.WORKING_GROUP_MEMBER,
    "ag": Role.WORKING_GROUP_MEMBER,
}
_LANGUAGE_ALIASES = {
    **{code: code for code in LANGUAGES},
    **{name.casefold(): code for code, name in LANGUAGES.items()},
    "german": "de",
    "english": "en",
    "turkish": "tr",
    "arabic": "ar",
    "ukrainian": "uk",
}
_LIST_SEPARATORS = re.compile(r"[,;|\n]")


class LegalBasis(StrEnum):
    """Why we may write to a person."""

    DUTY = "duty"
    CONSENT = "consent"


class Participant:
    """A person in the registry; ``email`` is normalised and lower-case, and unique."""

    id: int | None

    def __init__(
        self,
        name: str,
        email: str,
        language: str,
        legal_basis: LegalBasis,
        created_at: datetime,
        municipality_key: str | None = None,
        roles: frozenset[str] = frozenset(),
        body_keys: frozenset[str] = frozenset(),
    ) -> None:
        self.id = None
        self.name = name
        self.email = email
        self.language = language
        self.legal_basis = legal_basis
        self.municipality_key = municipality_key
        self.roles = roles
        self.body_keys = body_keys
        self.consent_requested_at: datetime | None = None
        self.consent_confirmed_at: datetime | None = None
        self.consent_withdrawn_at: datetime | None = None
        self.created_at = created_at
        #: When the person agreed that their name is published (OParl ``Person``); None: never.
        self.publication_consent_at: datetime | None = None


#: A problem with one field of a record: (field name, complete German sentence).
Problem = tuple[str, str]


@dataclass(frozen=True)
class Rejection:
    """Why one record was not taken over: every problem, each at its field."""

    problems: tuple[Problem, ...]

    @property
    def reason(self) -> str:
        """All problems as one text (complete German sentences)."""
        return " ".join(text for _field, text in self.problems)


@dataclass(frozen=True)
class Directory:
    """What an import record is checked against.

    ``municipalities`` maps case-folded keys and names to keys; ``bodies`` maps
    case-folded keys and names to (key, kind); ``normalise_email`` returns the
    normalised address or raises ``ValueError``.
    """

    municipalities: Mapping[str, str]
    bodies: Mapping[str, tuple[str, str]]
    normalise_email: Callable[[str], str]


def parse_language(value: str) -> str | None:
    """The language code for a code or name ("tr", "Türkisch"); empty means German."""
    if not value.strip():
        return DEFAULT_LANGUAGE
    return _LANGUAGE_ALIASES.get(value.strip().casefold())


def parse_role(value: str) -> Role | None:
    return _ROLE_ALIASES.get(value.strip().casefold())


def split_list(value: str) -> list[str]:
    """Items of a list cell ("Kreistag, Kommission"), blanks dropped."""
    return [item.strip() for item in _LIST_SEPARATORS.split(value) if item.strip()]


def legal_basis_for(body_kinds: Iterable[str]) -> LegalBasis:
    if any(kind in STATUTORY_BODY_KINDS for kind in body_kinds):
        return LegalBasis.DUTY
    return LegalBasis.CONSENT


def participant_from_record(
    record: Mapping[str, str], directory: Directory, now: datetime
) -> Participant | Rejection:
    """Check one record (name, email, language, municipality, roles, bodies); a rejection
    names every problem of the record, not only the first."""
    problems: list[Problem] = [
        (field, f'Die Spalte "{COLUMN_TITLES.get(field, field)}" {found}.')
        for field, value in record.items()
        if (found := text_rules.problem(value, allowed=frozenset("\t\r\n"))) is not None
    ]
    if problems:
        return Rejection(tuple(problems))  # NUL and the like: no further checks on such text
    name = " ".join(record.get("name", "").split())
    if not name:
        problems.append(("name", "Der Name fehlt."))
    elif len(name) > text_rules.TITLE_LENGTH:
        limit = text_rules.TITLE_LENGTH
        problems.append(("name", f"Der Name ist zu lang: {len(name)} Zeichen, höchstens {limit}."))
    email = _email(record.get("email", ""), directory, problems)
    language = parse_language(record.get("language", ""))
    if language is None:
        known = ", ".join(LANGUAGES)
        problems.append(
            ("language", f'Die Sprache "{record["language"]}" ist unbekannt (erlaubt: {known}).')
        )
    municipality = _municipality(record.get("municipality", ""), directory, problems)
    roles = _roles(record.get("roles", ""), problems)
    bodies = _bodies(record.get("bodies", ""), directory, problems)
    if problems or email is None or language is None:
        return Rejection(tuple(problems))
    return Participant(
        name,
        email,
        language,
        legal_basis_for(kind for _key, kind in bodies),
        now,
        municipality,
        roles,
        frozenset(key for key, _kind in bodies),
    )


def _email(value: str, directory: Directory, problems: list[Problem]) -> str | None:
    if not value.strip():
        problems.append(("email", "Die E-Mail-Adresse fehlt."))
        return None
    try:
        return directory.normalise_email(value.strip())
    except ValueError:
        problems.append(("email", f'Die E-Mail-Adresse "{value.strip()}" ist ungültig.'))
        return None


def _municipality(value: str, directory: Directory, problems: list[Problem]) -> str | None:
    if not value.strip():
        return None
    key = directory.municipalities.get(value.strip().casefold())
    if key is None:
        problems.append(("municipality", f'Die Gemeinde "{value.strip()}" ist unbekannt.'))
    return key


def _roles(value: str, problems: list[Problem]) -> frozenset[str]:
    roles = set()
    for item in split_list(value):
        role = parse_role(item)
        if role is None:
            known = ", ".join(ROLE_TITLES.values())
            problems.append(("roles", f'Die Rolle "{item}" ist unbekannt (bekannt: {known}).'))
        else:
            roles.add(role.value)
    return frozenset(roles)


def _bodies(value: str, directory: Directory, problems: list[Problem]) -> list[tuple[str, str]]:
    bodies = []
    for item in split_list(value):
        body = directory.bodies.get(item.casefold())
        if body is None:
            problems.append(("bodies", f'Das Gremium "{item}" ist unbekannt.'))
        else:
            bodies.append(body)
    return bodies


def may_write_to(participant: Participant) -> bool:
    """Duty, or consent the person confirmed and has not withdrawn since."""
    if participant.legal_basis == LegalBasis.CONSENT:
        return (
            participant.consent_confirmed_at is not None
            and participant.consent_withdrawn_at is None
        )
    return True
