"""Evaluation pages: the form a participant opens from a slip or from their own
page (no login), the leader's page (open, slips with QR codes, paper forms,
comment review), and the reports with charts and exports."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import FromQuery, PathParameter, QueryParameter
from litestar.response import Redirect, Template
from markupsafe import Markup

from course import clock, pdf
from course.accounts import services as accounts
from course.accounts.schemas import Role
from course.cohorts import services as cohorts
from course.errors import N_, Closed, Conflict, InvalidInput
from course.evaluations import charts, exports, reporting, reports, services, views
from course.validation import as_id
from course.web import flash, links
from course.web.forms import PathId, QueryId, Token, attachment, client_address, form_data, translated
from course.web.guards import current_staff, login_required, see_people
from course.web.i18n import gettext as _
from course.web.layout import environment
from course.web.links import absolute_url
from course.web.spreadsheets import excel_name

# --- the participant's form ---------------------------------------------------------------

THANKS = "/evaluation/thanks"


@get("/e/{token:str}", include_in_schema=False)
async def evaluation_form(request: Request, token: Token) -> Response:
    try:
        if await services.link_state(token, client_address(request)) == "used":
            return views.answered()
    except Closed:
        return views.closed()
    return views.page(f"/e/{token}", {}, {})


@post("/e/{token:str}", include_in_schema=False)
async def evaluation_submit(request: Request, token: Token) -> Response:
    data = await form_data(request)
    try:
        await services.answer(token, *views.form_values(data), client_address(request))
    except InvalidInput as exc:
        return views.page(f"/e/{token}", data, views.form_errors(exc), 422)
    except Conflict as exc:
        return views.refused(exc)
    except Closed:
        return views.closed()
    # Post/redirect/get: Back or a reload does not offer to send the answer again, and the
    # thank-you's address carries no token and says nothing of the answer.
    return Redirect(path=THANKS, status_code=303)


@get(THANKS, include_in_schema=False)
async def evaluation_thanks() -> Template:
    return views.thanks()


# --- the leader's page --------------------------------------------------------------------------


def qr_svg(url: str, name: str) -> Markup:
    """A QR code for the link, drawn as inline SVG (segno, no network)."""
    title = _("QR code for %(name)s's evaluation") % {"name": name} if name else _("QR code for the evaluation")
    return links.qr_svg(url, title)


async def _cohort_report(request: Request, cohort, state: services.Status) -> reporting.Report | None:
    """The cohort's own figures, for its leaders, once the evaluation has closed with
    three answers or more (with fewer the cohort counts nowhere, so its report would
    say 0 answers)."""
    staff = current_staff(request)
    if not services.may_review(staff, cohort) or state.closed_at is None or state.answered < reports.MIN_ANSWERS:
        return None
    return await reporting.evaluation_report(staff, reporting.ReportFilter(cohort_id=cohort.id))


async def _leader_page(
    request: Request, cohort_id: int, errors: dict | None = None, status: int = 200, **extra
) -> Template:
    staff = current_staff(request)
    state = await services.evaluation_status(staff, cohort_id)
    cohort = await cohorts.get_cohort(staff, cohort_id)
    report = await _cohort_report(request, cohort, state)
    return Template(
        "evaluations/leader.html",
        status_code=status,
        context={
            "cohort": cohort,
            "state": state,
            "report": report,
            "errors": errors or {},
            "values": extra.pop("values", {}),
            "may_review": services.may_review(staff, cohort),
            **_chart_context(report),
            "participant_options": [("", _("Anonymous slip")), *((p.id, p.name) for p in state.participants)],
            **extra,
        },
    )


@get("/cohorts/{cohort_id:int}/evaluation", guards=[see_people], include_in_schema=False)
async def leader_page(request: Request, cohort_id: PathId) -> Template:
    return await _leader_page(request, cohort_id)


def _slips(request: Request, links: list[services.LinkOut]) -> list[dict]:
    slips = []
    for link in links:
        name, url = link.participant.name if link.participant else "", absolute_url(request, f"/e/{link.token}")
        slips.append({"name": name, "url": url, "own_page": link.on_own_page, "qr": qr_svg(url, name)})
    return slips


@post("/cohorts/{cohort_id:int}/evaluation", guards=[see_people], include_in_schema=False)
async def open_evaluation(request: Request, cohort_id: PathId) -> Template:
    """The links are shown once, on this answer, as slips to print or show."""
    data = await form_data(request)
    staff = current_staff(request)
    try:
        opened = await services.open_evaluation(staff, cohort_id, named=data.get("named") == "1")
    except InvalidInput as exc:
        return await _leader_page(request, cohort_id, translated(exc), 422)
    except Conflict as exc:
        return await _leader_page(request, cohort_id, {"cohort": exc.text(_)}, 409)
    cohort = await cohorts.get_cohort(staff, cohort_id)
    return Template(
        "evaluations/slips.html",
        context={"cohort": cohort, "slips": _slips(request, opened.links), "named": data.get("named") == "1"},
    )


@post("/cohorts/{cohort_id:int}/evaluation/slips", guards=[see_people], include_in_schema=False)
async def extra_slip(request: Request, cohort_id: PathId) -> Template:
    data = await form_data(request)
    staff = current_staff(request)
    try:
        link = await services.extra_slip(
            staff, cohort_id, as_id(data.get("participant_id")) if data.get("participant_id") else None
        )
    except InvalidInput as exc:
        return await _leader_page(request, cohort_id, translated(exc), 422, values=data)
    except Conflict as exc:
        return await _leader_page(request, cohort_id, {"cohort": exc.text(_)}, 409)
    cohort = await cohorts.get_cohort(staff, cohort_id)
    return Template(
        "evaluations/slips.html",
        context={
            "cohort": cohort,
            "slips": _slips(request, [link]),
            "named": link.participant is not None,
            "extra": True,
        },
    )


@post("/cohorts/{cohort_id:int}/evaluation/change", guards=[see_people], include_in_schema=False)
async def change_evaluation(request: Request, cohort_id: PathId) -> Response:
    """Move the closing day, or close now."""
    data = await form_data(request)
    try:
        await services.change_evaluation(
            current_staff(request),
            cohort_id,
            data.get("closes_on") or None,
            True if data.get("closed") == "1" else None,
        )
    except InvalidInput as exc:
        return await _leader_page(request, cohort_id, translated(exc), 422, values=data)
    except Conflict as exc:
        return await _leader_page(request, cohort_id, {exc.field or "closed": exc.text(_)}, 409)
    done = N_("The evaluation is closed.") if data.get("closed") == "1" else N_("The closing day is moved.")
    return flash.redirect(request, f"/cohorts/{cohort_id}/evaluation", done)


@get("/cohorts/{cohort_id:int}/evaluation/paper", guards=[see_people], include_in_schema=False)
async def paper_form(request: Request, cohort_id: PathId) -> Template:
    return await _paper(request, cohort_id, {}, {})


async def _paper(
    request: Request, cohort_id: int, values: dict, errors: dict, status: int = 200, done: str | None = None
) -> Template:
    staff = current_staff(request)
    state = await services.evaluation_status(staff, cohort_id)
    cohort = await cohorts.get_cohort(staff, cohort_id)
    return views.page(
        f"/cohorts/{cohort_id}/evaluation/paper",
        values,
        errors,
        status,
        "evaluations/paper.html",
        cohort=cohort,
        state=state,
        done=done,
    )


@post("/cohorts/{cohort_id:int}/evaluation/paper", guards=[see_people], include_in_schema=False)
async def paper_submit(request: Request, cohort_id: PathId) -> Template:
    data = await form_data(request)
    try:
        await services.key_in_paper(current_staff(request), cohort_id, *views.form_values(data))
    except InvalidInput as exc:
        return await _paper(request, cohort_id, data, views.form_errors(exc), 422)
    except Conflict as exc:
        return await _paper(request, cohort_id, data, {"cohort": exc.text(_)}, 409)
    except Closed as exc:
        return await _paper(request, cohort_id, data, {"cohort": exc.text(_)}, 410)
    return await _paper(request, cohort_id, {}, {}, done=_("The paper form has been keyed in."))


@get("/cohorts/{cohort_id:int}/evaluation/comments", guards=[see_people], include_in_schema=False)
async def comments_page(request: Request, cohort_id: PathId) -> Template:
    staff = current_staff(request)
    state = await services.evaluation_status(staff, cohort_id)
    comments = await services.comments_for_review(staff, cohort_id)
    cohort = await cohorts.get_cohort(staff, cohort_id)
    return Template(
        "evaluations/comments.html",
        context={
            "cohort": cohort,
            "state": state,
            "comments": comments,
            "labels": reports.AREA_LABELS,
        },
    )


@post("/evaluation-comments/{ref:str}", guards=[see_people], include_in_schema=False)
async def review_comment(request: Request, ref: Annotated[str, PathParameter(max_length=40)]) -> Response:
    data = await form_data(request)
    staff = current_staff(request)
    comment = await services.review_comment(staff, ref, data.get("status"))
    return flash.redirect(
        request, f"/cohorts/{comment.cohort_id}/evaluation/comments#c{comment.id}", N_("The comment is reviewed.")
    )


# --- reports --------------------------------------------------------------------------------


def _words() -> charts.Words:
    return charts.Words(
        target=_("target %(value)s"),
        below=_("below target"),
        mean=_("mean %(value)s"),
        too_few=_("too few answers"),
        answers=_("%(count)s answers"),
    )


def _labels() -> dict[str, str]:
    return {area: _(label) for area, label in reports.AREA_LABELS.items()}


def _chart_context(report: reporting.Report | None) -> dict:
    """The report's charts as inline SVG, with the translated words they need."""
    if report is None:
        return {"charts": None}
    words, labels = _words(), _labels()
    result: dict = {"means": None, "distributions": [], "trends": []}
    if not report.figures.suppressed:
        result["means"] = charts.area_means(report.figures.areas, labels, words, _("Mean per area against the target"))
        result["distributions"] = [charts.distribution(a, labels[a.area], words) for a in report.figures.areas]
    if len(report.trend) > 1:
        for i, area in enumerate(reports.AREAS):
            points = [(p.key, None if p.figures.suppressed else p.figures.areas[i].mean) for p in report.trend]
            result["trends"].append(charts.trend(points, labels[area], reports.TARGETS[area], words))
    return {"charts": result, "area_labels": labels}


