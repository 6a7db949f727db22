"""Creating a cohort and its eight sessions from the schedule, clear of closures and
of the room's and the leaders' other bookings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from course import clock
from course.accounts.schemas import Staff
from course.accounts.tables import StaffUser
from course.cohorts import policies, schedule
from course.cohorts.bookings import bookings, raise_on_clash
from course.cohorts.closures import closures_for
from course.cohorts.fields import parse_date, parse_time
from course.cohorts.loading import CohortOut, get_cohort
from course.cohorts.tables import Cohort, CohortLeader, Session
from course.db import lock, write_transaction
from course.errors import N_, InvalidInput
from course.validation import check_line, valid_id

VARIANTS = ("kjk", "ny_retning")
MAX_CAPACITY = 30


@dataclass
class CohortInput:
    title: str
    variant: str
    start_date: str
    weekdays: list
    start_time: str
    end_time: str
    location: str
    leader_ids: list
    capacity: int = 12
    office_id: int | None = None


async def validate(staff: Staff, data: CohortInput) -> dict:
    """The checked values of a new cohort, or InvalidInput with every field's error."""
    errors: dict[str, str] = {}
    title = check_line(
        data.title,
        "title",
        errors,
        N_("The title contains characters that are not allowed."),
        N_("Enter a title."),
        N_("The title can be at most 200 characters."),
    )
    if data.variant not in VARIANTS:
        errors["variant"] = N_("Choose the variant kjk or ny_retning.")
    location = check_line(
        data.location,
        "location",
        errors,
        N_("The location contains characters that are not allowed."),
        N_("Enter where the sessions are held."),
        N_("The location can be at most 200 characters."),
    )
    if isinstance(data.capacity, bool) or not isinstance(data.capacity, int) or not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = N_("The capacity must be a whole number from 1 to 30.")
    start_date = parse_date(data.start_date, errors, "start_date")
    start_time = parse_time(data.start_time, errors, "start_time")
    end_time = parse_time(data.end_time, errors, "end_time")
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = N_("The end time must be after the start time.")
    weekdays = data.weekdays if isinstance(data.weekdays, list) else []
    try:
        days = schedule.check_weekdays([int(d) for d in weekdays if not isinstance(d, bool)])
        if len(weekdays) != 2:
            raise schedule.ScheduleError("weekdays", "")
    except (schedule.ScheduleError, TypeError, ValueError):
        errors["weekdays"] = N_("Choose two different weekdays, 1 (Monday) to 7 (Sunday).")
        days = None
    if start_date and start_date < clock.today() and not policies.may_backdate(staff):
        errors["start_date"] = N_("The start date cannot be in the past.")
    if start_date and days and "start_date" not in errors and start_date.isoweekday() not in days:
        errors["start_date"] = N_("The first session must fall on one of the two weekdays.")

    office_id = policies.office_for(staff, data.office_id)
    leader_ids = data.leader_ids if isinstance(data.leader_ids, list) else None
    if (
        not leader_ids
        or not all(valid_id(i) for i in leader_ids)  # before the set: an object in the list is not hashable
        or len(set(leader_ids)) != len(leader_ids)
        or len(leader_ids) > 2
    ):
        errors["leader_ids"] = N_("Choose one or two course leaders.")
    else:
        found = await StaffUser.select(StaffUser.id).where(StaffUser.id.is_in(leader_ids), policies.may_lead(office_id))
        if len(found) != len(leader_ids):
            errors["leader_ids"] = N_("Choose course leaders from the cohort's own office.")
    if errors:
        raise InvalidInput(errors)
    return {
        "title": title,
        "variant": data.variant,
        "location": location,
        "capacity": data.capacity,
        "start_date": start_date,
        "weekdays": days,
        "start_time": start_time,
        "end_time": end_time,
        "office_id": office_id,
        "leader_ids": leader_ids,
    }


def moved_out(moved: Sequence[schedule.Move]) -> list[dict]:
    return [{"number": m.number, "from": m.original, "to": m.planned, "reason": m.reason} for m in moved]


async def create_cohort(staff: Staff, data: CohortInput) -> CohortOut:
    values = await validate(staff, data)
    try:
        plan = schedule.plan_sessions(values["start_date"], values["weekdays"], await closures_for(values["office_id"]))
    except schedule.ScheduleError as error:
        raise InvalidInput({error.field: error.message}) from None
    wanted = [(s.date, values["start_time"], values["end_time"]) for s in plan.sessions]
    async with write_transaction():
        # Checked inside the write transaction, holding the leaders' and the office's
        # rooms' locks, so two leaders booking the same room at once cannot both succeed.
        await lock(f"rooms:{values['office_id']}", *(f"staff:{i}" for i in values["leader_ids"]))
        existing = await bookings(values["office_id"], set(values["leader_ids"]), {w[0] for w in wanted})
        await raise_on_clash(schedule.clashes(wanted, values["location"], frozenset(values["leader_ids"]), existing))
        cohort_id = (
            await Cohort.insert(
                Cohort(
                    office=values["office_id"],
                    title=values["title"],
                    variant=values["variant"],
                    location=values["location"],
                    capacity=values["capacity"],
                    start_date=values["start_date"],
                    weekday_1=values["weekdays"][0],
                    weekday_2=values["weekdays"][1],
                    start_time=values["start_time"],
                    end_time=values["end_time"],
                    created_at=clock.now(),
                )
            ).returning(Cohort.id)
        )[0]["id"]
        await CohortLeader.insert(*[CohortLeader(cohort=cohort_id, leader=i) for i in values["leader_ids"]])
        modules = schedule.module_sequence(values["variant"], len(plan.sessions))
        await Session.insert(
            *[
                Session(
                    cohort=cohort_id,
                    number=s.number,
                    module=modules[s.number - 1],
                    date=s.date,
                    start_time=values["start_time"],
                    end_time=values["end_time"],
                    location=values["location"],
                )
                for s in plan.sessions
            ]
        )
    out = await get_cohort(staff, cohort_id)
    out.moved = moved_out(plan.moved)
    return out
