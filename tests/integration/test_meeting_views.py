"""What staff see before they act on a meeting: month calendar, detail, mail previews.

A preview renders the very mail the action would queue and writes nothing.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from deliberation.adapters import orm
from deliberation.bootstrap import Application
from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import Audience, Response
from deliberation.service_layer import body_meetings, meeting_views, meetings, participants
from deliberation.service_layer.meeting_views import Action
from deliberation.service_layer.messages import RSVP, answer_token

BERLIN = ZoneInfo("Europe/Berlin")
THURSDAY = datetime(2026, 4, 16, 17, 0, tzinfo=BERLIN)


def _people(app: Application) -> None:
    for name, email_, language, body in (
        ("Heike Brandes", "heike@example.org", "de", "Kreistag"),
        ("Murat Çelik", "murat@example.org", "tr", "Kreistag"),
        ("Samira Nasser", "samira@example.org", "ar", "Kreistag"),
    ):
        participants.add(
            app.deps, {"name": name, "email": email_, "language": language, "bodies": body}
        )


def _outbox_size(app: Application) -> int:
    with app.db.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(orm.outbox)).scalar_one())


def test_the_month_calendar_has_weeks_from_monday_with_meetings_and_holidays(
    app: Application,
) -> None:
    kreistag = body_meetings.add(app.deps, "kreistag", THURSDAY, "Kreishaus")
    body_meetings.add(app.deps, "kreisausschuss", THURSDAY, "Kreishaus, Saal 2")

    month = meeting_views.month_calendar(app.deps, 2026, 4, "Kreistag")

    assert (month.title, month.body_name, month.previous, month.next) == (
        "April 2026",
        "Kreistag",
        (2026, 3),
        (2026, 5),
    )
    assert month.weeks[0][0].day == date(2026, 3, 30)  # a Monday
    assert all(len(week) == 7 for week in month.weeks)
    days = {d.day: d for week in month.weeks for d in week}
    assert [m.id for m in days[date(2026, 4, 16)].meetings] == [kreistag.id]  # Kreistag only
    assert days[date(2026, 4, 6)].closed == (
        "Feiertag: Ostermontag",
        "Schulferien: Osterferien 2026",
    )
    assert not days[date(2026, 3, 30)].in_month and days[date(2026, 4, 1)].in_month
    everyone = meeting_views.month_calendar(app.deps, 2026, 4)
    assert len(next(d for w in everyone.weeks for d in w if d.day.day == 16).meetings) == 2
    with pytest.raises(DeliberationError, match="kein Monat"):
        meeting_views.month_calendar(app.deps, 2026, 13)


def test_previews_show_the_mail_of_each_action_and_write_nothing(app: Application) -> None:
    _people(app)
    mailing = app.mailing()
    meeting_id = body_meetings.add(app.deps, "kreistag", THURSDAY, "Kreishaus").id
    before = meetings.meeting_row(app.deps, meeting_id)

    invite = meeting_views.preview(
        app.deps, mailing, meeting_id, Action.INVITE, audience=Audience(frozenset({"kreistag"}))
    )
    assert (invite.recipients, invite.sample_to, invite.has_calendar) == (
        3,
        "heike@example.org",
        True,
    )
    assert invite.languages == (("Arabisch", 1), ("Deutsch", 1), ("Türkisch", 1))
    assert "Sitzung Kreistag am 16.04.2026" in invite.subject
    assert "Kreishaus" in invite.text and invite.html is not None
    assert _outbox_size(app) == 0

    meetings.invite(app.deps, mailing, meeting_id, Audience())
    queued = _outbox_size(app)
    move = meeting_views.preview(
        app.deps,
        mailing,
        meeting_id,
        Action.MOVE,
        starts_at=datetime(2026, 5, 1, 17, 0, tzinfo=BERLIN),
        location="Rathaus Peine",
    )
    assert move.recipients == 3 and "Rathaus Peine" in move.text
    assert move.warnings == ("Der 01.05.2026 ist ein Feiertag (Erster Mai).",)
    cancel = meeting_views.preview(app.deps, mailing, meeting_id, Action.CANCEL)
    assert cancel.recipients == 3 and cancel.has_calendar and cancel.subject != invite.subject

    after = meetings.meeting_row(app.deps, meeting_id)
    assert (after.starts_at, after.location, after.status) == (
        before.starts_at,
        before.location,
        before.status,
    )
    assert _outbox_size(app) == queued
    assert meetings.answers(app.deps, meeting_id).sequence == 0


def test_a_preview_without_recipients_shows_an_example(app: Application) -> None:
    meeting_id = body_meetings.add(app.deps, "kreistag", THURSDAY, "Kreishaus").id

    confirm = meeting_views.preview(app.deps, app.mailing(), meeting_id, Action.CONFIRM)

    assert confirm.recipients == 0 and confirm.sample_to == "erika.mustermann@example.org"
    assert confirm.note.startswith("Mit dem Bestätigen geht noch keine E-Mail hinaus")
    assert "Erika Mustermann" in confirm.text


def test_the_detail_has_answers_with_capacity_waiting_list_and_date_warnings(
    app: Application,
) -> None:
    _people(app)
    mailing = app.mailing()
    plan = meetings.MeetingPlan("Fachtag", THURSDAY, "Kreishaus", capacity=1, body_key="kreistag")
    meeting_id = meetings.schedule(app.deps, plan, "landkreis-peine.de")
    body_meetings.add(
        app.deps, "kreisausschuss", datetime(2026, 4, 17, 17, tzinfo=BERLIN), "Kreishaus"
    )
    meetings.invite(app.deps, mailing, meeting_id, Audience())
    with app.deps.unit_of_work() as uow:
        people = {p.email: p for p in uow.participants.participants()}
        tokens = {
            email_: mailing.links.url(RSVP, answer_token(p, meeting_id)).rsplit("/", 1)[-1]
            for email_, p in people.items()
        }
    for email_ in ("heike@example.org", "murat@example.org"):
        meetings.respond(app.deps, mailing, tokens[email_], Response.YES)

    detail = meeting_views.meeting_detail(app.deps, meeting_id)

    assert (detail.answers.capacity, detail.answers.counts["yes"], detail.answers.waiting) == (
        1,
        2,
        1,
    )
    waiting = [r for r in detail.answers.rows if r.waiting]
    assert [(r.name, r.waiting) for r in waiting] == [("Murat Çelik", 1)]
    assert detail.warnings == ()
    with pytest.raises(DeliberationError, match="gibt es nicht"):
        meeting_views.meeting_detail(app.deps, 999)
