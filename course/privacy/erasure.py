"""Erasing a participant: everything about the person goes, what anonymous figures
need stays.

Goes: name, birth year, phone, e-mail and referral date; consents, category history,
personal links, retention extensions and answers to reflection tasks; every message
to them or about them (the log names them); the free text
of enrolments, attendance marks, outcomes, follow-ups, talks and the way in
(reasons, notes, the talk's place, who referred); every version of the person's CV
and plan; every audit event about them. Stays: the participant's row (its id,
office and primary contact, and when it was erased), their enrolments, attendance
marks, talks, outcomes, follow-ups and the dates and decisions of the way in, as
counts in summaries and reports; the evaluation
answers, which were never linked to anyone. The audit then holds one event about the
person: "participant #id erased by X", with the reason.

Each domain erases its own tables (``erase_participant``, ``erase_talks``,
``erase_documents``, ``forget_participant``); this module decides who may, and runs
them in one write transaction. Before it commits, the id and the time the person was
registered go on the erasure list, a plain text file outside the database, so that a
backup restored later can be erased again (``read_erasure_list`` and
``reapply_erasures``). The registration time tells the erased person from someone new
who got the same id after an older backup was restored."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.db import is_sqlite, write_transaction
from course.documents import services as documents
from course.errors import N_, Forbidden, InvalidInput, NotFound
from course.guidance import services as guidance
from course.messages import services as message_services
from course.participants import policies
from course.participants import services as participants
from course.participants.tables import Participant
from course.settings import erasure_list_path
from course.validation import check_line, valid_id

ERASED = "participant_erased"
MAX_REASON = 500
REAPPLIED = "Slettet på nytt etter gjenoppretting"
LIST_HEADER = "# Slettede deltakere: id og registreringstidspunkt (UTC). Slettes på nytt etter en gjenoppretting.\n"

__all__ = [
    "ERASED",
    "ErasureList",
    "Listed",
    "erase",
    "erase_now",
    "erasure_list_path",
    "may_erase",
    "read_erasure_list",
    "reapply_erasures",
]


def check_reason(reason) -> str:
    """The reason, one line of 1–500 characters; InvalidInput naming ``reason``."""
    errors: dict[str, str] = {}
    text = check_line(
        reason if isinstance(reason, str) else "",
        "reason",
        errors,
        N_("The reason contains characters that are not allowed."),
        N_("Write why the participant is erased."),
        N_("The reason can be at most 500 characters."),
        max_length=MAX_REASON,
    )
    if errors:
        raise InvalidInput(errors)
    return text


async def may_erase(staff: Staff, participant_id: int) -> bool:
    """Whether the caller may erase the participant; NotFound if they cannot see them."""
    if not await Participant.exists().where(policies.participant_scope(staff), Participant.id == participant_id):
        raise NotFound
    return await Participant.exists().where(
        policies.participant_scope(staff), policies.erase_scope(staff), Participant.id == participant_id
    )


async def erase(staff: Staff, participant_id: int, reason: str) -> None:
    """Erase a participant the caller may erase: an admin any, a leader those they
    are primary contact for. Someone who cannot see the person gets NotFound, someone
    who can see them but may not erase them Forbidden."""
    if not await may_erase(staff, participant_id):
        raise Forbidden
    text = check_reason(reason)
    scope = policies.participant_scope(staff) & policies.erase_scope(staff)
    if not await _erase(participant_id, actor=staff.id, reason=text, scope=scope):
        raise NotFound  # erased by someone else in the meantime


async def erase_now(participant_id: int, *, actor: int | None, reason: str, due_on: date | None = None) -> bool:
    """Erase a participant without asking who may (retention does, for those kept
    past their office's period). False if there is no such participant or they are
    already erased; with ``due_on``, also if the retention rule, asked again under
    the participant's lock, no longer finds them due that day (enrolled or extended
    since the run found them due)."""
    text = check_reason(reason)
    if not valid_id(participant_id):
        return False
    return await _erase(participant_id, actor=actor, reason=text, due_on=due_on)


async def _still_due(participant_id: int, day: date) -> bool:
    found = await participants.retention_candidates(day, participant_id)
    return bool(found) and found[0].decision.due


async def _erase(
    participant_id: int,
    *,
    actor: int | None,
    reason: str,
    scope=None,
    registered: datetime | None = None,
    listed: bool = True,
    due_on: date | None = None,
) -> bool:
    """Erase in one write transaction; with ``registered``, only the participant
    registered at that moment (a re-erasure from the list)."""
    at = clock.utc_now()
    async with write_transaction():
        row = await participants.lock_for_erasure(participant_id)
        if row is None or row["erased_at"] is not None:
            return False
        if scope is not None and not await Participant.exists().where(scope, Participant.id == participant_id):
            return False
        if due_on is not None and not await _still_due(participant_id, due_on):
            return False
        found = await Participant.select(Participant.created_at).where(Participant.id == participant_id).first()
        created: datetime | None = found["created_at"] if found else None
        if created is None or (registered is not None and _utc(created) != _utc(registered)):
            return False  # the id went to someone else after an older backup was restored
        if is_sqlite():
            # Deleted and overwritten content is zeroed in the file, not left in free space.
            await Participant.raw("PRAGMA secure_delete = ON")
        enrolments = await participants.erase_participant(participant_id, at)
        talks = await guidance.erase_talks(participant_id)
        await documents.erase_documents(participant_id)
        await message_services.erase_messages(participant_id)
        await audit.forget_participant(participant_id, enrolments=enrolments, talks=talks)
        await audit.record(
            ERASED, actor=actor, office=row["office"], participant=participant_id, details={"reason": reason}
        )
        if listed:
            # On the list (written and synced) before the erasure commits, so a crash
            # cannot leave an erasure off it. If the commit then fails, the line stays:
            # a later restore erases this person, whose erasure was asked for and
            # allowed, and only them (id and registration time must both match).
            await asyncio.to_thread(_append, erasure_list_path(), participant_id, created)
    if is_sqlite():
        # Earlier copies of the person's pages may still sit in the write-ahead log:
        # copied into the (zeroing) database file and the log emptied. A reader still
        # busy leaves the rest to SQLite's next checkpoint.
        await Participant.raw("PRAGMA wal_checkpoint(TRUNCATE)")
    return True


# --- the erasure list --------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """One erased participant on the list: their id and when they were registered."""

    participant_id: int
    created_at: datetime


@dataclass
class ErasureList:
    """The list as read: who to erase again, and how many lines could not be used
    (an id without a registration time, from before it was kept, or a garbled line).
    Such a line is never acted on: its id may belong to someone else by now."""

    entries: list[Listed] = field(default_factory=list)
    skipped: int = 0


def _utc(moment: datetime) -> datetime:
    """The moment in UTC; a naive one (as some engines answer) is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _append(path: Path, participant_id: int, created_at: datetime) -> None:
    """One line, ``<id> <created_at, ISO in UTC>``, appended with a single write
    (O_APPEND), so two erasures at once cannot mix their lines; synced before it returns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        line = f"{participant_id} {_utc(created_at).isoformat()}\n"
        if os.fstat(fd).st_size == 0:
            line = LIST_HEADER + line
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def _entry(line: str) -> Listed | None:
    words = line.split()
    if len(words) < 2 or not (words[0].isascii() and words[0].isdigit()) or not valid_id(int(words[0])):
        return None
    try:
        created_at = datetime.fromisoformat(words[1])
    except ValueError:
        return None
    if created_at.tzinfo is None:  # a bare day (the old format) says nothing about who
        return None
    return Listed(int(words[0]), _utc(created_at))


def read_erasure_list(path: Path | None = None) -> ErasureList:
    """The participants on the erasure list (``erasure_list_path()`` unless another is
    given), each once, in the order they were erased; none when there is no list yet.
    Blank lines and comments (the header) are passed over; any other line that is not
    ``<id> <created_at>`` is counted in ``skipped`` and never acted on."""
    path = path or erasure_list_path()
    found = ErasureList()
    if not path.exists():
        return found
    seen: dict[Listed, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entry = _entry(line)
        if entry is None:
            found.skipped += 1
        else:
            seen[entry] = None
    found.entries = list(seen)
    return found


async def reapply_erasures(entries: Iterable[Listed]) -> int:
    """Erase again every listed participant who exists with the same id and
    registration time and is not erased (after a backup has been restored); answers
    how many were. Someone who got a listed id later is left alone. They are on the
    list already, so nothing is added to it."""
    count = 0
    for entry in entries:
        if valid_id(entry.participant_id) and await _erase(
            entry.participant_id, actor=None, reason=REAPPLIED, registered=entry.created_at, listed=False
        ):
            count += 1
    return count