def _filter(office_id, variant, leader_id, from_, to, quarter, cohort_id=None) -> reporting.ReportFilter:
    return reporting.ReportFilter(
        office_id=office_id,
        variant=variant or None,
        leader_id=leader_id,
        start=from_ or None,
        end=to or None,
        quarter=quarter or None,
        cohort_id=cohort_id,
    )


async def _filter_choices(request: Request) -> dict:
    """(value, text) options for the filter form's office and leader lists."""
    staff = current_staff(request)
    offices = await accounts.list_offices(staff) if staff.role is Role.admin else []
    leaders = (
        [u for u in await accounts.list_users(staff) if u.role is Role.leader and u.active]
        if staff.role is not Role.leader
        else []
    )
    return {"offices": [(o.id, o.name) for o in offices], "leaders": [(u.id, u.name) for u in leaders]}


@get("/reports/evaluations", guards=[login_required], include_in_schema=False)
async def report_page(
    request: Request,
    office_id: QueryId = None,
    variant: FromQuery[str] = "",
    leader_id: QueryId = None,
    from_: Annotated[str, QueryParameter(name="from")] = "",
    to: FromQuery[str] = "",
    quarter: FromQuery[str] = "",
) -> Template:
    return await _report_page(request, office_id, variant, leader_id, from_, to, quarter)


