"""Who may work with an evaluation and read its figures.

Leaders and admins open evaluations, hand out slips, key in paper forms and see the
status, for cohorts of their office (admins every office); managers never reach a
cohort's evaluation, only the reports. Comments are reviewed by the cohort's own
leaders and admins. Reports cover the cohorts a caller may see: leaders those they
lead, managers their office, admins every office.

The scopes are where-clauses put inside the queries, reads and writes alike, so a row
outside them is never selected and a forgotten check fails closed. Those on the tables
that hang off a cohort are sub-selects, so they serve in updates as well as selects.
"""

from __future__ import annotations

from course.accounts.schemas import Role, Staff
from course.cohorts.policies import cohort_scope
from course.cohorts.tables import Cohort, CohortLeader
from course.evaluations.tables import Evaluation, EvaluationRemark, EvaluationResponse
from course.participants.policies import may_see_people
from course.participants.tables import Enrolment

# Statuses of those who answer: on the cohort at its end.
ANSWERS = ("enrolled", "completed")


def may_see_evaluations(staff: Staff) -> bool:
    """Leaders and admins work with a cohort's evaluation; managers read reports only."""
    return may_see_people(staff)


def may_review(staff: Staff, cohort) -> bool:
    """Comments are reviewed by the cohort's own leaders (and admins)."""
    return staff.role is Role.admin or staff.id in cohort.leader_ids


def evaluation_cohorts(staff: Staff):
    """Sub-select: the cohorts whose evaluation the caller works with (by the
    cohort's office; none for a manager)."""
    if not may_see_evaluations(staff):
        return Cohort.select(Cohort.id).where(Cohort.id.is_null())
    return Cohort.select(Cohort.id).where(cohort_scope(staff))


def led_cohorts(leader_id: int):
    """Sub-select: the cohorts this staff user leads."""
    return CohortLeader.select(CohortLeader.cohort).where(CohortLeader.leader == leader_id)


def evaluation_scope(staff: Staff):
    """Evaluations the caller opens, changes and reads the status of."""
    return Evaluation.cohort.is_in(evaluation_cohorts(staff))


def remark_scope(staff: Staff):
    """Comments of the evaluations in ``evaluation_scope``."""
    return EvaluationRemark.cohort.is_in(evaluation_cohorts(staff))


def review_scope(staff: Staff):
    """Comments the caller may read and review: those of cohorts they lead, in their
    office (admins every one). The query form of ``may_review``."""
    if staff.role is Role.admin:
        return remark_scope(staff)
    return remark_scope(staff) & EvaluationRemark.cohort.is_in(led_cohorts(staff.id))


def report_scope(staff: Staff):
    """Cohorts whose figures the caller's reports sum: a leader those they lead, a
    manager their office's, an admin every one."""
    if staff.role is Role.leader:
        return cohort_scope(staff) & Cohort.id.is_in(led_cohorts(staff.id))
    return cohort_scope(staff)


def own_scope(participant_id: int):
    """Evaluations of the cohorts a participant is on at their end: those their own
    page may offer."""
    return Evaluation.cohort.is_in(
        Enrolment.select(Enrolment.cohort).where(
            Enrolment.participant == participant_id, Enrolment.status.is_in(list(ANSWERS))
        )
    )


def response_scope(staff: Staff):
    """Written-out scores of the cohorts in ``evaluation_cohorts`` (for the status's counts)."""
    return EvaluationResponse.cohort.is_in(evaluation_cohorts(staff))
