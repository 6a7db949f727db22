"""The words and weeks of guidance talks."""

from __future__ import annotations

from datetime import date, timedelta

from course.cohorts import services as cohorts
from course.errors import N_

TALK_STATUSES = ("planned", "held", "no_show", "cancelled")
TALK_STATUS_LABELS = {
    "planned": N_("Planned"),
    "held": N_("Held"),
    "no_show": N_("Did not show"),
    "cancelled": N_("Cancelled"),
}
ACTIVE = ("planned", "held")
TALK_LENGTHS = (30, 45, 60, 90)
# Enrolments whose holder has talks in the cohort.
HAS_TALKS = ("invited", "enrolled", "completed")


def course_weeks(cohort: cohorts.CohortOut) -> list[tuple[date, date]]:
    """Four weeks from the Monday of the first session held (a moved first session
    moves them too); a course that runs on past them (a holiday moved a session)
    has its tail counted in the fourth week."""
    held = [s.date for s in cohort.sessions if s.status != "cancelled"] or [cohort.start_date]
    first = min(held)
    monday = first - timedelta(days=first.weekday())
    weeks = [(monday + timedelta(weeks=n), monday + timedelta(weeks=n, days=6)) for n in range(4)]
    last = max(held)
    if last > weeks[-1][1]:
        weeks[-1] = (weeks[-1][0], last + timedelta(days=6 - last.weekday()))
    return weeks
