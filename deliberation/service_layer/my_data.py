"""My data (Art. 15 and 17 DSGVO) from the public page: nothing is shown, everything is mailed.

Asking for one's data mails the export to the address asked about, and only if
it is in the directory (or left with a need): whoever types someone else's
address sends that person their own data, and learns nothing. Asking for
deletion mails a signed, expiring link; only opening it and confirming deletes.
"""

from __future__ import annotations

import hmac
import json

from deliberation.domain.errors import LinkInvalid, NotFound
from deliberation.domain.outbox import compose_mail
from deliberation.service_layer import need_submissions, outbox, participants
from deliberation.service_layer.messages import fingerprint, read_token
from deliberation.service_layer.ports import Dependencies, Mailing

DELETE = "public/my-data/delete"
EXPORT_MAIL = "my_data/export"
DELETE_MAIL = "my_data/deletion"
PERSON_ACTOR = "betroffene Person (Link)"


def _known(deps: Dependencies, email: str) -> tuple[int | None, str]:
    """The participant's id and language for ``email`` (None: not in the directory)."""
    with deps.unit_of_work() as uow:
        person = uow.participants.participant(email.strip())
        if person is None:
            return None, ""
        return person.id, person.language


def request_export(deps: Dependencies, mailing: Mailing, email: str, language: str) -> bool:
    """Mail everything stored about ``email`` to that address; whether there was anything."""
    email = email.strip()
    person_id, own = _known(deps, email)
    data: dict[str, object] = {}
    if person_id is not None:
        data = participants.export(deps, email)
    needs = need_submissions.submissions_of(deps, email)
    if needs:
        data["needs_from_the_web"] = needs
    if not data:
        return False
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    _mail(deps, mailing, email, own or language, EXPORT_MAIL, {"export": text})
    return True


def request_deletion(deps: Dependencies, mailing: Mailing, email: str, language: str) -> bool:
    """Mail a deletion link to ``email`` if it is in the directory; whether it is."""
    email = email.strip()
    person_id, own = _known(deps, email)
    if person_id is None:
        return False
    link = mailing.links.url(DELETE, [person_id, fingerprint(email)])
    context = {"delete_url": link, "valid_until": deps.clock() + mailing.confirm_valid}
    _mail(deps, mailing, email, own or language, DELETE_MAIL, context)
    return True


def deletion_holder(deps: Dependencies, mailing: Mailing, token: str) -> tuple[str, str]:
    """The address and language a deletion link belongs to."""
    payload = mailing.links.read(DELETE, token, mailing.confirm_valid)
    [person_id], digest = read_token(payload, 1)
    with deps.unit_of_work() as uow:
        person = uow.participants.participant_by_id(person_id)
        if person is None or not hmac.compare_digest(fingerprint(person.email), digest):
            raise LinkInvalid("Diese Adresse ist nicht (mehr) im Verzeichnis.")
        return person.email, person.language


def confirm_deletion(deps: Dependencies, mailing: Mailing, token: str) -> str:
    """Delete the person the link belongs to; their language (for the page)."""
    email, language = deletion_holder(deps, mailing, token)
    try:
        participants.delete(deps, email, actor=PERSON_ACTOR)
    except NotFound:
        raise LinkInvalid("Diese Adresse ist nicht (mehr) im Verzeichnis.") from None
    return language


def _mail(
    deps: Dependencies,
    mailing: Mailing,
    email: str,
    language: str,
    template: str,
    context: dict[str, object],
) -> None:
    values = {**context, "county": deps.county_name, "organiser": deps.organiser}
    content = mailing.renderer.render_mail(template, language, {**values, "unsubscribe_url": ""})
    with deps.unit_of_work() as uow:
        outbox.enqueue(uow, compose_mail(mailing.sender, email, content, deps.clock()))
        uow.commit()
