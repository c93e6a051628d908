"""Calendars to subscribe to, over HTTP on SQLite and PostgreSQL: a body's public meetings,
a person's invitations behind their signed link; one UID per meeting (the invitation
mail's), SEQUENCE rising with a move, a cancelled meeting marked, closed sessions left out."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage

import httpx
from icalendar import Calendar
from live_server import Site

from deliberation.domain.invitations import Audience
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.service_layer import body_meetings, meetings, public_links

WHEN = datetime(2026, 6, 18, 15, 0, tzinfo=UTC)


def _events(response: httpx.Response) -> dict[str, dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.text)
    return {
        str(e["SUMMARY"]): {
            "uid": str(e["UID"]),
            "sequence": str(e["SEQUENCE"]),
            "status": str(e["STATUS"]),
            "start": e.decoded("DTSTART").isoformat(),
        }
        for e in calendar.walk("VEVENT")
    }


def _mail_uid(site: Site) -> str:
    with site.app.deps.unit_of_work() as uow:
        [message] = uow.outbox.outbox_messages()
        mail = email.message_from_bytes(message.body, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    [part] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    uid = next(ln for ln in part.get_content().splitlines() if ln.startswith("UID:"))
    return uid.removeprefix("UID:")


def test_body_and_personal_feeds_follow_every_change(site: Site, visitor: httpx.Client) -> None:
    app = site.app
    deps, mailing = app.deps, app.mailing()
    kreistag = body_meetings.add(
        deps, "kreistag", WHEN, "Kreishaus Peine, Burgstraße 1", "Kreistag Juni", confirmed=True
    )
    closed = body_meetings.add(
        deps, "kreisausschuss", WHEN + timedelta(days=7), "Kreishaus, Raum 101", "Kreisausschuss"
    )
    with deps.unit_of_work() as uow:
        member = Participant(
            "Renate Vogt",
            "renate.vogt@example.org",
            "de",
            LegalBasis.DUTY,
            deps.clock(),
            body_keys=frozenset({"kreistag", "kreisausschuss"}),
        )
        uow.participants.add(member)
        uow.commit()
        uow.participants.participant_by_id(member.id or 0)
    meetings.invite(deps, mailing, kreistag.id, Audience(bodies=frozenset({"kreistag"})))
    mail_uid = _mail_uid(site)
    meetings.invite(deps, mailing, closed.id, Audience(bodies=frozenset({"kreisausschuss"})))
    personal = public_links.personal_feed_url(mailing, member).removeprefix(mailing.links.base_url)

    public = _events(visitor.get("/calendar/bodies/kreistag.ics"))
    assert list(public) == ["Kreistag Juni"]
    assert public["Kreistag Juni"]["uid"] == mail_uid  # the invitation's entry, not a second one
    assert public["Kreistag Juni"]["status"] == "CONFIRMED"
    # the Kreisausschuss meets in closed session: its feed exists but shows nothing
    assert _events(visitor.get("/calendar/bodies/kreisausschuss.ics")) == {}
    assert "Renate" not in visitor.get("/calendar/bodies/kreistag.ics").text
    # her own calendar has both meetings she is invited to, the closed one too
    mine = _events(visitor.get(personal))
    assert set(mine) == {"Kreistag Juni", "Kreisausschuss"}
    assert mine["Kreistag Juni"] == public["Kreistag Juni"]

    meetings.move(deps, mailing, kreistag.id, WHEN + timedelta(days=1), actor="Referat")
    moved = _events(visitor.get("/calendar/bodies/kreistag.ics"))["Kreistag Juni"]
    assert moved["uid"] == mail_uid
    assert int(moved["sequence"]) > int(public["Kreistag Juni"]["sequence"])
    assert moved["start"].startswith("2026-06-19")
    assert _events(visitor.get(personal))["Kreistag Juni"] == moved

    meetings.cancel(deps, mailing, kreistag.id, actor="Referat")
    cancelled = _events(visitor.get("/calendar/bodies/kreistag.ics"))["Kreistag Juni"]
    assert cancelled["status"] == "CANCELLED" and cancelled["uid"] == mail_uid
    assert int(cancelled["sequence"]) > int(moved["sequence"])
    assert _events(visitor.get(personal))["Kreistag Juni"]["status"] == "CANCELLED"


def test_a_tampered_or_foreign_personal_link_opens_no_calendar(
    site: Site, visitor: httpx.Client
) -> None:
    deps, mailing = site.app.deps, site.app.mailing()
    with deps.unit_of_work() as uow:
        person = Participant(
            "Jonas Ebert", "jonas@example.org", "de", LegalBasis.DUTY, deps.clock()
        )
        uow.participants.add(person)
        uow.commit()
        uow.participants.participant_by_id(person.id or 0)
    path = public_links.personal_feed_url(mailing, person).removeprefix(mailing.links.base_url)
    assert visitor.get(path).status_code == 200
    token = path.split("/")[2]
    tampered = path.replace(token, token[:-2] + ("xy" if not token.endswith("xy") else "zz"))
    response = visitor.get(tampered)
    assert response.status_code == 400 and "BEGIN:VCALENDAR" not in response.text
    # a vote link of the same person is signed for another purpose and opens no calendar
    other = mailing.links.token("vote", [person.id or 0, "0" * 16, 1])
    assert visitor.get(f"/calendar/{other}/invitations.ics").status_code == 400
    assert visitor.get("/calendar/bodies/gibt-es-nicht.ics").status_code == 404


def test_the_answer_page_links_the_personal_calendar(site: Site, visitor: httpx.Client) -> None:
    deps, mailing = site.app.deps, site.app.mailing()
    meeting = body_meetings.add(deps, "kommission", WHEN, "Kreishaus", "Kommission", confirmed=True)
    with deps.unit_of_work() as uow:
        person = Participant(
            "Ali Kaya",
            "ali@example.org",
            "tr",
            LegalBasis.DUTY,
            deps.clock(),
            body_keys=frozenset({"kommission"}),
        )
        uow.participants.add(person)
        uow.commit()
        uow.participants.participant_by_id(person.id or 0)
    meetings.invite(deps, mailing, meeting.id, Audience(bodies=frozenset({"kommission"})))
    with deps.unit_of_work() as uow:
        stored = uow.participants.participant_by_id(person.id or 0)
        assert stored is not None
        with_meeting = uow.meetings.meeting(meeting.id)
        assert with_meeting is not None
        answer = meetings.answer_links(mailing, with_meeting, stored)["yes"]
    page = visitor.get(answer.removeprefix(mailing.links.base_url))
    assert page.status_code == 200 and "Randevularınıza takvim olarak abone olun" in page.text
    [href] = [h for h in re.findall(r'href="([^"]+)"', page.text) if h.endswith("invitations.ics")]
    assert list(_events(visitor.get(href.removeprefix(mailing.links.base_url)))) == ["Kommission"]
