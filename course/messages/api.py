"""JSON API for messages: a participant's message log, the messages that did not
get through, and sending one of those again."""

from __future__ import annotations

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK

from course import paging
from course.accounts.schemas import Staff
from course.messages import services
from course.web.forms import PathId
from course.web.guards import admin_only, see_people
from course.web.openapi import error_responses
from course.web.paging import Cursor, Limit, paged_headers, paged_response


@get(
    "/participants/{participant_id:int}/messages",
    guards=[see_people],
    summary="A participant's message log, newest first, a page at a time (never the texts)",
    description="SMS and e-mails to the participant and e-mails to staff about them: `kind`, `channel` "
    "(sms, email), `status` (delivered, failed, waiting), to the participant or to `staff`, when, and the "
    "peer's answer when it failed. For the leaders of a cohort the participant is on or a message belongs "
    "to, the primary contact and admins; another leader of the office 403, another office 404.",
    responses=error_responses(400, 401, 403, 404),
    response_headers=paged_headers(),
)
async def participant_messages(
    request: Request, staff: NamedDependency[Staff], participant_id: PathId, limit: Limit = None, cursor: Cursor = None
) -> Response[list[services.MessageOut]]:
    page = paging.parse(services.LOG_ORDER, limit, cursor)
    log = await services.participant_messages(staff, participant_id, page)
    return paged_response(request, log.items, log, log.total, log.more_than)


@get(
    "/messages/failed",
    guards=[admin_only],
    summary="Messages that did not get through, every office's, newest first, a page at a time",
    description="Given up after the last try. `purged`: the address and text are cleared (30 days after), "
    "so it cannot be sent again.",
    responses=error_responses(400, 401, 403),
    response_headers=paged_headers(),
)
async def failed_messages(
    request: Request, staff: NamedDependency[Staff], limit: Limit = None, cursor: Cursor = None
) -> Response[list[services.FailedMessageOut]]:
    page = paging.parse(services.FAILED_ORDER, limit, cursor)
    found = await services.failed_messages(staff, page)
    return paged_response(request, found.items, found, found.total, found.more_than)


@post(
    "/messages/{message_id:int}/retry",
    guards=[admin_only],
    status_code=HTTP_200_OK,
    summary="Send a message that did not get through again, from its first try (audited)",
    description="The message goes back to the outbox as waiting, with no attempts and no error. "
    "409 naming `message` when it has not failed or its address and text are cleared.",
    responses=error_responses(400, 401, 403, 404, 409),
)
async def retry_message(staff: NamedDependency[Staff], message_id: PathId) -> services.FailedMessageOut:
    return await services.retry_message(staff, message_id)


messages_api = Router(
    path="/",
    tags=["messages"],
    route_handlers=[participant_messages, failed_messages, retry_message],
)
