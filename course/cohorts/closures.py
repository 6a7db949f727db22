"""Periods an office holds no sessions (summer weeks, Christmas)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from course import paging
from course.accounts.schemas import Staff
from course.cohorts import policies, schedule
from course.cohorts.fields import parse_date
from course.cohorts.tables import Closure
from course.errors import N_, InvalidInput, NotFound
from course.validation import has_control_chars


@dataclass
class ClosureOut:
    id: int
    office_id: int
    start_date: date
    end_date: date
    reason: str


async def closures_for(office_id: int) -> list[schedule.Closure]:
    """The office's closures, for the schedule (the office comes from a scoped cohort
    or from the caller)."""
    rows = await Closure.select().where(Closure.office == office_id)
    return [schedule.Closure(r["start_date"], r["end_date"], r["reason"]) for r in rows]


async def list_closures(staff: Staff) -> list[ClosureOut]:
    rows = await Closure.select().where(policies.closure_scope(staff)).order_by(Closure.start_date)
    return [ClosureOut(r["id"], r["office"], r["start_date"], r["end_date"], r["reason"]) for r in rows]


CLOSURE_ORDER = (paging.Key(Closure.start_date), paging.Key(Closure.id))


async def closures_page(staff: Staff, page: paging.PageRequest, start: date | None = None) -> paging.Page[ClosureOut]:
    """A page of the closures the caller may see, by start day: those that end on or
    after ``start`` when one is given."""
    query = Closure.select().where(policies.closure_scope(staff))
    if start is not None:
        query = query.where(Closure.end_date >= start)
    found = await paging.fetch(query, CLOSURE_ORDER, page)
    items = [ClosureOut(r["id"], r["office"], r["start_date"], r["end_date"], r["reason"]) for r in found.items]
    return paging.Page(items, found.next, found.previous)


async def add_closure(staff: Staff, start: str, end: str, reason: str, office_id: int | None = None) -> ClosureOut:
    errors: dict[str, str] = {}
    first = parse_date(start, errors, "start_date")
    last = parse_date(end, errors, "end_date")
    if first and last and last < first:
        errors["end_date"] = N_("The end date cannot be before the start date.")
    reason = " ".join(str(reason).split())
    if not reason or has_control_chars(reason) or len(reason) > 100:
        errors["reason"] = N_("Give a reason of at most 100 characters.")
    office = policies.office_for(staff, office_id)
    if errors:
        raise InvalidInput(errors)
    row = (
        await Closure.insert(Closure(office=office, start_date=first, end_date=last, reason=reason)).returning(
            *Closure.all_columns()
        )
    )[0]
    return ClosureOut(row["id"], row["office"], row["start_date"], row["end_date"], row["reason"])


async def get_closure(staff: Staff, closure_id: int) -> ClosureOut:
    """One closure the caller may change (to confirm its removal); otherwise NotFound."""
    row = await Closure.select().where(policies.closure_change_scope(staff), Closure.id == closure_id).first()
    if row is None:
        raise NotFound
    return ClosureOut(row["id"], row["office"], row["start_date"], row["end_date"], row["reason"])


async def remove_closure(staff: Staff, closure_id: int) -> None:
    rows = (
        await Closure.delete()
        .where(policies.closure_change_scope(staff), Closure.id == closure_id)
        .returning(Closure.id)
    )
    if not rows:
        raise NotFound
