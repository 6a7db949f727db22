"""JSON API for reflection tasks (refleksjonsoppgaver): an office's task per module,
and on an enrolment or a cohort who has answered them. Answers' texts go only to the
cohort's leaders and the participant's primary contact (each read audited)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, delete, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from course.accounts.schemas import Staff
from course.cohorts.schedule import MODULES
from course.participants import reflection
from course.web.forms import PathId, QueryId
from course.web.guards import login_required, see_people
from course.web.openapi import Id, error_responses

Module = Annotated[int, PathParameter(ge=1, le=len(MODULES), description=f"The module, 1 to {len(MODULES)}")]


class TaskUpdate(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[
        str,
        msgspec.Meta(
            description=f"The task, 1 to {reflection.MAX_TASK} characters (line breaks kept)",
            examples=["Skriv ned tre ting du har fått til. Hva var det ved deg som gjorde at du klarte det?"],
        ),
    ]
    office_id: (
        Annotated[Id, msgspec.Meta(description="Admins only: the office whose task it is (others: their own)")] | None
    ) = None


@get(
    "/reflection-tasks",
    guards=[login_required],
    summary="The office's reflection task for each module (the default suggestion where none is saved); "
    "admins name any office with office_id",
    responses=error_responses(400, 401, 404),
)
async def list_tasks(staff: NamedDependency[Staff], office_id: QueryId = None) -> reflection.TasksOut:
    return await reflection.list_tasks(staff, office_id)


@get(
    "/reflection-tasks/{module:int}",
    guards=[login_required],
    summary="One module's reflection task at the office",
    responses=error_responses(400, 401, 404),
)
async def get_task(staff: NamedDependency[Staff], module: Module, office_id: QueryId = None) -> reflection.TaskOut:
    return await reflection.get_task(staff, module, office_id)


@put(
    "/reflection-tasks/{module:int}",
    guards=[see_people],
    summary="Save the office's reflection task for a module (leaders their office, admins any)",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def set_task(staff: NamedDependency[Staff], module: Module, data: JSONBody[TaskUpdate]) -> reflection.TaskOut:
    return await reflection.set_task(staff, module, data.text, data.office_id)


@delete(
    "/reflection-tasks/{module:int}",
    guards=[see_people],
    status_code=200,
    summary="Drop the office's own text for a module, so the participants see the suggested task again",
    responses=error_responses(400, 401, 403, 404),
)
async def reset_task(staff: NamedDependency[Staff], module: Module, office_id: QueryId = None) -> reflection.TaskOut:
    return await reflection.reset_task(staff, module, office_id)


@get(
    "/enrolments/{enrolment_id:int}/reflections",
    guards=[see_people],
    summary="The enrolment's reflection tasks: each module's task, when it opened and whether it is answered; "
    "the answer's text only for the cohort's leaders and the primary contact (each read audited)",
    responses=error_responses(400, 401, 403, 404),
)
async def enrolment_reflections(staff: NamedDependency[Staff], enrolment_id: PathId) -> reflection.EnrolmentReflections:
    return await reflection.enrolment_reflections(staff, enrolment_id)


@get(
    "/cohorts/{cohort_id:int}/reflections",
    guards=[see_people],
    summary="Who on the cohort has answered each module's reflection task: counts and modules answered, no text",
    responses=error_responses(400, 401, 403, 404),
)
async def cohort_reflections(staff: NamedDependency[Staff], cohort_id: PathId) -> reflection.CohortReflections:
    return await reflection.cohort_reflections(staff, cohort_id)


reflection_api = Router(
    path="/",
    tags=["reflection tasks"],
    route_handlers=[list_tasks, get_task, set_task, reset_task, enrolment_reflections, cohort_reflections],
)
