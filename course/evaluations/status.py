"""Where a cohort's evaluation stands for its leaders (who has answered is never
known, only how many), and changing its window: a new closing day, or closing now
once at least three have answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.errors import N_, Conflict, InvalidInput
from course.evaluations import policies, reports
from course.evaluations.closing import close, close_due
from course.evaluations.state import (
    CLOSED_MESSAGE,
    LATEST_CLOSE,
    NOT_OPEN_MESSAGE,
    answered,
    cohort_for,
    evaluation_of,
    is_open,
    people,
)
from course.evaluations.tables import Evaluation, EvaluationRemark, EvaluationResponse
from course.participants.services import PersonRef


@dataclass
class Status:
    cohort_id: int
    opened_at: datetime | None
    closes_on: date | None  # the last day answers are taken
    closed_at: datetime | None
    invited: int
    answered: int
    on_paper: int | None  # keyed in from paper; known once closed
    without_consent: list[PersonRef]  # on the cohort, but no consent to the evaluation
    participants: list[PersonRef]  # those who may answer, for a named extra slip
    comments_pending: int  # to review; none until closed
    comments_locked: bool  # open, or fewer than three answers: comments cannot be read
    may_close: bool  # open with at least three answers


async def evaluation_status(staff: Staff, cohort_id: int) -> Status:
    """Where the cohort's evaluation stands. Who has answered is not known: only how many."""
    cohort = await cohort_for(staff, cohort_id)
    await close_due()
    evaluation = await evaluation_of(staff, cohort.id)
    yes, no = await people(cohort.id)
    if evaluation is None:
        return Status(cohort.id, None, None, None, len(yes), 0, None, no, yes, 0, True, False)
    count = await answered(evaluation)
    closed = evaluation["closed_at"] is not None
    readable = closed and count >= reports.MIN_ANSWERS
    pending = (
        await EvaluationRemark.count().where(
            policies.remark_scope(staff), EvaluationRemark.cohort == cohort.id, EvaluationRemark.status == "pending"
        )
        if readable
        else 0
    )
    on_paper = (
        await EvaluationResponse.count().where(
            policies.response_scope(staff), EvaluationResponse.cohort == cohort.id, EvaluationResponse.on_paper.eq(True)
        )
        if closed
        else None
    )
    return Status(
        cohort_id=cohort.id,
        opened_at=evaluation["opened_at"],
        closes_on=evaluation["closes_on"],
        closed_at=evaluation["closed_at"],
        invited=evaluation["invited"],
        answered=count,
        on_paper=on_paper,
        without_consent=no,
        participants=yes,
        comments_pending=pending,
        comments_locked=not readable,
        may_close=not closed and count >= reports.MIN_ANSWERS,
    )


async def change_evaluation(staff: Staff, cohort_id: int, closes_on=None, closed=None) -> Status:
    """Move the closing day, or close now (once at least three have answered). A
    closed evaluation stays closed."""
    cohort = await cohort_for(staff, cohort_id)
    errors: dict[str, str] = {}
    day = None
    if closes_on is not None:
        day = cohorts.parse_date(closes_on, errors, "closes_on")
        latest = cohort.end_date + LATEST_CLOSE
        if day and not clock.today() <= day <= latest:
            errors["closes_on"] = N_("Choose a day from today until eight weeks after the last session.")
    if closed is not None and not isinstance(closed, bool):
        errors["closed"] = N_("Give true to close the evaluation.")
    if errors:
        raise InvalidInput(errors)
    evaluation = await evaluation_of(staff, cohort.id)
    if evaluation is None:
        raise Conflict(NOT_OPEN_MESSAGE, field="cohort")
    if not is_open(evaluation):
        raise Conflict(CLOSED_MESSAGE, field="closed")
    if closed is False:
        raise InvalidInput({"closed": N_("Give true to close the evaluation.")})
    if closed and await answered(evaluation) < reports.MIN_ANSWERS:
        raise InvalidInput({"closed": N_("The evaluation can be closed by hand once at least three have answered.")})
    if day is not None:
        await Evaluation.update({Evaluation.closes_on: day}).where(
            policies.evaluation_scope(staff), Evaluation.id == evaluation["id"]
        )
        await audit.record(
            "evaluation_closing_day_set",
            actor=staff.id,
            office=cohort.office_id,
            details={"cohort": cohort.id, "closes_on": day.isoformat()},
        )
    if closed:
        await close(evaluation["id"], cohort.id, staff.id, cohort.office_id)
    return await evaluation_status(staff, cohort.id)
