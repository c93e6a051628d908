"""Calendars to subscribe to (iCalendar): a body's public meetings, a person's invitations.

``GET /calendar/bodies/<key>.ics`` is public; ``GET /calendar/<token>/invitations.ics``
is the person's signed link (a tampered or foreign one is refused like any link).
Calendar programs poll these addresses, so the answer says how long it stays fresh.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from deliberation.domain.calendar_feed import CalendarFeed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.service_layer import calendar_feeds, public_links

router = APIRouter()
MEDIA_TYPE = "text/calendar; charset=utf-8"


@router.get("/calendar/bodies/{body_key}.ics")
def body_calendar(body_key: str, ctx: Context) -> Response:
    return _calendar(ctx, calendar_feeds.body_feed(ctx.deps, ctx.mailing, body_key), body_key)


@router.get(f"/{public_links.CALENDAR}/{{token}}/invitations.ics")
def personal_calendar(token: str, ctx: Context) -> Response:
    feed = calendar_feeds.person_feed(ctx.deps, ctx.mailing, token)
    response = _calendar(ctx, feed, "termine")
    response.headers["Cache-Control"] = "private, max-age=900"
    return response


def _calendar(ctx: WebContext, feed: CalendarFeed, name: str) -> Response:
    return Response(
        ctx.mailing.calendar_feed(feed),
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'inline; filename="{name}.ics"',
            "Cache-Control": "public, max-age=900",
        },
    )
