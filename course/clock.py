"""The one clock: the date and time in Europe/Oslo, whatever the server's own zone.
Tests freeze it with :func:`frozen` instead of depending on the real calendar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")

_fixed: datetime | None = None


def now() -> datetime:
    """The time now, aware, in Oslo."""
    return _fixed if _fixed is not None else datetime.now(OSLO)


def today() -> date:
    return now().date()


@contextmanager
def frozen(at: datetime | date) -> Iterator[None]:
    """Stop the clock at a moment (a date means noon that day in Oslo)."""
    global _fixed
    if not isinstance(at, datetime):
        at = datetime.combine(at, time(12), OSLO)
    elif at.tzinfo is None:
        at = at.replace(tzinfo=OSLO)
    before, _fixed = _fixed, at.astimezone(OSLO)
    try:
        yield
    finally:
        _fixed = before
