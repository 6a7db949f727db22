"""Planning a cohort's talks: four for everyone, at least one a week, proposed by the
planner in the leaders' free time, then booked in one step."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import anyio

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import schedule
from course.cohorts import services as cohorts
from course.db import lock, write_transaction
from course.errors import N_, InvalidInput
from course.guidance import planner
from course.guidance.availability import windows_for
from course.guidance.clashes import bookings
from course.guidance.rules import ACTIVE, TALK_LENGTHS, course_weeks
from course.guidance.tables import Talk
from course.guidance.talks import TalkOut, check_talk, cohort_for, insert_talk, talks_by_id
from course.participants.rules import TALKS_NEEDED
from course.participants.services import PersonRef
from course.participants.tables import Enrolment
from course.validation import as_id, nb_sort_key


@dataclass
class ProposedTalk:
    participant: PersonRef
    leader: PersonRef
    date: date
    start_time: str
    end_time: str
    week: int


@dataclass
class Shortfall:
    participant: PersonRef
    week: int  # 0 when the shortfall is in the total rather than one week
    reason: str  # the message id, for translating; ``text`` has the parameters filled in
    params: dict
    text: str = ""

    def __post_init__(self) -> None:
        self.text = self.reason % self.params


@dataclass
class TalkProposal:
    cohort_id: int
    length_minutes: int
    talks: list[ProposedTalk]
    unplaced: list[Shortfall]
    load: dict[int, int]


def _now_local() -> datetime:
    return clock.now().replace(tzinfo=None)


async def propose_talks(staff: Staff, cohort_id: int, length_minutes=45) -> TalkProposal:
    """Four talks for everyone on the cohort, at least one a week, in the leaders'
    free time; nothing is saved until the leader accepts."""
    cohort = await cohort_for(staff, cohort_id)
    if isinstance(length_minutes, bool) or length_minutes not in TALK_LENGTHS:
        raise InvalidInput({"length_minutes": N_("Choose a talk length of 30, 45, 60 or 90 minutes.")})
    if cohort.status in ("cancelled", "finished"):
        raise InvalidInput({"cohort": N_("The cohort is cancelled or finished.")})
    people = await Enrolment.select(Enrolment.participant, Enrolment.participant.name.as_alias("name")).where(
        Enrolment.cohort == cohort.id, Enrolment.status.is_in(["invited", "enrolled"])
    )
    names = {p["participant"]: p["name"] for p in people}
    weeks = course_weeks(cohort)
    first, last = weeks[0][0], weeks[-1][1]
    closures = await cohorts.closures_for(cohort.office_id)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = [d for d in days if not schedule.blocked_by(d, closures)]
    windows, away = await windows_for(cohort.leader_ids, days)
    not_before = _now_local()
    leaders, participants = set(cohort.leader_ids), set(names)
    found = await bookings(leaders, participants, first, last)
    busy = []
    for b in found:
        start, end = datetime.combine(b.day, b.start), datetime.combine(b.day, b.end)
        busy += [planner.Busy(start, end, leader=leader) for leader in b.leader_ids & leaders]
        busy += [planner.Busy(start, end, participant=p) for p in b.participant_ids & participants]
    existing = await Talk.select().where(Talk.cohort == cohort.id, Talk.status.is_in(list(ACTIVE)))
    booked = [
        planner.Talk(
            t["participant"],
            t["leader"],
            datetime.combine(t["date"], t["start_time"]),
            datetime.combine(t["date"], t["end_time"]),
        )
        for t in existing
        if t["participant"] in names
    ]
    # Everything read, the plan is worked out in a worker thread: the event loop serves
    # other requests meanwhile.
    plan = await anyio.to_thread.run_sync(
        _plan,
        sorted(names, key=lambda p: nb_sort_key(names[p])),
        weeks,
        windows,
        away,
        timedelta(minutes=length_minutes),
        not_before,
        busy,
        booked,
    )
    leader_names = await cohorts.staff_names(cohort.leader_ids)

    def week_of(day: date) -> int:
        return next(i + 1 for i, (a, b) in enumerate(weeks) if a <= day <= b)

    load = {leader: 0 for leader in cohort.leader_ids}
    for t in [*booked, *plan.talks]:
        load[t.leader] = load.get(t.leader, 0) + 1
    # A shortfall names how many of the four talks have no time, booked or proposed.
    talks_of = Counter(t.participant for t in [*booked, *plan.talks])
    return TalkProposal(
        cohort_id=cohort.id,
        length_minutes=length_minutes,
        talks=[
            ProposedTalk(
                PersonRef(t.participant, names[t.participant]),
                PersonRef(t.leader, leader_names[t.leader]),
                t.start.date(),
                t.start.strftime("%H:%M"),
                t.end.strftime("%H:%M"),
                week_of(t.start.date()),
            )
            for t in plan.talks
        ],
        unplaced=[
            Shortfall(
                PersonRef(u.participant, names[u.participant]),
                u.week,
                u.reason,
                {"week": u.week, "count": max(0, TALKS_NEEDED - talks_of[u.participant])},
            )
            for u in plan.unplaced
        ],
        load=load,
    )


def _plan(
    participants: list[int],
    weeks: list[tuple[date, date]],
    windows: list[planner.Window],
    away: list[planner.Window],
    length: timedelta,
    not_before: datetime,
    busy: list[planner.Busy],
    booked: list[planner.Talk],
) -> planner.TalkPlan:
    """The pure part of a proposal (no database, no clock): the leaders' windows cut
    into talks, and the talks planned in them."""
    slots = planner.slots_in(windows, away, length, not_before=not_before)
    return planner.plan_talks(participants, weeks, slots, busy, booked=booked)


async def accept_talks(staff: Staff, cohort_id: int, talks: list) -> list[TalkOut]:
    """Book every proposed talk in one step: all of them, or none."""
    cohort = await cohort_for(staff, cohort_id)
    if cohort.status in ("cancelled", "finished"):
        raise InvalidInput({"cohort": N_("The cohort is cancelled or finished.")})
    if not isinstance(talks, list) or not 1 <= len(talks) <= 200:
        raise InvalidInput({"talks": N_("Give from 1 to 200 talks.")})
    checked = []
    errors: dict[str, str] = {}
    params: dict[str, dict] = {}
    for index, talk in enumerate(talks):
        if not isinstance(talk, dict):
            errors[f"talks.{index}"] = N_("Give participant_id, leader_id, date, start_time and end_time.")
            continue
        day, start, end = await check_talk(
            cohort,
            talk.get("participant_id"),
            talk.get("leader_id"),
            talk.get("date"),
            talk.get("start_time"),
            talk.get("end_time"),
            errors,
            params,
            prefix=f"talks.{index}.",
        )
        checked.append((as_id(talk.get("participant_id")), as_id(talk.get("leader_id")), day, start, end))
    if errors:
        raise InvalidInput(errors, params)
    ids = []
    async with write_transaction():
        # Every lock at once, in one order, so two plans accepted together cannot deadlock;
        # the locks each booking takes again below are already held.
        await lock(*(f"staff:{t[1]}" for t in checked), *(f"participant:{t[0]}" for t in checked))
        for participant, leader, day, start, end in checked:
            assert participant and leader and day and start and end  # checked without an error
            ids.append(await insert_talk(cohort, participant, leader, day, start, end, cohort.location))
        await audit.record_many(
            audit.TALK_BOOKED,
            [(t[0], {"talk": talk_id}) for t, talk_id in zip(checked, ids, strict=True)],
            actor=staff.id,
            office=cohort.office_id,
        )
    return await talks_by_id(staff, ids)
