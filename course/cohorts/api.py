"""JSON API for cohorts and their sessions."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, delete, get, patch, post
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from course.web.guards import change_cohorts, current_staff, login_required
from course.cohorts import services
from course.errors import InvalidInput, N_
from course.validation import MAX_ID
from course.web.forms import ICS, PathId, ics_download



class CohortCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    variant: str
    start_date: str
    weekdays: list[Any]
    start_time: str
    end_time: str
    location: str
    leader_ids: list[Any]
    capacity: Any = 12
    office_id: Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)] | None = None


@post("/cohorts", guards=[change_cohorts], status_code=HTTP_201_CREATED, summary="Create a cohort and its 8 sessions")
async def create_cohort(request: Request, data: JSONBody[CohortCreate]) -> services.CohortOut:
    return await services.create_cohort(current_staff(request), services.CohortInput(**msgspec.structs.asdict(data)))


@get("/cohorts", guards=[login_required], summary="Cohorts the caller may see")
async def list_cohorts(
    request: Request,
    from_: Annotated[str | None, QueryParameter(name="from")] = None,
    to: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
) -> list[services.CohortOut]:
    errors: dict[str, str] = {}
    start = services.parse_date(from_, errors, "from") if from_ else None
    end = services.parse_date(to, errors, "to") if to else None
    if status and status not in ("planned", "running", "finished", "cancelled"):
        errors["status"] = N_("Choose planned, running, finished or cancelled.")
    if errors:
        raise InvalidInput(errors)
    return await services.list_cohorts(current_staff(request), start, end, status)


@get("/cohorts/{cohort_id:int}", guards=[login_required])
async def get_cohort(request: Request, cohort_id: PathId) -> services.CohortOut:
    return await services.get_cohort(current_staff(request), cohort_id)


class SessionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    date: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    cancelled: bool | None = None


class CohortUpdate(msgspec.Struct, forbid_unknown_fields=True):
    cancelled: bool


class ClosureCreate(msgspec.Struct, forbid_unknown_fields=True):
    start_date: str
    end_date: str
    reason: str
    office_id: Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)] | None = None


@patch("/cohorts/{cohort_id:int}/sessions/{number:int}", guards=[change_cohorts], summary="Move or cancel a session")
async def change_session(
    request: Request, cohort_id: PathId, number: Annotated[int, PathParameter(ge=1, le=8)], data: JSONBody[SessionUpdate]
) -> services.CohortOut:
    change = services.SessionChange(**msgspec.structs.asdict(data))
    return await services.change_session(current_staff(request), cohort_id, number, change)


@patch("/cohorts/{cohort_id:int}", guards=[change_cohorts], summary="Cancel a cohort, or take the cancellation back")
async def update_cohort(request: Request, cohort_id: PathId, data: JSONBody[CohortUpdate]) -> services.CohortOut:
    return await services.set_cohort_cancelled(current_staff(request), cohort_id, data.cancelled)


@get("/closures", guards=[login_required], summary="Office closure periods")
async def list_closures(request: Request) -> list[services.ClosureOut]:
    return await services.list_closures(current_staff(request))


@post("/closures", guards=[change_cohorts], status_code=HTTP_201_CREATED)
async def add_closure(request: Request, data: JSONBody[ClosureCreate]) -> services.ClosureOut:
    return await services.add_closure(
        current_staff(request), data.start_date, data.end_date, data.reason, data.office_id
    )


@delete("/closures/{closure_id:int}", guards=[change_cohorts])
async def remove_closure(request: Request, closure_id: PathId) -> None:
    await services.remove_closure(current_staff(request), closure_id)


class TermPlan(CohortCreate, forbid_unknown_fields=True):
    count: Annotated[int, msgspec.Meta(ge=1, le=12)] = 4


class TermAccept(CohortCreate, forbid_unknown_fields=True):
    start_dates: list[str] = []


def _cohort_input(data: CohortCreate) -> services.CohortInput:
    fields = msgspec.structs.asdict(data)
    fields.pop("count", None)
    fields.pop("start_dates", None)
    return services.CohortInput(**fields)


@post("/cohorts/term-plan", guards=[change_cohorts], status_code=200,
      summary="Propose the next cohorts about every four weeks (nothing is saved)")
async def propose_term(request: Request, data: JSONBody[TermPlan]) -> list[services.Proposal]:
    return await services.propose_term(current_staff(request), _cohort_input(data), data.count)


@post("/cohorts/term-plan/accept", guards=[change_cohorts], status_code=HTTP_201_CREATED,
      summary="Create the proposed cohorts in one step")
async def accept_term(request: Request, data: JSONBody[TermAccept]) -> list[services.CohortOut]:
    return await services.accept_term(current_staff(request), _cohort_input(data), data.start_dates)


@get("/cohorts/{cohort_id:int}/calendar.ics", guards=[login_required], media_type=ICS,
     summary="The cohort's sessions as iCalendar")
async def cohort_calendar(request: Request, cohort_id: PathId) -> Response:
    return ics_download(await services.cohort_calendar(current_staff(request), cohort_id), cohort_id)


class FeedOut(msgspec.Struct):
    url: str


@post("/me/calendar-feed", guards=[login_required], status_code=HTTP_201_CREATED,
      summary="Create or rotate the caller's personal calendar feed URL")
async def rotate_feed(request: Request) -> FeedOut:
    token = await services.rotate_feed(current_staff(request))
    return FeedOut(url=f"{request.app.state.settings.base_url}/calendar/{token}.ics")


cohorts_api = Router(
    path="/",
    tags=["cohorts"],
    route_handlers=[
        create_cohort,
        list_cohorts,
        get_cohort,
        change_session,
        update_cohort,
        list_closures,
        add_closure,
        remove_closure,
        cohort_calendar,
        rotate_feed,
        propose_term,
        accept_term,
    ],
)

