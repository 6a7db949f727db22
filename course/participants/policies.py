"""Who may see participants: course leaders their own office, admins every office.
Managers see counts and rates only, so every scope below selects nothing for them.

The scopes are where-clauses that the services put inside their queries, reads and
writes alike, so a row outside them is never selected: an id out of scope answers
404, and a forgotten check fails closed. Those on the tables that hang off a
participant or a cohort are sub-selects built from ``participant_scope`` and
``people_cohort_scope``, so they serve in updates as well as in selects."""

from __future__ import annotations

from course.accounts.schemas import Role, Staff
from course.accounts.tables import StaffUser
from course.cohorts.tables import Cohort, CohortLeader, Session, SessionLeader
from course.participants.tables import (
    Attendance,
    CategoryChange,
    Consent,
    Enrolment,
    FollowUp,
    Outcome,
    Participant,
    ParticipantLink,
    ReflectionAnswer,
    ReflectionTask,
)

# Who sees people by name, and so may be a participant's primary contact.
PEOPLE_ROLES = (Role.leader, Role.admin)


def may_see_people(staff: Staff) -> bool:
    return staff.role in PEOPLE_ROLES


def participant_scope(staff: Staff):
    """Participants the caller may see and change: a leader their office's, an admin
    every one, a manager none. An erased participant is no one's: their row stays
    only so that what they took part in still counts in anonymous figures."""
    if staff.role is Role.admin:
        return Participant.erased_at.is_null()
    if staff.role is Role.leader:
        return (Participant.office == staff.office_id) & Participant.erased_at.is_null()
    return Participant.id.is_null()


def erase_scope(staff: Staff):
    """Participants the caller may erase, used together with ``participant_scope``:
    an admin any, a leader those they are primary contact for, nobody else."""
    if staff.role is Role.admin:
        return Participant.id.is_not_null()
    if staff.role is Role.leader:
        return Participant.primary_contact == staff.id
    return Participant.id.is_null()


def people_cohort_scope(staff: Staff):
    """Cohorts whose people (roster, register, enrolments) the caller may see: a leader
    their office's, an admin every one, a manager none (they read the summary only,
    through the cohorts' own scope)."""
    if staff.role is Role.admin:
        return Cohort.id.is_not_null()
    if staff.role is Role.leader:
        return Cohort.office == staff.office_id
    return Cohort.id.is_null()


def _visible_participants(staff: Staff):
    return Participant.select(Participant.id).where(participant_scope(staff))


def _people_cohorts(staff: Staff):
    return Cohort.select(Cohort.id).where(people_cohort_scope(staff))


def enrolment_scope(staff: Staff):
    """Enrolments in a cohort whose people the caller may see, of a participant they
    may see (the two share an office: enrolling requires it)."""
    return Enrolment.cohort.is_in(_people_cohorts(staff)) & Enrolment.participant.is_in(_visible_participants(staff))


def attendance_scope(staff: Staff):
    """Attendance marks at a session of a cohort whose people the caller may see, of
    a participant they may see."""
    return Attendance.session.is_in(
        Session.select(Session.id).where(Session.cohort.is_in(_people_cohorts(staff)))
    ) & Attendance.participant.is_in(_visible_participants(staff))


def outcome_scope(staff: Staff):
    """Outcomes of the enrolments in ``enrolment_scope``."""
    return Outcome.enrolment.is_in(Enrolment.select(Enrolment.id).where(enrolment_scope(staff)))


def follow_up_scope(staff: Staff):
    """Follow-ups of the enrolments in ``enrolment_scope``: the office's leaders and admins."""
    return FollowUp.enrolment.is_in(Enrolment.select(Enrolment.id).where(enrolment_scope(staff)))


def way_in_scope(staff: Staff):
    """Participants the way-in report counts: a leader's and a manager's office, every
    office for an admin. Counts only: names go only to those who may see people."""
    if staff.role is Role.admin:
        return Participant.id.is_not_null()
    return Participant.office == staff.office_id


