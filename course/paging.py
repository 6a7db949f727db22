"""Keyset pagination, one contract for every list.

A list is read in a stable order (its sort columns end with the id, so no two rows
tie) and a page at a time: ``limit`` rows (1–200, 50 when left out) after or before
the row a cursor names. The cursor is opaque to clients: the sort values of the last
(or first) row shown, as base64url JSON. A page costs one query of ``limit + 1`` rows
whatever the history behind it, where an offset would read every row it skips.

Scope stays in the query: a cursor only says where to start, so a cursor made up by
hand can at most start somewhere else in what the caller may see.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from piccolo.columns import Column, Date, Integer, Serial, Timestamptz
from piccolo.columns.combination import And, Or, Where
from piccolo.query import Select

from course.errors import N_, InvalidInput
from course.validation import whole_number

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
# How far a page counts its whole list: "more than 1,000" costs one bounded read
# where an exact count would read the whole scope.
COUNT_CAP = 1000

T = TypeVar("T")


@dataclass(frozen=True)
class Key:
    """One sort column: its values must never be null."""

    column: Column
    ascending: bool = True


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    after: tuple | None = None  # the next page: rows after these sort values
    before: tuple | None = None  # the previous page: rows before these


@dataclass
class Page(Generic[T]):
    items: list[T]
    next: str | None  # cursor of the page after; None on the last
    previous: str | None  # cursor of the page before; None on the first


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode_value(column: Column, value: Any) -> Any:
    if isinstance(column, Timestamptz):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("no offset")
        return parsed
    if isinstance(column, Date):
        return date.fromisoformat(value)
    if isinstance(column, Integer | Serial):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("not a whole number")
        return value
    if not isinstance(value, str):
        raise ValueError("not text")
    return value


def encode(direction: str, values: Sequence[Any]) -> str:
    raw = json.dumps({direction: [_encode_value(v) for v in values]}, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def parse(
    keys: Sequence[Key], limit: object = None, cursor: object = None, errors: dict[str, str] | None = None
) -> PageRequest:
    """``limit`` and ``cursor`` as a query string gives them (text, or None when left
    out). Bad values are named in ``errors`` (raised as InvalidInput when no dict is given)."""
    own = errors if errors is not None else {}
    size = DEFAULT_LIMIT
    if limit not in (None, ""):
        number = limit if isinstance(limit, int) and not isinstance(limit, bool) else whole_number(str(limit))
        if number is None or not 1 <= number <= MAX_LIMIT:
            own["limit"] = N_("Give a number from 1 to 200.")
        else:
            size = number
    after = before = None
    if cursor not in (None, ""):
        try:
            text = str(cursor)
            if len(text) > 2000:
                raise ValueError("too long")
            data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            if not isinstance(data, dict) or len(data) != 1:
                raise ValueError("not one direction")
            ((direction, values),) = data.items()
            if direction not in ("a", "b") or not isinstance(values, list) or len(values) != len(keys):
                raise ValueError("does not fit this list")
            decoded = tuple(_decode_value(k.column, v) for k, v in zip(keys, values, strict=True))
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
            own["cursor"] = N_("Give the cursor a page of this list answered, or leave it out.")
        else:
            if direction == "a":
                after = decoded
            else:
                before = decoded
    if errors is None and own:
        raise InvalidInput(own)
    return PageRequest(limit=size, after=after, before=before)


def _beyond(keys: Sequence[Key], values: tuple, forward: bool) -> Where | And | Or:
    """Rows past ``values`` in the list's order (``forward``) or before them: for
    keys (a, b, id), a > x or (a = x and b > y) or (a = x and b = y and id > z)."""
    clauses = []
    for i, key in enumerate(keys):
        later = key.ascending == forward
        clause = key.column > values[i] if later else key.column < values[i]
        for earlier, value in zip(keys[:i], values[:i], strict=True):
            clause = (earlier.column == value) & clause
        clauses.append(clause)
    combined = clauses[0]
    for clause in clauses[1:]:
        combined = combined | clause
    return combined


async def fetch(
    query: Select,
    keys: Sequence[Key],
    page: PageRequest,
    sort_values: Callable[[dict], tuple] | None = None,
) -> Page[dict]:
    """One page of ``query``'s rows (already scoped and filtered) in the keys' order.
    ``sort_values`` gives a row's values for the keys (by default the keys' columns
    read from the row by name)."""
    values_of = sort_values or (lambda row: tuple(row[k.column._meta.name] for k in keys))
    backwards = page.before is not None
    if page.after is not None:
        query = query.where(_beyond(keys, page.after, forward=True))
    elif page.before is not None:
        query = query.where(_beyond(keys, page.before, forward=False))
    for key in keys:
        query = query.order_by(key.column, ascending=key.ascending != backwards)
    rows = await query.limit(page.limit + 1)
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    if backwards:
        rows.reverse()
    if not rows:
        return Page([], None, None)
    first, last = values_of(rows[0]), values_of(rows[-1])
    if backwards:
        # Came back from a later page: there is one after this; one before if more were found.
        return Page(rows, encode("a", last), encode("b", first) if more else None)
    return Page(rows, encode("a", last) if more else None, encode("b", first) if page.after is not None else None)


async def count(query: Select, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows ``query`` selects, read no further than ``cap``: (count, more than cap)."""
    rows = await query.limit(cap + 1)
    return min(len(rows), cap), len(rows) > cap
