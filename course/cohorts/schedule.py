"""Scheduling a cohort's eight group sessions: pure functions, no database.

A cohort meets on two weekdays a week for four consecutive weeks, modules 1 to 8
in order. A session that falls on a public holiday or an office closure moves
to the next allowed weekday of the same week; when the week has no room left,
the programme runs on into the next week.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache

import holidays

from course.errors import N_, Term

SESSIONS = 8
PER_WEEK = 2
# A programme whose weeks are all closed (a mistaken closure period) stops here.
MAX_WEEKS = 26

MODULES = (
    N_("Resource mapping"),
    N_("Roles and identity"),
    N_("Thoughts and feelings"),
    N_("Self-esteem and self-confidence"),
    N_("Choices and changes"),
    N_("Motivation"),
    N_("Network"),
    N_("Resource CV"),
    # Ny retning's last third: led with the career centre and the follow-up service.
    N_("Career guidance"),
    N_("Job-seeker course"),
)
KJK_MODULES = tuple(range(1, 9))
CAREER_GUIDANCE, JOB_SEEKER_COURSE = 9, 10
# Modules whose sessions are expected to have a guest leader from outside the team.
GUEST_MODULES = frozenset({CAREER_GUIDANCE, JOB_SEEKER_COURSE})


def module_name(module: int) -> str:
    """The module's message id; an unknown number (never stored) answers an empty string."""
    return MODULES[module - 1] if 1 <= module <= len(MODULES) else ""


def module_sequence(variant: str, sessions: int = SESSIONS) -> tuple[int, ...]:
    """The module of each session, in order.

    Klart jeg kan runs modules 1 to 8, one a session. Ny retning gives the last third
    of the sessions (rounded) to career guidance and then the job-seeker course (the
    larger half to career guidance); the sessions before it run the KJK modules in
    order and end with the resource CV, which the career guidance builds on."""
    if variant != "ny_retning":
        return tuple(KJK_MODULES[i % len(KJK_MODULES)] for i in range(sessions))
    tail = round(sessions / 3)
    head = sessions - tail
    # Modules 1 to 7 in order (the seventh kept on if there are more sessions), then 8.
    first = [KJK_MODULES[min(i, len(KJK_MODULES) - 2)] for i in range(head - 1)] + [KJK_MODULES[-1]] * min(head, 1)
    career = (tail + 1) // 2
    return tuple(first + [CAREER_GUIDANCE] * career + [JOB_SEEKER_COURSE] * (tail - career))


@dataclass(frozen=True)
class TermDefaults:
    capacity: int
    count: int  # cohorts proposed at a time
    every_weeks: int  # from one start to the next


# KJK: a cohort about every four weeks; Ny retning: about ten, three times a year.
TERM_DEFAULTS = {"kjk": TermDefaults(12, 4, 4), "ny_retning": TermDefaults(10, 3, 17)}


def term_defaults(variant: str) -> TermDefaults:
    return TERM_DEFAULTS.get(variant, TERM_DEFAULTS["kjk"])


KNOCK_ON = N_("An earlier session moved")


@dataclass(frozen=True)
class Closure:
    """A period an office is closed, both days included."""

    start: date
    end: date
    reason: str

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class PlannedSession:
    number: int
    module: str
    date: date


@dataclass(frozen=True)
class Move:
    number: int
    original: date
    planned: date
    reason: str


@dataclass(frozen=True)
class Plan:
    sessions: tuple[PlannedSession, ...]
    moved: tuple[Move, ...]


class ScheduleError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@cache
def _norwegian_holidays(year: int) -> Mapping[date, str]:
    return dict(holidays.country_holidays("NO", years=year, language="no"))


def norwegian_holiday(day: date) -> str | None:
    """The name of the Norwegian public holiday on ``day``, if any."""
    return _norwegian_holidays(day.year).get(day)


def blocked_by(
    day: date,
    closures: Sequence[Closure] = (),
    holiday: Callable[[date], str | None] = norwegian_holiday,
) -> str | None:
    """Why no session can be held on ``day``: a holiday's or closure's name."""
    name = holiday(day)
    if name:
        return name
    for closure in closures:
        if closure.covers(day):
            return closure.reason
    return None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def check_weekdays(weekdays: Sequence[int]) -> tuple[int, int]:
    if len(weekdays) != 2 or len(set(weekdays)) != 2 or any(not 1 <= d <= 7 for d in weekdays):
        raise ScheduleError("weekdays", N_("Choose two different weekdays, 1 (Monday) to 7 (Sunday)."))
    first, second = sorted(weekdays)
    return first, second


def original_dates(start: date, weekdays: Sequence[int]) -> list[date]:
    """The eight dates the cohort would have with nothing in the way."""
    days = check_weekdays(weekdays)
    if start.isoweekday() not in days:
        raise ScheduleError("start_date", N_("The first session must fall on one of the two weekdays."))
    monday = _monday(start)
    dates = [
        monday + timedelta(weeks=week, days=day - 1)
        for week in range(SESSIONS)
        for day in days
        if monday + timedelta(weeks=week, days=day - 1) >= start
    ]
    return dates[:SESSIONS]


