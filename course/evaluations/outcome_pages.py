"""The outcome report's page, beside the evaluation report, and its files: CSV, XLSX
and a one-page PDF with the evaluation figures for the same selection."""

from __future__ import annotations

import dataclasses
from typing import Annotated
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from course import clock, pdf
from course.accounts import services as accounts
from course.accounts.schemas import Role
from course.errors import N_, InvalidInput
from course.evaluations import charts, outcome_charts, outcome_exports, outcome_report, reporting, reports, views
from course.evaluations.outcome_reporting import OutcomeReport, outcome_report_for
from course.participants.rules import OUTCOME_GROUPS, OUTCOME_LABELS
from course.web.forms import QueryId, attachment, translated
from course.web.guards import current_staff, login_required
from course.web.i18n import gettext as _
from course.web.layout import environment
from course.web.spreadsheets import excel_name

POINT_LABELS = {**outcome_report.POINT_LABELS, **outcome_report.CATEGORY_POINT_LABELS}
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _kind_labels() -> dict[str, str]:
    return {**{k: _(v) for k, v in OUTCOME_LABELS.items()}, outcome_report.NONE: _(outcome_report.KIND_LABEL_NONE)}


def _category_labels() -> dict[str, str]:
    return {k: _(v) for k, v in outcome_report.CATEGORY_LABELS.items()}


def _point_labels() -> dict[str, str]:
    return {k: _(v) for k, v in POINT_LABELS.items()}


def _charts(report: OutcomeReport) -> dict:
    """(caption, chart): a bar chart of the outcomes at each point (the counts shown,
    and one line for the hidden ones), and of the categories at the start and the end."""
    kinds, categories, points = _kind_labels(), _category_labels(), _point_labels()
    hidden = _("hidden")

    def total(n: int) -> str:
        return _("%(count)s participants") % {"count": n}

    def rows(d, labels: dict[str, str]) -> list[tuple[str, int | None]]:
        # The counts shown, and one line for those hidden (what the total less the shown gives anyway).
        shown = [(labels[c.key], c.count) for c in d.counts if c.count]
        return shown + ([(_("Others"), None)] if d.suppressed else [])

    outcomes = [
        (
            points[d.point],
            outcome_charts.bars(
                rows(d, kinds),
                _("Outcomes: %(point)s") % {"point": points[d.point].lower()},
                hidden,
                total(d.total),
            ),
        )
        for d in report.outcomes
        if d.total
    ]
    cats = [
        (
            points[d.point],
            outcome_charts.bars(
                rows(d, categories),
                _("Follow-up category: %(point)s") % {"point": points[d.point].lower()},
                hidden,
                total(d.total),
            ),
        )
        for d in report.categories
        if d.total
    ]
    return {"outcome_charts": outcomes, "category_charts": cats}


def _filter(office_id, variant, leader_id, from_, to, quarter) -> reporting.ReportFilter:
    return reporting.ReportFilter(
        office_id=office_id,
        variant=variant or None,
        leader_id=leader_id,
        start=from_ or None,
        end=to or None,
        quarter=quarter or None,
    )


async def _filter_choices(request: Request) -> dict:
    """(value, text) options for the office and leader lists, as the evaluation report has them."""
    staff = current_staff(request)
    offices = await accounts.list_offices(staff) if staff.role is Role.admin else []
    leaders = [u for u in await accounts.list_users(staff) if u.role is Role.leader and u.active]
    return {"offices": [(o.id, o.name) for o in offices], "leaders": [(u.id, u.name) for u in leaders]}


def _context(report: OutcomeReport) -> dict:
    return {
        "report": report,
        "kind_labels": _kind_labels(),
        "category_labels": _category_labels(),
        "point_labels": _point_labels(),
        "outcome_groups": OUTCOME_GROUPS,
        **_charts(report),
    }


async def _page(request: Request, office_id, variant, leader_id, from_, to, quarter) -> Template:
    values = {
        "office_id": office_id or "",
        "variant": variant,
        "leader_id": leader_id or "",
        "from": from_,
        "to": to,
        "quarter": quarter,
    }
    errors: dict = {}
    context: dict = {"report": None}
    try:
        report = await outcome_report_for(
            current_staff(request), _filter(office_id, variant, leader_id, from_, to, quarter)
        )
        context = _context(report)
        if not (from_ or to or quarter) and report.start:
            values["from"] = report.start.isoformat()  # the default period, shown in its field
    except InvalidInput as exc:
        errors = translated(exc)
    return Template(
        "evaluations/outcomes.html",
        status_code=422 if errors else 200,
        context={
            **context,
            "values": values,
            "errors": errors,
            "query": urlencode({k: v for k, v in values.items() if v}),
            **await _filter_choices(request),
        },
    )


