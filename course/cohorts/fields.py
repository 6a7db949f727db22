"""Dates and times as forms and the API give them, and as pages show them."""

from __future__ import annotations

import re
from datetime import date, time

from course.errors import N_

TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def parse_date(value, errors: dict[str, str], key: str) -> date | None:
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors[key] = N_("Give a date as YYYY-MM-DD.")
    return None


def parse_time(value, errors: dict[str, str], key: str) -> time | None:
    match = TIME_RE.match(value) if isinstance(value, str) else None
    if not match:
        errors[key] = N_("Give a time as HH:MM.")
        return None
    return time(int(match.group(1)), int(match.group(2)))
