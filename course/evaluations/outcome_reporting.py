"""The outcome report: where the participants of the ended cohorts a caller may see
went (at the end, after 3 and after 6 months), their attendance, talks held and
follow-up categories, counted with the small-number rule (``outcome_report``).
No names: the facts come from the participants' and guidance's public counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from course import clock
from course.accounts.schemas import Staff
from course.cohorts import policies as cohort_policies
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort
from course.errors import N_, InvalidInput
from course.evaluations import outcome_report, reporting
from course.evaluations.reporting import ReportFilter
from course.guidance import services as guidance
from course.participants import outcomes as participant_outcomes
from course.participants.rules import KJK_OUTCOMES, NY_RETNING_OUTCOMES


@dataclass
class CountOut:
    key: str  # an outcome kind (or "none": not recorded), or a category 1–4 (or "none")
    count: int | None  # null when suppressed
    suppressed: bool
    group: str = ""  # outcomes: "ny_retning" or "kjk", the report's list the kind is from


@dataclass
class DistributionOut:
    point: str  # outcomes: end, 3m, 6m; categories: start, end
    total: int  # everyone counted at this point
    suppressed: bool  # some count is hidden
    counts: list[CountOut]


@dataclass
class OutcomeReport:
    start: date | None  # the period asked for (cohorts that started in it), from the dates or the quarter
    end: date | None
    office_id: int | None
    variant: str | None
    leader_id: int | None
    min_count: int  # no count from 1 to min_count - 1 is shown
    cohorts: int  # ended cohorts counted
    cohorts_not_ended: int  # cohorts that match but have not ended, so count nowhere yet
    participants: int  # those who took part and those who did not show
    outcomes: list[DistributionOut]
    categories: list[DistributionOut]
    attendance_rate: float | None  # present ÷ registered marks, of those who took part
    attendance_suppressed: bool
    talks_per_participant: float | None  # guidance talks held ÷ those who took part
    talks_suppressed: bool


def period(flt: ReportFilter, errors: dict[str, str]) -> tuple[date | None, date | None]:
    """The days asked for, as for the evaluation report; the last year when none is
    (nor one cohort)."""
    return reporting.period_or_last_year(flt, errors)


def report_cohorts(staff: Staff):
    """Cohorts whose outcomes the caller's report counts: those of ``cohort_scope``
    (leaders and managers their office, admins every office). Counts only, no names,
    so leaders see their whole office here, as in the way-in report."""
    return cohort_policies.cohort_scope(staff)


def _group(kind: str) -> str:
    return "ny_retning" if kind in NY_RETNING_OUTCOMES else "kjk" if kind in KJK_OUTCOMES else ""


def _out(d: outcome_report.Distribution, grouped: bool) -> DistributionOut:
    return DistributionOut(
        d.point,
        d.total,
        d.suppressed,
        [CountOut(c.key, c.count, c.suppressed, _group(c.key) if grouped else "") for c in d.cells],
    )


async def outcome_report_for(staff: Staff, flt: ReportFilter) -> OutcomeReport:
    """The outcome figures for the ended, not cancelled cohorts the caller may see
    that match the filter (the cohort's start in the period)."""
    errors: dict[str, str] = {}
    start, end = period(flt, errors)
    if flt.variant is not None and flt.variant not in cohorts.VARIANTS:
        errors["variant"] = N_("Choose the variant kjk or ny_retning.")
    if errors:
        raise InvalidInput(errors)
    today = clock.today()
    where = [report_cohorts(staff), Cohort.cancelled_at.is_null(), Cohort.start_date <= today]
    where += reporting.narrowed(flt, start, end)

    def among():  # the matching cohorts as a sub-select: never a list of ids, however long the period
        return Cohort.select(Cohort.id).where(*where)

    matching = await cohorts.load(await Cohort.select().where(*where).order_by(Cohort.start_date), among())
    # Facts are read for every matching cohort; those not ended yet drop out of the counts.
    ended = [c for c in matching if c.end_date < today]
    facts = await participant_outcomes.outcome_facts(staff, ended, among())
    talks = await guidance.talks_held(staff, among()) if ended else {}
    ends = {c.id: c.end_date for c in ended}
    figures = outcome_report.aggregate(
        [
            outcome_report.Fact(
                cohort_end=ends[f.cohort_id],
                took_part=f.took_part,
                end=f.end,
                at_3m=f.at_3m,
                at_6m=f.at_6m,
                present=f.present,
                absent=f.absent,
                excused=f.excused,
                talks_held=talks.get((f.cohort_id, f.participant_id), 0),
                category_start=f.category_start,
                category_end=f.category_end,
            )
            for f in facts
        ],
        today,
    )
    return OutcomeReport(
        start=start,
        end=end,
        office_id=flt.office_id,
        variant=flt.variant,
        leader_id=flt.leader_id,
        min_count=outcome_report.MIN_COUNT,
        cohorts=len(ended),
        cohorts_not_ended=len(matching) - len(ended),
        participants=figures.participants,
        outcomes=[_out(d, True) for d in figures.outcomes],
        categories=[_out(d, False) for d in figures.categories],
        attendance_rate=figures.attendance_rate,
        attendance_suppressed=figures.attendance_suppressed,
        talks_per_participant=figures.talks_per_participant,
        talks_suppressed=figures.talks_suppressed,
    )
