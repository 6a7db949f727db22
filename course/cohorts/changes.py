"""The history of a cohort: every change to it or one of its sessions (who, when, what),
written in the transaction that makes the change, with an audit event beside it.

A change holds course facts only: titles, rooms, times, and leaders as staff ids, so a
renamed or departed leader is named as they are when the history is shown."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from course import clock
from course.accounts.schemas import Staff
from course.accounts.tables import StaffUser
from course.audit import services as audit
from course.cohorts import policies
from course.cohorts.tables import Cohort, CohortChange, Session
from course.errors import N_, NotFound

# The history shown on the cohort page, newest first; the rest is a link away.
SHOWN_ON_PAGE = 10
MAX_PAGE = 100

FIELD_LABELS = {
    "title": N_("Title"),
    "capacity": N_("Places"),
    "location": N_("Place"),
    "start_time": N_("Starts"),
    "end_time": N_("Ends"),
    "leader_ids": N_("Course leaders"),
    "cancelled": N_("Cancelled"),
    "date": N_("Date"),
    "guest_leader": N_("Guest leader"),
}


@dataclass
class ChangeOut:
    id: int
    session_number: int | None  # None: the cohort as a whole
    changed_by: int | None  # the staff user; None once their account is deleted
    changed_at: datetime
    changes: dict[str, list[Any]]  # {"field": [old, new]}; leaders as lists of staff ids
    reason: str = ""  # why, as the author gave it; empty when none was given


@dataclass
class ChangeLine:
    """One field of a change as the page shows it."""

    label: str  # a message id
    old: str
    new: str
    translate: bool = False  # old and new are message ids (yes/no)


@dataclass
class ChangeShown:
    change: ChangeOut
    by: str  # the author's name, read when shown
    lines: list[ChangeLine] = field(default_factory=list)


@dataclass
class ChangePage:
    changes: list[ChangeOut]
    # The id to pass as ``before`` for the next (older) page; None when there is none.
    next_before: int | None


def as_value(value: object) -> object:
    """A value as the history stores it (JSON): dates ISO, times HH:MM, ids sorted."""
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "strftime"):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(value)
    return value


def difference(before: dict[str, object], after: dict[str, object]) -> dict[str, list]:
    """{"field": [old, new]} for each field whose value differs."""
    return {
        key: [as_value(before.get(key)), as_value(value)]
        for key, value in after.items()
        if as_value(before.get(key)) != as_value(value)
    }


async def record(
    staff: Staff,
    cohort_id: int,
    office_id: int,
    changes: dict[str, list],
    session_number: int | None = None,
    reason: str = "",
) -> None:
    """Write one change, with the reason given for it, and its audit event (field names
    only), inside the caller's write transaction; nothing when nothing changed."""
    if not changes:
        return
    now = clock.now()
    await CohortChange.insert(
        CohortChange(
            cohort=cohort_id,
            session_number=session_number,
            changed_by=staff.id,
            changed_at=now,
            changes=json.dumps(changes, ensure_ascii=False),
            reason=reason,
        )
    )
    await audit.record(
        audit.COHORT_CHANGED,
        actor=staff.id,
        office=office_id,
        details={"cohort": cohort_id, "session": session_number, "fields": sorted(changes)},
        at=now,
    )


async def bump(*where) -> None:
    """A change reached these sessions: their calendar events get a new version."""
    await Session.update({Session.sequence: Session.sequence + 1, Session.modified_at: clock.now()}).where(*where)


def _out(row: dict) -> ChangeOut:
    try:
        changes = json.loads(row["changes"])
    except ValueError:
        changes = {}
    return ChangeOut(
        id=row["id"],
        session_number=row["session_number"],
        changed_by=row["changed_by"],
        changed_at=row["changed_at"],
        changes=changes if isinstance(changes, dict) else {},
        reason=row.get("reason") or "",
    )


async def list_changes(staff: Staff, cohort_id: int, limit: int = 50, before: int | None = None) -> ChangePage:
    """The cohort's changes, newest first, ``limit`` at a time (older than the change
    ``before``); NotFound when the caller may not see the cohort."""
    if not await Cohort.exists().where(policies.cohort_scope(staff), Cohort.id == cohort_id):
        raise NotFound
    limit = max(1, min(limit, MAX_PAGE))
    where = [CohortChange.cohort == cohort_id]
    if before is not None:
        where.append(CohortChange.id < before)
    rows = await CohortChange.select().where(*where).order_by(CohortChange.id, ascending=False).limit(limit + 1)
    page = [_out(r) for r in rows[:limit]]
    return ChangePage(changes=page, next_before=page[-1].id if len(rows) > limit else None)


def _shown(key: str, value: object, names: dict[int, str]) -> tuple[str, bool]:
    if value is None or value == "" or value == []:
        return "–", False
    if key == "leader_ids" and isinstance(value, list):
        return " og ".join(names.get(i, "?") for i in value if isinstance(i, int)), False
    if isinstance(value, bool):
        return (N_("yes") if value else N_("no")), True
    if key == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y"), False
        except ValueError:
            return value, False
    return str(value), False


async def history(staff: Staff, cohort_id: int, limit: int = SHOWN_ON_PAGE, before: int | None = None):
    """The changes as the page shows them: each field's label, old and new value, and
    leaders and authors named as they are now. Answers (changes, next_before)."""
    page = await list_changes(staff, cohort_id, limit, before)
    ids: set[int] = {c.changed_by for c in page.changes if c.changed_by}
    for c in page.changes:
        for old_new in c.changes.get("leader_ids", []):
            ids.update(i for i in (old_new or []) if isinstance(i, int))
    rows = await StaffUser.select(StaffUser.id, StaffUser.name).where(StaffUser.id.is_in(sorted(ids) or [0]))
    names = {r["id"]: r["name"] for r in rows}
    shown = []
    for c in page.changes:
        lines = []
        for key, pair in c.changes.items():
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            old_text, translate = _shown(key, old, names)
            new_text, _ = _shown(key, new, names)
            lines.append(ChangeLine(FIELD_LABELS.get(key, key), old_text, new_text, translate))
        shown.append(ChangeShown(c, names.get(c.changed_by or 0, ""), lines))
    return shown, page.next_before


@dataclass
class HandMove:
    """The last time a session's date was changed by hand: who, when, from and to, why."""

    number: int
    old: date
    new: date
    by: str  # the author's name as it is now; empty once their account is deleted
    at: datetime
    reason: str


async def hand_moves(cohort_id: int) -> dict[int, HandMove]:
    """Each session's last change of date, by session number. The caller has read the
    cohort through its scope."""
    rows = await (
        CohortChange.select(
            CohortChange.session_number,
            CohortChange.changes,
            CohortChange.changed_at,
            CohortChange.reason,
            CohortChange.changed_by.name,
        )
        .where(CohortChange.cohort == cohort_id, CohortChange.session_number.is_not_null())
        .order_by(CohortChange.id)
    )
    found: dict[int, HandMove] = {}
    for row in rows:
        try:
            old, new = json.loads(row["changes"])["date"]
            move = HandMove(
                row["session_number"],
                date.fromisoformat(old),
                date.fromisoformat(new),
                row["changed_by.name"] or "",
                row["changed_at"],
                row["reason"] or "",
            )
        except (ValueError, KeyError, TypeError):
            continue  # a change that did not move the date
        found[move.number] = move
    return found
