"""Moving, cancelling and changing one session (room, substitute, guest leader), and
which sessions are off their usual day."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import time

from course import clock
from course.accounts.schemas import Staff
from course.cohorts import changes, hooks, policies, schedule, term
from course.cohorts.bookings import bookings, raise_on_clash
from course.cohorts.calendar import OSLO
from course.cohorts.closures import closures_for
from course.cohorts.editing import check_leaders, check_location
from course.cohorts.fields import parse_date, parse_time
from course.cohorts.loading import CohortOut, find_cohort, get_cohort
from course.cohorts.tables import Session, SessionLeader
from course.db import lock, write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.validation import has_control_chars


@dataclass
class SessionChange:
    date: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    cancelled: bool | None = None
    location: str | None = None
    # Substitute staff leaders for this session; [] gives it back to the cohort's leaders.
    leader_ids: list | None = None
    guest_leader: str | None = None  # "name, organisation"; "" takes the guest leader away
    reason: str | None = None  # why, for the staff who read the history; kept with the change


MAX_REASON = 200


def check_reason(value, errors: dict[str, str]) -> str:
    """Why the session changes: optional, one line of at most 200 characters."""
    if not isinstance(value, str):
        errors["reason"] = N_("Give the reason as text.")
        return ""
    text = unicodedata.normalize("NFC", " ".join(value.split()))
    if has_control_chars(value):
        errors["reason"] = N_("The reason contains characters that are not allowed.")
    elif len(text) > MAX_REASON:
        errors["reason"] = N_("The reason can be at most 200 characters.")
    return text


def check_guest(value, errors: dict[str, str]) -> str:
    text = unicodedata.normalize("NFC", " ".join(str(value).split()))
    if has_control_chars(text) or len(text) > 200:
        errors["guest_leader"] = N_("Give the guest leader as name and organisation, at most 200 characters.")
    return text


async def change_session(staff: Staff, cohort_id: int, number: int, change: SessionChange) -> CohortOut:
    """Move, cancel or change one session: its room, its leaders (a substitute) and its
    guest leader. A new date may not be a holiday or closure day, nor before the
    previous or after the next session; the session's leaders and room must be free."""
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
    location = current.location if change.location is None else check_location(change.location, errors)
    substitutes = current.substitute_ids
    if change.leader_ids is not None:
        if change.leader_ids == []:
            substitutes = []
        else:
            substitutes = await check_leaders(change.leader_ids, cohort.office_id, errors) or []
            if sorted(substitutes) == sorted(cohort.leader_ids):
                substitutes = []  # the cohort's own pair: no substitute
    guest = check_guest(change.guest_leader, errors) if change.guest_leader is not None else current.guest_leader
    reason = check_reason(change.reason, errors) if change.reason is not None else ""
    if errors:
        raise InvalidInput(errors, params)
    assert new_date is not None  # parse_date answered None only with an error
    leaders = substitutes or cohort.leader_ids
    was_cancelled = current.status == "cancelled"
    cancelled = was_cancelled if change.cancelled is None else change.cancelled
    changed = changes.difference(
        {
            "date": current.date,
            "start_time": time.fromisoformat(current.start_time),
            "end_time": time.fromisoformat(current.end_time),
            "cancelled": was_cancelled,
            "location": current.location,
            "leader_ids": current.led_by(cohort.leader_ids),
            "guest_leader": current.guest_leader,
        },
        {
            "date": new_date,
            "start_time": start,
            "end_time": end,
            "cancelled": cancelled,
            "location": location,
            "leader_ids": leaders,
            "guest_leader": guest,
        },
    )
    values: dict = {
        Session.date: new_date,
        Session.start_time: start,
        Session.end_time: end,
        Session.location: location,
        Session.guest_leader: guest,
    }
    if change.cancelled is not None and (change.cancelled or was_cancelled):
        values[Session.cancelled_at] = clock.now() if change.cancelled else None
    async with write_transaction():
        await lock(f"rooms:{cohort.office_id}", *(f"staff:{i}" for i in sorted(set(cohort.leader_ids) | set(leaders))))
        if not cancelled and {"date", "start_time", "end_time", "cancelled", "location", "leader_ids"} & changed.keys():
            existing = await bookings(cohort.office_id, set(leaders), {new_date}, exclude_cohort=cohort.id)
            await raise_on_clash(schedule.clashes([(new_date, start, end)], location, frozenset(leaders), existing))
        rows = (
            await Session.update(values)
            .where(policies.session_change_scope(staff), Session.cohort == cohort.id, Session.number == number)
            .returning(Session.id)
        )
        if not rows:
            raise NotFound
        session_id = rows[0]["id"]
        if "leader_ids" in changed:
            await SessionLeader.delete().where(SessionLeader.session == session_id)
            if substitutes:
                await SessionLeader.insert(*[SessionLeader(session=session_id, leader=i) for i in substitutes])
        if changed:
            await changes.bump(Session.id == session_id)
        await changes.record(staff, cohort.id, cohort.office_id, changed, number, reason)
        # The participants are told, in this transaction, of a session still to come.
        if new_date >= clock.today() and not was_cancelled:
            if cancelled:
                await hooks.session_cancelled(session_id)
            elif {"date", "start_time", "end_time", "location"} & changed.keys():
                await hooks.session_moved(session_id)
    return await get_cohort(staff, cohort.id)


async def moves_for(cohort: CohortOut) -> list[dict]:
    """Which sessions are not on their usual day, and why, for showing on a page: the
    schedule's moves (a holiday, a closure, an earlier session), and those moved by hand
    with who moved them, when, from which day and the reason given (kind "by_hand")."""
    closures = await closures_for(cohort.office_id)
    originals = schedule.original_dates(cohort.start_date, cohort.weekdays)
    try:
        plan = schedule.plan_sessions(cohort.start_date, cohort.weekdays, closures)
    except schedule.ScheduleError:
        plan = schedule.Plan((), ())
    planned = {s.number: s.date for s in plan.sessions}
    scheduled = {m["number"]: m for m in term.explain_moves(plan.moved, closures)}
    by_hand = await changes.hand_moves(cohort.id)
    out = []
    for s, original in zip(cohort.sessions, originals, strict=False):
        hand = by_hand.get(s.number)
        if hand is not None and hand.new == s.date and s.date != planned.get(s.number):
            out.append(
                {
                    "number": s.number,
                    "from": hand.old,
                    "to": s.date,
                    "kind": "by_hand",
                    "by": hand.by,
                    "at": hand.at.astimezone(OSLO).date(),
                    "reason": hand.reason,
                }
            )
        elif s.date == planned.get(s.number) and s.number in scheduled:
            out.append(scheduled[s.number])
        elif s.date != original:
            out.append({"number": s.number, "from": original, "to": s.date, "kind": "moved", "reason": ""})
    return out