def consent_scope(staff: Staff):
    """Consents recorded for a participant the caller may see."""
    return Consent.participant.is_in(_visible_participants(staff))


def category_scope(staff: Staff):
    """Follow-up categories of a participant the caller may see."""
    return CategoryChange.participant.is_in(_visible_participants(staff))


def link_scope(staff: Staff):
    """Personal links of a participant the caller may see."""
    return ParticipantLink.participant.is_in(_visible_participants(staff))


def office_for(staff: Staff, office_id: int | None) -> int:
    """The office a new participant belongs to: an admin may name any office,
    everyone else registers in their own."""
    if staff.role is Role.admin and office_id is not None:
        return office_id
    return staff.office_id


def may_be_primary_contact(office_id: int):
    """Staff users who may be primary contact for the office's participants: its
    active leaders and admins."""
    return (
        (StaffUser.office == office_id)
        & StaffUser.active.eq(True)
        & StaffUser.role.is_in([role.value for role in PEOPLE_ROLES])
    )


def handover_scope(staff: Staff):
    """Participants whose primary contact the caller may hand on to someone else:
    those they are primary contact for, or every one for an admin. (The primary
    contact reads the talks' private notes, so nobody hands that to themselves.)"""
    if staff.role is Role.admin:
        return Participant.id.is_not_null()
    return Participant.primary_contact == staff.id


# --- reflection tasks and the participants' answers --------------------------------------


def reflection_task_scope(staff: Staff):
    """An office's reflection tasks: staff read their own office's (managers too: the
    texts name no one), admins every office's."""
    if staff.role is Role.admin:
        return ReflectionTask.id.is_not_null()
    return ReflectionTask.office == staff.office_id


def may_edit_reflection_tasks(staff: Staff) -> bool:
    """Leaders change their office's tasks, admins any office's; managers read them."""
    return staff.role in PEOPLE_ROLES


def reflection_scope(staff: Staff):
    """Answers whose existence (module and when, never the text) the caller may see:
    those of the enrolments in ``enrolment_scope``, so the office's leaders and admins
    see who has answered, as they see attendance."""
    return ReflectionAnswer.enrolment.is_in(Enrolment.select(Enrolment.id).where(enrolment_scope(staff)))


def reflection_reader_scope(staff: Staff):
    """Enrolments whose reflection answers the caller may read: in ``enrolment_scope``,
    and the caller leads the cohort (as one of its pair, or as a substitute for one
    of its sessions) or is the participant's primary contact. Nobody else: not the
    office's other leaders, not managers, and not an admin by their role alone."""
    if staff.role not in PEOPLE_ROLES:
        return Enrolment.id.is_null()
    led = CohortLeader.select(CohortLeader.cohort).where(CohortLeader.leader == staff.id)
    substituted = Session.select(Session.cohort).where(
        Session.id.is_in(SessionLeader.select(SessionLeader.session).where(SessionLeader.leader == staff.id))
    )
    contact_for = Participant.select(Participant.id).where(Participant.primary_contact == staff.id)
    return enrolment_scope(staff) & (
        Enrolment.cohort.is_in(led) | Enrolment.cohort.is_in(substituted) | Enrolment.participant.is_in(contact_for)
    )


def reflection_answer_scope(staff: Staff):
    """Answers whose text the caller may read: those of ``reflection_reader_scope``."""
    return ReflectionAnswer.enrolment.is_in(Enrolment.select(Enrolment.id).where(reflection_reader_scope(staff)))


def own_reflection_scope(participant_id: int):
    """Enrolments on which a participant, through their personal link, reads and
    writes their own answers: theirs, on a cohort they take part in, never once erased."""
    return (
        (Enrolment.participant == participant_id)
        & Enrolment.participant.is_in(Participant.select(Participant.id).where(Participant.erased_at.is_null()))
        & Enrolment.status.is_in(["enrolled", "completed"])
    )
