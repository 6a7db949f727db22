"""Web pages for reflection tasks: the office's task per module (leaders change them,
managers read them), who on a cohort has answered, and one enrolment's tasks with the
answers for the cohort's leaders and the primary contact. The participant answers on
their own page (course/portal)."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get, post
from litestar.params import FromQuery, PathParameter
from litestar.response import Redirect, Template

from course.accounts import services as accounts
from course.accounts.schemas import Role
from course.cohorts.schedule import MODULES
from course.errors import Conflict, InvalidInput
from course.participants import reflection
from course.web.forms import PathId, QueryId, form_data, translated
from course.web.guards import current_staff, login_required, see_people
from course.web.i18n import gettext

Module = Annotated[int, PathParameter(ge=1, le=len(MODULES))]


async def _tasks_page(
    request: Request, office_id: int | None, errors: dict | None = None, values: dict | None = None, status=200
) -> Template:
    staff = current_staff(request)
    tasks = await reflection.list_tasks(staff, office_id)
    return Template(
        "participants/reflection_tasks.html",
        context={
            "tasks": tasks,
            "errors": errors or {},
            "values": values or {},
            "offices": await accounts.list_offices(staff) if staff.role is Role.admin else [],
            "max_task": reflection.MAX_TASK,
        },
        status_code=status,
    )


@get("/reflection-tasks", guards=[login_required], include_in_schema=False)
async def tasks_page(request: Request, office_id: QueryId = None, saved: FromQuery[int | None] = None) -> Template:
    page = await _tasks_page(request, office_id)
    page.context["saved"] = saved
    return page


@post("/reflection-tasks/{module:int}", guards=[see_people], include_in_schema=False)
async def save_task(request: Request, module: Module) -> Response:
    data = await form_data(request)
    office_id = reflection_office(data.get("office_id"))
    try:
        task = await reflection.set_task(current_staff(request), module, data.get("text", ""), office_id)
    except InvalidInput as exc:
        errors = {f"text-{module}": m for m in translated(exc).values()}
        return await _tasks_page(request, office_id, errors, {module: data.get("text", "")}, 422)
    except Conflict as exc:
        return await _tasks_page(
            request, office_id, {f"text-{module}": exc.text(gettext)}, {module: data.get("text", "")}, 409
        )
    query = f"office_id={office_id}&" if office_id else ""
    return Redirect(path=f"/reflection-tasks?{query}saved={task.module}#module-{task.module}")


@post("/reflection-tasks/{module:int}/suggestion", guards=[see_people], include_in_schema=False)
async def use_suggestion(request: Request, module: Module) -> Response:
    data = await form_data(request)
    office_id = reflection_office(data.get("office_id"))
    task = await reflection.reset_task(current_staff(request), module, office_id)
    query = f"office_id={office_id}&" if office_id else ""
    return Redirect(path=f"/reflection-tasks?{query}saved={task.module}#module-{task.module}")


def reflection_office(value: str | None) -> int | None:
    """The office a form names (admins), or None for the caller's own."""
    return int(value) if value and value.isdigit() and 0 < int(value) < 2**31 else None


@get("/cohorts/{cohort_id:int}/reflections", guards=[see_people], include_in_schema=False)
async def cohort_page(request: Request, cohort_id: PathId) -> Template:
    overview = await reflection.cohort_reflections(current_staff(request), cohort_id)
    return Template("participants/reflection_cohort.html", context={"overview": overview})


@get("/enrolments/{enrolment_id:int}/reflections", guards=[see_people], include_in_schema=False)
async def enrolment_page(request: Request, enrolment_id: PathId) -> Template:
    reflections = await reflection.enrolment_reflections(current_staff(request), enrolment_id)
    return Template("participants/reflection_enrolment.html", context={"r": reflections})


route_handlers = [tasks_page, save_task, use_suggestion, cohort_page, enrolment_page]
