"""The audit log in the API, for administrators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Response, Router, get
from litestar.params import QueryParameter

from course.audit import services as audit
from course.privacy.audit_views import csv_download, excel_csv_download
from course.validation import MAX_ID
from course.web.forms import QueryId
from course.web.guards import admin_only
from course.web.i18n import gettext
from course.web.openapi import error_responses
from course.web.spreadsheets import EXCEL_DESCRIPTION


class AuditEventOut(msgspec.Struct):
    id: int
    at: Annotated[datetime, msgspec.Meta(description="When, in UTC")]
    action: Annotated[str, msgspec.Meta(description="What was done, e.g. participant_read or document_saved")]
    actor_id: Annotated[int | None, msgspec.Meta(description="The staff user who did it; null for a participant")]
    actor_name: Annotated[str | None, msgspec.Meta(description="The staff user's name")]
    account: Annotated[str | None, msgspec.Meta(description="The e-mail address a login was tried for")]
    participant_id: Annotated[int | None, msgspec.Meta(description="The participant whose data it was")]
    office_id: int | None
    target_user_id: Annotated[int | None, msgspec.Meta(description="The staff user changed")]
    address: Annotated[str | None, msgspec.Meta(description="The address the request came from")]
    details: Annotated[
        dict[str, Any], msgspec.Meta(description="Which records (ids, kinds, field names), never their content")
    ]


class AuditPage(msgspec.Struct):
    events: Annotated[list[AuditEventOut], msgspec.Meta(description="Newest first")]
    next: Annotated[int | None, msgspec.Meta(description="Pass as `before` for the older events; null at the end")]
    previous: Annotated[
        int | None, msgspec.Meta(description="Pass as `after` for the newer events; null on the first page")
    ]


Limit = Annotated[int, QueryParameter(ge=1, le=audit.MAX_LIMIT, description="Events a page, at most 200")]
ParticipantId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="Events about this participant")]
UserId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="Events done by this staff user")]
Action = Annotated[str | None, QueryParameter(max_length=50, description="One action, e.g. document_pdf_read")]
From = Annotated[str | None, QueryParameter(name="from", description="The first day (YYYY-MM-DD, Oslo)")]
To = Annotated[str | None, QueryParameter(description="The last day (YYYY-MM-DD, Oslo), included")]


def _filter(participant_id, user_id, action, from_, to) -> audit.AuditFilter:
    return audit.audit_filter(participant_id=participant_id, user_id=user_id, action=action, start=from_, end=to)


@get(
    "/audit",
    guards=[admin_only],
    summary="The audit log, newest first: who read or changed what, about which participant, when and from "
    "where; filtered, a page at a time (`next` gives the following page as `before`)",
    responses=error_responses(400, 401, 403, 422),
)
async def audit_log(
    participant_id: ParticipantId = None,
    user_id: UserId = None,
    action: Action = None,
    from_: From = None,
    to: To = None,
    limit: Limit = audit.DEFAULT_LIMIT,
    before: QueryId = None,
    after: QueryId = None,
) -> AuditPage:
    page = await audit.find_events(
        _filter(participant_id, user_id, action, from_, to), limit=limit, before=before, after=after
    )
    events = [AuditEventOut(**{**vars(e), "at": e.at.astimezone(UTC)}) for e in page.events]  # as every API time
    return AuditPage(events=events, next=page.next, previous=page.previous)


@get(
    "/audit.csv",
    guards=[admin_only],
    media_type="text/csv",
    summary="The audit log as CSV: every event the filter selects, newest first, streamed; with excel=true, "
    "CSV for Norwegian Excel",
    responses=error_responses(400, 401, 403, 422),
)
async def audit_csv(
    participant_id: ParticipantId = None,
    user_id: UserId = None,
    action: Action = None,
    from_: From = None,
    to: To = None,
    excel: Annotated[bool, QueryParameter(description=EXCEL_DESCRIPTION)] = False,
) -> Response:
    chosen = _filter(participant_id, user_id, action, from_, to)
    return excel_csv_download(chosen, gettext) if excel else csv_download(chosen)


audit_api = Router(path="/", tags=["audit"], route_handlers=[audit_log, audit_csv])
