"""A substitute for a period: while a leader is away (sick leave), another staff leader
of the office leads their sessions. Each session in the period is changed as one
session would be: recorded, its calendar version raised, clear of other bookings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from course import clock
from course.accounts.schemas import Staff
from course.cohorts import changes, policies, schedule
from course.cohorts.bookings import bookings, raise_on_clash
from course.cohorts.editing import check_leaders, still_as_read
from course.cohorts.fields import parse_date
from course.cohorts.loading import CohortOut, find_cohort, get_cohort
from course.cohorts.tables import Session, SessionLeader
from course.db import lock, write_transaction
from course.errors import N_, InvalidInput
from course.validation import valid_id


@dataclass
class SubstituteInput:
    from_date: str
    to_date: str
    absent_id: int | None
    substitute_id: int | None


def replaced(leaders: list[int], absent: int, substitute: int) -> list[int]:
    """The session's leaders with ``absent`` replaced by ``substitute`` (kept in place,
    never twice)."""
    out: list[int] = []
    for leader in leaders:
        chosen = substitute if leader == absent else leader
        if chosen not in out:
            out.append(chosen)
    return out


async def set_substitute(staff: Staff, cohort_id: int, data: SubstituteInput) -> CohortOut:
    """Put ``substitute_id`` in place of ``absent_id`` on every session of the cohort
    from ``from_date`` to ``to_date`` (both included) that the absent leader leads."""
    cohort = await find_cohort(policies.change_scope(staff), cohort_id)
    errors: dict[str, str] = {}
    first = parse_date(data.from_date, errors, "from")
    last = parse_date(data.to_date, errors, "to")
    if first and last and last < first:
        errors["to"] = N_("The end date cannot be before the start date.")
    if first and first < clock.today() and not policies.may_backdate(staff):
        errors["from"] = N_("The date cannot be in the past.")
    if not valid_id(data.absent_id):
        errors["absent_id"] = N_("Choose the leader who is away.")
    substitute = await check_leaders([data.substitute_id], cohort.office_id, errors, "substitute_id")
    if substitute and substitute[0] == data.absent_id:
        errors["substitute_id"] = N_("Choose someone other than the leader who is away.")
    if errors:
        raise InvalidInput(errors)
    assert first is not None and last is not None and substitute
    absent = int(data.absent_id or 0)
    affected = [
        (s, replaced(s.led_by(cohort.leader_ids), absent, substitute[0]))
        for s in cohort.sessions
        if first <= s.date <= last and s.status != "cancelled" and absent in s.led_by(cohort.leader_ids)
    ]
    if not affected:
        raise InvalidInput({"absent_id": N_("The leader leads none of the cohort's sessions in that period.")})
    async with write_transaction():
        who = {i for _, leaders in affected for i in leaders}
        await lock(f"cohort:{cohort.id}", f"rooms:{cohort.office_id}", *(f"staff:{i}" for i in sorted(who | {absent})))
        await still_as_read(staff, cohort)
        existing = await bookings(cohort.office_id, {substitute[0]}, {s.date for s, _ in affected}, cohort.id)
        for session, _ in affected:
            wanted = [(session.date, time.fromisoformat(session.start_time), time.fromisoformat(session.end_time))]
            await raise_on_clash(schedule.clashes(wanted, "", frozenset({substitute[0]}), existing))
        ids = {
            r["number"]: r["id"]
            for r in await Session.select(Session.id, Session.number).where(
                policies.session_change_scope(staff),
                Session.cohort == cohort.id,
                Session.number.is_in([s.number for s, _ in affected]),
            )
        }
        for session, leaders in affected:
            session_id = ids[session.number]
            own = sorted(leaders) == sorted(cohort.leader_ids)
            await SessionLeader.delete().where(SessionLeader.session == session_id)
            if not own:
                await SessionLeader.insert(*[SessionLeader(session=session_id, leader=i) for i in leaders])
            await changes.bump(Session.id == session_id)
            await changes.record(
                staff,
                cohort.id,
                cohort.office_id,
                changes.difference({"leader_ids": session.led_by(cohort.leader_ids)}, {"leader_ids": leaders}),
                session.number,
            )
    return await get_cohort(staff, cohort.id)
