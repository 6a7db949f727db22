"""Moving and cancelling sessions, cancelling a whole cohort, and which sessions are
off their usual day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from course import clock
from course.accounts.schemas import Staff
from course.cohorts import hooks, policies, schedule
from course.cohorts.bookings import bookings, raise_on_clash
from course.cohorts.closures import closures_for
from course.cohorts.fields import parse_date, parse_time
from course.cohorts.loading import CohortOut, find_cohort, get_cohort
from course.cohorts.tables import Cohort, Session
from course.db import lock, write_transaction
from course.errors import N_, InvalidInput, NotFound


@dataclass
class SessionChange:
    date: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    cancelled: bool | None = None


async def change_session(staff: Staff, cohort_id: int, number: int, change: SessionChange) -> CohortOut:
    """Move or cancel one session. A new date may not be a holiday or closure day,
    nor before the previous or after the next session, nor clash with a booking."""
    cohort = await find_cohort(policies.change_scope(staff), cohort_id)
    current = next((s for s in cohort.sessions if s.number == number), None)
    if current is None:
        raise NotFound
    errors: dict[str, str] = {}
    new_date = parse_date(change.date, errors, "date") if change.date is not None else current.date
    start = parse_time(change.start_time, errors, "start_time") if change.start_time is not None else None
    end = parse_time(change.end_time, errors, "end_time") if change.end_time is not None else None
    start = start or time.fromisoformat(current.start_time)
    end = end or time.fromisoformat(current.end_time)
    if "start_time" not in errors and "end_time" not in errors and end <= start:
        errors["end_time"] = N_("The end time must be after the start time.")
    params: dict[str, dict] = {}
    if new_date and new_date != current.date:
        reason = schedule.blocked_by(new_date, await closures_for(cohort.office_id))
        if reason:
            errors["date"] = N_("No session can be held that day: %(reason)s.")
            params["date"] = {"reason": reason}
        others = [s for s in cohort.sessions if s.status != "cancelled" and s.number != number]
        before = [s.date for s in others if s.number < number]
        after = [s.date for s in others if s.number > number]
        if (before and new_date <= max(before)) or (after and new_date >= min(after)):
            errors["date"] = N_("The date must be after the previous session and before the next.")
        if new_date < clock.today() and not policies.may_backdate(staff):
            errors["date"] = N_("The date cannot be in the past.")
    if errors:
        raise InvalidInput(errors, params)
    assert new_date is not None  # parse_date answered None only with an error
    values: dict = {Session.date: new_date, Session.start_time: start, Session.end_time: end}
    if change.cancelled is not None:
        values[Session.cancelled_at] = clock.now() if change.cancelled else None
    async with write_transaction():
        await lock(f"rooms:{cohort.office_id}", *(f"staff:{i}" for i in cohort.leader_ids))
        if change.cancelled is not True and (
            new_date != current.date
            or start != time.fromisoformat(current.start_time)
            or end != time.fromisoformat(current.end_time)
            or current.status == "cancelled"
        ):
            existing = await bookings(cohort.office_id, set(cohort.leader_ids), {new_date}, exclude_cohort=cohort.id)
            await raise_on_clash(
                schedule.clashes([(new_date, start, end)], current.location, frozenset(cohort.leader_ids), existing)
            )
        changed = (
            await Session.update(values)
            .where(policies.session_change_scope(staff), Session.cohort == cohort.id, Session.number == number)
            .returning(Session.id)
        )
        if not changed:
            raise NotFound
    return await get_cohort(staff, cohort.id)


async def set_cohort_cancelled(staff: Staff, cohort_id: int, cancelled: bool) -> CohortOut:
    """Cancelling a cohort also cancels its planned guidance talks; taking the
    cancellation back leaves them cancelled, to be booked again."""
    now = clock.now()
    async with write_transaction():
        changed = (
            await Cohort.update({Cohort.cancelled_at: now if cancelled else None})
            .where(policies.change_scope(staff), Cohort.id == cohort_id)
            .returning(Cohort.id)
        )
        if not changed:
            raise NotFound
        if cancelled:
            await hooks.cohort_cancelled(cohort_id, now)
    return await get_cohort(staff, cohort_id)


async def moves_for(cohort: CohortOut) -> list[dict]:
    """Which sessions are not on their usual day, and why, for showing on a page."""
    closures = await closures_for(cohort.office_id)
    originals = schedule.original_dates(cohort.start_date, cohort.weekdays)
    return [
        {
            "number": s.number,
            "from": original,
            "to": s.date,
            "reason": schedule.blocked_by(original, closures) or schedule.KNOCK_ON,
        }
        for s, original in zip(cohort.sessions, originals, strict=False)
        if s.date != original
    ]
