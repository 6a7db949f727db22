"""Web pages for cohorts, and the personal calendar feed (a secret URL, no login)."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get
from litestar.params import PathParameter

from course.cohorts import services

ICS = "text/calendar; charset=utf-8"


@get("/calendar/{token:str}", include_in_schema=False, media_type=ICS)
async def calendar_feed(token: Annotated[str, PathParameter(max_length=120)]) -> Response:
    """A leader's sessions, for Outlook or Google Calendar to subscribe to."""
    body = await services.feed_calendar(token.removesuffix(".ics"))
    return Response(body, media_type=ICS)
