"""Planning a cohort's individual guidance talks: a pure function, no database.

Every participant gets ``per_participant`` talks, at least one in each week of
the course, in the leaders' free slots, never at the same time as anything else
the leader or the participant has, with the talks shared evenly between the
cohort's leaders. Whoever cannot be fitted is named, with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from course.errors import N_


@dataclass(frozen=True)
class Slot:
    """A time a leader has set aside for talks, already the length of one talk."""

    leader: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Busy:
    """Something that already takes a leader's or a participant's time."""

    start: datetime
    end: datetime
    leader: int | None = None
    participant: int | None = None


@dataclass(frozen=True)
class Talk:
    participant: int
    leader: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Unplaced:
    participant: int
    week: int  # 1-based week of the course, 0 when the shortfall is in the total
    reason: str


@dataclass(frozen=True)
class TalkPlan:
    talks: tuple[Talk, ...]
    unplaced: tuple[Unplaced, ...]


NO_SLOT_IN_WEEK = N_("No free slot with a course leader in week %(week)s.")
TOO_FEW_SLOTS = N_("Not enough free slots for %(count)s talks.")


def _overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def plan_talks(
    participants: Sequence[int],
    weeks: Sequence[tuple[date, date]],
    slots: Sequence[Slot],
    busy: Sequence[Busy] = (),
    per_participant: int = 4,
    booked: Sequence[Talk] = (),
) -> TalkPlan:
    """Talks for every participant; ``weeks`` are the course weeks (first and last day).
    Talks already ``booked`` in the cohort count towards each participant's four, their
    weeks and the leaders' load; only new talks are returned. They must also be in
    ``busy``, as any booking is."""
    leader_busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    participant_busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for item in busy:
        if item.leader is not None:
            leader_busy[item.leader].append((item.start, item.end))
        if item.participant is not None:
            participant_busy[item.participant].append((item.start, item.end))

    free = sorted(
        (s for s in slots if not any(_overlaps(s.start, s.end, *b) for b in leader_busy[s.leader])),
        key=lambda s: (s.start, s.leader),
    )
    used: set[Slot] = set()
    load: dict[int, int] = defaultdict(int)
    for slot in free:
        load.setdefault(slot.leader, 0)
    talks: dict[int, list[Talk]] = {p: [] for p in participants}
    for talk in booked:
        if talk.participant in talks:
            talks[talk.participant].append(talk)
        load[talk.leader] = load.get(talk.leader, 0) + 1
    already = set(booked)
    unplaced: list[Unplaced] = []

    def week_of(day: date) -> int | None:
        for index, (first, last) in enumerate(weeks):
            if first <= day <= last:
                return index
        return None

    def fits(participant: int, slot: Slot) -> bool:
        if slot in used:
            return False
        taken = participant_busy[participant] + [(t.start, t.end) for t in talks[participant]]
        if any(_overlaps(slot.start, slot.end, *b) for b in taken):
            return False
        # One talk a day is enough for anyone.
        if any(t.start.date() == slot.start.date() for t in talks[participant]):
            return False
        # A leader cannot hold two talks at once (slots of different leaders may overlap).
        return not any(u.leader == slot.leader and _overlaps(slot.start, slot.end, u.start, u.end) for u in used)

    def place(participant: int, candidates: list[Slot]) -> bool:
        options = [s for s in candidates if fits(participant, s)]
        if not options:
            return False
        slot = min(options, key=lambda s: (load[s.leader], s.start, s.leader))
        used.add(slot)
        load[slot.leader] += 1
        talks[participant].append(Talk(participant, slot.leader, slot.start, slot.end))
        return True

    by_week: dict[int, list[Slot]] = defaultdict(list)
    for slot in free:
        week = week_of(slot.start.date())
        if week is not None:
            by_week[week].append(slot)

    # First one talk a week each; whoever had the fewest chances so far chooses first.
    for week in range(len(weeks)):
        for participant in sorted(participants, key=lambda p: (len(talks[p]), p)):
            if len(talks[participant]) >= per_participant:
                continue
            first, last = weeks[week]
            if any(first <= t.start.date() <= last for t in talks[participant]):
                continue
            if not place(participant, by_week[week]):
                unplaced.append(Unplaced(participant, week + 1, NO_SLOT_IN_WEEK))
    # Then the remaining talks anywhere in the course, the fewest-served first.
    in_course = [s for w in range(len(weeks)) for s in by_week[w]]
    while True:
        waiting = [p for p in participants if len(talks[p]) < per_participant]
        progressed = False
        for participant in sorted(waiting, key=lambda p: (len(talks[p]), p)):
            progressed |= place(participant, in_course)
        if not progressed:
            break
    for participant in participants:
        if len(talks[participant]) < per_participant:
            unplaced.append(Unplaced(participant, 0, TOO_FEW_SLOTS))
    ordered = sorted((t for ts in talks.values() for t in ts if t not in already), key=lambda t: (t.start, t.leader))
    return TalkPlan(talks=tuple(ordered), unplaced=tuple(unplaced))


@dataclass(frozen=True)
class Window:
    """A stretch of time on one day in which a leader can hold talks."""

    leader: int
    day: date
    start: time
    end: time


def slots_in(
    windows: Sequence[Window], away: Sequence[Window], length: timedelta, not_before: datetime | None = None
) -> list[Slot]:
    """Cut each window into talks of ``length`` from its start, leaving out any
    that touch the leader's time away or start before ``not_before``."""
    slots = []
    for window in windows:
        start = datetime.combine(window.day, window.start)
        end = datetime.combine(window.day, window.end)
        while start + length <= end:
            stop = start + length
            blocked = any(
                a.leader == window.leader
                and a.day == window.day
                and _overlaps(start, stop, datetime.combine(a.day, a.start), datetime.combine(a.day, a.end))
                for a in away
            )
            if not blocked and (not_before is None or start >= not_before):
                slots.append(Slot(window.leader, start, stop))
            start = stop
    return sorted(set(slots), key=lambda s: (s.start, s.leader))
