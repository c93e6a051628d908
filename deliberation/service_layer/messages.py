"""One personal email to one participant: rendered in their language, with their links.

Every message to someone invited by consent carries an unsubscribe link in
the text and the ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers
(RFC 2369, RFC 8058), so mail programs offer a one-click unsubscribe.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, replace

from markupsafe import escape

from deliberation.domain.errors import LinkInvalid, TemplateRenderError
from deliberation.domain.invitations import CalendarEntry
from deliberation.domain.outbox import MailAssembler, MailContent, OutboxMessage, compose_mail
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.service_layer.ports import Dependencies, Mailing

CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"
RSVP = "rsvp"


def fingerprint(email: str) -> str:
    """A short digest of the address: binds a token to it without showing it in the URL."""
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:16]


def person_token(person: Participant) -> list[int | str]:
    """Id and address digest: the token stays bound to the person even if an id is reused.

    Signed tokens are readable (not encrypted), so the address itself is not in them.
    """
    assert person.id is not None, "the participant must be stored before links are signed"
    return token_payload(person.id, person.email)


def token_payload(participant_id: int, email: str) -> list[int | str]:
    """``person_token`` for a person known by id and address (a view, not the record)."""
    return [participant_id, fingerprint(email)]


def answer_token(person: Participant, meeting_id: int) -> list[int | str]:
    return [*person_token(person), meeting_id]


def read_token(payload: list[int | str], ids: int) -> tuple[list[int], str]:
    """The ids and the address digest of a signed payload ``[id, digest, id…]``.

    A payload that is signed correctly but has another shape (from an older
    version, or crafted with a leaked secret) is ``LinkInvalid``, never a crash.
    """
    if len(payload) != ids + 1 or not isinstance(payload[1], str):
        raise LinkInvalid("Der Link ist ungültig.")
    numbers = [payload[0], *payload[2:]]
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 < n < 2**31 for n in numbers):
        raise LinkInvalid("Der Link ist ungültig.")
    return [int(n) for n in numbers], payload[1]


def holds(person: Participant | None, digest: str) -> bool:
    """Whether ``person`` is the one a token with ``digest`` was signed for."""
    return person is not None and hmac.compare_digest(fingerprint(person.email), digest)


def unsubscribe_url(mailing: Mailing, person: Participant) -> str:
    return mailing.links.url(UNSUBSCRIBE, person_token(person))


def _personal_context(
    deps: Dependencies, person_name: object, unsubscribe: str
) -> dict[str, object]:
    return {
        "person": person_name,
        "county": deps.county_name,
        "organiser": deps.organiser,
        "unsubscribe_url": unsubscribe,
    }


def personal_message(
    deps: Dependencies,
    mailing: Mailing,
    person: Participant,
    template: str,
    context: Mapping[str, object],
    entry: CalendarEntry | None = None,
) -> OutboxMessage:
    """The message ``template`` for ``person``, ready for the outbox."""
    unsubscribe = ""
    if person.legal_basis == LegalBasis.CONSENT:
        unsubscribe = unsubscribe_url(mailing, person)
    content = mailing.renderer.render_mail(
        template, person.language, {**context, **_personal_context(deps, person, unsubscribe)}
    )
    content = replace(content, headers=_unsubscribe_headers(unsubscribe))
    if entry is not None:
        content = replace(content, calendar=mailing.calendar(entry), calendar_method=entry.method)
    return compose_mail(mailing.sender, person.email, content, deps.clock())


def _unsubscribe_headers(unsubscribe: str) -> dict[str, str]:
    if not unsubscribe:
        return {}
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


#: Personal values of a fan-out: strings, or mappings of strings (``answer.yes`` …).
Personal = Mapping[str, str | Mapping[str, str]]

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: never in a template or a name


@dataclass(frozen=True)
class _NameOnly:
    """Stands for the participant while a template is rendered once for many: only the
    name is personal; any other attribute is undefined, so such a template is rendered
    per person instead (see ``PersonalMessages``)."""

    name: str


@dataclass(frozen=True)
class _Shape:
    """A template rendered with markers where the personal values go."""

    content: MailContent
    markers: tuple[tuple[str, tuple[str, ...]], ...]  # marker, path of the value


class PersonalMessages:
    """Messages of one template and shared context to many people (``personal_message``
    for each, at a fraction of the cost).

    Per language and legal basis the template is rendered once with markers for what
    is personal (the name, the unsubscribe link, ``personal`` values such as answer
    links); each message then only fills those in (HTML-escaped in the HTML part), gets
    its own calendar entry, To and Message-ID, and is assembled by ``MailAssembler``.
    A template that treats a personal value as more than text (a filter, a test on it,
    another attribute of the person) leaves a marker changed or raises while rendered
    with markers; it is then rendered per person, as ``personal_message`` does.
    """

    def __init__(
        self, deps: Dependencies, mailing: Mailing, template: str, context: Mapping[str, object]
    ) -> None:
        self._deps = deps
        self._mailing = mailing
        self._template = template
        self._context = context
        self._assembler = MailAssembler(mailing.sender, deps.clock())
        self._shapes: dict[tuple[object, ...], _Shape | None] = {}

    def message(
        self, person: Participant, personal: Personal, entry: CalendarEntry | None = None
    ) -> OutboxMessage:
        unsubscribe = ""
        if person.legal_basis == LegalBasis.CONSENT:
            unsubscribe = unsubscribe_url(self._mailing, person)
        values = {"person": {"name": person.name}, "unsubscribe_url": unsubscribe, **personal}
        empty = tuple(path for path, value in _leaves(values) if not value)
        key = (person.language, empty)
        if key not in self._shapes:
            self._shapes[key] = self._shape(person.language, values, set(empty))
        shape = self._shapes[key]
        if shape is None or _OPEN in person.name or _CLOSE in person.name:
            return self._reference(person, personal, entry)
        leaf = dict(_leaves(values))
        text, html, subject = shape.content.text, shape.content.html, shape.content.subject
        for marker, path in shape.markers:
            value = leaf[path]
            text = text.replace(marker, value)
            subject = subject.replace(marker, value)
            if html is not None:
                html = html.replace(marker, str(escape(value)))
        content = replace(
            shape.content,
            subject=subject,
            text=text,
            html=html,
            headers=_unsubscribe_headers(unsubscribe),
        )
        if entry is not None:
            calendar = self._mailing.calendar(entry)
            content = replace(content, calendar=calendar, calendar_method=entry.method)
        return self._assembler.compose(person.email, content)

    def _shape(self, language: str, values: Personal, empty: set[tuple[str, ...]]) -> _Shape | None:
        markers: list[tuple[str, tuple[str, ...]]] = []

        def marked(value: object, path: tuple[str, ...]) -> object:
            if isinstance(value, Mapping):
                return {k: marked(v, (*path, k)) for k, v in value.items()}
            if path in empty:
                return ""
            marker = f"{_OPEN}v{len(markers)}x{_CLOSE}"
            markers.append((marker, path))
            return marker

        filled = {name: marked(value, (name,)) for name, value in values.items()}
        person, unsubscribe = filled.pop("person"), filled.pop("unsubscribe_url")
        assert isinstance(person, Mapping)
        stand_in = _NameOnly(str(person["name"]))
        context = {
            **self._context,
            **filled,
            **_personal_context(self._deps, stand_in, str(unsubscribe)),
        }
        try:
            content = self._mailing.renderer.render_mail(self._template, language, context)
        except (TemplateRenderError, AttributeError):
            return None  # the template needs more of the person: rendered per person
        rendered = content.subject + content.text + (content.html or "")
        for marker, _path in markers:
            rendered = rendered.replace(marker, "")
        if _OPEN in rendered or _CLOSE in rendered:
            return None  # a filter changed a marker
        return _Shape(content, tuple(markers))

    def _reference(
        self, person: Participant, personal: Personal, entry: CalendarEntry | None
    ) -> OutboxMessage:
        context = {**self._context, **personal}
        return personal_message(self._deps, self._mailing, person, self._template, context, entry)


def _leaves(
    values: Mapping[str, object], path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], str]]:
    found: list[tuple[tuple[str, ...], str]] = []
    for name, value in values.items():
        if isinstance(value, Mapping):
            found += _leaves(value, (*path, name))
        else:
            found.append(((*path, name), str(value)))
    return found
