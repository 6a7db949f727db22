"""Web pages for the way in: a participant's path with a form for each step, and
the way-in report (with its CSV). The participant page shows the path too; its
form posts here."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from course import clock
from course.accounts import services as accounts
from course.accounts.schemas import Role
from course.errors import N_, InvalidInput
from course.participants import path, path_rules, services, way_in_export
from course.web import flash
from course.web.forms import PathId, QueryId, attachment, form_data, translated
from course.web.guards import current_staff, login_required, see_people
from course.web.i18n import gettext as _

# The fields each step's form posts, named as the API's errors name them.
FIELDS = {
    "referred": ("date", "by"),
    "hu": ("date", "decision", "note"),
    "intake": ("date", "by_id"),
    "info_meeting": ("date",),
}


async def _path_page(request: Request, participant_id: int, errors: dict | None = None, values=None, status=200):
    staff = current_staff(request)
    person = await services.get_participant(staff, participant_id)
    way = await path.open_path(staff, participant_id) if status == 200 else person.path
    return Template(
        "participants/path.html",
        context={
            "person": person,
            "path": way,
            "errors": errors or {},
            "values": values or {},
            "staff_options": await path.intake_staff(staff, participant_id),
            "today": clock.today(),
        },
        status_code=status,
    )


@get("/participants/{participant_id:int}/path", guards=[see_people], include_in_schema=False)
async def path_page(request: Request, participant_id: PathId) -> Template:
    return await _path_page(request, participant_id)


@post("/participants/{participant_id:int}/path", guards=[see_people], include_in_schema=False)
async def record_step(request: Request, participant_id: PathId) -> Response:
    """One step's form: ``step`` names it, ``action`` is save (the default) or clear."""
    data = await form_data(request)
    step = data.get("step", "")
    if step not in FIELDS:
        return await _path_page(request, participant_id, translated({"step": N_("Unknown step.")}), data, 422)
    fields = None if data.get("action") == "clear" else {f: data.get(f"{step}.{f}", "") for f in FIELDS[step]}
    try:
        await path.change_path(current_staff(request), participant_id, {step: fields})
    except InvalidInput as exc:
        return await _path_page(request, participant_id, translated(exc), data, 422)
    if data.get("back") == "participant":
        return flash.redirect(request, f"/participants/{participant_id}#path", N_("The way in is saved."))
    return flash.redirect(request, f"/participants/{participant_id}/path", N_("The way in is saved."))


# --- the report -------------------------------------------------------------------------------

From = Annotated[str, QueryParameter(name="from")]


@get("/reports/way-in", guards=[login_required], include_in_schema=False)
async def way_in_page(
    request: Request, office_id: QueryId = None, from_: From = "", to: FromQuery[str] = ""
) -> Template:
    return await _report_page(request, office_id, from_, to)


async def _report_page(request: Request, office_id: int | None, from_: str, to: str) -> Template:
    staff = current_staff(request)
    values = {"office_id": office_id or "", "from": from_, "to": to}
    errors: dict = {}
    report = None
    try:
        report = await path.way_in_report(staff, office_id, from_ or None, to or None)
    except InvalidInput as exc:
        errors = translated(exc)
    offices = await accounts.list_offices(staff) if staff.role is Role.admin else []
    return Template(
        "participants/way_in.html",
        status_code=422 if errors else 200,
        context={
            "report": report,
            "values": values,
            "errors": errors,
            "query": urlencode({k: v for k, v in values.items() if v}),
            "offices": [(o.id, o.name) for o in offices],
            "step_labels": path_rules.STEP_LABELS,
            "decision_labels": path_rules.DECISION_LABELS,
        },
    )


@get("/reports/way-in.csv", guards=[login_required], include_in_schema=False)
async def way_in_csv(
    request: Request,
    office_id: QueryId = None,
    from_: From = "",
    to: FromQuery[str] = "",
    excel: FromQuery[bool] = False,
) -> Response:
    """The figures as CSV; with ``excel=1`` as CSV for Norwegian Excel."""
    try:
        report = await path.way_in_report(current_staff(request), office_id, from_ or None, to or None)
    except InvalidInput:
        return await _report_page(request, office_id, from_, to)
    if excel:
        return attachment(way_in_export.to_excel_csv(report, _), "text/csv", way_in_export.file_name(report))
    return attachment(path.report_csv(report), "text/csv", f"veien-inn-{report.start}_{report.end}.csv")


route_handlers = [path_page, record_step, way_in_page, way_in_csv]
