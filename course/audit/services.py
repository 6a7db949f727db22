from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from course import clock
from course.audit.tables import AuditEvent
from course.errors import N_, InvalidInput
from course.validation import MAX_ID, whole_number

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGIN_THROTTLED = "login_throttled"
LOGOUT = "logout"
TOKEN_CREATED = "token_created"
TOKEN_REVOKED = "token_revoked"
USER_CREATED = "user_created"
USER_UPDATED = "user_updated"
PASSWORD_CHANGED = "password_changed"
OFFICE_CREATED = "office_created"
OFFICE_UPDATED = "office_updated"

# --- a participant's data: every event names the participant in its own column ---------------
# Reads by staff. Only where a person's record or documents are opened or exported; a
# page that merely lists names (the participants, a cohort's roster) records nothing.
PARTICIPANT_READ = "participant_read"  # the participant page, its edit form, GET /api/v1/participants/{id}
ENROLMENT_READ = "enrolment_read"  # an enrolment's page: its status, reason and outcome with its note
TALK_NOTE_READ = "talk_note_read"
DOCUMENT_READ = "document_read"  # the CV or plan as a form or JSON
DOCUMENT_PDF_READ = "document_pdf_read"
DOCUMENT_VERSIONS_READ = "document_versions_read"  # the list of versions (who, when)
DOCUMENT_VERSION_READ = "document_version_read"  # one earlier version
DOCUMENTS_ZIPPED = "documents_zipped"  # one event for each participant in the cohort's ZIP (CV and plan)
ROSTER_EXPORTED = "roster_exported"  # one event for each person on a cohort's roster read through the API
PARTICIPANT_EXPORTED = "participant_exported"  # everything about them, CV and plan included (JSON or PDF)
# Changes.
PARTICIPANT_CREATED = "participant_created"
PARTICIPANT_UPDATED = "participant_updated"
CATEGORY_CHANGED = "category_changed"
CONSENT_GIVEN = "consent_given"
CONSENT_WITHDRAWN = "consent_withdrawn"
LINK_ISSUED = "participant_link_issued"
LINK_REVOKED = "participant_link_revoked"
ENROLMENT_CREATED = "enrolment_created"
ENROLMENT_CHANGED = "enrolment_changed"
OUTCOME_SET = "outcome_set"
ATTENDANCE_MARKED = "attendance_marked"
TALK_BOOKED = "talk_booked"
TALK_CHANGED = "talk_changed"
TALK_NOTE_WRITTEN = "talk_note_written"
DOCUMENT_SAVED = "document_saved"
DOCUMENT_RESTORED = "document_restored"

# --- cohorts (course facts only: ids and field names) ---------------------------------------
COHORT_CHANGED = "cohort_changed"  # details: cohort, session (None: the whole cohort), fields

# --- the way in (a participant's steps: details hold ids and step names only) ----------------
PATH_READ = "path_read"  # GET /api/v1/participants/{id}/path and the path's own page
PATH_CHANGED = "path_changed"  # details: participant, steps (set or changed), cleared

# --- reflection tasks and answers (ids and module numbers only, never a text) -----------------
REFLECTION_TASK_CHANGED = "reflection_task_changed"  # an office's task for a module; details: module
REFLECTION_READ = "reflection_read"  # a staff member read a participant's answers; details: enrolment, modules
REFLECTION_ANSWERED = "reflection_answered"  # the participant wrote or cleared one; details: enrolment, module

# --- attendance export (stipend documentation): one event per person in it --------------------
ATTENDANCE_EXPORTED = "attendance_exported"  # details: cohorts, format

# --- follow-ups at 3 and 6 months (ids and the point only, never the kind or the note) -------
FOLLOW_UPS_READ = "follow_ups_read"  # an enrolment's follow-ups, with their notes; details: enrolment
FOLLOW_UP_SET = "follow_up_set"  # details: enrolment, point, fields
FOLLOW_UP_DELETED = "follow_up_deleted"  # details: enrolment, point

# --- messages (ids, kind and channel only, never the address or the text) ---------------------
MESSAGE_RETRIED = "message_retried"  # an admin sent a failed message again; details: message, message_kind, channel

