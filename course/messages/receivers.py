"""What messages does when something happens in an earlier domain (their events,
connected in course.wiring), and the notice a later one asks for (the evaluation).
Each runs inside the transaction of the change, so a change that rolls back queues
nothing; each message's key names its cause, so the same change told twice (a
request sent again) queues one.

Participants hear of a session or a talk still to come that was moved or cancelled,
of a new time or place for all their cohort's sessions, and of a cohort called off;
the primary contact and the cohort's leaders hear of a talk not shown and of two
sessions missed in a row."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from course import clock
from course.cohorts.tables import Cohort, CohortLeader, Session
from course.guidance.tables import Talk
from course.messages import outbox, texts
from course.participants.tables import Enrolment, Participant

# Those told of a change to their cohort's sessions: who has a place on it now.
TOLD = ("enrolled", "invited")


def _place_key(location: str) -> str:
    """A short mark of a place, so a move to another room is a new notice."""
    return hashlib.sha256(location.encode()).hexdigest()[:8]


async def _session(session_id: int) -> dict | None:
    return (
        await Session.select(
            Session.id,
            Session.cohort,
            Session.number,
            Session.date,
            Session.start_time,
            Session.end_time,
            Session.location,
            Session.cohort.title.as_alias("title"),
            Session.cohort.cancelled_at.as_alias("cohort_cancelled_at"),
        )
        .where(Session.id == session_id)
        .first()
    )


async def _told(cohort_id: int) -> list[int]:
    rows = await Enrolment.select(Enrolment.participant).where(
        Enrolment.cohort == cohort_id, Enrolment.status.is_in(list(TOLD))
    )
    return sorted(r["participant"] for r in rows)


def _session_context(session: dict) -> dict:
    return {
        "title": session["title"],
        "number": session["number"],
        "day": session["date"],
        "start": session["start_time"],
        "end": session["end_time"],
        "location": session["location"],
    }


async def _tell_session(session_id: int, kind: str) -> None:
    session = await _session(session_id)
    if session is None or session["date"] < clock.today() or session["cohort_cancelled_at"] is not None:
        return  # held already, or its cohort called off (they were told of that)
    key = f"session:{session_id}:{session['date']}:{session['start_time']:%H%M}:{_place_key(session['location'])}"
    for participant_id in await _told(session["cohort"]):
        await outbox.to_participant(participant_id, kind, key, _session_context(session), cohort_id=session["cohort"])


async def session_moved(session_id: int) -> None:
    await _tell_session(session_id, "session_moved")


async def session_cancelled(session_id: int) -> None:
    await _tell_session(session_id, "session_cancelled")


async def cohort_called_off(cohort_id: int) -> None:
    """Everyone with a place is told, if the cohort had sessions still to come."""
    cohort = await Cohort.select(Cohort.id, Cohort.title).where(Cohort.id == cohort_id).first()
    if cohort is None:
        return
    upcoming = (
        await Session.select(Session.date)
        .where(Session.cohort == cohort_id, Session.date >= clock.today())
        .order_by(Session.date)
        .first()
    )
    if upcoming is None:
        return
    for participant_id in await _told(cohort_id):
        await outbox.to_participant(
            participant_id,
            "cohort_cancelled",
            f"cohort:{cohort_id}",
            {"title": cohort["title"], "day": upcoming["date"]},
            cohort_id=cohort_id,
        )


async def cohort_moved(cohort_id: int) -> None:
    """The time or place of all the sessions still to come changed: one notice, naming
    the next session's new time and place, rather than one for each session."""
    cohort = await Cohort.select(Cohort.title, Cohort.cancelled_at).where(Cohort.id == cohort_id).first()
    if cohort is None or cohort["cancelled_at"] is not None:
        return
    first = (
        await Session.select(Session.date, Session.start_time, Session.end_time, Session.location)
        .where(Session.cohort == cohort_id, Session.date >= clock.today(), Session.cancelled_at.is_null())
        .order_by(Session.date)
        .first()
    )
    if first is None:
        return
    key = (
        f"cohort:{cohort_id}:{first['date']}:{first['start_time']:%H%M}-{first['end_time']:%H%M}"
        f":{_place_key(first['location'])}"
    )
    context = {
        "title": cohort["title"],
        "day": first["date"],
        "start": first["start_time"],
        "end": first["end_time"],
        "location": first["location"],
    }
    for participant_id in await _told(cohort_id):
        await outbox.to_participant(participant_id, "cohort_moved", key, context, cohort_id=cohort_id)


