"""When follow-ups at 3 and 6 months are due: properties over any dates."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from course.participants.follow_up_rules import (
    GIVE_UP_DAYS,
    POINTS,
    WINDOW_DAYS,
    add_months,
    due_day,
    due_point,
    end_window,
)

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31))
recorded = st.sets(st.sampled_from(POINTS))


def test_months_are_added_as_a_calendar_does():
    assert add_months(date(2027, 5, 14), 3) == date(2027, 8, 14)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 10, 31), 6) == date(2028, 4, 30)
    assert add_months(date(2027, 2, 15), -3) == date(2026, 11, 15)


@given(days, st.integers(-24, 24))
def test_adding_months_keeps_the_day_or_the_months_last(day, months):
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + timedelta(days=1)).day == 1)


@given(days, days)
def test_adding_months_keeps_the_order_of_days(a, b):
    if a <= b:
        assert add_months(a, 3) <= add_months(b, 3)


def test_a_cohort_ending_in_may_is_due_in_august_and_november():
    end = date(2027, 5, 14)
    assert due_point(end, date(2027, 8, 13), ()) is None
    due = due_point(end, date(2027, 8, 14), ())
    assert due is not None and (due.point, due.due_on, due.overdue, due.days) == ("3m", date(2027, 8, 14), False, 0)
    late = due_point(end, date(2027, 8, 14) + timedelta(days=WINDOW_DAYS + 1), ())
    assert late is not None and late.overdue
    assert due_point(end, date(2027, 9, 1), ["3m"]) is None
    six = due_point(end, date(2027, 11, 14), ["3m"])
    assert six is not None and (six.point, six.overdue) == ("6m", False)
    # The 3-month point gives way once the 6-month one is due.
    assert due_point(end, date(2027, 11, 20), ()).point == "6m"
    assert due_point(end, date(2027, 11, 14) + timedelta(days=GIVE_UP_DAYS + 1), ()) is None


@given(days, days, recorded)
def test_a_due_point_is_unrecorded_its_day_has_come_and_no_later_point_is_due(end, today, done):
    due = due_point(end, today, done)
    if due is None:
        return
    assert due.point not in done
    assert due.due_on == due_day(end, due.point) <= today
    assert due.days == (today - due.due_on).days
    assert due.overdue == (due.days > WINDOW_DAYS)
    later = POINTS[POINTS.index(due.point) + 1 :]
    assert all(today < due_day(end, p) for p in later)


@given(days, days, recorded)
def test_nothing_is_due_before_the_first_point_or_long_after_the_last(end, today, done):
    due = due_point(end, today, done)
    if today < due_day(end, POINTS[0]) or (today - due_day(end, POINTS[-1])).days > GIVE_UP_DAYS:
        assert due is None
    if POINTS[-1] in done:
        assert due is None


@given(days, recorded)
def test_recording_the_due_point_clears_it(today, done):
    end = today - timedelta(days=100)
    due = due_point(end, today, done)
    if due is not None:
        assert due_point(end, today, done | {due.point}) is None


@given(days, st.integers(-400, 400))
def test_every_cohort_with_a_follow_up_due_ended_within_the_window(today, offset):
    earliest, latest = end_window(today)
    end = today - timedelta(days=offset)
    inside = earliest <= end <= latest
    assert (due_point(end, today, ()) is not None) == inside
    # The window is tight: the day on either side of it has nothing due.
    assert due_point(earliest - timedelta(days=1), today, ()) is None
    assert due_point(latest + timedelta(days=1), today, ()) is None
    assert due_point(earliest, today, ()) is not None and due_point(latest, today, ()) is not None
