"""Evaluation reports: figures for the cohorts a caller may see, filtered, made only
of whole closed cohorts with at least three answers (reports.whole_cohorts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from piccolo.query.functions.aggregate import Count
from piccolo.query.methods.select import Select
from piccolo.querystring import QueryString

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
from course.validation import OUT_OF_RANGE_QUARTER, year_in_range
from course.web import formats

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
        year, q = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        if not match:
            errors["quarter"] = N_("Give a quarter as YYYY-Qn, for example 2027-Q1.")
        elif not year_in_range(year):  # the quarter's days counted from 9999-Q4 would overflow
            errors["quarter"] = OUT_OF_RANGE_QUARTER
        else:
            start = max(start or date.min, date(year, 3 * q - 2, 1))
            end_q = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - timedelta(days=1)
            end = min(end or date.max, end_q)
    return start, end


# With no period asked for (nor one cohort), cohorts that started in the last year: a
# report's cost stays that of a year, whatever the history. The outcome report does the same.
DEFAULT_DAYS = 365


def period_or_last_year(flt: ReportFilter, errors: dict[str, str]) -> tuple[date | None, date | None]:
    """The days asked for (``period``); the last year when none is, nor one cohort."""
    if not (flt.start or flt.end or flt.quarter or flt.cohort_id):
        return clock.today() - timedelta(days=DEFAULT_DAYS), None
    return period(flt, errors)


async def evaluation_report(staff: Staff, flt: ReportFilter) -> Report:
    """Figures for the cohorts the caller may see that match the filter: leaders their
    own cohorts, managers their office, admins every office. Only whole closed
    cohorts with three answers or more count, so no two reports differ by one or two
    answers; within a report, parts that would give a small part away show none."""
    errors: dict[str, str] = {}
    start, end = period_or_last_year(flt, errors)
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
    # The answers as counts, one row a cohort (what is read grows with the cohorts,
    # never with the answers): how many answered, how many on paper, and how many
    # gave each score in each area.
    counts = {r["cohort"]: r for r in await _answer_counts(matching())}
    today = clock.today()
    states = {
        cohort_id: reports.CohortState(
            evaluated=cohort_id in evaluations,
            closed=cohort_id in evaluations and evaluations[cohort_id]["closed_at"] is not None,
            answers=counts[cohort_id]["count"] if cohort_id in counts else 0,
        )
        for cohort_id, row in chosen.items()
        if cohort_id in evaluations or row["start_date"] <= today
    }
    counted, left_out = reports.whole_cohorts(states)
    # Of the cohorts read, only the whole cohorts of three answers or more that the rule
    # above counts are kept.
    tallies = {i: _tally(counts[i]) for i in counted}
    by_quarter: dict[str, list[reports.Tally]] = {}
    for i in counted:
        by_quarter.setdefault(_quarter(chosen[i]["start_date"]), []).append(tallies[i])
    # Every part is a sum of whole cohorts of three or more; the split guard stays as
    # a second line of defence.
    cohort_parts = reports.split_tallies({str(i): t for i, t in tallies.items()})
    quarter_parts = reports.split_tallies({k: reports.combined(v) for k, v in sorted(by_quarter.items())})
    whole = reports.combined(tallies.values())
    counts_in = set(counted)
    shown = [
        r
        for r in await EvaluationRemark.select(
            EvaluationRemark.ref, EvaluationRemark.cohort, EvaluationRemark.area, EvaluationRemark.text
        ).where(EvaluationRemark.cohort.is_in(closed()), EvaluationRemark.status == "shown")
        if r["cohort"] in counts_in
    ]
    invited = sum(evaluations[i]["invited"] for i in counted)
    return Report(
        responses=whole.answers,
        invited=invited,
        response_rate=formats.rate(whole.answers, invited),
        figures=reports.tally_figures(whole),
        cohorts=[PartFigures(k, chosen[int(k)]["title"], f) for k, f in cohort_parts.items()],
        trend=[PartFigures(k, k, f) for k, f in quarter_parts.items()],
        comments=[ShownComment(r["cohort"], r["area"], r["text"]) for r in sorted(shown, key=comment_order)],
        start=start,
        end=end,
        on_paper=sum(counts[i]["on_paper"] for i in counted),
        cohorts_left_out=left_out,
    )


def _answer_counts(cohorts: Select) -> Select:
    """For each of the cohorts (a sub-select of their ids) that has answers: ``count``,
    ``on_paper``, and a column for each area and score, ``benefit_0`` … ``participation_10``,
    with how many gave that score. One query and one pass over the answers, the same
    on both engines (a count of a CASE with no ELSE counts the rows that match)."""
    by_score = [
        QueryString(f'COUNT(CASE WHEN "{area}" = {score} THEN 1 END)').as_alias(f"{area}_{score}")
        for area in AREAS
        for score in reports.SCORES
    ]
    return (
        EvaluationResponse.select(
            EvaluationResponse.cohort,
            Count(),
            QueryString('COUNT(CASE WHEN "on_paper" THEN 1 END)').as_alias("on_paper"),
            *by_score,
        )
        .where(EvaluationResponse.cohort.is_in(cohorts))
        .group_by(EvaluationResponse.cohort)
    )


def _tally(row: dict) -> reports.Tally:
    """A cohort's row of ``_answer_counts`` as counts."""
    return reports.Tally(
        row["count"],
        {area: {score: row[f"{area}_{score}"] for score in reports.SCORES} for area in AREAS},
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
