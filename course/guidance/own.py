"""The participant's own say about their guidance talks, from their own page: confirm
a planned talk's time, or move it to another free time of the same leader's.

The caller holds the participant's link, so the scope is the person it opens: their
own planned talks still to come. A new time is one the planner offers staff (the
leader's windows for talks, less time away, in the cohort's four weeks, not on a
closed day, clear of everything the leader and the participant have), in the next
14 days; moving takes the locks staff booking takes and checks the clash again under
them, so a time taken meanwhile is refused and nothing changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from course import clock
from course.audit import services as audit
from course.cohorts import schedule
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort
from course.db import lock, write_transaction
from course.errors import N_, Conflict, InvalidInput, NotFound
from course.guidance import hooks, planner
from course.guidance.availability import windows_for
from course.guidance.clashes import bookings, raise_on_clash
from course.guidance.rules import course_weeks
from course.guidance.tables import Talk
from course.participants.tables import Participant

# How far ahead a participant may move a talk to.
MOVE_DAYS = 14

TALK_CONFIRMED = "talk_confirmed"  # audit: details name the talk
TALK_MOVED_BY_PARTICIPANT = "talk_moved_by_participant"  # audit: details name the talk and the fields


@dataclass
class OwnPlannedTalk:
    id: int
    cohort_id: int
    leader_id: int
    leader_name: str
    date: date
    start_time: time
    end_time: time
    location: str
    confirmed: bool


@dataclass(frozen=True)
class FreeTime:
    date: date
    start_time: time
    end_time: time

    @property
    def value(self) -> str:
        """The time as the form sends it back: ``2028-09-04T10:00``."""
        return f"{self.date.isoformat()}T{self.start_time.strftime('%H:%M')}"


def _local_now() -> datetime:
    return clock.now().replace(tzinfo=None)


async def own_planned_talks(participant_id: int) -> list[OwnPlannedTalk]:
    """The participant's planned talks not yet started, in time order."""
    rows = await Talk.select(
        Talk.id,
        Talk.cohort,
        Talk.leader,
        Talk.leader.name.as_alias("leader_name"),
        Talk.date,
        Talk.start_time,
        Talk.end_time,
        Talk.location,
        Talk.confirmed_at,
    ).where(
        Talk.participant == participant_id,
        Talk.status == "planned",
        Talk.date >= clock.today(),
        Talk.participant._.erased_at.is_null(),
    )
    now = _local_now()
    talks = [
        OwnPlannedTalk(
            id=r["id"],
            cohort_id=r["cohort"],
            leader_id=r["leader"],
            leader_name=r["leader_name"],
            date=r["date"],
            start_time=r["start_time"],
            end_time=r["end_time"],
            location=r["location"],
            confirmed=r["confirmed_at"] is not None,
        )
        for r in rows
        if datetime.combine(r["date"], r["start_time"]) > now
    ]
    return sorted(talks, key=lambda t: (t.date, t.start_time))


async def own_planned_talk(participant_id: int, talk_id: int) -> OwnPlannedTalk:
    """One of them; NotFound for any other talk (another person's, held, cancelled or past)."""
    for talk in await own_planned_talks(participant_id):
        if talk.id == talk_id:
            return talk
    raise NotFound


async def _cohort(cohort_id: int) -> cohorts.CohortOut:
    loaded = await cohorts.load(await Cohort.select().where(Cohort.id == cohort_id))
    if not loaded:
        raise NotFound
    return loaded[0]


async def free_times(participant_id: int, talk_id: int) -> list[FreeTime]:
    """The talk's leader's free times of the talk's length in the next 14 days, by the
    rules of staff booking: in the leader's windows for talks and not in their time
    away, within the cohort's four weeks, not on a day the office is closed, and clear
    of every session and other talk of the leader's and the participant's."""
    talk = await own_planned_talk(participant_id, talk_id)
    cohort = await _cohort(talk.cohort_id)
    if cohort.status == "cancelled":
        return []
    today = clock.today()
    weeks = course_weeks(cohort)
    first, last = max(today, weeks[0][0]), min(today + timedelta(days=MOVE_DAYS), weeks[-1][1])
    if last < first:
        return []
    closures = await cohorts.closures_for(cohort.office_id)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = [d for d in days if not schedule.blocked_by(d, closures)]
    windows, away = await windows_for([talk.leader_id], days)
    length = datetime.combine(talk.date, talk.end_time) - datetime.combine(talk.date, talk.start_time)
    slots = planner.slots_in(windows, away, length, not_before=_local_now())
    busy = [b for b in await bookings({talk.leader_id}, {participant_id}, first, last) if b.talk_id != talk.id]
    free = []
    for slot in slots:
        day, start, end = slot.start.date(), slot.start.time(), slot.end.time()
        if (day, start) == (talk.date, talk.start_time):
            continue
        if any(b.day == day and b.start < end and start < b.end for b in busy):
            continue
        free.append(FreeTime(day, start, end))
    return free


