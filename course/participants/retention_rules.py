"""How long a participant's data is kept: a pure rule, no database.

The office keeps personal data for a number of months after the participant's last
cohort ended (counted from the registration for someone never on a cohort). Nobody is
due while on a cohort that has not ended, nor while a leader's extension runs. The
reasons are short, in Norwegian, and name no one: they go to the command line and to
the erasure's audit event.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (earlier when negative), or the
    month's last day when it is shorter: 31 January + 1 month is 28 or 29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class RetentionFacts:
    """What the rule needs to know about one participant."""

    registered_on: date
    # The end of the last cohort they were ever on (any status), or None.
    last_cohort_end: date | None
    # Invited, enrolled or waiting on a cohort that has not ended (and is not cancelled).
    on_current_cohort: bool
    # The latest extension's date (kept until that day, inclusive), or None.
    extended_until: date | None
    retention_months: int


@dataclass(frozen=True)
class Decision:
    due: bool
    # The first day the data is due for erasure, as things stand.
    erase_on: date
    reason: str


def decide(facts: RetentionFacts, today: date) -> Decision:
    """Whether the participant's data is due for erasure today, and why (or why not)."""
    months = facts.retention_months
    period = "1 måned" if months == 1 else f"{months} måneder"
    if facts.last_cohort_end is not None:
        base = facts.last_cohort_end
        counted = f"{period} siden siste kurs sluttet {base.isoformat()}"
    else:
        base = facts.registered_on
        counted = f"{period} siden registrering {base.isoformat()}, uten kurs"
    erase_on = add_months(base, months)
    extended = facts.extended_until is not None and facts.extended_until >= erase_on
    if extended and facts.extended_until is not None:
        erase_on = facts.extended_until + timedelta(days=1)
    if facts.on_current_cohort:
        return Decision(False, erase_on, "på et kurs som ikke er avsluttet")
    if today < erase_on:
        if extended and facts.extended_until is not None:
            return Decision(False, erase_on, f"forlenget til {facts.extended_until.isoformat()}")
        return Decision(False, erase_on, f"slettes {erase_on.isoformat()}")
    if extended and facts.extended_until is not None:
        return Decision(True, erase_on, f"{counted}; forlengelsen til {facts.extended_until.isoformat()} er ute")
    return Decision(True, erase_on, counted)
