"""What the participants modules share: a person by name, a date not in the future,
a cohort read through the people scope, and the participant's lock for a write."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from course import clock
from course.accounts.schemas import Staff
from course.cohorts import services as cohorts
from course.db import lock
from course.errors import N_, NotFound
from course.participants import policies
from course.participants.tables import Participant


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


async def lock_participant(staff: Staff, participant_id: int, *keys: str) -> int:
    """Inside a write transaction, before anything is written about the participant:
    take their lock together with the write's own keys (one call, so every writer
    takes them in the same order), then select the person again through the caller's
    scope. Someone erased since the checks made before the transaction is no longer
    in it: NotFound, and nothing is written. Answers the participant's office."""
    await lock(f"participant:{participant_id}", *keys)
    row = (
        await Participant.select(Participant.office)
        .where(policies.participant_scope(staff), Participant.id == participant_id)
        .first()
    )
    if row is None:
        raise NotFound
    return row["office"]