async def _lock(participant_id: int, *keys: str) -> None:
    """The participant's lock with the write's own keys, then the person again: someone
    erased since is gone, and nothing is written."""
    await lock(f"participant:{participant_id}", *keys)
    if not await Participant.exists().where(Participant.id == participant_id, Participant.erased_at.is_null()):
        raise NotFound


async def _office(cohort_id: int) -> int:
    row = await Cohort.select(Cohort.office).where(Cohort.id == cohort_id).first()
    if row is None:
        raise NotFound
    return row["office"]


async def confirm_talk(participant_id: int, talk_id: int) -> bool:
    """The participant will come at the talk's time: True when confirmed now, False
    when it already was (nothing changes). The leader is told."""
    talk = await own_planned_talk(participant_id, talk_id)
    if talk.confirmed:
        return False
    office = await _office(talk.cohort_id)
    async with write_transaction():
        await _lock(participant_id, f"talk:{talk_id}")
        changed = (
            await Talk.update({Talk.confirmed_at: clock.utc_now()})
            .where(
                Talk.id == talk_id,
                Talk.participant == participant_id,
                Talk.status == "planned",
                Talk.date == talk.date,
                Talk.start_time == talk.start_time,
                Talk.confirmed_at.is_null(),
            )
            .returning(Talk.id)
        )
        if not changed:
            return False
        await audit.record(TALK_CONFIRMED, office=office, participant=participant_id, details={"talk": talk_id})
        await hooks.talk_confirmed(talk_id)
    return True


def _parse_time(value) -> tuple[date, time]:
    text = str(value or "")
    try:
        at = datetime.strptime(text, "%Y-%m-%dT%H:%M") if len(text) == 16 else None
    except ValueError:
        at = None
    if at is None:
        raise InvalidInput({"time": N_("Choose one of the free times.")})
    return at.date(), at.time()


TAKEN = N_("Someone else just took that time. Choose another.")


async def move_talk(participant_id: int, talk_id: int, value) -> FreeTime:
    """Move the talk to one of its leader's free times (``2028-09-04T10:00``, as
    :func:`free_times` offers them), at once, under the locks staff booking takes.
    A time no longer free is refused (Conflict) and nothing changes. The participant
    chose the time, so it counts as confirmed; the leader is told."""
    day, start = _parse_time(value)
    talk = await own_planned_talk(participant_id, talk_id)
    chosen = next(
        (f for f in await free_times(participant_id, talk_id) if (f.date, f.start_time) == (day, start)), None
    )
    if chosen is None:
        raise Conflict(TAKEN, field="time")
    office = await _office(talk.cohort_id)
    before = f"{talk.date.isoformat()} {talk.start_time.strftime('%H:%M')}"
    async with write_transaction():
        # As staff moving a talk: the participant's and the leader's locks in one call.
        await _lock(participant_id, f"staff:{talk.leader_id}")
        try:
            await raise_on_clash(day, chosen.start_time, chosen.end_time, talk.leader_id, participant_id, talk_id)
        except Conflict:
            raise Conflict(TAKEN, field="time") from None
        moved = (
            await Talk.update(
                {
                    Talk.date: day,
                    Talk.start_time: chosen.start_time,
                    Talk.end_time: chosen.end_time,
                    Talk.changed_at: clock.now(),
                    Talk.confirmed_at: clock.utc_now(),
                }
            )
            .where(
                Talk.id == talk_id,
                Talk.participant == participant_id,
                Talk.leader == talk.leader_id,
                Talk.status == "planned",
                Talk.date == talk.date,
                Talk.start_time == talk.start_time,
            )
            .returning(Talk.id)
        )
        if not moved:
            # Staff changed the talk meanwhile: the participant sees it as it now is.
            raise Conflict(N_("The talk was changed meanwhile. Look at it again."), field="time")
        await audit.record(
            TALK_MOVED_BY_PARTICIPANT,
            office=office,
            participant=participant_id,
            details={"talk": talk_id, "fields": ["date", "end_time", "start_time"]},
        )
        await hooks.talk_moved_by_participant(talk_id, before)
    return chosen
