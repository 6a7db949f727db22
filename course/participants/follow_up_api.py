"""JSON API for follow-ups at 3 and 6 months after the course, and the list of those
due. Course leaders of the office and admins; managers see the outcome report's
counts instead."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, delete, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from course.accounts.schemas import Staff
from course.participants import follow_ups, rules
from course.web.forms import PathId
from course.web.guards import see_people
from course.web.openapi import Date, error_responses

Point = Annotated[
    str,
    PathParameter(description="The follow-up point: 3m or 6m after the cohort's last session", pattern="^(3m|6m)$"),
]


class FollowUpSet(msgspec.Struct, forbid_unknown_fields=True):
    kind: Annotated[
        str, msgspec.Meta(description="Where the participant is then, one of: " + ", ".join(rules.OUTCOMES))
    ]
    date: Annotated[
        Date, msgspec.Meta(description="When it was found out, YYYY-MM-DD: from the cohort's end until today")
    ]
    note: Annotated[str, msgspec.Meta(description="At most 2,000 characters")] = ""


@get(
    "/enrolments/{enrolment_id:int}/follow-ups",
    guards=[see_people],
    summary="An enrolment's follow-ups at 3 and 6 months, with their notes, and the one due now (the read is audited)",
    responses=error_responses(400, 401, 403, 404),
)
async def list_follow_ups(staff: NamedDependency[Staff], enrolment_id: PathId) -> follow_ups.FollowUpsOut:
    return await follow_ups.follow_ups(staff, enrolment_id)


@put(
    "/enrolments/{enrolment_id:int}/follow-ups/{point:str}",
    guards=[see_people],
    summary="Record or change the follow-up at 3 or 6 months",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def set_follow_up(
    staff: NamedDependency[Staff], enrolment_id: PathId, point: Point, data: JSONBody[FollowUpSet]
) -> follow_ups.FollowUpsOut:
    return await follow_ups.set_follow_up(staff, enrolment_id, point, data.kind, data.date, data.note)


@delete(
    "/enrolments/{enrolment_id:int}/follow-ups/{point:str}",
    guards=[see_people],
    summary="Remove the follow-up at 3 or 6 months",
    status_code=HTTP_204_NO_CONTENT,
    responses=error_responses(400, 401, 403, 404),
)
async def delete_follow_up(staff: NamedDependency[Staff], enrolment_id: PathId, point: Point) -> None:
    await follow_ups.delete_follow_up(staff, enrolment_id, point)


@get(
    "/follow-ups/due",
    guards=[see_people],
    summary="Follow-ups due for the office's participants (admins: every office), the longest due first: at most "
    "20, and how many in all",
    responses=error_responses(401, 403),
)
async def due_follow_ups(staff: NamedDependency[Staff]) -> follow_ups.DueList:
    return await follow_ups.due_follow_ups(staff)


follow_up_api = Router(
    path="/",
    tags=["participants"],
    route_handlers=[list_follow_ups, set_follow_up, delete_follow_up, due_follow_ups],
)
