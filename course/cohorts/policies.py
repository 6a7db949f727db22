"""Who may see and change cohorts: leaders and managers their own office, admins all;
leaders and admins change, managers only read.

The scopes are where-clauses that the services put inside their queries (reads and
writes alike), so a row outside them is never selected: it answers 404, and a
forgotten check fails closed. Writes go through the change scopes, which select
nothing for a manager."""

from __future__ import annotations

from course.accounts.schemas import Role, Staff
from course.accounts.tables import StaffUser
from course.cohorts.tables import Closure, Cohort, CohortLeader, Session, SessionLeader

# Who may lead a cohort (and so hold its guidance talks).
LEADING_ROLES = (Role.leader, Role.admin)


def cohort_scope(staff: Staff):
    if staff.role is Role.admin:
        return Cohort.id.is_not_null()
    return Cohort.office == staff.office_id


def closure_scope(staff: Staff):
    if staff.role is Role.admin:
        return Closure.id.is_not_null()
    return Closure.office == staff.office_id


def can_change_cohorts(staff: Staff) -> bool:
    return staff.role in (Role.leader, Role.admin)


def change_scope(staff: Staff):
    """Cohorts the caller may change: the cohorts they see, unless they only read."""
    if not can_change_cohorts(staff):
        return Cohort.id.is_null()
    return cohort_scope(staff)


def closure_change_scope(staff: Staff):
    if not can_change_cohorts(staff):
        return Closure.id.is_null()
    return closure_scope(staff)


def session_scope(staff: Staff):
    """Sessions of the cohorts the caller may see."""
    return Session.cohort.is_in(Cohort.select(Cohort.id).where(cohort_scope(staff)))


def session_change_scope(staff: Staff):
    """Sessions of the cohorts the caller may change."""
    return Session.cohort.is_in(Cohort.select(Cohort.id).where(change_scope(staff)))


def led_sessions(user_id: int):
    """Sessions a staff user leads: those they substitute on, and those of the cohorts
    they lead that have no substitutes."""
    substituted = SessionLeader.select(SessionLeader.session)
    return Session.id.is_in(substituted.where(SessionLeader.leader == user_id)) | (
        Session.cohort.is_in(CohortLeader.select(CohortLeader.cohort).where(CohortLeader.leader == user_id))
        & Session.id.not_in(SessionLeader.select(SessionLeader.session))
    )


def led_or_substituted(user_id: int):
    """Cohorts a staff user leads, or stands in on at one of their sessions."""
    return Cohort.id.is_in(
        CohortLeader.select(CohortLeader.cohort).where(CohortLeader.leader == user_id)
    ) | Cohort.id.is_in(
        Session.select(Session.cohort).where(
            Session.id.is_in(SessionLeader.select(SessionLeader.session).where(SessionLeader.leader == user_id))
        )
    )


def may_backdate(staff: Staff) -> bool:
    """Only an admin registers a cohort that has already started."""
    return staff.role is Role.admin


def office_for(staff: Staff, office_id: int | None) -> int:
    """The office a new cohort or closure belongs to: an admin may name any office,
    everyone else has their own."""
    if staff.role is Role.admin and office_id is not None:
        return office_id
    return staff.office_id


def may_lead(office_id: int):
    """Staff users who may lead the office's cohorts: its active leaders and admins."""
    return (
        (StaffUser.office == office_id)
        & StaffUser.active.eq(True)
        & StaffUser.role.is_in([role.value for role in LEADING_ROLES])
    )


def holds_talks(staff: Staff) -> bool:
    """Leaders and admins hold guidance talks, and see their own (names included) on
    the agenda; managers hold none."""
    return staff.role in LEADING_ROLES
