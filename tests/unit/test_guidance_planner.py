"""The guidance-talk planner: properties and an explained infeasible case."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from course.guidance.planner import NO_SLOT_IN_WEEK, TOO_FEW_SLOTS, Busy, Slot, plan_talks

MONDAY = date(2027, 1, 11)
WEEKS = [(MONDAY + timedelta(weeks=w), MONDAY + timedelta(weeks=w, days=6)) for w in range(4)]
TALK = timedelta(minutes=45)


def slot(leader: int, day: date, hour: int, minute: int = 0) -> Slot:
    start = datetime.combine(day, time(hour, minute))
    return Slot(leader, start, start + TALK)


def ample_slots(leaders=(1, 2), days=(0, 2, 4), hours=(9, 10, 11, 13)) -> list[Slot]:
    return [slot(l, first + timedelta(days=d), h) for l in leaders for first, _ in WEEKS for d in days for h in hours]


def week_index(talk) -> int:
    return next(i for i, (a, b) in enumerate(WEEKS) if a <= talk.start.date() <= b)


def check_no_clash(plan, busy=()):
    for a, b in combinations(plan.talks, 2):
        overlap = a.start < b.end and b.start < a.end
        assert not (overlap and a.leader == b.leader)
        assert not (overlap and a.participant == b.participant)
    for talk in plan.talks:
        for item in busy:
            if talk.start < item.end and item.start < talk.end:
                assert item.leader != talk.leader and item.participant != talk.participant


def test_a_cohort_of_twelve_gets_four_talks_each_one_a_week_shared_evenly():
    participants = list(range(100, 112))
    plan = plan_talks(participants, WEEKS, ample_slots())
    assert plan.unplaced == ()
    per = Counter(t.participant for t in plan.talks)
    assert set(per.values()) == {4}
    for p in participants:
        assert sorted(week_index(t) for t in plan.talks if t.participant == p) == [0, 1, 2, 3]
    loads = Counter(t.leader for t in plan.talks)
    assert abs(loads[1] - loads[2]) <= 1
    check_no_clash(plan)


def test_group_sessions_and_other_bookings_are_avoided():
    sessions = [
        Busy(datetime.combine(d, time(9)), datetime.combine(d, time(14)), leader=l)
        for l in (1, 2)
        for first, _ in WEEKS
        for d in (first + timedelta(days=1), first + timedelta(days=3))
    ]
    doctor = Busy(datetime.combine(MONDAY, time(8)), datetime.combine(MONDAY, time(16)), participant=100)
    slots = ample_slots(days=(0, 1, 2, 3, 4))
    plan = plan_talks(list(range(100, 106)), WEEKS, slots, sessions + [doctor])
    assert plan.unplaced == ()
    check_no_clash(plan, sessions + [doctor])


def test_who_cannot_be_fitted_is_named_with_the_reason():
    # Week 3 has no slots at all, and only one slot a week otherwise.
    slots = [slot(1, WEEKS[w][0], 9) for w in (0, 1, 3)]
    plan = plan_talks([100, 101], WEEKS, slots)
    reasons = {(u.participant, u.week, u.reason) for u in plan.unplaced}
    assert (100, 3, NO_SLOT_IN_WEEK) in reasons and (101, 3, NO_SLOT_IN_WEEK) in reasons
    assert (101, 1, NO_SLOT_IN_WEEK) in reasons  # 100 took week 1's only slot
    assert {(u.participant, u.reason) for u in plan.unplaced if u.week == 0} == {
        (100, TOO_FEW_SLOTS),
        (101, TOO_FEW_SLOTS),
    }


@st.composite
def scenarios(draw):
    leaders = draw(st.sampled_from([(1,), (1, 2)]))
    days = draw(st.lists(st.integers(0, 4), min_size=1, max_size=5, unique=True))
    hours = draw(st.lists(st.integers(8, 15), min_size=1, max_size=6, unique=True))
    slots = [
        slot(l, first + timedelta(days=d), h, draw(st.sampled_from([0, 30])))
        for l in leaders
        for first, _ in WEEKS
        for d in days
        for h in hours
    ]
    participants = list(range(100, 100 + draw(st.integers(1, 12))))
    busy = [
        Busy(
            datetime.combine(MONDAY + timedelta(days=d), time(h)),
            datetime.combine(MONDAY + timedelta(days=d), time(h)) + timedelta(hours=2),
            leader=draw(st.sampled_from([None, *leaders])),
            participant=draw(st.sampled_from([None, *participants])),
        )
        for d, h in draw(st.lists(st.tuples(st.integers(0, 27), st.integers(8, 15)), max_size=10))
    ]
    return participants, slots, busy


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_plans_never_clash_and_every_shortfall_is_explained(scenario):
    participants, slots, busy = scenario
    plan = plan_talks(participants, WEEKS, slots, busy)
    check_no_clash(plan, busy)
    assert all(any(s.leader == t.leader and s.start == t.start for s in slots) for t in plan.talks)
    per = Counter(t.participant for t in plan.talks)
    for p in participants:
        assert per[p] <= 4
        weeks_with = {week_index(t) for t in plan.talks if t.participant == p}
        missing_weeks = {u.week for u in plan.unplaced if u.participant == p and u.week}
        assert weeks_with | {w - 1 for w in missing_weeks} == {0, 1, 2, 3}
        assert (per[p] == 4) == (not any(u.participant == p and u.week == 0 for u in plan.unplaced))


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 12), st.lists(st.integers(0, 4), min_size=2, max_size=5, unique=True))
def test_with_the_same_free_time_the_leaders_share_the_load_within_one(count, days):
    plan = plan_talks(list(range(count)), WEEKS, ample_slots(days=tuple(days), hours=(9, 10, 11, 13, 14)))
    loads = Counter(t.leader for t in plan.talks)
    assert abs(loads[1] - loads[2]) <= 1
    if not plan.unplaced:
        assert len(plan.talks) == 4 * count
