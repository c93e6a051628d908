"""Double opt-in: confirmation mail with an expiring link, proof, withdrawal, clean-up."""

from __future__ import annotations

import dataclasses
import email
from datetime import timedelta
from email import policy
from email.message import EmailMessage

import pytest

from deliberation.bootstrap import Application
from deliberation.domain.clock import Clock
from deliberation.domain.errors import LinkInvalid
from deliberation.domain.outbox import OutboxMessage
from deliberation.service_layer import consent, participants
from deliberation.service_layer.messages import CONFIRM, UNSUBSCRIBE

PEOPLE = [
    ("Heike Brandes", "heike.brandes@example.org", "Stadt Peine", "", "Kreistag", ""),
    ("Murat Çelik", "murat.celik@example.org", "Stadt Peine", "Bürger", "", "tr"),
    ("Oksana Lysenko", "oksana.lysenko@example.org", "Lengede", "Bürgerin", "", "uk"),
]


def register(app: Application) -> None:
    rows = [
        (
            line,
            {"name": n, "email": e, "municipality": m, "roles": r, "bodies": b, "language": lang},
        )
        for line, (n, e, m, r, b, lang) in enumerate(PEOPLE, start=2)
    ]
    assert participants.import_participants(app.deps, rows).imported == len(PEOPLE)


def mails(app: Application) -> dict[str, EmailMessage]:
    with app.deps.unit_of_work() as uow:
        messages: list[OutboxMessage] = [
            dataclasses.replace(m) for m in uow.outbox.outbox_messages()
        ]
    result = {}
    for message in messages:
        parsed = email.message_from_bytes(message.body, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        result[message.recipient] = parsed
    return result


def link_in(mail: EmailMessage, purpose: str) -> str:
    [text] = [p for p in mail.walk() if p.get_content_type() == "text/plain"]
    assert isinstance(text, EmailMessage)
    line = next(w for w in text.get_content().split() if f"/{purpose}/" in w)
    return line.split(f"/{purpose}/", 1)[1]


def proof(app: Application, address: str) -> dict[str, object]:
    return participants.export(app.deps, address)


def test_people_by_consent_are_asked_once_and_confirm_with_the_signed_link(
    app: Application, clock: Clock
) -> None:
    register(app)
    mailing = app.mailing()

    assert consent.request_confirmations(app.deps, mailing) == 2
    assert consent.request_confirmations(app.deps, mailing) == 0  # nobody is asked twice

    sent = mails(app)
    assert set(sent) == {"murat.celik@example.org", "oksana.lysenko@example.org"}
    assert sent["murat.celik@example.org"]["Subject"] == "Lütfen e-posta adresinizi onaylayın"
    assert sent["murat.celik@example.org"]["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    asked_at = clock.now
    clock.advance(timedelta(days=2))

    view = consent.confirm(app.deps, mailing, link_in(sent["murat.celik@example.org"], CONFIRM))

    assert (view.name, view.language, view.confirmed) == ("Murat Çelik", "tr", True)
    record = proof(app, "murat.celik@example.org")
    assert record["consent_requested_at"] == asked_at.isoformat()
    assert record["consent_confirmed_at"] == clock.now.isoformat()
    assert record["consent_withdrawn_at"] is None


def test_a_confirmation_link_expires_and_cannot_unsubscribe(app: Application, clock: Clock) -> None:
    register(app)
    mailing = app.mailing()
    consent.request_confirmations(app.deps, mailing)
    link = link_in(mails(app)["oksana.lysenko@example.org"], CONFIRM)

    with pytest.raises(LinkInvalid, match="ungültig"):
        consent.withdraw(app.deps, mailing, link)
    clock.advance(mailing.confirm_valid + timedelta(minutes=1))
    with pytest.raises(LinkInvalid, match="abgelaufen"):
        consent.confirm(app.deps, mailing, link)
    assert proof(app, "oksana.lysenko@example.org")["consent_confirmed_at"] is None


def test_unconfirmed_addresses_are_removed_after_the_period(app: Application, clock: Clock) -> None:
    register(app)
    mailing = app.mailing()
    consent.request_confirmations(app.deps, mailing)
    consent.confirm(app.deps, mailing, link_in(mails(app)["murat.celik@example.org"], CONFIRM))

    clock.advance(timedelta(days=29))
    assert consent.remove_unconfirmed(app.deps, timedelta(days=30)) == []
    clock.advance(timedelta(days=2))
    assert consent.remove_unconfirmed(app.deps, timedelta(days=30)) == [
        "oksana.lysenko@example.org"
    ]

    remaining = {p.email for p in participants.list_participants(app.deps)}
    assert remaining == {"heike.brandes@example.org", "murat.celik@example.org"}


def test_unsubscribing_withdraws_and_confirming_again_restores(
    app: Application, clock: Clock
) -> None:
    register(app)
    mailing = app.mailing()
    consent.request_confirmations(app.deps, mailing)
    sent = mails(app)["murat.celik@example.org"]
    consent.confirm(app.deps, mailing, link_in(sent, CONFIRM))
    clock.advance(timedelta(days=400))  # unsubscribe links never expire

    view = consent.withdraw(app.deps, mailing, link_in(sent, UNSUBSCRIBE))

    assert view.withdrawn
    assert proof(app, "murat.celik@example.org")["consent_withdrawn_at"] == clock.now.isoformat()