DOCUMENT_READS = frozenset(
    {DOCUMENT_READ, DOCUMENT_PDF_READ, DOCUMENT_VERSIONS_READ, DOCUMENT_VERSION_READ, DOCUMENTS_ZIPPED}
)
DOCUMENT_CHANGES = frozenset({DOCUMENT_SAVED, DOCUMENT_RESTORED})
READS = (
    frozenset(
        {
            PARTICIPANT_READ,
            ENROLMENT_READ,
            TALK_NOTE_READ,
            ROSTER_EXPORTED,
            PATH_READ,
            REFLECTION_READ,
            ATTENDANCE_EXPORTED,
            FOLLOW_UPS_READ,
        }
    )
    | DOCUMENT_READS
)
CHANGES = (
    frozenset(
        {
            PARTICIPANT_CREATED,
            PARTICIPANT_UPDATED,
            CATEGORY_CHANGED,
            CONSENT_GIVEN,
            CONSENT_WITHDRAWN,
            LINK_ISSUED,
            LINK_REVOKED,
            ENROLMENT_CREATED,
            ENROLMENT_CHANGED,
            OUTCOME_SET,
            ATTENDANCE_MARKED,
            TALK_BOOKED,
            TALK_CHANGED,
            TALK_NOTE_WRITTEN,
            PATH_CHANGED,
            REFLECTION_ANSWERED,
            FOLLOW_UP_SET,
            FOLLOW_UP_DELETED,
            MESSAGE_RETRIED,
        }
    )
    | DOCUMENT_CHANGES
)

# The address the request being served came from, set once per request by the
# authentication middleware, so every event written while serving it says where from.
request_address: ContextVar[str | None] = ContextVar("request_address", default=None)


