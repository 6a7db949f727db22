"""What the participants modules share: a person by name, a date not in the future,
and a cohort read through the people scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from course import clock
from course.accounts.schemas import Staff
from course.cohorts import services as cohorts
from course.errors import N_
from course.participants import policies


@dataclass
class PersonRef:
    id: int
    name: str


async def staff_names(ids: Iterable[int]) -> dict[int, str]:
    return await cohorts.staff_names(sorted(set(ids)))


def past_date(value, errors: dict[str, str], key: str) -> date | None:
    day = cohorts.parse_date(value, errors, key)
    if day and day > clock.today():
        errors[key] = N_("The date cannot be in the future.")
    return day


async def people_cohort(staff: Staff, cohort_id: int) -> cohorts.CohortOut:
    """A cohort whose people the caller may see; NotFound for any other (and for a manager)."""
    return await cohorts.find_cohort(policies.people_cohort_scope(staff), cohort_id)
