"""Booking one talk, and changing one: moving, reassigning, cancelling, marking it
held or not shown, writing its note."""

from __future__ import annotations

from dataclasses import dataclass

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.db import lock, write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.guidance import hooks, notes, policies
from course.guidance.clashes import raise_on_clash
from course.guidance.rules import ACTIVE, TALK_STATUSES
from course.guidance.tables import Talk
from course.guidance.talks import (
    TalkOut,
    check_talk,
    cohort_for,
    insert_talk,
    talk_location,
    talk_row,
    talk_without_note,
    talks_by_id,
)
from course.validation import as_id


@dataclass
class TalkInput:
    participant_id: object
    leader_id: object
    date: str
    start_time: str
    end_time: str
    location: str | None = None


@dataclass
class TalkChange:
    date: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    leader_id: object = None
    location: str | None = None
    status: str | None = None
    note: str | None = None


async def book_talk(staff: Staff, cohort_id: int, data: TalkInput) -> TalkOut:
    cohort = await cohort_for(staff, cohort_id)
    if cohort.status == "cancelled":
        raise InvalidInput({"cohort": N_("The cohort is cancelled.")})
    errors: dict[str, str] = {}
    params: dict[str, dict] = {}
    day, start, end = await check_talk(
        cohort, data.participant_id, data.leader_id, data.date, data.start_time, data.end_time, errors, params
    )
    location = talk_location(data.location, cohort.location, errors)
    participant, leader = as_id(data.participant_id), as_id(data.leader_id)
    if errors:
        raise InvalidInput(errors, params)
    # check_talk leaves no error only with every part found.
    assert participant and leader and day and start and end
    async with write_transaction():
        talk_id = await insert_talk(cohort, participant, leader, day, start, end, location)
        # Selected again through the scope, under the participant's lock (insert_talk
        # takes it): a participant erased since the checks above is in no one's scope,
        # and the talk goes with the transaction.
        if not await Talk.exists().where(Talk.id == talk_id, policies.talk_scope(staff)):
            raise NotFound
        await audit.record(
            audit.TALK_BOOKED,
            actor=staff.id,
            office=cohort.office_id,
            participant=participant,
            details={"talk": talk_id},
        )
    return (await talks_by_id(staff, [talk_id]))[0]


async def change_talk(staff: Staff, talk_id: int, change: TalkChange) -> TalkOut:
    """Move, reassign, cancel, mark held or no-show, or write the private note."""
    row, cohort = await talk_row(staff, talk_id)
    errors: dict[str, str] = {}
    params: dict[str, dict] = {}
    values: dict = {}
    moving = any(v is not None for v in (change.date, change.start_time, change.end_time, change.leader_id))
    day, start, end, leader = row["date"], row["start_time"], row["end_time"], row["leader"]
    if moving:
        day, start, end = await check_talk(
            cohort,
            row["participant"],
            change.leader_id if change.leader_id is not None else row["leader"],
            change.date if change.date is not None else row["date"].isoformat(),
            change.start_time if change.start_time is not None else cohorts.hhmm(row["start_time"]),
            change.end_time if change.end_time is not None else cohorts.hhmm(row["end_time"]),
            errors,
            params,
        )
        leader = as_id(change.leader_id) or leader if "leader_id" not in errors else leader
        values.update({Talk.date: day, Talk.start_time: start, Talk.end_time: end, Talk.leader: leader})
        if (day, start, end) != (row["date"], row["start_time"], row["end_time"]):
            values[Talk.confirmed_at] = None  # the participant confirmed the time it had
    if change.location is not None:
        values[Talk.location] = talk_location(change.location, cohort.location, errors)
    status = change.status
    if status in ACTIVE and row["status"] not in ACTIVE and not moving:
        # Taking a cancelled talk back: the participant must still be on the cohort, and
        # the day still within it.
        await check_talk(
            cohort,
            row["participant"],
            row["leader"],
            row["date"].isoformat(),
            cohorts.hhmm(row["start_time"]),
            cohorts.hhmm(row["end_time"]),
            errors,
            params,
        )
    if status is not None:
        if status not in TALK_STATUSES:
            errors["status"] = N_("Choose planned, held, no_show or cancelled.")
        elif status in ("held", "no_show") and (day or row["date"]) > clock.today():
            errors["status"] = N_("A talk can be marked held or not shown from its day.")
        else:
            values[Talk.status] = status
    if change.note is not None:
        note = await notes.checked_note(staff, talk_id, change.note, row["note"], errors)
        if note is not None:
            values[Talk.note] = note
    if errors:
        raise InvalidInput(errors, params)
    if not values:
        return await talk_without_note(staff, talk_id)
    values[Talk.changed_at] = clock.now()
    # The note is written only through the note's scope as well as the talk's.
    scope = [policies.talk_scope(staff)] + ([policies.note_scope(staff)] if Talk.note in values else [])
    async with write_transaction():
        active_now = values.get(Talk.status, row["status"]) in ACTIVE
        clashes = active_now and (moving or row["status"] not in ACTIVE)
        # The participant's lock for every change (an erasure clears the talk's note and
        # place under it), with the leader's when the time may clash, in one call. The
        # update below selects the talk through the scope, which holds no erased person.
        await lock(f"participant:{row['participant']}", *([f"staff:{leader}"] if clashes else []))
        if clashes:
            await raise_on_clash(day, start, end, leader, row["participant"], exclude_talk=talk_id)
        if not await Talk.update(values).where(Talk.id == talk_id, *scope).returning(Talk.id):
            raise NotFound
        if Talk.note in values:
            await notes.record_note_written(staff, cohort, talk_id, row["participant"])
        # Which fields changed (the note has its own event), never what they became.
        fields = sorted(c._meta.name for c in values if c._meta.name not in ("note", "changed_at", "confirmed_at"))
        if fields:
            await audit.record(
                audit.TALK_CHANGED,
                actor=staff.id,
                office=cohort.office_id,
                participant=row["participant"],
                details={"talk": talk_id, "fields": fields},
            )
        await _tell(talk_id, row, values)
    return (await talks_by_id(staff, [talk_id]))[0]


async def _tell(talk_id: int, before: dict, values: dict) -> None:
    """The participant is told of a planned talk still to come that was moved or
    cancelled; the staff around them of one marked not shown. In the change's
    transaction, so a change that fails tells no one."""
    status = values.get(Talk.status, before["status"])
    day = values.get(Talk.date, before["date"])
    if status == "no_show" and before["status"] != "no_show":
        await hooks.talk_no_show(talk_id)
    elif before["status"] != "planned" or day < clock.today():
        return
    elif status == "cancelled":
        await hooks.talk_cancelled(talk_id)
    elif status == "planned" and any(
        column in values and values[column] != before[column._meta.name]
        for column in (Talk.date, Talk.start_time, Talk.end_time, Talk.location)
    ):
        await hooks.talk_moved(talk_id)
