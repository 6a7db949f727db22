"""Who may see a participant's messages, and who may send a failed one again.

A participant's message log (what, when, by which channel, to whom, how it went;
never the text) is read by the leaders of the cohort a message belongs to or of any
cohort the participant is on, and by the participant's primary contact, within the
participant scope (their office); admins read every participant's, as they read
attendance and the rest of a record; managers none, as they see no names. The list
of messages that did not get through, and sending one again, are an admin's: every
office.

Each scope is a where-clause the services put inside their queries, built of
sub-selects, so a message outside it is never selected and an id out of scope
answers 404; reads and writes alike."""

from __future__ import annotations

from course.accounts.schemas import Role, Staff
from course.cohorts.tables import CohortLeader
from course.messages.tables import Message
from course.participants import policies as participant_policies
from course.participants.tables import Enrolment, Participant


def _visible_participants(staff: Staff):
    return Participant.select(Participant.id).where(participant_policies.participant_scope(staff))


def _led_cohorts(staff: Staff):
    return CohortLeader.select(CohortLeader.cohort).where(CohortLeader.leader == staff.id)


def _contact_for(staff: Staff):
    return Participant.select(Participant.id).where(Participant.primary_contact == staff.id)


def _on_led_cohorts(staff: Staff):
    return Enrolment.select(Enrolment.participant).where(Enrolment.cohort.is_in(_led_cohorts(staff)))


def log_scope(staff: Staff):
    """Messages about a participant the caller may see in that participant's log: an
    admin every one; a leader, of a participant of their office, those of a cohort
    they lead and every one about a participant on a cohort they lead or whose
    primary contact they are; a manager none."""
    if staff.role is Role.admin:
        return Message.participant.is_in(_visible_participants(staff))
    if staff.role is not Role.leader:
        return Message.id.is_null()
    return Message.participant.is_in(_visible_participants(staff)) & (
        Message.cohort.is_in(_led_cohorts(staff))
        | Message.participant.is_in(_on_led_cohorts(staff))
        | Message.participant.is_in(_contact_for(staff))
    )


def reader_scope(staff: Staff):
    """Participants whose message log the caller may open (used together with the
    participant scope, which tells 404 from 403): an admin every one, a leader those
    on a cohort they lead, those they are primary contact for, and those a message
    of a cohort they lead is about; a manager none."""
    if staff.role is Role.admin:
        return Participant.id.is_not_null()
    if staff.role is not Role.leader:
        return Participant.id.is_null()
    return (
        Participant.id.is_in(_on_led_cohorts(staff))
        | Participant.id.is_in(_contact_for(staff))
        | Participant.id.is_in(Message.select(Message.participant).where(Message.cohort.is_in(_led_cohorts(staff))))
    )


def admin_scope(staff: Staff):
    """Messages an admin lists when they did not get through, and may send again:
    every office's. Nobody else any."""
    if staff.role is Role.admin:
        return Message.id.is_not_null()
    return Message.id.is_null()
