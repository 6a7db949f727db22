"""The one clock: the date and time in Europe/Oslo, whatever the server's own zone.
Tests set it with :func:`frozen` or :func:`starting` instead of depending on the
real calendar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")

_fixed: datetime | None = None
_offset: timedelta | None = None


def now() -> datetime:
    """The time now, aware, in Oslo."""
    if _fixed is not None:
        return _fixed
    if _offset is not None:
        return (datetime.now(UTC) + _offset).astimezone(OSLO)
    return datetime.now(OSLO)


def utc_now() -> datetime:
    """The same moment in UTC, as timestamps are stored: one offset for every row, so
    SQLite, which keeps them as text, orders them as PostgreSQL does."""
    return now().astimezone(UTC)


def rfc3339(at: datetime) -> str:
    """A moment as the API gives every timestamp: RFC 3339 in UTC, with ``Z``
    (as msgspec writes an aware UTC datetime). A naive one is taken as Oslo time."""
    return (at if at.tzinfo else at.replace(tzinfo=OSLO)).astimezone(UTC).isoformat().replace("+00:00", "Z")


def today() -> date:
    return now().date()


def _moment(at: datetime | date) -> datetime:
    """A date means noon that day in Oslo; a naive time is Oslo time."""
    if not isinstance(at, datetime):
        at = datetime.combine(at, time(12), OSLO)
    elif at.tzinfo is None:
        at = at.replace(tzinfo=OSLO)
    return at.astimezone(OSLO)


@contextmanager
def frozen(at: datetime | date) -> Iterator[None]:
    """Stop the clock at a moment (a date means noon that day in Oslo)."""
    global _fixed
    before, _fixed = _fixed, _moment(at)
    try:
        yield
    finally:
        _fixed = before


@contextmanager
def starting(at: datetime | date) -> Iterator[None]:
    """Set the clock to a moment and let it run on from there at the real pace, so
    what is written one after the other still has times one after the other (a date
    means noon that day in Oslo). A :func:`frozen` clock inside it still stops it."""
    global _offset
    before, _offset = _offset, _moment(at) - datetime.now(UTC)
    try:
        yield
    finally:
        _offset = before
