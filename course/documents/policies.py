"""Who may open and change a participant's resource CV and action plan.

Staff: leaders and admins, for enrolments whose cohort and participant are of their
office (admins every office); managers none. Within that, the documents are edited
by the cohort's leaders and the participant's primary contact (and admins); another
leader of the office is refused (403), not kept in the dark (404). The participant
reaches their own through their personal link.

The scopes are where-clauses put inside the queries, so an enrolment outside them is
never selected and a forgotten check fails closed.
"""

from __future__ import annotations

from course.accounts.schemas import Role, Staff
from course.cohorts.tables import CohortLeader
from course.participants.policies import may_see_people
from course.participants.tables import Enrolment


def may_see_documents(staff: Staff) -> bool:
    """Leaders and admins work with documents; managers see numbers only."""
    return may_see_people(staff)


def may_edit(staff: Staff, leader_ids, primary_contact_id: int) -> bool:
    """The edit rule in Python, for rows already read: admins, and leaders who lead
    the cohort or are the participant's primary contact."""
    return staff.role is Role.admin or (
        staff.role is Role.leader and (staff.id in leader_ids or staff.id == primary_contact_id)
    )


def edits_whole_cohort(staff: Staff, leader_ids) -> bool:
    """The cohort's leaders (and admins) edit everyone's documents on it."""
    return may_edit(staff, leader_ids, primary_contact_id=-1)


def enrolment_scope(staff: Staff):
    """Enrolments whose documents the caller may reach at all: by the office of both
    the cohort and the participant, never an erased participant's (whose documents
    are gone). Outside it an enrolment is not found (404)."""
    if not may_see_documents(staff):
        return Enrolment.id.is_null()
    living = Enrolment.participant._.erased_at.is_null()
    if staff.role is Role.admin:
        return living
    return (Enrolment.cohort.office == staff.office_id) & (Enrolment.participant.office == staff.office_id) & living


def document_scope(staff: Staff):
    """Enrolments whose documents the caller reads and writes: ``enrolment_scope``
    with the edit rule (the query form of ``may_edit``). An enrolment in the first and
    not in this one is refused (403)."""
    if staff.role is not Role.leader:
        return enrolment_scope(staff)
    led = CohortLeader.select(CohortLeader.cohort).where(CohortLeader.leader == staff.id)
    return enrolment_scope(staff) & ((Enrolment.participant.primary_contact == staff.id) | Enrolment.cohort.is_in(led))


def own_scope(participant_id: int | None):
    """Enrolments whose documents a participant reaches through their personal link:
    their own, and none once they are erased."""
    if participant_id is None:
        return Enrolment.id.is_null()
    return (Enrolment.participant == participant_id) & Enrolment.participant._.erased_at.is_null()