async def record(
    action: str,
    *,
    actor: int | None = None,
    account: str | None = None,
    target_user: int | None = None,
    office: int | None = None,
    participant: int | None = None,
    address: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """Write one audit event and answer its id; inside a transaction it commits
    or rolls back with it. ``details`` names what was done, never the data itself."""
    address = address or request_address.get()
    rows = await AuditEvent.insert(
        AuditEvent(
            at=at or clock.now(),
            action=action,
            actor=actor,
            account=account,
            target_user=target_user,
            office=office,
            participant=participant,
            address=(address or None) and address[:45],
            details=details or {},
        )
    ).returning(AuditEvent.id)
    return rows[0]["id"]


async def read(
    action: str, *, actor: int, participant: int, office: int | None = None, details: dict[str, Any] | None = None
) -> int:
    """A staff member read a participant's data: one event naming both. ``details``
    says which record (ids, the kind of document), never what it holds."""
    return await record(action, actor=actor, participant=participant, office=office, details=details)


# At most this many rows in one INSERT (SQLite takes 32,766 parameters; ten a row).
MANY_AT_ONCE = 500


async def record_many(
    action: str,
    participants: Sequence[tuple[int, dict[str, Any]]],
    *,
    actor: int | None,
    office: int | None = None,
) -> int:
    """One event for each participant, as (participant id, details), written in one
    INSERT (one per 500): an export that holds many people says so of each of them.
    Answers how many were written."""
    at, address = clock.now(), request_address.get()
    rows = [
        AuditEvent(
            at=at,
            action=action,
            actor=actor,
            office=office,
            participant=participant,
            address=(address or None) and address[:45],
            details=details,
        )
        for participant, details in participants
    ]
    for start in range(0, len(rows), MANY_AT_ONCE):
        await AuditEvent.insert(*rows[start : start + MANY_AT_ONCE])
    return len(rows)


# --- reading the log -------------------------------------------------------------------------

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
ACTION_RE = re.compile(r"[a-z][a-z_]{0,49}")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class AuditFilter:
    """Which events: all of them unless narrowed. ``start`` and ``end`` are days in
    Oslo, both included."""

    participant: int | None = None
    actor: int | None = None
    action: str | None = None
    start: date | None = None
    end: date | None = None


@dataclass
class EventOut:
    id: int
    at: datetime  # in Oslo
    action: str
    actor_id: int | None
    actor_name: str | None  # the staff member, as named today
    account: str | None  # the e-mail address a login was tried for
    participant_id: int | None
    office_id: int | None
    target_user_id: int | None
    address: str | None
    details: dict[str, Any]


@dataclass
class EventPage:
    events: list[EventOut]  # newest first
    next: int | None  # older events: pass as ``before``; None on the last page
    previous: int | None  # newer events: pass as ``after``; None on the first page


def _whole(value: object, key: str, errors: dict[str, str], message: str, low: int, high: int) -> int | None:
    """A whole number given as a number or as its digits; None when empty."""
    if value is None or value == "":
        return None
    number = whole_number(value.strip()) if isinstance(value, str) else value
    if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
        errors[key] = message
        return None
    return number


FIRST_YEAR, LAST_YEAR = 2000, 2100


def _day(value: object, key: str, errors: dict[str, str]) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and DATE_RE.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            # Far from any event, and far enough from date's own limits that a day
            # either side of it in Oslo time never overflows.
            if FIRST_YEAR <= day.year <= LAST_YEAR:
                return day
    errors[key] = N_("Give a date as YYYY-MM-DD.")
    return None


def audit_filter(
    *,
    participant_id: object = None,
    user_id: object = None,
    action: object = None,
    start: object = None,
    end: object = None,
) -> AuditFilter:
    """The filter from a form or a query string (numbers as digits, days as YYYY-MM-DD);
    InvalidInput naming each field at fault: participant_id, user_id, action, from, to."""
    errors: dict[str, str] = {}
    participant = _whole(participant_id, "participant_id", errors, N_("Give a participant's number."), 1, MAX_ID)
    actor = _whole(user_id, "user_id", errors, N_("Choose a staff member."), 1, MAX_ID)
    what = str(action).strip() if action is not None else ""
    if what and not ACTION_RE.fullmatch(what):
        errors["action"] = N_("Choose one of the actions in the log.")
    first, last = _day(start, "from", errors), _day(end, "to", errors)
    if first and last and last < first:
        errors["to"] = N_("The end of the period cannot be before its start.")
    if errors:
        raise InvalidInput(errors)
    return AuditFilter(participant, actor, what or None, first, last)


def _where(f: AuditFilter) -> list:
    where: list = []
    if f.participant is not None:
        where.append(AuditEvent.participant == f.participant)
    if f.actor is not None:
        where.append(AuditEvent.actor == f.actor)
    if f.action is not None:
        where.append(AuditEvent.action == f.action)
    # Days in Oslo: from its midnight to the next day's (the clock changes inside some).
    if f.start is not None:
        where.append(AuditEvent.at >= datetime.combine(f.start, time(0), clock.OSLO))
    if f.end is not None:
        where.append(AuditEvent.at < datetime.combine(f.end + timedelta(days=1), time(0), clock.OSLO))
    return where


def _query(f: AuditFilter):
    return AuditEvent.select(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.action,
        AuditEvent.actor,
        AuditEvent.actor._.name.as_alias("actor_name"),
        AuditEvent.account,
        AuditEvent.participant,
        AuditEvent.office,
        AuditEvent.target_user,
        AuditEvent.address,
        AuditEvent.details,
    ).where(*_where(f))


def _details(value: object) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value if isinstance(value, dict) else {}


def _event(row: dict) -> EventOut:
    return EventOut(
        id=row["id"],
        at=row["at"].astimezone(clock.OSLO),
        action=row["action"],
        actor_id=row["actor"],
        actor_name=row["actor_name"],
        account=row["account"],
        participant_id=row["participant"],
        office_id=row["office"],
        target_user_id=row["target_user"],
        address=row["address"],
        details=_details(row["details"]),
    )


async def find_events(
    f: AuditFilter, *, limit: object = DEFAULT_LIMIT, before: object = None, after: object = None
) -> EventPage:
    """One page of the events the filter selects, newest first (in the order they were
    written), by keyset: ``before`` the id answered as ``next`` gives the page after it,
    ``after`` the id answered as ``previous`` the page before it. InvalidInput names
    limit, before or after when out of range."""
    errors: dict[str, str] = {}
    size = _whole(limit, "limit", errors, N_("Give a number from 1 to 200."), 1, MAX_LIMIT) or DEFAULT_LIMIT
    older_than = _whole(before, "before", errors, N_("Give the number the last page answered."), 1, MAX_ID)
    newer_than = _whole(after, "after", errors, N_("Give the number the last page answered."), 1, MAX_ID)
    if older_than is not None and newer_than is not None:
        errors["after"] = N_("Give either before or after, not both.")
    if errors:
        raise InvalidInput(errors)
    if newer_than is not None:
        rows = await _query(f).where(AuditEvent.id > newer_than).order_by(AuditEvent.id).limit(size + 1)
        more_newer, rows = len(rows) > size, list(reversed(rows[:size]))
        more_older = bool(rows) and await AuditEvent.exists().where(*_where(f), AuditEvent.id < rows[-1]["id"])
    else:
        query = _query(f).order_by(AuditEvent.id, ascending=False).limit(size + 1)
        if older_than is not None:
            query = query.where(AuditEvent.id < older_than)
        rows = await query
        more_older, rows = len(rows) > size, rows[:size]
        more_newer = (
            older_than is not None
            and bool(rows)
            and await AuditEvent.exists().where(*_where(f), AuditEvent.id > rows[0]["id"])
        )
    return EventPage(
        events=[_event(r) for r in rows],
        next=rows[-1]["id"] if more_older else None,
        previous=rows[0]["id"] if more_newer else None,
    )


CSV_COLUMNS = (
    "id",
    "at",
    "action",
    "actor_id",
    "actor",
    "account",
    "participant_id",
    "office_id",
    "target_user_id",
    "address",
    "details",
)
CSV_PAGE = 1000


def _inert(value: object) -> object:
    """Text a spreadsheet would take for a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


async def export_csv(f: AuditFilter) -> AsyncIterator[str]:
    """The events the filter selects as CSV, newest first, all of them: streamed in
    pieces of 1,000 rows read by keyset, so neither the server nor the database holds
    more than one piece at a time however long the log is. Times in Oslo; ``details``
    as JSON, which names records, never their content."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    before: int | None = None
    while True:
        query = _query(f).order_by(AuditEvent.id, ascending=False).limit(CSV_PAGE)
        if before is not None:
            query = query.where(AuditEvent.id < before)
        rows = await query
        for e in map(_event, rows):
            writer.writerow(
                [
                    e.id,
                    e.at.isoformat(timespec="seconds"),
                    e.action,
                    e.actor_id or "",
                    _inert(e.actor_name or ""),
                    _inert(e.account or ""),
                    e.participant_id or "",
                    e.office_id or "",
                    e.target_user_id or "",
                    e.address or "",
                    json.dumps(e.details, ensure_ascii=False, sort_keys=True) if e.details else "",
                ]
            )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if len(rows) < CSV_PAGE:
            return
        before = rows[-1]["id"]


# --- innsyn: what the participant may see of it ------------------------------------------------

INNSYN_LIMIT = 50


@dataclass
class InnsynEntry:
    """One time staff read or changed the participant's CV or plan."""

    at: datetime  # in Oslo
    staff_name: str
    what: str  # read | changed
    document: str  # cv | plan


async def innsyn(participant_id: int, limit: int = INNSYN_LIMIT) -> list[InnsynEntry]:
    """Who at NAV has read or changed the participant's CV and plan, and when: the
    latest ``limit`` (50), newest first. Only staff (the participant's own reads and
    saves are theirs) and only these four facts; a staff member whose account has
    been deleted is left out, as the event no longer names them."""
    rows = (
        await AuditEvent.select(
            AuditEvent.at, AuditEvent.action, AuditEvent.actor._.name.as_alias("name"), AuditEvent.details
        )
        .where(
            AuditEvent.participant == participant_id,
            AuditEvent.action.is_in(sorted(DOCUMENT_READS | DOCUMENT_CHANGES | {PARTICIPANT_EXPORTED})),
            AuditEvent.actor.is_not_null(),
        )
        .order_by(AuditEvent.id, ascending=False)
        .limit(limit)
    )
    out: list[InnsynEntry] = []
    for row in rows:
        what = "changed" if row["action"] in DOCUMENT_CHANGES else "read"
        # The cohort's ZIP and an export hold both; every other event names its one document.
        kind = _details(row["details"]).get("kind")
        whole = row["action"] in (DOCUMENTS_ZIPPED, PARTICIPANT_EXPORTED)
        kinds = ("cv", "plan") if whole else (kind,) if kind in ("cv", "plan") else ()
        at = row["at"].astimezone(clock.OSLO)
        out += [InnsynEntry(at, row["name"], what, k) for k in kinds]
    return out[:limit]


async def events(action: str | None = None, limit: int = 100) -> list[dict]:
    query = AuditEvent.select().order_by(AuditEvent.id, ascending=False).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    return await query


def _names_one_of(key: str, ids: list[int]):
    """Events whose details name one of these ids under ``key`` (written before the
    participant column, or naming an enrolment or a talk of the person)."""
    from piccolo.columns.combination import WhereRaw

    from course.db import is_sqlite

    values: list[int | str]
    if is_sqlite():
        expression, values = f"json_extract(details, '$.{key}')", list(ids)
    else:
        expression, values = f"(details->>'{key}')", [str(i) for i in ids]
    return WhereRaw(f"{expression} IN ({', '.join(['{}'] * len(values))})", *values)


async def forget_participant(
    participant_id: int, *, enrolments: list[int] | None = None, talks: list[int] | None = None
) -> None:
    """Delete every event about an erased participant: those that name them (in the
    participant column or in their details), and those about one of their enrolments
    (status, outcome, CV and plan) or talks (the private note's reads and changes).
    Inside the erasure's transaction, before the one event that says they were erased."""
    # By the indexed column first: every event written since it exists names them there.
    await AuditEvent.delete().where(AuditEvent.participant == participant_id)
    # Then the few older ones that name them only in their details: among events of a
    # person's data with no participant, found by the indexed action, never the whole log.
    about = _names_one_of("participant", [participant_id])
    for key, ids in (("enrolment", sorted(set(enrolments or []))), ("talk", sorted(set(talks or [])))):
        if ids:
            about = about | _names_one_of(key, ids)
    await AuditEvent.delete().where(
        AuditEvent.participant.is_null(), AuditEvent.action.is_in(sorted(READS | CHANGES)), about
    )
