"""What takes a leader's or a participant's time (sessions and other talks), and the
conflict that names it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time

from course.cohorts import services as cohorts
from course.cohorts.tables import CohortLeader, Session
from course.errors import N_, Conflict, Term, term
from course.guidance.rules import ACTIVE, HAS_TALKS
from course.guidance.tables import Talk
from course.participants.tables import Enrolment, Participant


@dataclass(frozen=True)
class Booking:
    day: date
    start: time
    end: time
    leader_ids: frozenset[int]
    participant_ids: frozenset[int]
    label: Term
    talk_id: int | None = None


async def bookings(leader_ids: set[int], participant_ids: set[int], first: date, last: date) -> list[Booking]:
    """Sessions and talks that take the time of any of these leaders or participants."""
    found: list[Booking] = []
    led = await CohortLeader.select(CohortLeader.cohort, CohortLeader.leader).where(
        CohortLeader.leader.is_in(sorted(leader_ids) or [0])
    )
    attending = await Enrolment.select(Enrolment.cohort, Enrolment.participant).where(
        Enrolment.participant.is_in(sorted(participant_ids) or [0]), Enrolment.status.is_in(list(HAS_TALKS))
    )
    cohort_ids = sorted({r["cohort"] for r in led} | {r["cohort"] for r in attending})
    sessions = await Session.select(
        Session.cohort,
        Session.number,
        Session.date,
        Session.start_time,
        Session.end_time,
        Session.cohort.title.as_alias("title"),
    ).where(
        Session.cohort.is_in(cohort_ids or [0]),
        Session.date >= first,
        Session.date <= last,
        Session.cancelled_at.is_null(),
        Session.cohort.cancelled_at.is_null(),
    )
    leaders_of: dict[int, set[int]] = defaultdict(set)
    for r in led:
        leaders_of[r["cohort"]].add(r["leader"])
    attendees_of: dict[int, set[int]] = defaultdict(set)
    for r in attending:
        attendees_of[r["cohort"]].add(r["participant"])
    for s in sessions:
        found.append(
            Booking(
                s["date"],
                s["start_time"],
                s["end_time"],
                frozenset(leaders_of[s["cohort"]]),
                frozenset(attendees_of[s["cohort"]]),
                term(N_("%(title)s, session %(number)s"), title=s["title"], number=s["number"]),
            )
        )
    talks = await Talk.select(
        Talk.id,
        Talk.date,
        Talk.start_time,
        Talk.end_time,
        Talk.leader,
        Talk.participant,
    ).where(
        Talk.date >= first,
        Talk.date <= last,
        Talk.status.is_in(list(ACTIVE)),
        (Talk.leader.is_in(sorted(leader_ids) or [0])) | (Talk.participant.is_in(sorted(participant_ids) or [0])),
    )
    for t in talks:
        found.append(
            Booking(
                t["date"],
                t["start_time"],
                t["end_time"],
                frozenset({t["leader"]}),
                frozenset({t["participant"]}),
                term(N_("a guidance talk")),
                t["id"],
            )
        )
    return found


async def raise_on_clash(
    day: date, start: time, end: time, leader: int, participant: int, exclude_talk: int | None = None
) -> None:
    """Conflict naming the leader or the participant and what they are busy with, if
    anything overlaps the time."""
    for b in await bookings({leader}, {participant}, day, day):
        if b.talk_id is not None and b.talk_id == exclude_talk:
            continue
        if b.day == day and b.start < end and start < b.end:
            when = f"{day.strftime('%d.%m.%Y')} {cohorts.hhmm(b.start)}–{cohorts.hhmm(b.end)}"
            if leader in b.leader_ids:
                names = await cohorts.staff_names([leader])
                raise Conflict(
                    N_("%(who)s is busy: %(what)s %(when)s"),
                    field="leader_id",
                    who=names.get(leader) or term(N_("The course leader")),
                    what=b.label,
                    when=when,
                )
            name = await Participant.select(Participant.name).where(Participant.id == participant).first()
            raise Conflict(
                N_("%(who)s is busy: %(what)s %(when)s"),
                field="participant_id",
                who=name["name"] if name else term(N_("The participant")),
                what=b.label,
                when=when,
            )
