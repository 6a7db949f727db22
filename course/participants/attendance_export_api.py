"""JSON API for the attendance export (stipend documentation): per cohort or per
period, as JSON, CSV, XLSX or PDF. Leaders of the office and admins; each person in
an export gets an audit event."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, Router, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from course.accounts.schemas import Staff
from course.participants import attendance_export
from course.web.forms import PDF, QueryId, attachment
from course.web.guards import see_people
from course.web.i18n import gettext
from course.web.openapi import error_responses
from course.web.spreadsheets import EXCEL_DESCRIPTION, excel_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
From = Annotated[
    str | None,
    QueryParameter(name="from", description="First day of the period, YYYY-MM-DD (with `to`; at most a year)"),
]
To = Annotated[str | None, QueryParameter(description="Last day of the period, YYYY-MM-DD")]
Excel = Annotated[bool, QueryParameter(description=EXCEL_DESCRIPTION)]
CohortId = Annotated[QueryId, QueryParameter(description="One cohort (with from and to: its sessions in the period)")]
SUMMARY = (
    "Attendance per participant and session with totals and rate, for a cohort (cohort_id) or for every "
    "cohort with sessions in a period (from, to; at most a year)"
)


@get(
    "/attendance/export",
    guards=[see_people],
    summary=SUMMARY + " (each person in it audited)",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def export_json(
    staff: NamedDependency[Staff], cohort_id: CohortId = None, from_: From = None, to: To = None
) -> attendance_export.AttendanceExport:
    return await attendance_export.build(staff, cohort_id, from_, to, "json")


@get(
    "/attendance/export.csv",
    guards=[see_people],
    summary=SUMMARY
    + ", as CSV: one line per participant and session ("
    + ", ".join(attendance_export.CSV_COLUMNS)
    + "); with excel=true, CSV for Norwegian Excel",
    responses=error_responses(400, 401, 403, 404, 422),
    media_type=CSV,
)
async def export_csv(
    staff: NamedDependency[Staff],
    cohort_id: CohortId = None,
    from_: From = None,
    to: To = None,
    excel: Excel = False,
) -> Response:
    export = await attendance_export.build(staff, cohort_id, from_, to, "csv")
    if excel:
        table = attendance_export.to_excel_csv(export, gettext)
        return attachment(table, CSV, excel_name(attendance_export.file_name(export, "csv")))
    return attachment(attendance_export.to_csv(export), CSV, attendance_export.file_name(export, "csv"))


@get(
    "/attendance/export.xlsx",
    guards=[see_people],
    summary=SUMMARY + ", as a workbook with a sheet per cohort",
    responses=error_responses(400, 401, 403, 404, 422),
    media_type=XLSX,
)
async def export_xlsx(
    staff: NamedDependency[Staff], cohort_id: CohortId = None, from_: From = None, to: To = None
) -> Response:
    export = await attendance_export.build(staff, cohort_id, from_, to, "xlsx")
    return attachment(attendance_export.to_xlsx(export, gettext), XLSX, attendance_export.file_name(export, "xlsx"))


@get(
    "/attendance/export.pdf",
    guards=[see_people],
    summary=SUMMARY + ", as a PDF with a table per cohort and a line for the course leader's signature",
    responses=error_responses(400, 401, 403, 404, 422),
    media_type=PDF,
)
async def export_pdf(
    staff: NamedDependency[Staff], cohort_id: CohortId = None, from_: From = None, to: To = None
) -> Response:
    export = await attendance_export.build(staff, cohort_id, from_, to, "pdf")
    return attachment(await attendance_export.to_pdf(export), PDF, attendance_export.file_name(export, "pdf"))


attendance_export_api = Router(
    path="/", tags=["attendance export"], route_handlers=[export_json, export_csv, export_xlsx, export_pdf]
)
