"""JSON API for guidance talks, the leaders' availability and the talk planner."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Router, delete, get, patch, post, put
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from course.web.guards import current_staff
from course.guidance import services
from course.web.guards import see_people
from course.web.forms import PathId, client_address


class TalkCreate(msgspec.Struct, forbid_unknown_fields=True):
    participant_id: Any
    leader_id: Any
    date: str
    start_time: str
    end_time: str
    location: str | None = None


class TalkUpdate(msgspec.Struct, forbid_unknown_fields=True):
    date: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    leader_id: Any = None
    location: str | None = None
    status: str | None = None
    note: str | None = None


class WeeklyWindow(msgspec.Struct, forbid_unknown_fields=True):
    weekday: Any
    start_time: Any
    end_time: Any


class WeeklySet(msgspec.Struct, forbid_unknown_fields=True):
    weekly: list[WeeklyWindow]


class ExceptionCreate(msgspec.Struct, forbid_unknown_fields=True):
    date: str
    start_time: str | None = None
    end_time: str | None = None
    available: bool = False
    reason: str = ""


class PlanRequest(msgspec.Struct, forbid_unknown_fields=True):
    length_minutes: Any = 45


class PlannedTalk(msgspec.Struct, forbid_unknown_fields=True):
    participant_id: Any
    leader_id: Any
    date: Any
    start_time: Any
    end_time: Any


class PlanAccept(msgspec.Struct, forbid_unknown_fields=True):
    talks: list[PlannedTalk]


@get("/cohorts/{cohort_id:int}/talks", guards=[see_people], summary="The cohort's guidance talks (notes left out)")
async def list_talks(request: Request, cohort_id: PathId) -> list[services.TalkOut]:
    return await services.list_talks(current_staff(request), cohort_id)


@post("/cohorts/{cohort_id:int}/talks", guards=[see_people], status_code=HTTP_201_CREATED,
      summary="Book a guidance talk")
async def book_talk(request: Request, cohort_id: PathId, data: JSONBody[TalkCreate]) -> services.TalkOut:
    return await services.book_talk(current_staff(request), cohort_id,
                                    services.TalkInput(**msgspec.structs.asdict(data)))


@get("/talks/{talk_id:int}", guards=[see_people],
     summary="One talk; the private note only for the cohort's leaders and the primary contact (the read is audited)")
async def get_talk(request: Request, talk_id: PathId) -> services.TalkOut:
    return await services.get_talk(current_staff(request), talk_id, client_address(request))


@patch("/talks/{talk_id:int}", guards=[see_people],
       summary="Move, reassign, cancel, mark held or no-show, or write the note")
async def change_talk(request: Request, talk_id: PathId, data: JSONBody[TalkUpdate]) -> services.TalkOut:
    return await services.change_talk(current_staff(request), talk_id,
                                      services.TalkChange(**msgspec.structs.asdict(data)))


@post("/cohorts/{cohort_id:int}/talk-plan", guards=[see_people], status_code=200,
      summary="Propose the cohort's talks (nothing is saved)")
async def propose(request: Request, cohort_id: PathId, data: JSONBody[PlanRequest | None] = None) -> services.TalkProposal:
    return await services.propose_talks(current_staff(request), cohort_id, data.length_minutes if data else 45)


@post("/cohorts/{cohort_id:int}/talk-plan/accept", guards=[see_people], status_code=HTTP_201_CREATED,
      summary="Book the proposed talks in one step: all or none")
async def accept(request: Request, cohort_id: PathId, data: JSONBody[PlanAccept]) -> list[services.TalkOut]:
    return await services.accept_talks(current_staff(request), cohort_id,
                                       [msgspec.structs.asdict(t) for t in data.talks])


@get("/me/availability", guards=[see_people], summary="The caller's weekly windows for talks and exceptions")
async def get_availability(request: Request) -> services.AvailabilityOut:
    return await services.get_availability(current_staff(request))


@put("/me/availability", guards=[see_people], summary="Replace the caller's weekly windows for talks")
async def set_weekly(request: Request, data: JSONBody[WeeklySet]) -> services.AvailabilityOut:
    return await services.set_weekly(current_staff(request), [msgspec.structs.asdict(w) for w in data.weekly])


@post("/me/availability/exceptions", guards=[see_people], status_code=HTTP_201_CREATED,
      summary="A day away (whole or part), or extra time for talks")
async def add_exception(request: Request, data: JSONBody[ExceptionCreate]) -> services.AvailabilityOut:
    return await services.add_exception(current_staff(request), data.date, data.start_time, data.end_time,
                                        data.available, data.reason)


@delete("/me/availability/exceptions/{exception_id:int}", guards=[see_people])
async def remove_exception(request: Request, exception_id: PathId) -> None:
    await services.remove_exception(current_staff(request), exception_id)


guidance_api = Router(
    path="/",
    tags=["guidance talks"],
    route_handlers=[list_talks, book_talk, get_talk, change_talk, propose, accept, get_availability, set_weekly,
                    add_exception, remove_exception],
)
