"""Who may see and change what in the accounts domain.

The scope functions answer a where-clause that every query for the caller goes
through, so a leader's query only ever selects their own office's rows.
"""

from __future__ import annotations

from course.accounts.schemas import Role, Staff
from course.accounts.tables import ApiToken, Office, StaffUser


def can_manage_accounts(staff: Staff) -> bool:
    return staff.role is Role.admin


def staff_scope(staff: Staff):
    """Staff users the caller may see: admins all, others their own office."""
    if staff.role is Role.admin:
        return StaffUser.id.is_not_null()
    return StaffUser.office == staff.office_id


def office_scope(staff: Staff):
    if staff.role is Role.admin:
        return Office.id.is_not_null()
    return Office.id == staff.office_id


def token_scope(staff: Staff):
    """API tokens the caller may list and revoke: their own, whatever their role."""
    return ApiToken.user == staff.id


def takes_own_admin_access(actor: int | None, user_id: int, *, role: str | None, active: bool | None) -> bool:
    """Whether a change to a user would take the acting admin's own admin access away
    (a new role other than admin, or deactivation): refused, so one admin is always left."""
    return actor is not None and actor == user_id and (active is False or role not in (None, Role.admin.value))
