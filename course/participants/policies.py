"""Who may see participants: course leaders their own office, admins every office.
Managers see counts and rates only: queries by participant go through
``participant_scope`` (which selects nothing for them), and queries by cohort
(roster, register, talks) first pass ``may_see_people`` and the cohort's office scope."""

from __future__ import annotations

from course.accounts.schemas import Role, Staff
from course.participants.tables import Participant


def may_see_people(staff: Staff) -> bool:
    return staff.role in (Role.leader, Role.admin)


def participant_scope(staff: Staff):
    if staff.role is Role.admin:
        return Participant.id.is_not_null()
    if staff.role is Role.leader:
        return Participant.office == staff.office_id
    return Participant.id.is_null()


def may_read_note(staff: Staff, cohort_leaders: set[int], primary_contact: int) -> bool:
    """A talk's private note: the cohort's two leaders and the primary contact, nobody else."""
    return staff.id in cohort_leaders or staff.id == primary_contact
