"""When a participant is followed up after the course: at 3 and at 6 months after
the cohort's last session. Plain functions over dates, no database.

A point is due from its day (the cohort's end plus 3 or 6 months) and overdue when
``WINDOW_DAYS`` have passed without it being recorded. Once the 6-month point is due
the 3-month one gives way to it (asking at six months how things were at three is
too late); the 6-month point is listed until ``GIVE_UP_DAYS`` after its day, then no
longer. So only cohorts that ended within a bounded span of days before today can
have a follow-up due (``end_window``), which keeps the leader's list cheap whatever
the years of history."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from course.errors import N_

POINTS = ("3m", "6m")
POINT_MONTHS = {"3m": 3, "6m": 6}
POINT_LABELS = {"3m": N_("3 months after"), "6m": N_("6 months after")}
WINDOW_DAYS = 30  # due for this many days after its day; overdue after that
GIVE_UP_DAYS = 90  # the last point is listed this many days after its day, no longer


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, or the month's last day when it
    is shorter (30 November + 3 months = 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_day(end: date, point: str) -> date:
    """The day a point's follow-up falls due, from the cohort's last session."""
    return add_months(end, POINT_MONTHS[point])


@dataclass(frozen=True)
class Due:
    point: str  # 3m | 6m
    due_on: date
    overdue: bool  # more than WINDOW_DAYS since due_on
    days: int  # days since due_on (0 on the day)


def due_point(end: date, today: date, recorded: Iterable[str]) -> Due | None:
    """The follow-up to make now for a cohort that ended on ``end``, given the points
    already recorded; None when none is due (not yet, done, or given up)."""
    done = set(recorded)
    if POINTS[-1] in done:  # the last point recorded (even early): nothing more to ask
        return None
    for point in reversed(POINTS):
        day = due_day(end, point)
        if today < day:
            continue
        if point in done:
            return None
        if point == POINTS[-1] and (today - day).days > GIVE_UP_DAYS:
            return None
        return Due(point, day, (today - day).days > WINDOW_DAYS, (today - day).days)
    return None


def end_window(today: date) -> tuple[date, date]:
    """(earliest, latest) cohort end for which a follow-up can be due today: every
    ``end`` outside it gives ``due_point(end, today, ()) is None``."""
    first, last = POINTS[0], POINTS[-1]
    latest = add_months(today, -POINT_MONTHS[first]) - timedelta(days=10)
    while due_day(latest + timedelta(days=1), first) <= today:
        latest += timedelta(days=1)
    earliest = add_months(today - timedelta(days=GIVE_UP_DAYS), -POINT_MONTHS[last]) + timedelta(days=10)
    while (today - due_day(earliest - timedelta(days=1), last)).days <= GIVE_UP_DAYS:
        earliest -= timedelta(days=1)
    return earliest, latest
