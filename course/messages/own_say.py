"""What the leaders hear of the participant's own say on their page (events connected
in course.wiring): an absence reported in advance goes to the session's leaders, a
talk confirmed or moved to the talk's leader. Each runs inside the transaction of the
change, so a change that rolls back queues nothing; each key names its cause (the
moment of the report, the talk's new time), so the same change told twice queues one.
The reason a participant gives is for the register, never for an e-mail."""

from __future__ import annotations

from datetime import date, datetime, time

from course.cohorts.tables import CohortLeader, Session, SessionLeader
from course.guidance.tables import Talk
from course.messages import outbox
from course.participants.tables import Attendance, Participant


async def _person(participant_id: int) -> dict | None:
    person = (
        await Participant.select(Participant.name, Participant.erased_at)
        .where(Participant.id == participant_id)
        .first()
    )
    return None if person is None or person["erased_at"] is not None else person


async def absence_reported(participant_id: int, session_id: int) -> None:
    """The cohort's leaders, and a substitute leading the session, hear who cannot come."""
    person = await _person(participant_id)
    session = (
        await Session.select(
            Session.cohort,
            Session.number,
            Session.date,
            Session.start_time,
            Session.end_time,
            Session.cohort.title.as_alias("title"),
        )
        .where(Session.id == session_id)
        .first()
    )
    mark = (
        await Attendance.select(Attendance.recorded_at)
        .where(Attendance.session == session_id, Attendance.participant == participant_id)
        .first()
    )
    if person is None or session is None or mark is None:
        return
    leaders = await CohortLeader.select(CohortLeader.leader).where(CohortLeader.cohort == session["cohort"])
    substitutes = await SessionLeader.select(SessionLeader.leader).where(SessionLeader.session == session_id)
    reported: datetime = mark["recorded_at"]
    await outbox.to_staff(
        [r["leader"] for r in leaders] + [r["leader"] for r in substitutes],
        "absence_reported",
        f"session:{session_id}:p{participant_id}:{reported:%Y%m%d%H%M%S%f}",
        {
            "participant_name": person["name"],
            "title": session["title"],
            "cohort_id": session["cohort"],
            "number": session["number"],
            "day": session["date"],
            "start": session["start_time"],
            "end": session["end_time"],
        },
        participant_id=participant_id,
        cohort_id=session["cohort"],
    )


async def _talk(talk_id: int) -> dict | None:
    return (
        await Talk.select(
            Talk.id,
            Talk.cohort,
            Talk.participant,
            Talk.leader,
            Talk.date,
            Talk.start_time,
            Talk.end_time,
            Talk.location,
            Talk.cohort.title.as_alias("title"),
        )
        .where(Talk.id == talk_id)
        .first()
    )


def _talk_context(talk: dict, participant_name: str) -> dict:
    return {
        "participant_name": participant_name,
        "title": talk["title"],
        "cohort_id": talk["cohort"],
        "day": talk["date"],
        "start": talk["start_time"],
        "end": talk["end_time"],
        "location": talk["location"],
    }


async def talk_confirmed(talk_id: int) -> None:
    talk = await _talk(talk_id)
    person = talk and await _person(talk["participant"])
    if talk is None or person is None:
        return
    await outbox.to_staff(
        [talk["leader"]],
        "talk_confirmed",
        f"talk:{talk_id}:{talk['date']}:{talk['start_time']:%H%M}",
        _talk_context(talk, person["name"]),
        participant_id=talk["participant"],
        cohort_id=talk["cohort"],
    )


async def talk_moved_by_participant(talk_id: int, before: str) -> None:
    """``before``: the day and start the talk had, ``YYYY-MM-DD HH:MM``."""
    talk = await _talk(talk_id)
    person = talk and await _person(talk["participant"])
    if talk is None or person is None:
        return
    day, _, start = before.partition(" ")
    await outbox.to_staff(
        [talk["leader"]],
        "talk_move_requested",
        f"talk:{talk_id}:{talk['date']}:{talk['start_time']:%H%M}",
        {
            **_talk_context(talk, person["name"]),
            "old_day": date.fromisoformat(day),
            "old_start": time.fromisoformat(start),
        },
        participant_id=talk["participant"],
        cohort_id=talk["cohort"],
    )
