"""Changing a cohort after it is created: its title, capacity, room, times and leaders,
or cancelling it. Sessions already held keep their history; those still to come take
the new room and times, clear of the leaders' and the room's other bookings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from course import clock
from course.accounts.schemas import Staff
from course.accounts.tables import StaffUser
from course.cohorts import changes, hooks, policies, schedule
from course.cohorts.bookings import bookings, raise_on_clash
from course.cohorts.creating import MAX_CAPACITY
from course.cohorts.fields import parse_time
from course.cohorts.loading import CohortOut, SessionOut, find_cohort, get_cohort
from course.cohorts.tables import Cohort, CohortLeader, Session, SessionLeader
from course.db import lock, write_transaction
from course.errors import N_, Conflict, InvalidInput
from course.validation import check_line, valid_id


@dataclass
class CohortEdit:
    """The fields to change; None leaves a field as it is."""

    cancelled: bool | None = None
    title: str | None = None
    capacity: int | None = None
    location: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    leader_ids: list | None = None

    def empty(self) -> bool:
        return all(value is None for value in self.__dict__.values())


async def check_leaders(value, office_id: int, errors: dict[str, str], key: str = "leader_ids") -> list[int] | None:
    """One or two different staff leaders of the office, or an error under ``key``."""
    ids = value if isinstance(value, list) else None
    if not ids or len(set(ids)) != len(ids) or len(ids) > 2 or not all(valid_id(i) for i in ids):
        errors[key] = N_("Choose one or two course leaders.")
        return None
    found = await StaffUser.select(StaffUser.id).where(StaffUser.id.is_in(ids), policies.may_lead(office_id))
    if len(found) != len(ids):
        errors[key] = N_("Choose course leaders from the cohort's own office.")
        return None
    return list(ids)


def check_location(value, errors: dict[str, str]) -> str:
    return check_line(
        value,
        "location",
        errors,
        N_("The location contains characters that are not allowed."),
        N_("Enter where the sessions are held."),
        N_("The location can be at most 200 characters."),
    )


async def _validate(cohort: CohortOut, edit: CohortEdit) -> dict:
    errors: dict[str, str] = {}
    values: dict = {}
    if edit.empty():
        raise InvalidInput({"fields": N_("Give at least one field to change.")})
    if edit.cancelled is not None and not isinstance(edit.cancelled, bool):
        errors["cancelled"] = N_("Give true or false.")
    if edit.title is not None:
        values["title"] = check_line(
            edit.title,
            "title",
            errors,
            N_("The title contains characters that are not allowed."),
            N_("Enter a title."),
            N_("The title can be at most 200 characters."),
        )
    if edit.location is not None:
        values["location"] = check_location(edit.location, errors)
    if edit.capacity is not None:
        capacity = edit.capacity
        if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
            errors["capacity"] = N_("The capacity must be a whole number from 1 to 30.")
        values["capacity"] = edit.capacity
    if edit.start_time is not None:
        values["start_time"] = parse_time(edit.start_time, errors, "start_time")
    if edit.end_time is not None:
        values["end_time"] = parse_time(edit.end_time, errors, "end_time")
    start = values.get("start_time") or time.fromisoformat(cohort.start_time)
    end = values.get("end_time") or time.fromisoformat(cohort.end_time)
    if "start_time" not in errors and "end_time" not in errors and end <= start:
        errors["end_time"] = N_("The end time must be after the start time.")
    if edit.leader_ids is not None:
        values["leader_ids"] = await check_leaders(edit.leader_ids, cohort.office_id, errors)
    if errors:
        raise InvalidInput(errors)
    return values


async def check_clashes(
    office_id: int,
    cohort_id: int,
    sessions: list[tuple[SessionOut, time, time, str, frozenset[int]]],
) -> None:
    """Conflict if any of these sessions (with their new start, end, room and leaders)
    clashes with another cohort's session or a leader's guidance talk."""
    if not sessions:
        return
    leaders = set().union(*(s[4] for s in sessions))
    existing = await bookings(office_id, leaders, {s[0].date for s in sessions}, exclude_cohort=cohort_id)
    for session, start, end, location, who in sessions:
        await raise_on_clash(schedule.clashes([(session.date, start, end)], location, who, existing))


CHANGED_MEANWHILE = N_("Someone else changed the cohort at the same moment. Open it again and repeat the change.")


async def still_as_read(staff: Staff, cohort: CohortOut) -> None:
    """Inside the write transaction, after the cohort's lock: the cohort as read before
    it, or Conflict. What was worked out from that reading (sessions held, leaders
    written on them, clashes) then still holds."""
    if await find_cohort(policies.change_scope(staff), cohort.id) != cohort:
        raise Conflict(CHANGED_MEANWHILE)


async def update_cohort(staff: Staff, cohort_id: int, edit: CohortEdit) -> CohortOut:
    """Apply the changes given, record them (who, when, what) and raise the calendar
    version of every session they reach. The capacity is never set below the places
    taken; raising it tells how many on the waiting list could now get a place."""
    cohort = await find_cohort(policies.change_scope(staff), cohort_id)
    values = await _validate(cohort, edit)
    now = clock.now()
    before: dict[str, object] = {
        "title": cohort.title,
        "capacity": cohort.capacity,
        "location": cohort.location,
        "start_time": time.fromisoformat(cohort.start_time),
        "end_time": time.fromisoformat(cohort.end_time),
        "leader_ids": cohort.leader_ids,
        "cancelled": cohort.status == "cancelled",
    }
    after = {key: value for key, value in values.items()}
    if edit.cancelled is not None:
        after["cancelled"] = edit.cancelled
    changed = changes.difference(before, after)
    new_leaders: list[int] = values.get("leader_ids") or cohort.leader_ids
    # A session held earlier today is held: only those still to come take the change.
    upcoming = [s for s in cohort.sessions if (s.date, s.end_time) > (now.date(), now.strftime("%H:%M"))]
    to_come = (Session.cohort == cohort.id) & (
        Session.number.is_in([s.number for s in upcoming]) if upcoming else Session.id.is_null()
    )
    async with write_transaction():
        await lock(
            f"cohort:{cohort.id}",
            f"rooms:{cohort.office_id}",
            *(f"staff:{i}" for i in sorted(set(cohort.leader_ids) | set(new_leaders))),
        )
        await still_as_read(staff, cohort)
        if "capacity" in changed:
            taken = (await hooks.cohort_places(cohort.id)).taken
            if values["capacity"] < taken:
                raise InvalidInput(
                    {"capacity": N_("The capacity cannot be below the %(taken)s places taken.")},
                    {"capacity": {"taken": taken}},
                )
        stays_cancelled = after.get("cancelled", before["cancelled"])
        if not stays_cancelled and ({"location", "start_time", "end_time", "leader_ids"} & changed.keys()):
            await check_clashes(
                cohort.office_id,
                cohort.id,
                [
                    (
                        s,
                        values.get("start_time") or time.fromisoformat(s.start_time),
                        values.get("end_time") or time.fromisoformat(s.end_time),
                        values.get("location") or s.location,
                        frozenset(s.led_by(new_leaders)),
                    )
                    for s in upcoming
                    if s.status != "cancelled"
                ],
            )
        row: dict = {}
        for key in ("title", "capacity", "location", "start_time", "end_time"):
            if key in changed:
                row[getattr(Cohort, key)] = values[key]
        if "cancelled" in changed or edit.cancelled is True:
            # Cancelling again keeps today's behaviour: the moment is set anew.
            row[Cohort.cancelled_at] = now if edit.cancelled else None
        if row:
            await Cohort.update(row).where(policies.change_scope(staff), Cohort.id == cohort.id)
        if "leader_ids" in changed:
            # Sessions already held keep who led them: the old pair is written on them.
            held = [s for s in cohort.sessions if s not in upcoming and not s.substitute_ids]
            if held:
                ids = {
                    r["number"]: r["id"]
                    for r in await Session.select(Session.id, Session.number).where(
                        Session.cohort == cohort.id, Session.number.is_in([s.number for s in held])
                    )
                }
                await SessionLeader.insert(
                    *[SessionLeader(session=ids[s.number], leader=i) for s in held for i in cohort.leader_ids]
                )
            await CohortLeader.delete().where(CohortLeader.cohort == cohort.id)
            await CohortLeader.insert(*[CohortLeader(cohort=cohort.id, leader=i) for i in new_leaders])
        session_values: dict = {}
        for key in ("location", "start_time", "end_time"):
            if key in changed:
                session_values[getattr(Session, key)] = values[key]
        if session_values:
            await Session.update(session_values).where(to_come)
            if not stays_cancelled and upcoming:
                await hooks.cohort_moved(cohort.id)
        if "cancelled" in changed:
            await changes.bump(Session.cohort == cohort.id)
        elif {"title", "location", "start_time", "end_time", "leader_ids"} & changed.keys():
            await changes.bump(to_come)
        if edit.cancelled is True:
            await hooks.cohort_cancelled(cohort.id, now)
            if "cancelled" in changed:
                await hooks.cohort_called_off(cohort.id)
        await changes.record(staff, cohort.id, cohort.office_id, changed)
    out = await get_cohort(staff, cohort.id)
    if "capacity" in changed and values["capacity"] > cohort.capacity and out.status in ("planned", "running"):
        places = await hooks.cohort_places(cohort.id)
        out.waiting_list_offer = max(0, min(places.waiting, out.capacity - places.taken))
    return out


async def set_cohort_cancelled(staff: Staff, cohort_id: int, cancelled: bool) -> CohortOut:
    """Cancelling a cohort also cancels its planned guidance talks; taking the
    cancellation back leaves them cancelled, to be booked again."""
    return await update_cohort(staff, cohort_id, CohortEdit(cancelled=cancelled))
