"""The participant's own say about a session: "I cannot come" (an absence reported in
advance, with an optional reason), and taking it back until the session starts.

The caller holds the participant's link (course.participants.links), so the scope is
the person the link opens: their own sessions, on cohorts they are enrolled on. A
report is an attendance mark, excused, with the reason as its note and ``source``
"participant" (no staff member recorded it); the register shows it as reported, and
staff may still record something else from the session's day, which ends the
participant's say over it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from course import clock
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort, Session
from course.db import lock, write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.participants import hooks
from course.participants.tables import Attendance, Enrolment, Participant
from course.validation import has_control_chars

MAX_REASON = 200
# Who may say they cannot come: those on the register who are still taking part.
MAY_REPORT = ("enrolled",)
BY_PARTICIPANT = "participant"
BY_STAFF = "staff"

ABSENCE_REPORTED = "absence_reported"  # audit: details name the cohort and session, never the reason
ABSENCE_WITHDRAWN = "absence_withdrawn"


@dataclass
class OwnSession:
    """One of the participant's sessions still to come, and what they have said of it."""

    session_id: int
    cohort_id: int
    number: int
    date: date
    start_time: str
    end_time: str
    module_name: str
    reported: bool  # they have said they cannot come, and staff have recorded nothing else
    reason: str
    recorded: bool  # staff have recorded their attendance: the participant's say is over


def _starts(day: date, start: str) -> datetime:
    return datetime.combine(day, cohorts.parse_time(start, {}, "start_time") or datetime.min.time(), clock.OSLO)


async def own_sessions(participant_id: int) -> list[OwnSession]:
    """The sessions not yet started, not cancelled, of the cohorts the participant is
    enrolled on, in time order, with their report of each."""
    theirs = Enrolment.select(Enrolment.cohort).where(
        Enrolment.participant == participant_id, Enrolment.status.is_in(list(MAY_REPORT))
    )
    loaded = await cohorts.load(await Cohort.select().where(Cohort.id.is_in(theirs)), among=theirs)
    now = clock.now()
    ids = {
        (r["cohort"], r["number"]): r["id"]
        for r in await Session.select(Session.id, Session.cohort, Session.number).where(Session.cohort.is_in(theirs))
    }
    marks = {
        m["session"]: m
        for m in await Attendance.select(Attendance.session, Attendance.note, Attendance.source).where(
            Attendance.participant == participant_id, Attendance.session.is_in(list(ids.values()) or [0])
        )
    }
    found = []
    for cohort in loaded:
        if cohort.status == "cancelled":
            continue
        for s in cohort.sessions:
            if s.status == "cancelled" or _starts(s.date, s.start_time) <= now:
                continue
            session_id = ids[cohort.id, s.number]
            mark = marks.get(session_id)
            reported = mark is not None and mark["source"] == BY_PARTICIPANT
            found.append(
                OwnSession(
                    session_id=session_id,
                    cohort_id=cohort.id,
                    number=s.number,
                    date=s.date,
                    start_time=s.start_time,
                    end_time=s.end_time,
                    module_name=s.module_name,
                    reported=reported,
                    reason=mark["note"] if reported and mark else "",
                    recorded=mark is not None and not reported,
                )
            )
    return sorted(found, key=lambda s: (s.date, s.start_time))


async def own_session(participant_id: int, session_id: int) -> OwnSession:
    """One of the participant's sessions still to come; NotFound for any other session
    (another person's, or one that has started or is cancelled: nothing to say then)."""
    for session in await own_sessions(participant_id):
        if session.session_id == session_id:
            return session
    raise NotFound


async def _session_of(participant_id: int, session_id: int) -> dict:
    """The session, if it is on a cohort the participant is enrolled on (else NotFound)."""
    row = (
        await Session.select(
            Session.id,
            Session.cohort,
            Session.number,
            Session.date,
            Session.start_time,
            Session.cancelled_at,
            Session.cohort.cancelled_at.as_alias("cohort_cancelled_at"),
            Session.cohort.office.as_alias("office"),
        )
        .where(
            Session.id == session_id,
            Session.cohort.is_in(
                Enrolment.select(Enrolment.cohort).where(
                    Enrolment.participant == participant_id, Enrolment.status.is_in(list(MAY_REPORT))
                )
            ),
        )
        .first()
    )
    if row is None:
        raise NotFound
    return row


def _check_open(row: dict) -> None:
    if row["cancelled_at"] is not None or row["cohort_cancelled_at"] is not None:
        raise InvalidInput({"session": N_("The session is cancelled.")})
    if datetime.combine(row["date"], row["start_time"], clock.OSLO) <= clock.now():
        raise InvalidInput({"session": N_("The session has already started.")})


def check_reason(value) -> str:
    text = " ".join(str(value or "").split())
    if has_control_chars(text) or len(text) > MAX_REASON:
        raise InvalidInput({"reason": N_("The reason can be at most 200 characters.")})
    return text


async def _lock(participant_id: int, session_id: int) -> None:
    """The participant's lock with the mark's own key (as staff marking the register
    take them), then the person again: someone erased since is gone, nothing is written."""
    await lock(f"participant:{participant_id}", f"attendance:{session_id}:{participant_id}")
    if not await Participant.exists().where(Participant.id == participant_id, Participant.erased_at.is_null()):
        raise NotFound


async def report_absence(participant_id: int, session_id: int, reason="") -> bool:
    """The participant cannot come to a session of theirs still to come: it is marked
    excused, with the reason (at most 200 characters, may be empty), and the leaders are
    told. True when it was reported now; False when it already was (nothing changes).
    Refused once staff have recorded the participant's attendance at the session."""
    text = check_reason(reason)
    row = await _session_of(participant_id, session_id)
    _check_open(row)
    at = clock.utc_now()
    async with write_transaction():
        await _lock(participant_id, session_id)
        mark = (
            await Attendance.select(Attendance.source)
            .where(Attendance.session == session_id, Attendance.participant == participant_id)
            .first()
        )
        if mark is not None and mark["source"] == BY_PARTICIPANT:
            return False
        if mark is not None:
            raise InvalidInput({"session": N_("The course leaders have already registered your attendance.")})
        await Attendance.insert(
            Attendance(
                session=session_id,
                participant=participant_id,
                status="excused",
                note=text,
                recorded_by=None,
                recorded_at=at,
                source=BY_PARTICIPANT,
            )
        )
        await audit.record(
            ABSENCE_REPORTED,
            office=row["office"],
            participant=participant_id,
            details={"cohort": row["cohort"], "session": row["number"]},
        )
        await hooks.absence_reported(participant_id, session_id)
    return True


async def withdraw_absence(participant_id: int, session_id: int) -> bool:
    """The participant will come after all: their own report goes, until the session
    starts. True when there was one; False when there was none (nothing changes).
    Refused once staff have recorded something else."""
    row = await _session_of(participant_id, session_id)
    _check_open(row)
    async with write_transaction():
        await _lock(participant_id, session_id)
        mark = (
            await Attendance.select(Attendance.source)
            .where(Attendance.session == session_id, Attendance.participant == participant_id)
            .first()
        )
        if mark is None:
            return False
        if mark["source"] != BY_PARTICIPANT:
            raise InvalidInput({"session": N_("The course leaders have already registered your attendance.")})
        await Attendance.delete().where(
            Attendance.session == session_id,
            Attendance.participant == participant_id,
            Attendance.source == BY_PARTICIPANT,
        )
        await audit.record(
            ABSENCE_WITHDRAWN,
            office=row["office"],
            participant=participant_id,
            details={"cohort": row["cohort"], "session": row["number"]},
        )
    return True