@get("/reports/outcomes", guards=[login_required], include_in_schema=False)
async def outcome_page(
    request: Request,
    office_id: QueryId = None,
    variant: FromQuery[str] = "",
    leader_id: QueryId = None,
    from_: Annotated[str, QueryParameter(name="from")] = "",
    to: FromQuery[str] = "",
    quarter: FromQuery[str] = "",
) -> Template:
    return await _page(request, office_id, variant, leader_id, from_, to, quarter)


def _title(report: OutcomeReport) -> str:
    return views.period_title(
        report.start,
        report.end,
        N_("Outcomes %(start)s–%(end)s"),
        N_("Outcomes from %(start)s"),
        N_("Outcomes until %(end)s"),
        N_("Outcomes, all periods"),
    )


def _file_name(report: OutcomeReport, ext: str) -> str:
    period = f"-{report.start or ''}_{report.end or ''}" if report.start or report.end else ""
    return f"resultater{period}.{ext}"


def _evaluation_words() -> charts.Words:
    return charts.Words(
        target=_("target %(value)s"),
        below=_("below target"),
        mean=_("mean %(value)s"),
        too_few=_("too few answers"),
        answers=_("%(count)s answers"),
    )


@get([f"/reports/outcomes.{ext}" for ext in MEDIA_TYPES], guards=[login_required], include_in_schema=False)
async def outcome_file(
    request: Request,
    office_id: QueryId = None,
    variant: FromQuery[str] = "",
    leader_id: QueryId = None,
    from_: Annotated[str, QueryParameter(name="from")] = "",
    to: FromQuery[str] = "",
    quarter: FromQuery[str] = "",
    excel: FromQuery[bool] = False,
) -> Response:
    """The report as CSV (``?excel=1``: CSV for Norwegian Excel), as a workbook, or as
    one page (PDF) with the evaluation figures for the same selection. A bad filter
    shows the page, which names the field."""
    staff = current_staff(request)
    ext = request.url.path.rsplit(".", 1)[1]
    flt = _filter(office_id, variant, leader_id, from_, to, quarter)
    try:
        report = await outcome_report_for(staff, flt)
    except InvalidInput:
        return await _page(request, office_id, variant, leader_id, from_, to, quarter)
    if ext == "csv" and excel:
        table = outcome_exports.to_excel_csv(report, _, _kind_labels(), _category_labels(), _point_labels())
        return attachment(table, MEDIA_TYPES[ext], excel_name(_file_name(report, ext)))
    if ext == "csv":
        body: bytes | str = outcome_exports.to_csv(report)
    elif ext == "xlsx":
        author = None
        if office_id or staff.role is not Role.admin:
            author = (await accounts.get_office(staff, office_id or staff.office_id)).name
        body = outcome_exports.to_xlsx(
            report, _, _kind_labels(), _category_labels(), _point_labels(), _title(report), author
        )
    else:
        # The evaluation figures for the same cohorts: the period the report used.
        same = dataclasses.replace(flt, start=report.start.isoformat() if report.start else None)
        evaluation = await reporting.evaluation_report(staff, same)
        area_labels = {area: _(label) for area, label in reports.AREA_LABELS.items()}
        means = None
        if not evaluation.figures.suppressed:
            means = charts.area_means(
                evaluation.figures.areas, area_labels, _evaluation_words(), _("Mean per area against the target")
            )
        office = None
        if office_id or staff.role is not Role.admin:
            office = await accounts.get_office(staff, office_id or staff.office_id)
        html = (
            environment()
            .get_template("pdf/outcome_report.html")
            .render(
                **_context(report),
                evaluation=evaluation,
                evaluation_means=means,
                area_labels=area_labels,
                title=_title(report),
                office=office,
                variant=variant,
                leader_scope=staff.role is Role.leader,
                made=clock.today(),
                made_by=staff.name,
            )
        )
        body = await pdf.render(html)
    return attachment(body, MEDIA_TYPES[ext], _file_name(report, ext))


route_handlers = [outcome_page, outcome_file]
