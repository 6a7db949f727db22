"""Web pages for the attendance export: a form for a cohort or a period, and the
downloads (CSV, XLSX, PDF) that the cohort page's buttons and the form link to."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from course import clock, paging
from course.cohorts import services as cohorts
from course.errors import N_, InvalidInput
from course.participants import attendance_export
from course.web.forms import PDF, attachment, translated
from course.web.guards import current_staff, see_people
from course.web.i18n import gettext
from course.web.spreadsheets import excel_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
From = Annotated[str, QueryParameter(name="from", max_length=40)]
Text = Annotated[str, QueryParameter(max_length=40)]


def _cohort_id(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


async def _form(request: Request, values: dict, errors: dict | None = None, status: int = 200) -> Template:
    staff = current_staff(request)
    # The cohorts of the office that have begun, the newest first: the latest 200 (older
    # ones by period, below). Cohorts still to start have no attendance to export.
    today = clock.today()
    begun = await cohorts.list_cohorts(
        staff, end=today, status="finished", page=paging.PageRequest(limit=paging.MAX_LIMIT)
    )
    running = await cohorts.list_cohorts(staff, status="running", page=paging.PageRequest(limit=paging.MAX_LIMIT))
    options = sorted(running.items, key=lambda c: c.start_date, reverse=True) + begun.items
    return Template(
        "participants/attendance_export.html",
        context={"values": values, "errors": errors or {}, "cohorts": options, "max_days": attendance_export.MAX_DAYS},
        status_code=status,
    )


@get("/attendance/export", guards=[see_people], include_in_schema=False)
async def export_form(request: Request, cohort_id: Text = "", from_: From = "", to: Text = "") -> Template:
    first, last = attendance_export.default_period(clock.today())
    values = {"cohort_id": cohort_id, "from": from_ or first.isoformat(), "to": to or last.isoformat()}
    return await _form(request, values)


def _download(ext: str):
    media = {"csv": CSV, "xlsx": XLSX, "pdf": PDF}[ext]

    @get(f"/attendance/export.{ext}", guards=[see_people], include_in_schema=False, name=f"attendance_{ext}")
    async def download(
        request: Request,
        cohort_id: Text = "",
        from_: From = "",
        to: Text = "",
        period: FromQuery[str] = "",
        excel: FromQuery[bool] = False,
    ) -> Response:
        """The form's buttons: a cohort (``cohort_id``), or with ``period=1`` the period
        (``from``, ``to``); the cohort page's buttons name the cohort. CSV with
        ``excel=1`` is CSV for Norwegian Excel."""
        values = {"cohort_id": cohort_id, "from": from_, "to": to, "period": period}
        chosen, start, end = None, from_ or None, to or None
        if not period:
            chosen, start, end = _cohort_id(cohort_id), None, None
            if chosen is None:
                return await _form(request, values, translated({"cohort_id": N_("Choose a cohort.")}), 422)
        try:
            export = await attendance_export.build(current_staff(request), chosen, start, end, ext)
        except InvalidInput as exc:
            return await _form(request, values, translated(exc), 422)
        if ext == "csv" and excel:
            table = attendance_export.to_excel_csv(export, gettext)
            return attachment(table, media, excel_name(attendance_export.file_name(export, ext)))
        if ext == "csv":
            body: bytes | str = attendance_export.to_csv(export)
        elif ext == "xlsx":
            body = attendance_export.to_xlsx(export, gettext)
        else:
            body = await attendance_export.to_pdf(export)
        return attachment(body, media, attendance_export.file_name(export, ext))

    return download


route_handlers = [export_form, *(_download(ext) for ext in ("csv", "xlsx", "pdf"))]
