"""The staff who lead cohorts, by name."""

from __future__ import annotations

from course.accounts.schemas import Staff
from course.accounts.tables import StaffUser
from course.cohorts import policies
from course.validation import nb_sort_key


async def office_leaders(staff: Staff) -> list[dict]:
    """Who may lead a cohort of the caller's office, sorted by name."""
    return await leaders_of(staff.office_id)


async def leaders_of(office_id: int) -> list[dict]:
    """Who may lead a cohort of the office (one the caller has selected a cohort of)."""
    rows = await StaffUser.select(StaffUser.id, StaffUser.name).where(policies.may_lead(office_id))
    return sorted(rows, key=lambda r: nb_sort_key(r["name"]))


async def staff_names(ids: list[int]) -> dict[int, str]:
    rows = await StaffUser.select(StaffUser.id, StaffUser.name).where(StaffUser.id.is_in(ids or [0]))
    return {r["id"]: r["name"] for r in rows}
