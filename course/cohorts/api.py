"""JSON API for cohorts and their sessions."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Request, Response, Router, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from course import paging
from course.accounts.schemas import Staff
from course.cohorts import services
from course.errors import N_, InvalidInput
from course.web.forms import ICS, PathId, ics_download
from course.web.guards import change_cohorts, login_required
from course.web.links import absolute_url
from course.web.openapi import Date, Id, Time, Weekday, error_responses
from course.web.paging import Cursor, Limit, paged_headers, paged_response


class CohortCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[
        str, msgspec.Meta(description="One line, at most 200 characters", examples=["Klart jeg kan – høst"])
    ]
    variant: Annotated[str, msgspec.Meta(description="kjk or ny_retning", examples=["kjk"])]
    start_date: Annotated[
        Date, msgspec.Meta(description="The first session's day: one of the weekdays, not in the past (but for admins)")
    ]
    weekdays: Annotated[
        list[Weekday],
        msgspec.Meta(
            min_length=2,
            max_length=2,
            examples=[[2, 4]],
            description="The two different weekdays the sessions are held on, each 1 (Monday) to 7 (Sunday)",
        ),
    ]
    start_time: Time
    end_time: Annotated[Time, msgspec.Meta(description="After the start time")]
    location: Annotated[
        str,
        msgspec.Meta(
            description="Where the sessions are held: one line, at most 200 characters; the room must be free"
        ),
    ]
    leader_ids: Annotated[
        list[Id],
        msgspec.Meta(
            min_length=1, max_length=2, description="One or two different course leaders of the cohort's office"
        ),
    ]
    capacity: (
        Annotated[
            int,
            msgspec.Meta(
                ge=1,
                le=services.MAX_CAPACITY,
                description="Places; left out, 12 (kjk) or 10 (ny_retning)",
            ),
        ]
        | None
    ) = None
    office_id: (
        Annotated[Id, msgspec.Meta(description="Admins only: the cohort's office (others create in their own)")] | None
    ) = None


@post(
    "/cohorts",
    guards=[change_cohorts],
    status_code=HTTP_201_CREATED,
    summary="Create a cohort and its 8 sessions",
    responses=error_responses(400, 401, 403, 409, 422),
)
async def create_cohort(staff: NamedDependency[Staff], data: JSONBody[CohortCreate]) -> services.CohortOut:
    return await services.create_cohort(staff, _cohort_input(data))


@get(
    "/cohorts",
    guards=[login_required],
    summary="Cohorts the caller may see, a page at a time",
    description="Without `from`, `to` or `status`: the current and upcoming cohorts (`status=current`). "
    "By start day, the newest first for `status=finished`.",
    responses=error_responses(400, 401, 422),
    response_headers=paged_headers(),
)
async def list_cohorts(
    request: Request,
    staff: NamedDependency[Staff],
    from_: Annotated[str | None, QueryParameter(name="from", description="From this day, YYYY-MM-DD")] = None,
    to: Annotated[str | None, QueryParameter(description="Until this day, YYYY-MM-DD")] = None,
    status: Annotated[
        str | None, QueryParameter(description="current (planned and running), planned, running, finished or cancelled")
    ] = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response[list[services.CohortOut]]:
    errors: dict[str, str] = {}
    start = services.parse_date(from_, errors, "from") if from_ else None
    end = services.parse_date(to, errors, "to") if to else None
    if status and status not in (services.CURRENT, *services.STATUSES):
        errors["status"] = N_("Choose current, planned, running, finished or cancelled.")
    page = paging.parse(services.cohort_order(status), limit, cursor, errors)
    if errors:
        raise InvalidInput(errors)
    found = await services.list_cohorts(staff, start, end, status or None, page, counted=True)
    return paged_response(request, found.items, found, found.total, found.more_than)


@get("/cohorts/{cohort_id:int}", guards=[login_required], responses=error_responses(400, 401, 404))
async def get_cohort(staff: NamedDependency[Staff], cohort_id: PathId) -> services.CohortOut:
    return await services.get_cohort(staff, cohort_id)


class SessionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    date: (
        Annotated[
            Date, msgspec.Meta(description="The new day: between the sessions before and after, not in a closure")
        ]
        | None
    ) = None
    start_time: Time | None = None
    end_time: Time | None = None
    cancelled: Annotated[bool, msgspec.Meta(description="true cancels the session, false takes it back")] | None = None
    location: (
        Annotated[str, msgspec.Meta(description="Where this session is held: one line, at most 200 characters; free")]
        | None
    ) = None
    leader_ids: (
        Annotated[
            list[Id],
            msgspec.Meta(
                max_length=2,
                description="Substitutes: one or two staff leaders of the office who lead this session instead of the "
                "cohort's leaders (they must be free); an empty list gives it back to the cohort's leaders",
            ),
        ]
        | None
    ) = None
    guest_leader: (
        Annotated[
            str,
            msgspec.Meta(
                description="A guest leader from outside the team as «name, organisation», at most 200 characters; "
                "empty takes it away",
                examples=["Kari Nordmann, Karrieresenteret"],
            ),
        ]
        | None
    ) = None
    reason: (
        Annotated[
            str,
            msgspec.Meta(
                description="Why the session changes (a move, say), kept with the change and shown to staff in the "
                "cohort's history: one line, at most 200 characters, no control characters; optional",
                examples=["Rommet er opptatt til eksamen"],
            ),
        ]
        | None
    ) = None


class CohortUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """The fields to change; at least one. Sessions already held keep their room,
    times and leaders; those to come take the new ones."""

    cancelled: (
        Annotated[bool, msgspec.Meta(description="true cancels the cohort, false takes the cancellation back")] | None
    ) = None
    title: Annotated[str, msgspec.Meta(description="One line, at most 200 characters")] | None = None
    capacity: (
        Annotated[
            int,
            msgspec.Meta(
                ge=1,
                le=services.MAX_CAPACITY,
                description="Places on the cohort: not below the places taken (422 naming capacity). Raised, the "
                "answer's waiting_list_offer tells how many on the waiting list could now get a place",
            ),
        ]
        | None
    ) = None
    location: (
        Annotated[
            str,
            msgspec.Meta(description="The room of every session not yet held: one line, at most 200 characters; free"),
        ]
        | None
    ) = None
    start_time: Annotated[Time, msgspec.Meta(description="The start of every session not yet held")] | None = None
    end_time: (
        Annotated[Time, msgspec.Meta(description="The end of every session not yet held: after the start")] | None
    ) = None
    leader_ids: (
        Annotated[
            list[Id],
            msgspec.Meta(
                min_length=1,
                max_length=2,
                description="One or two different course leaders of the cohort's office, free at every session not yet "
                "held; held sessions keep who led them",
            ),
        ]
        | None
    ) = None


class SubstituteCreate(msgspec.Struct, forbid_unknown_fields=True):
    from_: Annotated[Date, msgspec.Meta(description="The first day of the period")] = msgspec.field(name="from")
    to: Annotated[Date, msgspec.Meta(description="The last day of the period, not before the first")]
    absent_id: Annotated[Id, msgspec.Meta(description="The leader who is away: leads a session in the period")]
    substitute_id: Annotated[Id, msgspec.Meta(description="A staff leader of the office who is free at those sessions")]


class ClosureCreate(msgspec.Struct, forbid_unknown_fields=True):
    start_date: Date
    end_date: Annotated[Date, msgspec.Meta(description="Not before the start date")]
    reason: Annotated[str, msgspec.Meta(description="At most 100 characters", examples=["Sommerstengt"])]
    office_id: (
        Annotated[Id, msgspec.Meta(description="Admins only: the office (others add closures to their own)")] | None
    ) = None


@patch(
    "/cohorts/{cohort_id:int}/sessions/{number:int}",
    guards=[change_cohorts],
    summary="Move, cancel or change a session: room, substitute leaders, guest leader",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def change_session(
    staff: NamedDependency[Staff],
    cohort_id: PathId,
    number: Annotated[int, PathParameter(ge=1, le=8)],
    data: JSONBody[SessionUpdate],
) -> services.CohortOut:
    change = services.SessionChange(**msgspec.structs.asdict(data))
    return await services.change_session(staff, cohort_id, number, change)


@patch(
    "/cohorts/{cohort_id:int}",
    guards=[change_cohorts],
    summary="Change a cohort (title, capacity, room, times, leaders) or cancel it",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def update_cohort(
    staff: NamedDependency[Staff], cohort_id: PathId, data: JSONBody[CohortUpdate]
) -> services.CohortOut:
    return await services.update_cohort(staff, cohort_id, services.CohortEdit(**msgspec.structs.asdict(data)))


@post(
    "/cohorts/{cohort_id:int}/substitutes",
    guards=[change_cohorts],
    status_code=200,
    summary="A substitute for a leader on every session in a period",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def set_substitute(
    staff: NamedDependency[Staff], cohort_id: PathId, data: JSONBody[SubstituteCreate]
) -> services.CohortOut:
    return await services.set_substitute(
        staff,
        cohort_id,
        services.SubstituteInput(data.from_, data.to, data.absent_id, data.substitute_id),
    )


@get(
    "/cohorts/{cohort_id:int}/changes",
    guards=[login_required],
    summary="The cohort's changes, newest first (who, when, what)",
    responses=error_responses(400, 401, 404),
)
async def list_changes(
    staff: NamedDependency[Staff],
    cohort_id: PathId,
    limit: Annotated[int, QueryParameter(ge=1, le=100, description="At most this many")] = 50,
    before: Annotated[
        int | None, QueryParameter(ge=1, description="Older than this change (the previous answer's next_before)")
    ] = None,
) -> services.ChangePage:
    return await services.list_changes(staff, cohort_id, limit, before)


@get(
    "/closures",
    guards=[login_required],
    summary="Office closure periods by start day, a page at a time",
    responses=error_responses(400, 401, 422),
    response_headers=paged_headers(),
)
async def list_closures(
    request: Request,
    staff: NamedDependency[Staff],
    from_: Annotated[str | None, QueryParameter(name="from", description="Those ending on or after this day")] = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response[list[services.ClosureOut]]:
    errors: dict[str, str] = {}
    start = services.parse_date(from_, errors, "from") if from_ else None
    page = paging.parse(services.CLOSURE_ORDER, limit, cursor, errors)
    if errors:
        raise InvalidInput(errors)
    found = await services.closures_page(staff, page, start)
    return paged_response(request, found.items, found)


@post("/closures", guards=[change_cohorts], status_code=HTTP_201_CREATED, responses=error_responses(400, 401, 403, 422))
async def add_closure(staff: NamedDependency[Staff], data: JSONBody[ClosureCreate]) -> services.ClosureOut:
    return await services.add_closure(staff, data.start_date, data.end_date, data.reason, data.office_id)


@delete("/closures/{closure_id:int}", guards=[change_cohorts], responses=error_responses(400, 401, 403, 404))
async def remove_closure(staff: NamedDependency[Staff], closure_id: PathId) -> None:
    await services.remove_closure(staff, closure_id)


class TermPlan(CohortCreate, forbid_unknown_fields=True):
    count: (
        Annotated[
            int,
            msgspec.Meta(
                ge=1, le=12, description="How many cohorts to propose; left out, 4 (kjk) or 3 a year (ny_retning)"
            ),
        ]
        | None
    ) = None


class TermAccept(CohortCreate, forbid_unknown_fields=True):
    start_dates: Annotated[
        list[Date], msgspec.Meta(description="The proposed start days to create cohorts for: 1 to 12")
    ] = []


def _cohort_input(data: CohortCreate) -> services.CohortInput:
    fields = msgspec.structs.asdict(data)
    fields.pop("count", None)
    fields.pop("start_dates", None)
    if fields.get("capacity") is None:  # the variant's default
        fields["capacity"] = services.term_defaults(data.variant).capacity
    return services.CohortInput(**fields)


@post(
    "/cohorts/term-plan",
    guards=[change_cohorts],
    status_code=200,
    summary="Propose the next cohorts: about every four weeks (kjk) or three a year (ny_retning); nothing is saved",
    responses=error_responses(400, 401, 403, 422),
)
async def propose_term(staff: NamedDependency[Staff], data: JSONBody[TermPlan]) -> list[services.Proposal]:
    count = data.count if data.count is not None else services.term_defaults(data.variant).count
    return await services.propose_term(staff, _cohort_input(data), count)


@post(
    "/cohorts/term-plan/accept",
    guards=[change_cohorts],
    status_code=HTTP_201_CREATED,
    summary="Create the proposed cohorts in one step",
    responses=error_responses(400, 401, 403, 409, 422),
)
async def accept_term(staff: NamedDependency[Staff], data: JSONBody[TermAccept]) -> list[services.CohortOut]:
    return await services.accept_term(staff, _cohort_input(data), data.start_dates)


@get(
    "/cohorts/{cohort_id:int}/calendar.ics",
    guards=[login_required],
    media_type=ICS,
    summary="The cohort's sessions as iCalendar",
    responses=error_responses(400, 401, 404),
)
async def cohort_calendar(staff: NamedDependency[Staff], cohort_id: PathId) -> Response:
    return ics_download(await services.cohort_calendar(staff, cohort_id), cohort_id)


class FeedOut(msgspec.Struct):
    url: str


@post(
    "/me/calendar-feed",
    guards=[login_required],
    status_code=HTTP_201_CREATED,
    summary="Create or rotate the caller's personal calendar feed URL",
    responses=error_responses(401),
)
async def rotate_feed(request: Request, staff: NamedDependency[Staff]) -> FeedOut:
    token = await services.rotate_feed(staff)
    return FeedOut(url=absolute_url(request, f"/calendar/{token}.ics"))


cohorts_api = Router(
    path="/",
    tags=["cohorts"],
    route_handlers=[
        create_cohort,
        list_cohorts,
        get_cohort,
        change_session,
        update_cohort,
        set_substitute,
        list_changes,
        list_closures,
        add_closure,
        remove_closure,
        cohort_calendar,
        rotate_feed,
        propose_term,
        accept_term,
    ],
)