async def _talk(talk_id: int) -> dict | None:
    return (
        await Talk.select(
            Talk.id,
            Talk.cohort,
            Talk.participant,
            Talk.date,
            Talk.start_time,
            Talk.end_time,
            Talk.location,
            Talk.status,
            Talk.participant.name.as_alias("participant_name"),
            Talk.participant.primary_contact.as_alias("contact"),
            Talk.participant.erased_at.as_alias("erased_at"),
        )
        .where(Talk.id == talk_id)
        .first()
    )


async def _tell_talk(talk_id: int, kind: str) -> None:
    talk = await _talk(talk_id)
    if talk is None or talk["date"] < clock.today():
        return
    await outbox.to_participant(
        talk["participant"],
        kind,
        f"talk:{talk_id}:{talk['date']}:{talk['start_time']:%H%M}:{_place_key(talk['location'])}",
        {"day": talk["date"], "start": talk["start_time"], "end": talk["end_time"], "location": talk["location"]},
        cohort_id=talk["cohort"],
    )


async def talk_moved(talk_id: int) -> None:
    await _tell_talk(talk_id, "talk_moved")


async def talk_cancelled(talk_id: int) -> None:
    await _tell_talk(talk_id, "talk_cancelled")


async def _around(participant_contact: int, cohort_id: int) -> list[int]:
    """The participant's primary contact and the cohort's leaders."""
    leaders = await CohortLeader.select(CohortLeader.leader).where(CohortLeader.cohort == cohort_id)
    return sorted({participant_contact, *(r["leader"] for r in leaders)})


async def talk_no_show(talk_id: int) -> None:
    talk = await _talk(talk_id)
    if talk is None or talk["erased_at"] is not None:
        return
    cohort = await Cohort.select(Cohort.title).where(Cohort.id == talk["cohort"]).first()
    await outbox.to_staff(
        await _around(talk["contact"], talk["cohort"]),
        "talk_no_show",
        f"talk:{talk_id}",
        {
            "participant_name": talk["participant_name"],
            "participant_id": talk["participant"],
            "title": cohort["title"] if cohort else "",
            "day": talk["date"],
            "start": talk["start_time"],
        },
        participant_id=talk["participant"],
        cohort_id=talk["cohort"],
    )


async def missed_twice(participant_id: int, cohort_id: int, session_id: int) -> None:
    """Once for each pair of sessions: the key names the participant and the second."""
    person = (
        await Participant.select(Participant.name, Participant.primary_contact, Participant.erased_at)
        .where(Participant.id == participant_id)
        .first()
    )
    session = await _session(session_id)
    if person is None or person["erased_at"] is not None or session is None:
        return
    earlier = (
        await Session.select(Session.number, Session.date)
        .where(
            Session.cohort == cohort_id,
            Session.number < session["number"],
            Session.cancelled_at.is_null(),
        )
        .order_by(Session.number, ascending=False)
        .first()
    )
    await outbox.to_staff(
        await _around(person["primary_contact"], cohort_id),
        "absence_alert",
        f"p{participant_id}:session:{session_id}",
        {
            "participant_name": person["name"],
            "participant_id": participant_id,
            "title": session["title"],
            "first_number": earlier["number"] if earlier else session["number"] - 1,
            "first_day": earlier["date"] if earlier else None,
            "number": session["number"],
            "day": session["date"],
        },
        participant_id=participant_id,
        cohort_id=cohort_id,
    )


async def evaluation_open(
    evaluation_id: int, cohort_id: int, title: str, closes_on: date, people: Iterable[tuple[int, bool]]
) -> int:
    """A nudge to each participant who consented to the evaluation (and to being
    contacted), once per evaluation: (participant id, whether their link is on their
    own page). It carries their own page's link, never an evaluation's."""
    count = 0
    for participant_id, on_own_page in people:
        count += await outbox.to_participant(
            participant_id,
            "evaluation_open",
            f"evaluation:{evaluation_id}",
            {"title": title, "closes_on": closes_on, "on_own_page": on_own_page, "link": texts.LINK_MARK},
            cohort_id=cohort_id,
        )
    return count
