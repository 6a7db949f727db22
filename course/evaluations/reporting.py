"""Evaluation reports: figures for the cohorts a caller may see, filtered, made only
of whole closed cohorts with at least three answers (reports.whole_cohorts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from piccolo.query.functions.aggregate import Count

from course import clock
from course.accounts.schemas import Staff
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort
from course.errors import N_, InvalidInput
from course.evaluations import policies, reports
from course.evaluations.closing import close_due
from course.evaluations.comments import comment_order
from course.evaluations.reports import AREAS
from course.evaluations.tables import Evaluation, EvaluationRemark, EvaluationResponse

QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass
class ReportFilter:
    office_id: int | None = None
    variant: str | None = None
    leader_id: int | None = None
    start: str | None = None
    end: str | None = None
    quarter: str | None = None
    cohort_id: int | None = None


@dataclass
class PartFigures:
    key: str
    label: str
    figures: reports.GroupFigures


@dataclass
class ShownComment:
    cohort_id: int
    area: str
    text: str


@dataclass
class Report:
    responses: int
    invited: int
    response_rate: float | None
    figures: reports.GroupFigures
    cohorts: list[PartFigures]
    trend: list[PartFigures]  # by quarter, oldest first
    comments: list[ShownComment]  # reviewed and shown
    start: date | None = None  # the period asked for, from the dates or the quarter
    end: date | None = None
    on_paper: int = 0  # of the responses, keyed in from paper forms
    # Cohorts that match but count nowhere: still open, closed with fewer than three
    # answers, or started without an evaluation.
    cohorts_left_out: reports.LeftOut = field(
        default_factory=lambda: reports.LeftOut(0, dict.fromkeys(reports.LEFT_OUT_REASONS, 0))
    )


def _quarter(day) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def period(flt: ReportFilter, errors: dict[str, str]) -> tuple[date | None, date | None]:
    """The days asked for: ``from`` and ``to``, narrowed to the quarter if one is given."""
    start = cohorts.parse_date(flt.start, errors, "from") if flt.start else None
    end = cohorts.parse_date(flt.end, errors, "to") if flt.end else None
    if flt.quarter:
        match = QUARTER_RE.match(flt.quarter)
        if not match:
            errors["quarter"] = N_("Give a quarter as YYYY-Qn, for example 2027-Q1.")
        else:
            year, q = int(match.group(1)), int(match.group(2))
            start = max(start or date.min, date(year, 3 * q - 2, 1))
            end_q = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - timedelta(days=1)
            end = min(end or date.max, end_q)
    return start, end


async def evaluation_report(staff: Staff, flt: ReportFilter) -> Report:
    """Figures for the cohorts the caller may see that match the filter: leaders their
    own cohorts, managers their office, admins every office. Only whole closed
    cohorts with three answers or more count, so no two reports differ by one or two
    answers; within a report, parts that would give a small part away show none."""
    errors: dict[str, str] = {}
    start, end = period(flt, errors)
    if flt.variant is not None and flt.variant not in cohorts.VARIANTS:
        errors["variant"] = N_("Choose the variant kjk or ny_retning.")
    if errors:
        raise InvalidInput(errors)
    await close_due()
    chosen = {
        r["id"]: r
        for r in await Cohort.select(Cohort.id, Cohort.title, Cohort.start_date)
        .where(*_chosen(staff, flt, start, end))
        .order_by(Cohort.start_date)
    }

    def matching():  # the same cohorts as a sub-select, for the queries on the tables hanging off them
        return Cohort.select(Cohort.id).where(*_chosen(staff, flt, start, end))

    def closed():  # of those, the ones whose evaluation has closed
        return Evaluation.select(Evaluation.cohort).where(
            Evaluation.cohort.is_in(matching()), Evaluation.closed_at.is_not_null()
        )

    evaluations = {
        r["cohort"]: r
        for r in await Evaluation.select(Evaluation.cohort, Evaluation.closed_at, Evaluation.invited).where(
            Evaluation.cohort.is_in(matching())
        )
    }
    counts = {
        r["cohort"]: r["count"]
        for r in await EvaluationResponse.select(EvaluationResponse.cohort, Count())
        .where(EvaluationResponse.cohort.is_in(matching()))
        .group_by(EvaluationResponse.cohort)
    }
    today = clock.today()
    states = {
        cohort_id: reports.CohortState(
            evaluated=cohort_id in evaluations,
            closed=cohort_id in evaluations and evaluations[cohort_id]["closed_at"] is not None,
            answers=counts.get(cohort_id, 0),
        )
        for cohort_id, row in chosen.items()
        if cohort_id in evaluations or row["start_date"] <= today
    }
    counted, left_out = reports.whole_cohorts(states)
    # Answers and comments are read from the closed cohorts chosen; of those, only the
    # whole cohorts of three answers or more that the rule above counts are kept.
    counts_in = set(counted)
    rows = [
        r
        for r in await EvaluationResponse.select().where(EvaluationResponse.cohort.is_in(closed()))
        if r["cohort"] in counts_in
    ]
    answers = []
    by_cohort: dict[str, list] = {str(i): [] for i in counted}
    by_quarter: dict[str, list] = {}
    for r in rows:
        scores = {area: r[area] for area in AREAS}
        answers.append(scores)
        by_cohort[str(r["cohort"])].append(scores)
        by_quarter.setdefault(_quarter(chosen[r["cohort"]]["start_date"]), []).append(scores)
    # Every part is a sum of whole cohorts of three or more; the split guard stays as
    # a second line of defence.
    cohort_parts = reports.split(by_cohort)
    quarter_parts = reports.split(dict(sorted(by_quarter.items())))
    shown = [
        r
        for r in await EvaluationRemark.select(
            EvaluationRemark.ref, EvaluationRemark.cohort, EvaluationRemark.area, EvaluationRemark.text
        ).where(EvaluationRemark.cohort.is_in(closed()), EvaluationRemark.status == "shown")
        if r["cohort"] in counts_in
    ]
    invited = sum(evaluations[i]["invited"] for i in counted)
    return Report(
        responses=len(answers),
        invited=invited,
        response_rate=round(len(answers) / invited, 3) if invited else None,
        figures=reports.aggregate(answers),
        cohorts=[PartFigures(k, chosen[int(k)]["title"], f) for k, f in cohort_parts.items()],
        trend=[PartFigures(k, k, f) for k, f in quarter_parts.items()],
        comments=[ShownComment(r["cohort"], r["area"], r["text"]) for r in sorted(shown, key=comment_order)],
        start=start,
        end=end,
        on_paper=sum(1 for r in rows if r["on_paper"]),
        cohorts_left_out=left_out,
    )


def _chosen(staff: Staff, flt: ReportFilter, start: date | None, end: date | None) -> list:
    """Where-clauses for the cohorts of a report: those in the caller's report scope
    (leaders: those they lead), not cancelled, narrowed by the filter."""
    return [policies.report_scope(staff), Cohort.cancelled_at.is_null(), *narrowed(flt, start, end)]


def narrowed(flt: ReportFilter, start: date | None, end: date | None) -> list:
    """Where-clauses for what a report's filter asks of its cohorts: office, cohort,
    variant, leader, and a start in the period."""
    where: list = []
    if flt.office_id is not None:
        where.append(Cohort.office == flt.office_id)
    if flt.cohort_id is not None:
        where.append(Cohort.id == flt.cohort_id)
    if flt.variant:
        where.append(Cohort.variant == flt.variant)
    if flt.leader_id is not None:
        where.append(Cohort.id.is_in(policies.led_cohorts(flt.leader_id)))
    if start:
        where.append(Cohort.start_date >= start)
    if end:
        where.append(Cohort.start_date <= end)
    return where
