"""The talk planner finds its talks through an index of the free slots (per leader and
day, busy times bisected): it must choose exactly as the plain scan it replaced, which
is kept here as the reference, and keep every rule of a plan on any input."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from course.guidance.planner import (
    NO_SLOT_IN_WEEK,
    TOO_FEW_SLOTS,
    Busy,
    Slot,
    Talk,
    TalkPlan,
    Unplaced,
    Window,
    plan_talks,
    slots_in,
)

MONDAY = date(2027, 1, 11)
FOUR_WEEKS = [(MONDAY + timedelta(weeks=w), MONDAY + timedelta(weeks=w, days=6)) for w in range(4)]


# --- the reference: the planner as it was, scanning every slot for every talk ------------------


def _overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def reference_plan_talks(
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


# --- random inputs ------------------------------------------------------------------------------


def at(day: int, minutes: int) -> datetime:
    """``minutes`` after midnight on the course's day ``day`` (0 is its first Monday)."""
    return datetime.combine(MONDAY + timedelta(days=day), time()) + timedelta(minutes=minutes)


@st.composite
def plans(draw, lengths=(0, 30, 45, 60, 90)):
    """Leaders' whole days of slots, and slots of mixed lengths that may overlap one
    another and repeat, some outside the course weeks or into the next day; sessions and other bookings of
    leaders and participants; talks already booked (in ``busy`` too, as the planner asks)."""
    weeks = FOUR_WEEKS[: draw(st.integers(1, 4))]
    leaders = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4, unique=True))
    quarter = st.integers(8 * 4, 16 * 4).map(lambda q: 15 * q)
    late = st.integers(22 * 4, 26 * 4 - 1).map(lambda q: 15 * q)  # around midnight, some
    slots = draw(
        st.lists(
            st.builds(
                lambda leader, day, start, length: Slot(leader, at(day, start), at(day, start + length)),
                st.sampled_from(leaders),
                st.integers(-2, 7 * len(weeks) + 1),
                quarter | late,
                st.sampled_from(lengths),
            ),
            max_size=60,
        )
    )
    # Most leaders hold talks in whole days cut into equal slots: a denser timetable.
    step = draw(st.sampled_from([n for n in lengths if n]))
    for leader in leaders:
        for day in draw(st.lists(st.integers(0, 7 * len(weeks) - 1), max_size=6, unique=True)):
            slots += [Slot(leader, at(day, start), at(day, start + step)) for start in range(8 * 60, 16 * 60, step)]
    participants = draw(st.lists(st.integers(100, 115), min_size=1, max_size=12))
    people = sorted(set(participants)) + [199]  # 199 is on no list here: another cohort's
    busy = draw(
        st.lists(
            st.builds(
                lambda day, start, minutes, leader, participant: Busy(
                    at(day, start), at(day, start + minutes), leader=leader, participant=participant
                ),
                st.integers(0, 7 * len(weeks) - 1),
                quarter,
                st.sampled_from([15, 45, 120, 270, 480]),
                st.sampled_from([None, *leaders]),
                st.sampled_from([None, *people]),
            ),
            max_size=12,
        )
    )
    booked = (
        [
            Talk(participant, s.leader, s.start, s.end)
            for s, participant in draw(st.lists(st.tuples(st.sampled_from(slots), st.sampled_from(people)), max_size=4))
        ]
        if slots
        else []
    )
    busy += [
        b
        for t in booked
        for b in (Busy(t.start, t.end, leader=t.leader), Busy(t.start, t.end, participant=t.participant))
    ]
    per_participant = draw(st.integers(1, 5))
    return participants, weeks, slots, busy, per_participant, booked


def cohort_of(count: int, leaders: int, session_days=(1, 3)) -> tuple:
    """A course as the server plans it: each leader free 08:00–16:00 on weekdays, the
    group sessions 09:30–14:00 on ``session_days`` for leaders and participants alike."""
    windows, busy = [], []
    people = list(range(100, 100 + count))
    for day in range(28):
        if day % 7 > 4:
            continue
        windows += [Window(leader, MONDAY + timedelta(days=day), time(8), time(16)) for leader in range(1, leaders + 1)]
        if day % 7 in session_days:
            session = (at(day, 9 * 60 + 30), at(day, 14 * 60))
            busy += [Busy(*session, leader=leader) for leader in range(1, leaders + 1)]
            busy += [Busy(*session, participant=p) for p in people]
    return people, FOUR_WEEKS, slots_in(windows, [], timedelta(minutes=45)), busy


# --- the same choices as the reference ----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(plans())
def test_the_indexed_planner_chooses_exactly_as_the_plain_scan(scenario):
    participants, weeks, slots, busy, per_participant, booked = scenario
    expected = reference_plan_talks(participants, weeks, slots, busy, per_participant, booked)
    assert plan_talks(participants, weeks, slots, busy, per_participant, booked) == expected


@settings(max_examples=100, deadline=None)
@given(plans(lengths=(45,)), st.randoms(use_true_random=False))
def test_the_order_the_slots_come_in_changes_nothing(scenario, random):
    participants, weeks, slots, busy, per_participant, booked = scenario
    shuffled = list(slots)
    random.shuffle(shuffled)
    assert plan_talks(participants, weeks, shuffled, busy, per_participant, booked) == plan_talks(
        participants, weeks, slots, busy, per_participant, booked
    )


def test_a_full_cohort_and_a_scarce_one_are_planned_as_before():
    for count, leaders, sessions in ((30, 5, (1, 3)), (60, 2, (0, 1, 2, 3))):
        people, weeks, slots, busy = cohort_of(count, leaders, sessions)
        plan = plan_talks(people, weeks, slots, busy)
        assert plan == reference_plan_talks(people, weeks, slots, busy)
        assert plan.talks and (count == 30) == (plan.unplaced == ())