async def _report_page(request: Request, office_id, variant, leader_id, from_, to, quarter) -> Template:
    values = {
        "office_id": office_id or "",
        "variant": variant,
        "leader_id": leader_id or "",
        "from": from_,
        "to": to,
        "quarter": quarter,
    }
    query = urlencode({k: v for k, v in values.items() if v})
    errors: dict = {}
    report = None
    try:
        report = await reporting.evaluation_report(
            current_staff(request), _filter(office_id, variant, leader_id, from_, to, quarter)
        )
    except InvalidInput as exc:
        errors = translated(exc)
    cohort_labels = {str(p.key): p.label for p in report.cohorts} if report else {}
    return Template(
        "evaluations/report.html",
        status_code=422 if errors else 200,
        context={
            "report": report,
            "values": values,
            "errors": errors,
            "query": query,
            "cohort_labels": cohort_labels,
            **await _filter_choices(request),
            **_chart_context(report),
        },
    )


def _file_name(report: reporting.Report, ext: str) -> str:
    period = ""
    if report.start or report.end:
        # A period open at its end runs until today (the default: the last year).
        period = f"-{report.start or ''}_{report.end or clock.today()}"
    return f"evaluering{period}.{ext}"


def _title(report: reporting.Report) -> str:
    return views.period_title(
        report.start,
        report.end,
        N_("Course evaluations %(start)s–%(end)s"),
        N_("Course evaluations from %(start)s"),
        N_("Course evaluations until %(end)s"),
        N_("Course evaluations, all periods"),
    )


MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@get([f"/reports/evaluations.{ext}" for ext in MEDIA_TYPES], guards=[login_required], include_in_schema=False)
async def report_file(
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
    one page for managers (PDF). A bad filter shows the report page, which names the field."""
    staff = current_staff(request)
    ext = request.url.path.rsplit(".", 1)[1]
    try:
        report = await reporting.evaluation_report(staff, _filter(office_id, variant, leader_id, from_, to, quarter))
    except InvalidInput:
        return await _report_page(request, office_id, variant, leader_id, from_, to, quarter)
    if ext == "csv" and excel:
        return attachment(
            exports.to_excel_csv(report, _, _labels()), MEDIA_TYPES[ext], excel_name(_file_name(report, ext))
        )
    if ext == "csv":
        body: bytes | str = exports.to_csv(report)
    elif ext == "xlsx":
        author = None
        if office_id or staff.role is not Role.admin:
            author = (await accounts.get_office(staff, office_id or staff.office_id)).name
        body = exports.to_xlsx(report, _, _labels(), _title(report), author)
    else:
        office = None
        if office_id or staff.role is not Role.admin:
            office = await accounts.get_office(staff, office_id or staff.office_id)
        html = (
            environment()
            .get_template("pdf/evaluation_report.html")
            .render(
                report=report,
                title=_title(report),
                office=office,
                made=clock.today(),
                made_by=staff.name,
                variant=variant,
                **_chart_context(report),
            )
        )
        body = await pdf.render(html)
    return attachment(body, MEDIA_TYPES[ext], _file_name(report, ext))


route_handlers = [
    evaluation_form,
    evaluation_submit,
    evaluation_thanks,
    leader_page,
    open_evaluation,
    extra_slip,
    change_evaluation,
    paper_form,
    paper_submit,
    comments_page,
    review_comment,
    report_page,
    report_file,
]
