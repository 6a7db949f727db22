"""Erasing a participant from this domain's tables: the person's row keeps its id,
office and primary contact and loses everything personal; consents, category
history, personal links, retention extensions and reflection answers go;
enrolments, attendance marks, outcomes, follow-ups and the dates and decisions of
the way in stay as counts, without their free text (who referred, notes).

No scope here: the privacy domain decides who may erase (or retention does), takes
the locks and runs these inside its one write transaction."""

from __future__ import annotations

from datetime import datetime

from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort
from course.db import lock
from course.participants import hooks
from course.participants.enrolment import fill_from_waiting_list
from course.participants.tables import (
    Attendance,
    CategoryChange,
    Consent,
    Enrolment,
    FollowUp,
    Outcome,
    Participant,
    ParticipantLink,
    PathStep,
    ReflectionAnswer,
    RetentionExtension,
)

# Enrolments that still hold or wait for a place: ended when the person is erased.
OPEN = ["invited", "enrolled", "waiting"]


async def lock_for_erasure(participant_id: int) -> dict | None:
    """Inside a write transaction, before anything else: lock the participant and the
    cohorts whose places an erasure may free, and answer the participant's row
    ({id, office, primary_contact, erased_at}), or None if there is no such participant."""
    open_cohorts = await Enrolment.select(Enrolment.cohort).where(
        Enrolment.participant == participant_id, Enrolment.status.is_in(OPEN)
    )
    await lock(f"participant:{participant_id}", *(f"cohort:{r['cohort']}" for r in open_cohorts))
    return (
        await Participant.select(Participant.id, Participant.office, Participant.primary_contact, Participant.erased_at)
        .where(Participant.id == participant_id)
        .first()
    )


async def erase_participant(participant_id: int, at: datetime) -> list[int]:
    """Erase the person from the participants' tables (inside the caller's write
    transaction, after ``lock_for_erasure``) and answer the ids of their enrolments,
    which stay, anonymous. Open enrolments in cohorts still planned or running are
    withdrawn (the place goes to the waiting list) and planned talks from today on
    cancelled, as when consent to take part is withdrawn; a cohort that is over keeps
    its record as it was."""
    enrolments = await Enrolment.select(Enrolment.id, Enrolment.cohort, Enrolment.status).where(
        Enrolment.participant == participant_id
    )
    ongoing = {
        c.id
        for c in await cohorts.load(
            await Cohort.select().where(Cohort.id.is_in([e["cohort"] for e in enrolments] or [0]))
        )
        if c.status in ("planned", "running")
    }
    for row in enrolments:
        if row["status"] in OPEN and row["cohort"] in ongoing:
            await Enrolment.update({Enrolment.status: "withdrawn", Enrolment.changed_at: at}).where(
                Enrolment.id == row["id"]
            )
            await fill_from_waiting_list(row["cohort"], at)
    await hooks.participation_ended(participant_id, None, at)
    ids = [e["id"] for e in enrolments]
    await Enrolment.update({Enrolment.reason: ""}).where(Enrolment.participant == participant_id)
    await Attendance.update({Attendance.note: ""}).where(Attendance.participant == participant_id)
    await Outcome.update({Outcome.note: ""}).where(Outcome.enrolment.is_in(ids or [0]))
    await FollowUp.update({FollowUp.note: ""}).where(FollowUp.enrolment.is_in(ids or [0]))
    await PathStep.update({PathStep.by_text: "", PathStep.note: ""}).where(PathStep.participant == participant_id)
    await ReflectionAnswer.delete().where(ReflectionAnswer.enrolment.is_in(ids or [0]))
    for table in (Consent, CategoryChange, ParticipantLink, RetentionExtension):
        await table.delete().where(table.participant == participant_id)
    await Participant.update(
        {
            Participant.name: "",
            Participant.sort_name: "",
            Participant.phone: "",
            Participant.email: "",
            Participant.preferred_channel: Participant.preferred_channel.default,  # nothing of theirs is left
            Participant.birth_year: 0,
            Participant.referral_date: None,
            Participant.erased_at: at,
        }
    ).where(Participant.id == participant_id)
    return ids
