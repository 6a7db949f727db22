"""Dates and times as forms and the API give them, and as pages show them."""

from __future__ import annotations

import re
from datetime import date, time

from course.errors import N_
from course.validation import OUT_OF_RANGE_DATE, empty_date_message, year_in_range

TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def parse_date(value, errors: dict[str, str], key: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors[key] = empty_date_message(key)  # "Fill in the start date.", not the format
        return None
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if year_in_range(day.year):
                return day
            errors[key] = OUT_OF_RANGE_DATE
            return None
    errors[key] = N_("Give a date as YYYY-MM-DD.")
    return None


def parse_time(value, errors: dict[str, str], key: str) -> time | None:
    match = TIME_RE.match(value) if isinstance(value, str) else None
    if not match:
        errors[key] = N_("Give a time as HH:MM.")
        return None
    return time(int(match.group(1)), int(match.group(2)))
