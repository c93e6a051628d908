"""My data over HTTP: nothing shown on the page, the export mailed, deletion by link."""

from __future__ import annotations

import email
import re
from email.message import EmailMessage
from email.policy import default

import httpx
import pytest

from deliberation.bootstrap import Application
from deliberation.domain.errors import NotFound
from deliberation.service_layer import participants

SAMIRA = "samira.nasser@example.org"


@pytest.fixture
def samira(app: Application) -> None:
    row = {
        "name": "Samira Nasser",
        "email": SAMIRA,
        "municipality": "Hohenhameln",
        "roles": "Verein",
        "bodies": "",
        "language": "ar",
    }
    participants.import_participants(app.deps, [(2, row)])


def _mails(app: Application, to: str) -> list[EmailMessage]:
    with app.deps.unit_of_work() as uow:
        messages = uow.outbox.outbox_messages()
        return [
            email.message_from_bytes(m.body, policy=default) for m in messages if m.recipient == to
        ]  # type: ignore[misc]


def _text(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_the_export_is_mailed_to_the_address_only_and_the_page_shows_nothing(
    app: Application, samira: None, visitor: httpx.Client
) -> None:
    page = visitor.post("/public/my-data?lang=en", data={"email": SAMIRA, "wish": "export"})
    assert page.status_code == 200 and "Samira" not in page.text and "Hohenhameln" not in page.text
    [mail] = _mails(app, SAMIRA)
    assert "Samira Nasser" in _text(mail) and SAMIRA in _text(mail)
    assert "بياناتك المحفوظة" in str(mail["subject"])  # in her own language
    unknown = visitor.post(
        "/public/my-data?lang=en", data={"email": "x@example.org", "wish": "export"}
    )
    assert unknown.text.replace("x@example.org", SAMIRA) == page.text  # the same answer
    assert _mails(app, "x@example.org") == []


def test_deletion_only_after_the_link_from_the_mail(
    app: Application, samira: None, visitor: httpx.Client
) -> None:
    visitor.post("/public/my-data", data={"email": SAMIRA, "wish": "delete"})
    assert participants.export(app.deps, SAMIRA)["name"] == "Samira Nasser"  # not yet
    [mail] = _mails(app, SAMIRA)
    found = re.search(r"/public/my-data/delete/\S+", _text(mail))
    assert found is not None
    ask = visitor.get(found.group(0))
    assert ask.status_code == 200 and '<html lang="ar" dir="rtl">' in ask.text
    assert participants.export(app.deps, SAMIRA)["name"] == "Samira Nasser"
    done = visitor.post(found.group(0), data={})
    assert done.status_code == 200 and "تم حذف بياناتك" in done.text
    with pytest.raises(NotFound):
        participants.export(app.deps, SAMIRA)
    again = visitor.get(found.group(0), headers={"accept-language": "tr"})
    assert again.status_code == 400 and "Bu adres" in again.text


def test_a_bad_address_is_refused_in_the_language_with_input_kept(visitor: httpx.Client) -> None:
    response = visitor.post("/public/my-data?lang=uk", data={"email": "<b>x", "wish": "export"})
    assert response.status_code == 400 and "без HTML" in response.text
    assert 'value="&lt;b&gt;x"' in response.text