def test_a_slot_running_past_midnight_closes_the_next_days_slot_it_overlaps_and_back():
    late = Slot(1, at(0, 23 * 60 + 30), at(1, 30))  # Monday 23:30 to Tuesday 00:30
    early = Slot(1, at(1, 0), at(1, 45))  # Tuesday 00:00 to 00:45
    weeks = FOUR_WEEKS[:1]
    for busy, first in (([], late), ([Busy(late.start, at(0, 23 * 60 + 45), participant=100)], early)):
        plan = plan_talks([100, 101], weeks, [late, early], busy, per_participant=1)
        assert plan == reference_plan_talks([100, 101], weeks, [late, early], busy, per_participant=1)
        assert [(t.participant, t.start) for t in plan.talks] == [(100, first.start)]
        assert [(u.participant, u.week) for u in plan.unplaced] == [(101, 1), (101, 0)]


# --- the rules of a plan, on any input ----------------------------------------------------------


def week_of(weeks, moment: datetime) -> int | None:
    return next((i for i, (a, b) in enumerate(weeks) if a <= moment.date() <= b), None)


def check_rules(participants, weeks, slots, busy, per_participant, booked, plan: TalkPlan) -> None:
    everyone = [*booked, *plan.talks]
    # Only new talks, in time order (then by leader).
    assert not set(plan.talks) & set(booked)
    assert list(plan.talks) == sorted(plan.talks, key=lambda t: (t.start, t.leader))
    assert len(set(plan.talks)) == len(plan.talks)
    for talk in plan.talks:
        # Within the leader's free time: one of their slots, in a course week, clear of their bookings.
        assert Slot(talk.leader, talk.start, talk.end) in slots, talk
        assert week_of(weeks, talk.start) is not None, talk
        for item in busy:
            if _overlaps(talk.start, talk.end, item.start, item.end):
                assert item.leader != talk.leader, (talk, item)
                assert item.participant != talk.participant, (talk, item)
        for other in everyone:
            if other == talk:
                continue
            # No leader holds two talks at once, no participant is in two.
            if _overlaps(talk.start, talk.end, other.start, other.end):
                assert other.leader != talk.leader, (talk, other)
                assert other.participant != talk.participant, (talk, other)
            # One talk a day is enough for anyone.
            assert not (other.participant == talk.participant and other.start.date() == talk.start.date())
    count = Counter(t.participant for t in everyone)
    new = Counter(t.participant for t in plan.talks)
    assert set(new) <= set(participants)
    for p in participants:
        have = count[p]
        # Never more than asked for: booked talks count towards it.
        assert new[p] <= max(0, per_participant - (have - new[p]))
        short = [u for u in plan.unplaced if u.participant == p and u.week == 0]
        assert [u.reason for u in short] == ([TOO_FEW_SLOTS] if have < per_participant else [])
        weeks_with = {week_of(weeks, t.start) for t in everyone if t.participant == p}
        for u in plan.unplaced:
            if u.participant == p and u.week:
                # A week named as missing has none of the participant's talks.
                assert u.reason == NO_SLOT_IN_WEEK and u.week - 1 not in weeks_with, u
        for w in range(len(weeks)):
            # A week without a talk is named, unless the participant has all they need.
            assert w in weeks_with or have >= per_participant or Unplaced(p, w + 1, NO_SLOT_IN_WEEK) in plan.unplaced
        if have < per_participant:
            # Whoever is short could not have had one more talk: every slot left is blocked.
            for s in slots:
                blocked = (
                    week_of(weeks, s.start) is None
                    or any(b.leader == s.leader and _overlaps(s.start, s.end, b.start, b.end) for b in busy)
                    or any(b.participant == p and _overlaps(s.start, s.end, b.start, b.end) for b in busy)
                    or any(
                        t.leader == s.leader
                        and (Slot(t.leader, t.start, t.end) == s or _overlaps(s.start, s.end, t.start, t.end))
                        for t in plan.talks
                    )
                    or any(
                        t.participant == p
                        and (t.start.date() == s.start.date() or _overlaps(s.start, s.end, t.start, t.end))
                        for t in everyone
                    )
                )
                assert blocked, (p, s)


@settings(max_examples=200, deadline=None)
@given(plans())
def test_every_plan_keeps_the_rules(scenario):
    participants, weeks, slots, busy, per_participant, booked = scenario
    participants = list(dict.fromkeys(participants))  # each once, as a cohort's are
    plan = plan_talks(participants, weeks, slots, busy, per_participant, booked)
    check_rules(participants, weeks, slots, busy, per_participant, booked, plan)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 6), st.sampled_from([(1, 3), (0, 2, 4), ()]))
def test_a_cohort_plan_keeps_the_rules_and_shares_the_load(count, leaders, sessions):
    people, weeks, slots, busy = cohort_of(count, leaders, sessions)
    plan = plan_talks(people, weeks, slots, busy)
    check_rules(people, weeks, slots, busy, 4, [], plan)
    if count <= 8 * leaders:  # room for everyone in every week
        assert plan.unplaced == () and len(plan.talks) == 4 * count
    load = Counter(t.leader for t in plan.talks)
    assert max(load.values()) - min(load.get(leader, 0) for leader in range(1, leaders + 1)) <= 1


def test_a_hundred_participants_and_seventeen_leaders_are_all_planned():
    people, weeks, slots, busy = cohort_of(100, 17)
    plan = plan_talks(people, weeks, slots, busy)
    check_rules(people, weeks, slots, busy, 4, [], plan)
    assert plan.unplaced == () and len(plan.talks) == 400
    load = Counter(t.leader for t in plan.talks)
    assert set(load) == set(range(1, 18)) and max(load.values()) - min(load.values()) <= 1
