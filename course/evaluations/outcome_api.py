"""JSON API for the outcome report: counts only, with the small-number rule, for
every staff role over the cohorts they may see (admins every office, others their own)."""

from __future__ import annotations

from typing import Annotated

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter

from course.accounts.schemas import Staff
from course.evaluations import outcome_reporting, reporting
from course.web.forms import QueryId
from course.web.guards import login_required
from course.web.openapi import error_responses


@get(
    "/reports/outcomes",
    guards=[login_required],
    summary="Where the participants of the ended cohorts went (at the end, after 3 and 6 months), attendance, "
    "talks held and follow-up categories at start and end: counts under 3 hidden (null, suppressed), no names",
    responses=error_responses(400, 401, 422),
)
async def outcome_report(
    staff: NamedDependency[Staff],
    office_id: QueryId = None,
    variant: FromQuery[str | None] = None,
    leader_id: QueryId = None,
    from_: Annotated[str | None, QueryParameter(name="from", description="Cohorts that started from this day")] = None,
    to: Annotated[str | None, QueryParameter(description="Cohorts that started until this day")] = None,
    quarter: Annotated[str | None, QueryParameter(description="A quarter of cohort starts, as 2027-Q1")] = None,
) -> outcome_reporting.OutcomeReport:
    return await outcome_reporting.outcome_report_for(
        staff,
        reporting.ReportFilter(
            office_id=office_id, variant=variant, leader_id=leader_id, start=from_, end=to, quarter=quarter
        ),
    )


outcome_api = Router(path="/", tags=["evaluations"], route_handlers=[outcome_report])
