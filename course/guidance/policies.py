"""Who may see and change guidance talks and the leaders' times for them.

Leaders hold talks in their own office's cohorts, admins in every office; managers see
no talks (they see counts and rates only). Each scope is a where-clause the services
put inside their queries, reads and writes alike, so a talk outside it is never
selected: it answers 404, and a forgotten check fails closed. The scopes are built
from the cohorts' and the participants' policies, as sub-selects, so they serve in
updates and deletes as well as in selects."""

from __future__ import annotations

from course.accounts.schemas import Staff
from course.cohorts import policies as cohort_policies
from course.cohorts.tables import Cohort, CohortLeader
from course.guidance.tables import Availability, AvailabilityException, Talk
from course.participants import policies as participant_policies
from course.participants.tables import Participant


def may_hold_talks(staff: Staff) -> bool:
    """Leaders and admins hold talks and keep times for them; managers do not."""
    return cohort_policies.holds_talks(staff)


def cohort_scope(staff: Staff):
    """Cohorts whose talks the caller may see: those whose people they may see (a
    leader their office's, an admin every one, a manager none)."""
    return participant_policies.people_cohort_scope(staff)


def talk_scope(staff: Staff):
    """Talks the caller may see and change: in a cohort of ``cohort_scope``, with a
    participant the caller may see."""
    return Talk.cohort.is_in(Cohort.select(Cohort.id).where(cohort_scope(staff))) & Talk.participant.is_in(
        Participant.select(Participant.id).where(participant_policies.participant_scope(staff))
    )


def note_scope(staff: Staff):
    """Talks whose private note the caller may read and write: the cohort's leaders
    and the participant's primary contact, nobody else (an admin neither). Used
    together with ``talk_scope``."""
    return Talk.cohort.is_in(
        CohortLeader.select(CohortLeader.cohort).where(CohortLeader.leader == staff.id)
    ) | Talk.participant.is_in(Participant.select(Participant.id).where(Participant.primary_contact == staff.id))


def availability_scope(staff: Staff):
    """The caller's own weekly windows for talks, if they hold talks."""
    if not may_hold_talks(staff):
        return Availability.id.is_null()
    return Availability.leader == staff.id


def exception_scope(staff: Staff):
    """The caller's own days away and extra times, if they hold talks."""
    if not may_hold_talks(staff):
        return AvailabilityException.id.is_null()
    return AvailabilityException.leader == staff.id
