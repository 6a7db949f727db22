"""Comments for review: readable by the cohort's own leaders and admins only once the
evaluation has closed with three answers or more, named by a random reference and
listed by area and text, never by when they came."""

from __future__ import annotations

import re
from dataclasses import dataclass

from course.accounts.schemas import Staff
from course.audit import services as audit
from course.errors import N_, Forbidden, InvalidInput, NotFound
from course.evaluations import policies, reports
from course.evaluations.closing import close_due
from course.evaluations.reports import AREAS
from course.evaluations.state import cohort_for
from course.evaluations.tables import Evaluation, EvaluationRemark, EvaluationResponse
from course.validation import nb_sort_key

REF_RE = re.compile(r"^[A-Za-z0-9_-]{16}$")
COMMENT_AREAS = (*AREAS, "overall")
REVIEW_STATUSES = ("shown", "hidden")


@dataclass
class CommentOut:
    id: str  # the comment's random reference, never its row number
    cohort_id: int
    area: str
    text: str
    status: str


def comment_order(row) -> tuple:
    # By area and then text, never by when it came, so the order tells nothing about who.
    return COMMENT_AREAS.index(row["area"]), nb_sort_key(row["text"]), row["ref"]


async def _readable(cohort_id: int) -> bool:
    """Comments can be read once the evaluation has closed with three answers or more,
    so a comment cannot be put together with one answer."""
    closed = await Evaluation.exists().where(Evaluation.cohort == cohort_id, Evaluation.closed_at.is_not_null())
    return (
        closed and await EvaluationResponse.count().where(EvaluationResponse.cohort == cohort_id) >= reports.MIN_ANSWERS
    )


async def comments_for_review(staff: Staff, cohort_id: int) -> list[CommentOut]:
    """The cohort's comments for its leaders to show or hide; none until readable."""
    cohort = await cohort_for(staff, cohort_id)
    if not policies.may_review(staff, cohort):
        raise Forbidden
    await close_due()
    if not await _readable(cohort.id):
        return []
    rows = await EvaluationRemark.select(
        EvaluationRemark.ref, EvaluationRemark.area, EvaluationRemark.text, EvaluationRemark.status
    ).where(policies.review_scope(staff), EvaluationRemark.cohort == cohort.id)
    return [CommentOut(r["ref"], cohort.id, r["area"], r["text"], r["status"]) for r in sorted(rows, key=comment_order)]


async def review_comment(staff: Staff, ref, status) -> CommentOut:
    """Show or hide one comment. Another office's answers 404; a cohort of the
    caller's office they do not lead, 403."""
    if not policies.may_see_evaluations(staff) or not isinstance(ref, str) or not REF_RE.match(ref):
        raise NotFound
    if status not in REVIEW_STATUSES:
        raise InvalidInput({"status": N_("Choose shown or hidden.")})
    row = (
        await EvaluationRemark.select(
            *EvaluationRemark.all_columns(), EvaluationRemark.cohort.office.as_alias("office")
        )
        .where(policies.review_scope(staff), EvaluationRemark.ref == ref)
        .first()
    )
    if row is None:
        if await EvaluationRemark.exists().where(policies.remark_scope(staff), EvaluationRemark.ref == ref):
            raise Forbidden
        raise NotFound
    if not await _readable(row["cohort"]):
        raise NotFound
    await EvaluationRemark.update({EvaluationRemark.status: status, EvaluationRemark.reviewed_by: staff.id}).where(
        policies.review_scope(staff), EvaluationRemark.ref == ref
    )
    await audit.record(
        "evaluation_comment_reviewed",
        actor=staff.id,
        office=row["office"],
        details={"cohort": row["cohort"], "status": status},
    )
    return CommentOut(row["ref"], row["cohort"], row["area"], row["text"], status)
