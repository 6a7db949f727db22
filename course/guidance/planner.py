"""Planning a cohort's individual guidance talks: a pure function, no database.

Every participant gets ``per_participant`` talks, at least one in each week of
the course, in the leaders' free slots, never at the same time as anything else
the leader or the participant has, with the talks shared evenly between the
cohort's leaders. Whoever cannot be fitted is named, with the reason.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate

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


def _busy_index(spans: list[tuple[datetime, datetime]]) -> tuple[list[datetime], list[datetime]]:
    """The spans' starts in order, and the latest end among each span and those before
    it: enough to tell with one bisection whether a time meets any of them."""
    ordered = sorted(spans)
    return [start for start, _ in ordered], list(accumulate((end for _, end in ordered), max))


def _meets(index: tuple[list[datetime], list[datetime]], start: datetime, end: datetime) -> bool:
    """Whether ``start``–``end`` overlaps any span of the index: of the spans that start
    before ``end``, the one reaching furthest reaches past ``start``."""
    starts, reach = index
    before = bisect_left(starts, end)
    return before > 0 and reach[before - 1] > start


_NO_SPANS: tuple[list[datetime], list[datetime]] = ([], [])


@dataclass
class _Day:
    """One leader's free slots on one day of a course week, as positions in the free
    list (so in time order); a slot leaves when it, or one overlapping it, is taken."""

    day: date
    week: int
    slots: list[int]


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
    ``busy``, as any booking is.

    Greedy, in a fixed order: first one talk a week each, whoever has the fewest talks
    choosing first, then the rest anywhere in the course the same way. Each talk goes to
    the least-loaded leader with a slot that fits, at that leader's earliest such slot
    (the earlier slot, then the lower leader id, between leaders of equal load). A slot
    clear of the leader's bookings fits when the leader holds no other talk at an
    overlapping time, and the participant is neither busy then nor has a talk that day.

    The free slots are kept per leader and day in time order, and slots leave them as
    they or overlapping ones are taken, so finding a talk looks only at the slots that
    are still open, skipping whole days the participant already has a talk on."""
    leader_spans: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    participant_spans: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for item in busy:
        if item.leader is not None:
            leader_spans[item.leader].append((item.start, item.end))
        if item.participant is not None:
            participant_spans[item.participant].append((item.start, item.end))
    leader_busy = {leader: _busy_index(spans) for leader, spans in leader_spans.items()}
    participant_busy = {p: _busy_index(spans) for p, spans in participant_spans.items()}

    # Free slots once each, in time order (then by leader): a slot's position in this
    # list orders it as the choice between equally loaded leaders does.
    free = sorted(
        (s for s in dict.fromkeys(slots) if not _meets(leader_busy.get(s.leader, _NO_SPANS), s.start, s.end)),
        key=lambda s: (s.start, s.leader),
    )
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

    # Each leader's days in the course, in time order, with their open slots.
    days: dict[int, list[_Day]] = defaultdict(list)
    day_of: dict[tuple[int, date], _Day | None] = {}
    for position, slot in enumerate(free):
        key = (slot.leader, slot.start.date())
        if key not in day_of:
            week = week_of(key[1])
            day_of[key] = None if week is None else _Day(key[1], week, [])
            if (new_day := day_of[key]) is not None:
                days[slot.leader].append(new_day)
        if (open_day := day_of[key]) is not None:
            open_day.slots.append(position)

    # A leader's longest slot bounds how long before a slot one overlapping it can start.
    longest: dict[int, timedelta] = defaultdict(timedelta)
    for slot in free:
        longest[slot.leader] = max(longest[slot.leader], slot.end - slot.start)

    def first_fit(
        leader: int,
        week: int | None,
        mine: list[Talk],
        taken_days: set[date],
        spans: tuple[list[datetime], list[datetime]],
    ) -> int | None:
        """The leader's earliest open slot, in ``week`` (or any course week), on none of
        the participant's ``taken_days``, clear of their busy ``spans`` and talks."""
        for open_day in days[leader]:
            if (week is not None and open_day.week != week) or open_day.day in taken_days:
                continue
            for position in open_day.slots:
                slot = free[position]
                if not _meets(spans, slot.start, slot.end) and not any(
                    _overlaps(slot.start, slot.end, t.start, t.end) for t in mine
                ):
                    return position
        return None

    def take(position: int) -> None:
        """The slot is the leader's: it and every slot of theirs overlapping it close."""
        chosen = free[position]
        earliest = (chosen.start - longest[chosen.leader]).date()
        latest = max(chosen.start, chosen.end).date()
        for open_day in days[chosen.leader]:
            if earliest <= open_day.day <= latest:
                open_day.slots[:] = [
                    p
                    for p in open_day.slots
                    if p != position and not _overlaps(free[p].start, free[p].end, chosen.start, chosen.end)
                ]

    def place(participant: int, week: int | None) -> bool:
        mine = talks[participant]
        taken_days = {t.start.date() for t in mine}
        spans = participant_busy.get(participant, _NO_SPANS)
        best: tuple[int, int] | None = None  # (load, position)
        for leader in sorted(days, key=load.__getitem__):
            if best is not None and load[leader] > best[0]:
                break
            position = first_fit(leader, week, mine, taken_days, spans)
            if position is not None and (best is None or (load[leader], position) < best):
                best = (load[leader], position)
        if best is None:
            return False
        slot = free[best[1]]
        take(best[1])
        load[slot.leader] += 1
        talks[participant].append(Talk(participant, slot.leader, slot.start, slot.end))
        return True

    # First one talk a week each; whoever had the fewest chances so far chooses first.
    for week in range(len(weeks)):
        for participant in sorted(participants, key=lambda p: (len(talks[p]), p)):
            if len(talks[participant]) >= per_participant:
                continue
            first, last = weeks[week]
            if any(first <= t.start.date() <= last for t in talks[participant]):
                continue
            if not place(participant, week):
                unplaced.append(Unplaced(participant, week + 1, NO_SLOT_IN_WEEK))
    # Then the remaining talks anywhere in the course, the fewest-served first.
    while True:
        waiting = [p for p in participants if len(talks[p]) < per_participant]
        progressed = False
        for participant in sorted(waiting, key=lambda p: (len(talks[p]), p)):
            progressed |= place(participant, None)
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
    away_on: dict[tuple[int, date], list[tuple[datetime, datetime]]] = defaultdict(list)
    for a in away:
        away_on[a.leader, a.day].append((datetime.combine(a.day, a.start), datetime.combine(a.day, a.end)))
    slots = []
    for window in windows:
        start = datetime.combine(window.day, window.start)
        end = datetime.combine(window.day, window.end)
        leader_away = away_on.get((window.leader, window.day), [])
        while start + length <= end:
            stop = start + length
            blocked = any(_overlaps(start, stop, *span) for span in leader_away)
            if not blocked and (not_before is None or start >= not_before):
                slots.append(Slot(window.leader, start, stop))
            start = stop
    return sorted(set(slots), key=lambda s: (s.start, s.leader))
