"""Web pages for follow-ups at 3 and 6 months: the section on the enrolment page
(fetched into it with htmx, or as a page of its own without script) and its forms."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Template

from course import clock
from course.errors import N_, InvalidInput
from course.participants import enrolment as enrolment_service
from course.participants import follow_up_rules, follow_ups, rules
from course.web import flash
from course.web.forms import PathId, form_data, translated
from course.web.guards import current_staff, see_people

Point = Annotated[str, PathParameter(pattern="^(3m|6m)$")]


async def _page(
    request: Request,
    enrolment_id: int,
    errors: dict | None = None,
    values: dict | None = None,
    status: int = 200,
    point: str = "",
) -> Template:
    staff = current_staff(request)
    state = await follow_ups.follow_ups(staff, enrolment_id)
    fragment = request.headers.get("hx-request") == "true" and status == 200
    context: dict = {
        "state": state,
        "errors": errors or {},
        "values": values or {},
        "error_point": point,
        "points": follow_up_rules.POINTS,
        "point_labels": follow_up_rules.POINT_LABELS,
        "due_days": {p: follow_up_rules.due_day(state.cohort_end, p) for p in follow_up_rules.POINTS},
        "recorded": {f.point: f for f in state.follow_ups},
        "outcomes": rules.OUTCOME_LABELS,
        "outcome_groups": rules.OUTCOME_GROUPS,
        "today": clock.today(),
    }
    if fragment:
        return Template("participants/_follow_ups.html", context=context)
    enrolment, cohort = await enrolment_service.get_enrolment(staff, enrolment_id)
    return Template(
        "participants/follow_ups.html",
        context={**context, "enrolment": enrolment, "cohort": cohort},
        status_code=status,
    )


@get("/enrolments/{enrolment_id:int}/follow-ups", guards=[see_people], include_in_schema=False)
async def follow_up_page(request: Request, enrolment_id: PathId) -> Template:
    return await _page(request, enrolment_id)


@post("/enrolments/{enrolment_id:int}/follow-ups/{point:str}", guards=[see_people], include_in_schema=False)
async def save_follow_up(request: Request, enrolment_id: PathId, point: Point) -> Response:
    data = await form_data(request)
    try:
        await follow_ups.set_follow_up(
            current_staff(request),
            enrolment_id,
            point,
            data.get("kind", ""),
            data.get("date", ""),
            data.get("note", ""),
        )
    except InvalidInput as exc:
        errors = {f"fu-{point}-{key}": message for key, message in translated(exc).items()}
        return await _page(request, enrolment_id, errors, data, 422, point)
    return flash.redirect(request, f"/enrolments/{enrolment_id}#follow-ups", N_("The follow-up is saved."))


@post("/enrolments/{enrolment_id:int}/follow-ups/{point:str}/delete", guards=[see_people], include_in_schema=False)
async def remove_follow_up(request: Request, enrolment_id: PathId, point: Point) -> Response:
    await follow_ups.delete_follow_up(current_staff(request), enrolment_id, point)
    return flash.redirect(request, f"/enrolments/{enrolment_id}#follow-ups", N_("The follow-up is removed."))


route_handlers = [follow_up_page, save_follow_up, remove_follow_up]
