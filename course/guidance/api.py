"""JSON API for guidance talks, the leaders' availability and the talk planner."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Request, Router, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from course.accounts.schemas import Staff
from course.guidance import services
from course.web.forms import PathId, client_address
from course.web.guards import see_people
from course.web.openapi import Date, Id, Time, Weekday, error_responses

Participant = Annotated[Id, msgspec.Meta(description="A participant on the cohort")]
Leader = Annotated[Id, msgspec.Meta(description="One of the cohort's course leaders")]
TalkDay = Annotated[Date, msgspec.Meta(description="A day within the cohort's weeks, YYYY-MM-DD")]
Location = Annotated[
    str, msgspec.Meta(description="One line, at most 200 characters; the cohort's location when left out")
]


class TalkCreate(msgspec.Struct, forbid_unknown_fields=True):
    participant_id: Participant
    leader_id: Leader
    date: TalkDay
    start_time: Time
    end_time: Time
    location: Location | None = None


class TalkUpdate(msgspec.Struct, forbid_unknown_fields=True):
    date: TalkDay | None = None
    start_time: Time | None = None
    end_time: Time | None = None
    leader_id: Leader | None = None
    location: Location | None = None
    status: Annotated[
        str | None,
        msgspec.Meta(
            description="One of: " + ", ".join(services.TALK_STATUSES) + "; held and no_show from the talk's day"
        ),
    ] = None
    note: Annotated[
        str | None,
        msgspec.Meta(
            description="The private note, at most 2,000 characters: only the cohort's leaders and the primary contact"
        ),
    ] = None


class WeeklyWindow(msgspec.Struct, forbid_unknown_fields=True):
    weekday: Weekday
    start_time: Time
    end_time: Annotated[Time, msgspec.Meta(description="After the start time")]


class WeeklySet(msgspec.Struct, forbid_unknown_fields=True):
    weekly: Annotated[
        list[WeeklyWindow],
        msgspec.Meta(max_length=40, description="Every weekly window; windows on the same day may not overlap"),
    ]


class ExceptionCreate(msgspec.Struct, forbid_unknown_fields=True):
    date: Date
    start_time: Annotated[Time | None, msgspec.Meta(description="With end_time, or neither for the whole day")] = None
    end_time: Time | None = None
    available: Annotated[
        bool, msgspec.Meta(description="true: extra time for talks (needs the times); false: time away")
    ] = False
    reason: Annotated[str, msgspec.Meta(description="At most 100 characters")] = ""


class PlanRequest(msgspec.Struct, forbid_unknown_fields=True):
    length_minutes: Annotated[Literal[30, 45, 60, 90], msgspec.Meta(description="How long each talk is")] = 45


class PlannedTalk(msgspec.Struct, forbid_unknown_fields=True):
    participant_id: Participant
    leader_id: Leader
    date: TalkDay
    start_time: Time
    end_time: Time


class PlanAccept(msgspec.Struct, forbid_unknown_fields=True):
    talks: Annotated[
        list[PlannedTalk],
        msgspec.Meta(min_length=1, max_length=200, description="The proposed talks to book: all of them, or none"),
    ]


@get(
    "/cohorts/{cohort_id:int}/talks",
    guards=[see_people],
    summary="The cohort's guidance talks (notes left out)",
    responses=error_responses(400, 401, 403, 404),
)
async def list_talks(staff: NamedDependency[Staff], cohort_id: PathId) -> list[services.TalkOut]:
    return await services.list_talks(staff, cohort_id)


@post(
    "/cohorts/{cohort_id:int}/talks",
    guards=[see_people],
    status_code=HTTP_201_CREATED,
    summary="Book a guidance talk",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def book_talk(staff: NamedDependency[Staff], cohort_id: PathId, data: JSONBody[TalkCreate]) -> services.TalkOut:
    return await services.book_talk(staff, cohort_id, services.TalkInput(**msgspec.structs.asdict(data)))


@get(
    "/talks/{talk_id:int}",
    guards=[see_people],
    summary="One talk; the private note only for the cohort's leaders and the primary contact (the read is audited)",
    responses=error_responses(400, 401, 403, 404),
)
async def get_talk(request: Request, staff: NamedDependency[Staff], talk_id: PathId) -> services.TalkOut:
    return await services.get_talk(staff, talk_id, client_address(request))


@patch(
    "/talks/{talk_id:int}",
    guards=[see_people],
    summary="Move, reassign, cancel, mark held or no-show, or write the note",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def change_talk(staff: NamedDependency[Staff], talk_id: PathId, data: JSONBody[TalkUpdate]) -> services.TalkOut:
    return await services.change_talk(staff, talk_id, services.TalkChange(**msgspec.structs.asdict(data)))


@post(
    "/cohorts/{cohort_id:int}/talk-plan",
    guards=[see_people],
    status_code=200,
    summary="Propose the cohort's talks (nothing is saved)",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def propose(
    staff: NamedDependency[Staff], cohort_id: PathId, data: JSONBody[PlanRequest | None] = None
) -> services.TalkProposal:
    return await services.propose_talks(staff, cohort_id, data.length_minutes if data else 45)


@post(
    "/cohorts/{cohort_id:int}/talk-plan/accept",
    guards=[see_people],
    status_code=HTTP_201_CREATED,
    summary="Book the proposed talks in one step: all or none",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def accept(
    staff: NamedDependency[Staff], cohort_id: PathId, data: JSONBody[PlanAccept]
) -> list[services.TalkOut]:
    return await services.accept_talks(staff, cohort_id, [msgspec.structs.asdict(t) for t in data.talks])


@get(
    "/me/availability",
    guards=[see_people],
    summary="The caller's weekly windows for talks and exceptions",
    responses=error_responses(401, 403),
)
async def get_availability(staff: NamedDependency[Staff]) -> services.AvailabilityOut:
    return await services.get_availability(staff)


@put(
    "/me/availability",
    guards=[see_people],
    summary="Replace the caller's weekly windows for talks",
    responses=error_responses(400, 401, 403, 422),
)
async def set_weekly(staff: NamedDependency[Staff], data: JSONBody[WeeklySet]) -> services.AvailabilityOut:
    return await services.set_weekly(staff, [msgspec.structs.asdict(w) for w in data.weekly])


@post(
    "/me/availability/exceptions",
    guards=[see_people],
    status_code=HTTP_201_CREATED,
    summary="A day away (whole or part), or extra time for talks",
    responses=error_responses(400, 401, 403, 422),
)
async def add_exception(staff: NamedDependency[Staff], data: JSONBody[ExceptionCreate]) -> services.AvailabilityOut:
    return await services.add_exception(staff, data.date, data.start_time, data.end_time, data.available, data.reason)


@delete(
    "/me/availability/exceptions/{exception_id:int}", guards=[see_people], responses=error_responses(400, 401, 403, 404)
)
async def remove_exception(staff: NamedDependency[Staff], exception_id: PathId) -> None:
    await services.remove_exception(staff, exception_id)


guidance_api = Router(
    path="/",
    tags=["guidance talks"],
    route_handlers=[
        list_talks,
        book_talk,
        get_talk,
        change_talk,
        propose,
        accept,
        get_availability,
        set_weekly,
        add_exception,
        remove_exception,
    ],
)
