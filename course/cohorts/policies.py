"""Who may see and change cohorts: leaders and managers their own office, admins all;
leaders and admins change, managers only read."""

from __future__ import annotations

from course.accounts.schemas import Role, Staff
from course.cohorts.tables import Closure, Cohort


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


def may_backdate(staff: Staff) -> bool:
    """Only an admin registers a cohort that has already started."""
    return staff.role is Role.admin