def plan_sessions(
    start: date,
    weekdays: Sequence[int],
    closures: Sequence[Closure] = (),
    holiday: Callable[[date], str | None] = norwegian_holiday,
) -> Plan:
    """Dates for modules 1 to 8, and which of them moved from their usual day and why."""
    days = check_weekdays(weekdays)
    originals = original_dates(start, days)
    # Moves stay on working days, or up to the later chosen weekday if that is a weekend day.
    last_day = max(5, days[1])
    planned: list[date] = []
    week = _monday(start)
    while len(planned) < SESSIONS:
        if week > _monday(start) + timedelta(weeks=MAX_WEEKS):
            raise ScheduleError(
                "start_date", N_("Closures and holidays leave no room for the sessions in the coming months.")
            )
        in_week = 0
        for slot in (week + timedelta(days=d - 1) for d in days):
            if slot < start:
                continue
            if len(planned) == SESSIONS or in_week == PER_WEEK:
                break
            day = max(slot, planned[-1] + timedelta(days=1)) if planned else slot
            while day.isoweekday() <= last_day and _monday(day) == week and blocked_by(day, closures, holiday):
                day += timedelta(days=1)
            if _monday(day) == week and day.isoweekday() <= last_day:
                planned.append(day)
                in_week += 1
        week += timedelta(weeks=1)

    sessions = tuple(PlannedSession(number=i + 1, module=MODULES[i], date=day) for i, day in enumerate(planned))
    moved = tuple(
        Move(
            number=i + 1,
            original=original,
            planned=day,
            reason=blocked_by(original, closures, holiday) or KNOCK_ON,
        )
        for i, (original, day) in enumerate(zip(originals, planned))
        if original != day
    )
    return Plan(sessions=sessions, moved=moved)


@dataclass(frozen=True)
class Booking:
    """Something that takes a leader and a room for a while: a session, or a guidance talk (no room)."""

    date: date
    start: time
    end: time
    location: str
    leader_ids: frozenset[int]
    label: Term  # names the booking for the person told about the clash


@dataclass(frozen=True)
class Clash:
    date: date
    booking: Booking
    leader_ids: frozenset[int]  # shared leaders; empty when only the room clashes
    room: bool


def _same_room(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def clashes(
    wanted: Sequence[tuple[date, time, time]],
    location: str,
    leader_ids: frozenset[int],
    existing: Sequence[Booking],
) -> list[Clash]:
    """Existing bookings that overlap a wanted time with the same leader or room."""
    found = []
    for day, start, end in wanted:
        for booking in existing:
            if booking.date != day or not (start < booking.end and booking.start < end):
                continue
            shared = leader_ids & booking.leader_ids
            room = bool(location.strip()) and _same_room(location, booking.location)
            if shared or room:
                found.append(Clash(date=day, booking=booking, leader_ids=shared, room=room))
    return found


def propose_starts(
    first: date,
    count: int,
    weekdays: Sequence[int],
    closures: Sequence[Closure] = (),
    is_free: Callable[[Plan], bool] = lambda plan: True,
    holiday: Callable[[date], str | None] = norwegian_holiday,
    max_tries: int = 12,
    every_weeks: int = 4,
) -> list[Plan]:
    """The next ``count`` cohorts of a term, about every four weeks from ``first``
    (``every_weeks``: Ny retning's three a year are about 17 weeks apart).

    Each start is ``every_weeks`` after the previous one, on the first weekday, and is
    pushed on a week at a time while its first day is closed, it would overlap
    the previous cohort, or ``is_free`` (the leaders' and room's other bookings)
    says no."""
    if not 1 <= count <= 12:
        raise ScheduleError("count", N_("Plan from 1 to 12 cohorts at a time."))
    days = check_weekdays(weekdays)
    plans: list[Plan] = []
    candidate = first
    for _ in range(count):
        for _ in range(max_tries):
            plan = None
            if not blocked_by(candidate, closures, holiday):
                plan = plan_sessions(candidate, days, closures, holiday)
                after_previous = not plans or plan.sessions[0].date > plans[-1].sessions[-1].date
                if after_previous and is_free(plan):
                    break
            candidate += timedelta(weeks=1)
        else:
            raise ScheduleError("start_date", N_("No free start was found within three months."))
        plans.append(plan)
        candidate = _monday(plan.sessions[0].date + timedelta(weeks=every_weeks)) + timedelta(days=days[0] - 1)
    return plans


def month_weeks(year: int, month: int) -> list[list[date | None]]:
    """The month as a calendar's rows: weeks of seven days from Monday to Sunday, each
    day of the month once, None in the places of the days before and after it."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    cells: list[date | None] = [None] * first.weekday()
    cells += [first + timedelta(days=n) for n in range((following - first).days)]
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]
