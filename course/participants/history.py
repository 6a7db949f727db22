"""A participant's course history as a whole, for an export of what is held about
them: every enrolment with its cohort, its reason, the attendance at each session
and the outcome. Read through the caller's scopes, as every other read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from course.accounts.schemas import Staff
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort
from course.participants import policies
from course.participants.common import staff_names
from course.participants.enrolment import OutcomeOut, outcome_out
from course.participants.tables import Attendance, Enrolment, Outcome


@dataclass
class SessionAttendance:
    number: int
    date: date
    module_name: str  # the module's message id, translated where it is shown
    session_status: str  # held | planned | cancelled
    status: str | None  # present | absent | excused; None when not marked
    note: str


@dataclass
class EnrolmentHistory:
    id: int
    cohort_id: int
    cohort_title: str
    start_date: date
    end_date: date
    status: str
    reason: str
    created_at: datetime
    changed_at: datetime
    attendance: list[SessionAttendance]
    outcome: OutcomeOut | None


async def participant_history(staff: Staff, participant_id: int) -> list[EnrolmentHistory]:
    """Every enrolment of a participant the caller may see, oldest cohort first."""
    enrolments = await Enrolment.select().where(
        policies.enrolment_scope(staff), Enrolment.participant == participant_id
    )
    if not enrolments:
        return []
    ids = [e["id"] for e in enrolments]
    by_id = {
        c.id: c
        for c in await cohorts.load(
            await Cohort.select().where(
                policies.people_cohort_scope(staff), Cohort.id.is_in([e["cohort"] for e in enrolments])
            )
        )
    }
    marks = {
        (m["cohort"], m["number"]): m
        for m in await Attendance.select(
            Attendance.session.cohort.as_alias("cohort"),
            Attendance.session.number.as_alias("number"),
            Attendance.status,
            Attendance.note,
        ).where(policies.attendance_scope(staff), Attendance.participant == participant_id)
    }
    outcomes = {
        o["enrolment"]: o
        for o in await Outcome.select().where(policies.outcome_scope(staff), Outcome.enrolment.is_in(ids))
    }
    names = await staff_names(o["changed_by"] for o in outcomes.values())
    out = []
    for e in enrolments:
        cohort = by_id.get(e["cohort"])
        if cohort is None:
            continue
        outcome = outcomes.get(e["id"])
        out.append(
            EnrolmentHistory(
                id=e["id"],
                cohort_id=cohort.id,
                cohort_title=cohort.title,
                start_date=cohort.start_date,
                end_date=cohort.end_date,
                status=e["status"],
                reason=e["reason"],
                created_at=e["created_at"],
                changed_at=e["changed_at"],
                attendance=[
                    SessionAttendance(
                        s.number,
                        s.date,
                        s.module_name,
                        s.status,
                        marks.get((cohort.id, s.number), {}).get("status"),
                        marks.get((cohort.id, s.number), {}).get("note", ""),
                    )
                    for s in cohort.sessions
                ],
                outcome=outcome_out(outcome, names),
            )
        )
    return sorted(out, key=lambda h: (h.start_date, h.id))
