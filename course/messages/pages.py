"""Web pages for messages: a participant's message log (a section of the participant
page, fetched into it with htmx, and a page of its own with every message), and the
admin's list of messages that did not get through, with "Send på nytt"."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.response import Template

from course import paging
from course.errors import N_, Conflict, Forbidden
from course.messages import services
from course.web import flash
from course.web.forms import PathId
from course.web.guards import admin_only, current_staff, see_people
from course.web.i18n import gettext
from course.web.paging import Cursor, Limit, pager

# The section on the participant page shows the latest ten.
LATEST = 10


def _labels() -> dict:
    return {
        "kind_labels": services.KIND_LABELS,
        "state_labels": services.STATE_LABELS,
        "channel_labels": services.CHANNEL_LABELS,
    }


@get("/participants/{participant_id:int}/messages", guards=[see_people], include_in_schema=False)
async def messages_page(
    request: Request, participant_id: PathId, limit: Limit = None, cursor: Cursor = None
) -> Template:
    staff = current_staff(request)
    if request.headers.get("hx-request") == "true":
        # The section of the participant page: the latest ten, or why there are none to see.
        try:
            log = await services.participant_messages(staff, participant_id, paging.PageRequest(limit=LATEST))
        except Forbidden:
            log = None
        return Template(
            "messages_pages/_section.html", context={"log": log, "participant_id": participant_id, **_labels()}
        )
    page = paging.parse(services.LOG_ORDER, limit, cursor)
    log = await services.participant_messages(staff, participant_id, page)
    return Template(
        "messages_pages/log.html",
        context={"log": log, "paging": pager(request, log, log.total, log.more_than), **_labels()},
    )


async def _failed(request: Request, page: paging.PageRequest, problem: str = "", status: int = 200) -> Template:
    found = await services.failed_messages(current_staff(request), page)
    return Template(
        "messages_pages/failed.html",
        context={
            "found": found,
            "paging": pager(request, found, found.total, found.more_than),
            "problem": problem,
            **_labels(),
        },
        status_code=status,
    )


@get("/admin/messages", guards=[admin_only], include_in_schema=False)
async def failed_page(request: Request, limit: Limit = None, cursor: Cursor = None) -> Template:
    return await _failed(request, paging.parse(services.FAILED_ORDER, limit, cursor))


@post("/admin/messages/{message_id:int}/retry", guards=[admin_only], include_in_schema=False)
async def retry(request: Request, message_id: PathId) -> Response | Template:
    try:
        await services.retry_message(current_staff(request), message_id)
    except Conflict as exc:
        # Why not, above the list as it is now (a message cleared meanwhile, or sent again by someone else).
        return await _failed(request, paging.PageRequest(), exc.text(gettext), 409)
    return flash.redirect(request, "/admin/messages", N_("The message is sent again."))


route_handlers = [messages_page, failed_page, retry]
