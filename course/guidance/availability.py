"""The leaders' times for talks: weekly windows, and days that depart from them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta

from course import clock
from course.accounts.schemas import Staff
from course.cohorts import services as cohorts
from course.db import write_transaction
from course.errors import N_, Forbidden, InvalidInput, NotFound
from course.guidance import planner, policies
from course.guidance.tables import Availability, AvailabilityException
from course.validation import has_control_chars, whole_number


@dataclass
class WindowOut:
    weekday: int
    start_time: str
    end_time: str


@dataclass
class ExceptionOut:
    id: int
    date: date
    start_time: str | None
    end_time: str | None
    available: bool
    reason: str


@dataclass
class AvailabilityOut:
    leader_id: int
    weekly: list[WindowOut]
    exceptions: list[ExceptionOut]


def _refuse_unless_holding_talks(staff: Staff) -> None:
    if not policies.may_hold_talks(staff):
        raise Forbidden


async def get_availability(staff: Staff) -> AvailabilityOut:
    _refuse_unless_holding_talks(staff)
    weekly = (
        await Availability.select()
        .where(policies.availability_scope(staff))
        .order_by(Availability.weekday)
        .order_by(Availability.start_time)
    )
    exceptions = (
        await AvailabilityException.select()
        .where(policies.exception_scope(staff), AvailabilityException.date >= clock.today() - timedelta(days=7))
        .order_by(AvailabilityException.date)
    )
    return AvailabilityOut(
        leader_id=staff.id,
        weekly=[WindowOut(w["weekday"], cohorts.hhmm(w["start_time"]), cohorts.hhmm(w["end_time"])) for w in weekly],
        exceptions=[
            ExceptionOut(
                e["id"],
                e["date"],
                e["start_time"] and cohorts.hhmm(e["start_time"]),
                e["end_time"] and cohorts.hhmm(e["end_time"]),
                e["available"],
                e["reason"],
            )
            for e in exceptions
        ],
    )


async def set_weekly(staff: Staff, windows: list) -> AvailabilityOut:
    """Replace the caller's weekly windows for talks."""
    _refuse_unless_holding_talks(staff)
    errors: dict[str, str] = {}
    parsed: list[tuple[int, time, time]] = []
    if not isinstance(windows, list) or len(windows) > 40:
        raise InvalidInput({"weekly": N_("Give at most 40 weekly windows.")})
    for index, window in enumerate(windows):
        key = f"weekly.{index}"
        if not isinstance(window, dict):
            errors[key] = N_("Give weekday, start_time and end_time.")
            continue
        day = window.get("weekday")
        if isinstance(day, str) and (number := whole_number(day)) is not None:
            day = number
        if isinstance(day, bool) or day not in range(1, 8):
            errors[key + ".weekday"] = N_("Choose a weekday from 1 (Monday) to 7 (Sunday).")
        start = cohorts.parse_time(window.get("start_time"), errors, key + ".start_time")
        end = cohorts.parse_time(window.get("end_time"), errors, key + ".end_time")
        if start and end and end <= start:
            errors[key + ".end_time"] = N_("The end time must be after the start time.")
        if key + ".weekday" not in errors and isinstance(day, int) and start and end and end > start:
            if any(d == day and s < end and start < e for d, s, e in parsed):
                errors[key] = N_("The window overlaps another on the same day.")
            parsed.append((day, start, end))
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        await Availability.delete().where(policies.availability_scope(staff))
        if parsed:
            await Availability.insert(
                *[Availability(leader=staff.id, weekday=d, start_time=s, end_time=e) for d, s, e in parsed]
            )
    return await get_availability(staff)


async def add_exception(
    staff: Staff, day: str, start: str | None, end: str | None, available: bool, reason: str = ""
) -> AvailabilityOut:
    """A day away (whole or in part), or extra time for talks on one day."""
    _refuse_unless_holding_talks(staff)
    errors: dict[str, str] = {}
    when = cohorts.parse_date(day, errors, "date")
    first = cohorts.parse_time(start, errors, "start_time") if start else None
    last = cohorts.parse_time(end, errors, "end_time") if end else None
    if (first is None) != (last is None) and "start_time" not in errors and "end_time" not in errors:
        errors["end_time" if first else "start_time"] = N_("Give both times, or neither for the whole day.")
    if first and last and last <= first:
        errors["end_time"] = N_("The end time must be after the start time.")
    if available and not (first and last):
        errors.setdefault("start_time", N_("Extra time needs a start and an end."))
    text = " ".join(str(reason or "").split())
    if has_control_chars(text) or len(text) > 100:
        errors["reason"] = N_("Give a reason of at most 100 characters.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        await AvailabilityException.insert(
            AvailabilityException(
                leader=staff.id,
                date=when,
                start_time=first,
                end_time=last,
                available=bool(available),
                reason=text,
            )
        )
    return await get_availability(staff)


async def remove_exception(staff: Staff, exception_id: int) -> None:
    _refuse_unless_holding_talks(staff)
    async with write_transaction():
        rows = (
            await AvailabilityException.delete()
            .where(AvailabilityException.id == exception_id, policies.exception_scope(staff))
            .returning(AvailabilityException.id)
        )
    if not rows:
        raise NotFound


async def windows_for(leader_ids: list[int], days: list[date]) -> tuple[list[planner.Window], list[planner.Window]]:
    """The leaders' windows for talks on the given days, and their time away (the
    leaders of a cohort the caller may see, for planning its talks)."""
    weekly = await Availability.select().where(Availability.leader.is_in(leader_ids or [0]))
    exceptions = await AvailabilityException.select().where(
        AvailabilityException.leader.is_in(leader_ids or [0]), AvailabilityException.date.is_in(days or [date.min])
    )
    on_weekday: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for w in weekly:
        on_weekday[w["leader"], w["weekday"]].append(w)
    on_day: dict[tuple[int, date], list[dict]] = defaultdict(list)
    for e in exceptions:
        on_day[e["leader"], e["date"]].append(e)
    windows, away = [], []
    for day in days:
        for leader in leader_ids:
            todays = on_day.get((leader, day), [])
            if any(not e["available"] and e["start_time"] is None for e in todays):
                continue
            windows += [
                planner.Window(leader, day, w["start_time"], w["end_time"])
                for w in on_weekday.get((leader, day.isoweekday()), [])
            ]
            windows += [planner.Window(leader, day, e["start_time"], e["end_time"]) for e in todays if e["available"]]
            away += [planner.Window(leader, day, e["start_time"], e["end_time"]) for e in todays if not e["available"]]
    return windows, away
