"""Bring a need over HTTP: the public page, double opt-in, moderation, counted once approved."""

from __future__ import annotations

import email
import re
from email.message import EmailMessage
from email.policy import default

import httpx
from live_server import StaffClient, csrf_of

from deliberation.bootstrap import Application
from deliberation.domain.need_submissions import SubmissionStatus
from deliberation.service_layer import audit, needs
from deliberation.service_layer.need_submissions import SUBJECT
from tests.conftest import RoundWalker

CARD = "Ein Elterncafé mit Übersetzung in der Grundschule"


def _collecting(walker: RoundWalker) -> int:
    walker.launch_workshops(("stadt-peine",))
    return walker.open_needs_collection("stadt-peine")


def _mails(app: Application, to: str) -> list[EmailMessage]:
    with app.deps.unit_of_work() as uow:
        messages = uow.outbox.outbox_messages()
        return [
            email.message_from_bytes(m.body, policy=default) for m in messages if m.recipient == to
        ]


def _text(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _submission_ids(app: Application) -> list[int]:
    with app.deps.unit_of_work() as uow:
        return [s.id for s in uow.submissions.submissions()]


def _cycle_needs(app: Application, cycle_id: int) -> list[str]:
    """The needs of the cycle: what votes, the agenda and the monitoring read."""
    with app.deps.unit_of_work() as uow:
        return [n.text for n in uow.needs.needs(cycle_id=cycle_id)]


def test_the_start_page_lists_what_collects_and_the_form_is_in_the_language(
    walker: RoundWalker, visitor: httpx.Client
) -> None:
    assert "Gerade sammelt keine Veranstaltung" in visitor.get("/public/").text
    assert visitor.get("/public/needs/1", headers={"accept-language": "tr"}).status_code == 404
    workshop = _collecting(walker)
    start = visitor.get("/public/?lang=ar").text
    assert f'href="/public/needs/{workshop}"' in start and "تقديم حاجة" in start
    page = visitor.get(f"/public/needs/{workshop}?lang=tr")
    assert page.status_code == 200 and '<html lang="tr"' in page.text
    assert "İhtiyacınız" in page.text and 'value="Bildung">Eğitim' in page.text
    assert "Stadt Peine" in page.text and "tüm ilçeyi" in page.text  # municipality or county
    assert 'name="leave_empty"' in page.text


def test_a_need_waits_for_moderation_and_counts_only_once_approved(
    app: Application, walker: RoundWalker, visitor: httpx.Client, staff: StaffClient
) -> None:
    workshop = _collecting(walker)
    sent = visitor.post(
        f"/public/needs/{workshop}?lang=uk",
        data={"text": CARD, "topic_field": "Bildung", "scope": "county", "email": ""},
    )
    assert sent.status_code == 200 and "Дякуємо" in sent.text
    assert CARD not in _cycle_needs(app, workshop)  # not a need yet: no vote, no agenda
    referat = staff("referat", "m.mueller")
    queue = referat.get("/moderation")
    assert queue.status_code == 200 and CARD in queue.text
    [submission] = _submission_ids(app)
    approved = referat.post(
        f"/moderation/{submission}/approve", data={"csrf_token": csrf_of(queue.text)}
    )
    assert approved.status_code == 303
    assert CARD in _cycle_needs(app, workshop)
    with app.deps.unit_of_work() as uow:
        [need] = [n for n in uow.needs.needs(cycle_id=workshop) if n.text == CARD]
        assert need.topic_field == "Bildung" and need.scope == "county"
        need_id = need.id or 0
    walker.advance(workshop, "start_vision", "start_realisation")
    assert needs.vote(app.deps, need_id, 2) == 2  # it takes dots like any need
    assert CARD not in referat.get("/moderation").text
    wanted = audit.LogFilter(subject_kind=SUBJECT, subject_id=submission)
    [row] = [
        e for e in audit.entries(app.deps, wanted) if e.what == "Bedarf aus dem Web freigegeben"
    ]
    assert row.actor == "m.mueller"


def test_the_address_is_confirmed_by_double_opt_in_and_hears_the_outcome(
    app: Application, walker: RoundWalker, visitor: httpx.Client, staff: StaffClient
) -> None:
    workshop = _collecting(walker)
    address = "leyla@example.org"
    visitor.post(
        f"/public/needs/{workshop}?lang=ar",
        data={"text": CARD, "topic_field": "Bildung", "scope": "local", "email": address},
    )
    [confirmation] = _mails(app, address)
    body = _text(confirmation)
    link = re.search(r"https?://\S+/public/needs/confirm/\S+", body)
    assert link is not None and "يُرجى تأكيد" in str(confirmation["subject"])
    path = "/" + link.group(0).split("/", 3)[3]
    ask = visitor.get(path)
    assert ask.status_code == 200 and '<html lang="ar" dir="rtl">' in ask.text
    assert visitor.post(path, data={}).status_code == 200
    with app.deps.unit_of_work() as uow:
        [submission] = uow.submissions.submissions()
    assert submission.will_hear
    referat = staff("referat")
    page = referat.get("/moderation").text
    assert "an bestätigte Adresse" in page
    refused = referat.post(
        f"/moderation/{submission.id}/reject", data={"csrf_token": csrf_of(page), "reason": " "}
    )
    assert refused.status_code == 400 and "Bitte ausfüllen." in refused.text
    reason = "Das gibt es schon: Elterncafé im Familienzentrum, dienstags"
    done = referat.post(
        f"/moderation/{submission.id}/reject", data={"csrf_token": csrf_of(page), "reason": reason}
    )
    assert done.status_code == 303
    assert CARD not in _cycle_needs(app, workshop)
    decision = _mails(app, address)[-1]
    assert reason in _text(decision) and "لم يقبل المكتب المختص" in _text(decision)
    with app.deps.unit_of_work() as uow:
        decided = uow.submissions.submission(submission.id)
    assert decided is not None and decided.status == SubmissionStatus.REJECTED
    assert decided.email is None and decided.reason == reason  # the address is gone


def test_an_unconfirmed_address_hears_nothing_and_a_merge_counts_nothing_new(
    app: Application, walker: RoundWalker, visitor: httpx.Client, staff: StaffClient
) -> None:
    workshop = _collecting(walker)
    [first, *_] = walker.collect_needs("stadt-peine")
    before = _cycle_needs(app, workshop)
    visitor.post(
        f"/public/needs/{workshop}",
        data={"text": CARD, "topic_field": "Sprache", "scope": "local", "email": "x@example.org"},
    )
    [submission] = _submission_ids(app)
    referat = staff("referat")
    page = referat.get("/moderation").text
    assert "Adresse noch nicht bestätigt" in page
    merged = referat.post(
        f"/moderation/{submission}/merge",
        data={"csrf_token": csrf_of(page), "need_id": str(first)},
    )
    assert merged.status_code == 303 and _cycle_needs(app, workshop) == before
    assert len(_mails(app, "x@example.org")) == 1  # the confirmation only
    again = referat.post(f"/moderation/{submission}/approve", data={"csrf_token": csrf_of(page)})
    assert again.status_code == 400 and "schon entschieden" in again.text


def test_the_form_keeps_what_was_typed_and_refuses_html_and_bad_addresses(
    app: Application, walker: RoundWalker, visitor: httpx.Client
) -> None:
    workshop = _collecting(walker)
    response = visitor.post(
        f"/public/needs/{workshop}?lang=en",
        data={"text": "Mehr <script>alert(1)</script>", "topic_field": "", "email": "kein-at"},
    )
    assert response.status_code == 400
    assert "Please check what you entered" in response.text and "without HTML" in response.text
    assert "Please fill in." in response.text and "name@example.org" in response.text
    assert "Mehr &lt;script&gt;alert(1)&lt;/script&gt;" in response.text  # kept, escaped
    assert 'value="kein-at"' in response.text
    assert _submission_ids(app) == []


def test_only_the_referat_moderates(walker: RoundWalker, staff: StaffClient) -> None:
    assert staff("geschaeftsstelle").get("/moderation").status_code == 403
