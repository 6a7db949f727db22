"""The session schedule: real Norwegian calendar cases and properties."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.cohorts.schedule import (
    KNOCK_ON,
    MODULES,
    Closure,
    ScheduleError,
    blocked_by,
    plan_sessions,
    propose_starts,
)


def dates(plan) -> list[str]:
    return [s.date.isoformat() for s in plan.sessions]


def test_an_ordinary_month_is_tuesdays_and_thursdays():
    plan = plan_sessions(date(2027, 1, 12), (2, 4))
    assert dates(plan) == [
        "2027-01-12",
        "2027-01-14",
        "2027-01-19",
        "2027-01-21",
        "2027-01-26",
        "2027-01-28",
        "2027-02-02",
        "2027-02-04",
    ]
    assert plan.moved == ()
    assert [s.module for s in plan.sessions] == list(MODULES[:8])  # the KJK modules, 1 to 8


def test_ascension_day_moves_to_the_friday_of_the_same_week():
    plan = plan_sessions(date(2027, 5, 4), (2, 4))
    assert dates(plan)[:3] == ["2027-05-04", "2027-05-07", "2027-05-11"]
    assert [(m.number, m.original.isoformat(), m.reason) for m in plan.moved] == [
        (2, "2027-05-06", "Kristi himmelfartsdag")
    ]


def test_easter_pushes_the_programme_into_the_next_week():
    # Maundy Thursday and Good Friday leave no room in the week of 22 March 2027.
    plan = plan_sessions(date(2027, 3, 23), (2, 4))
    assert dates(plan)[:3] == ["2027-03-23", "2027-03-30", "2027-04-01"]
    assert dates(plan)[-1] == "2027-04-20"
    assert plan.moved[0].reason == "Skjærtorsdag"
    assert {m.reason for m in plan.moved[1:]} == {KNOCK_ON}


def test_constitution_day_on_a_monday():
    plan = plan_sessions(date(2027, 5, 10), (1, 4))
    assert "2027-05-17" not in dates(plan)
    assert "2027-05-18" in dates(plan)


def test_an_office_closure_for_christmas():
    closure = Closure(date(2026, 12, 21), date(2027, 1, 1), "Juleferie")
    plan = plan_sessions(date(2026, 12, 8), (2, 4), [closure])
    assert dates(plan) == [
        "2026-12-08",
        "2026-12-10",
        "2026-12-15",
        "2026-12-17",
        "2027-01-05",
        "2027-01-07",
        "2027-01-12",
        "2027-01-14",
    ]
    assert plan.moved[0].reason == "Juleferie"


def test_summer_closure_reason_is_given():
    closure = Closure(date(2027, 7, 5), date(2027, 8, 1), "Sommerstengt")
    assert blocked_by(date(2027, 7, 6), [closure]) == "Sommerstengt"
    assert blocked_by(date(2027, 8, 2), [closure]) is None


@pytest.mark.parametrize(
    ("start", "weekdays", "field"),
    [
        (date(2027, 1, 12), (2, 2), "weekdays"),
        (date(2027, 1, 12), (2,), "weekdays"),
        (date(2027, 1, 12), (0, 2), "weekdays"),
        (date(2027, 1, 12), (2, 8), "weekdays"),
        (date(2027, 1, 13), (2, 4), "start_date"),
    ],
)
def test_bad_input_names_the_field(start, weekdays, field):
    with pytest.raises(ScheduleError) as error:
        plan_sessions(start, weekdays)
    assert error.value.field == field


def test_a_calendar_closed_for_a_year_is_refused():
    closure = Closure(date(2027, 1, 1), date(2027, 12, 31), "Stengt")
    with pytest.raises(ScheduleError):
        plan_sessions(date(2027, 1, 5), (2, 4), [closure])


weekday_pairs = st.lists(st.integers(1, 7), min_size=2, max_size=2, unique=True)


@st.composite
def cases(draw):
    weekdays = draw(weekday_pairs)
    monday = date(2024, 1, 1) + timedelta(weeks=draw(st.integers(0, 52 * 8)))
    start = monday + timedelta(days=draw(st.sampled_from(weekdays)) - 1)
    closures = [
        Closure(c, c + timedelta(days=draw(st.integers(0, 20))), f"Stengt {i}")
        for i, c in enumerate(draw(st.lists(st.dates(start, start + timedelta(days=60)), max_size=3)))
    ]
    return start, weekdays, closures


@settings(max_examples=300, deadline=None)
@given(cases())
def test_properties_of_every_schedule(case):
    start, weekdays, closures = case
    plan = plan_sessions(start, weekdays, closures)
    days = [s.date for s in plan.sessions]
    assert len(days) == 8
    assert days[0] >= start
    assert all(a < b for a, b in zip(days, days[1:]))
    assert all(blocked_by(d, closures) is None for d in days)
    assert max(Counter(d.isocalendar()[:2] for d in days).values()) <= 2
    assert [s.number for s in plan.sessions] == list(range(1, 9))
    assert [s.module for s in plan.sessions] == list(MODULES[:8])  # the KJK modules, 1 to 8
    for move in plan.moved:
        assert move.planned > move.original or move.reason == KNOCK_ON
        assert move.reason


@settings(max_examples=200, deadline=None)
@given(weekday_pairs, st.integers(0, 52 * 8))
def test_without_holidays_the_sessions_keep_their_weekdays_for_four_weeks(weekdays, weeks):
    start = date(2024, 1, 1) + timedelta(weeks=weeks, days=min(weekdays) - 1)
    plan = plan_sessions(start, weekdays, holiday=lambda day: None)
    assert plan.moved == ()
    assert {s.date.isoweekday() for s in plan.sessions} == set(weekdays)
    assert (plan.sessions[-1].date - start).days < 28


def test_a_term_of_cohorts_every_four_weeks():
    plans = propose_starts(date(2027, 1, 12), 4, (2, 4))
    assert [p.sessions[0].date.isoformat() for p in plans] == ["2027-01-12", "2027-02-09", "2027-03-09", "2027-04-13"]


def test_the_planner_skips_weeks_that_are_taken():
    taken = {date(2027, 2, 9)}
    plans = propose_starts(date(2027, 1, 12), 2, (2, 4), is_free=lambda plan: plan.sessions[0].date not in taken)
    assert plans[1].sessions[0].date == date(2027, 2, 16)


def test_the_planner_skips_a_closed_start():
    closure = Closure(date(2027, 2, 8), date(2027, 2, 12), "Vinterferie")
    plans = propose_starts(date(2027, 1, 12), 2, (2, 4), [closure])
    assert plans[1].sessions[0].date == date(2027, 2, 16)


@settings(max_examples=100, deadline=None)
@given(cases(), st.integers(1, 6))
def test_planned_terms_never_overlap(case, count):
    start, weekdays, closures = case
    plans = propose_starts(start, count, weekdays, closures)
    assert len(plans) == count
    for earlier, later in zip(plans, plans[1:]):
        assert later.sessions[0].date > earlier.sessions[-1].date
        assert later.sessions[0].date - earlier.sessions[0].date >= timedelta(days=21)
