"""The month calendar's rows: every day of the month once, weeks of seven from Monday."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from course.cohorts.schedule import month_weeks

months = st.tuples(st.integers(min_value=1900, max_value=2200), st.integers(min_value=1, max_value=12))


@given(months)
def test_every_day_of_the_month_once_in_weeks_of_seven_from_monday(year_month):
    year, month = year_month
    weeks = month_weeks(year, month)
    assert 4 <= len(weeks) <= 6
    assert all(len(week) == 7 for week in weeks)
    days = [d for week in weeks for d in week if d is not None]
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    assert days == [first + timedelta(days=n) for n in range((last - first).days + 1)]
    for week in weeks:
        for column, day in enumerate(week):
            assert day is None or day.weekday() == column  # column 0 is Monday
    # Only the first and the last week have empty places, and only at their ends.
    assert None not in weeks[0][first.weekday() :] and None not in weeks[-1][: last.weekday() + 1]
    assert all(None not in week for week in weeks[1:-1])


def test_known_months():
    september = month_weeks(2027, 9)  # starts on a Wednesday
    assert september[0] == [
        None,
        None,
        date(2027, 9, 1),
        date(2027, 9, 2),
        date(2027, 9, 3),
        date(2027, 9, 4),
        date(2027, 9, 5),
    ]
    assert september[-1][:4] == [date(2027, 9, 27), date(2027, 9, 28), date(2027, 9, 29), date(2027, 9, 30)]
    assert len(month_weeks(2027, 2)) == 4  # 1 February 2027 is a Monday: four whole weeks
    assert len(month_weeks(2026, 8)) == 6  # a Saturday start of 31 days
    assert month_weeks(2027, 12)[-1][4] == date(2027, 12, 31)
