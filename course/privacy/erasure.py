"""Erasing a participant: everything about the person goes, what anonymous figures
need stays.

Goes: name, birth year, phone, e-mail and referral date; consents, category history,
personal links and retention extensions; the free text of enrolments, attendance
marks, outcomes and talks (reasons, notes, the talk's place); every version of the
person's CV and plan; every audit event about them. Stays: the participant's row
(its id, office and primary contact, and when it was erased), their enrolments,
attendance marks, talks and outcomes, as counts in cohort summaries; the evaluation
answers, which were never linked to anyone. The audit then holds one event about the
person: "participant #id erased by X", with the reason.

Each domain erases its own tables (``erase_participant``, ``erase_talks``,
``erase_documents``, ``forget_participant``); this module decides who may, and runs
them in one write transaction. Afterwards the id goes on the erasure list, a plain
text file outside the database, so that a backup restored later can be erased again
(``read_erasure_list`` and ``reapply_erasures``)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.db import is_sqlite, write_transaction
from course.documents import services as documents
from course.errors import N_, Forbidden, InvalidInput, NotFound
from course.guidance import services as guidance
from course.participants import policies
from course.participants import services as participants
from course.participants.tables import Participant
from course.settings import erasure_list_path
from course.validation import check_line, valid_id

ERASED = "participant_erased"
MAX_REASON = 500
REAPPLIED = "Slettet på nytt etter gjenoppretting"
LIST_HEADER = "# Slettede deltakere: id og dato. Slettes på nytt etter en gjenoppretting.\n"

__all__ = [
    "ERASED",
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
    listed: bool = True,
    due_on: date | None = None,
) -> bool:
    at = clock.utc_now()
    async with write_transaction():
        row = await participants.lock_for_erasure(participant_id)
        if row is None or row["erased_at"] is not None:
            return False
        if scope is not None and not await Participant.exists().where(scope, Participant.id == participant_id):
            return False
        if due_on is not None and not await _still_due(participant_id, due_on):
            return False
        if is_sqlite():
            # Deleted and overwritten content is zeroed in the file, not left in free space.
            await Participant.raw("PRAGMA secure_delete = ON")
        enrolments = await participants.erase_participant(participant_id, at)
        talks = await guidance.erase_talks(participant_id)
        await documents.erase_documents(participant_id)
        await audit.forget_participant(participant_id, enrolments=enrolments, talks=talks)
        await audit.record(
            ERASED, actor=actor, office=row["office"], participant=participant_id, details={"reason": reason}
        )
    if listed:
        await asyncio.to_thread(_append, erasure_list_path(), participant_id, clock.today())
    return True


# --- the erasure list --------------------------------------------------------------------------


def _append(path: Path, participant_id: int, day: date) -> None:
    """One line, ``<id> <YYYY-MM-DD>``, appended with a single write (O_APPEND), so
    two erasures at once cannot mix their lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        line = f"{participant_id} {day.isoformat()}\n"
        if os.fstat(fd).st_size == 0:
            line = LIST_HEADER + line
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read_erasure_list(path: Path | None = None) -> list[int]:
    """The ids on the erasure list (``erasure_list_path()`` unless another is given),
    each once, in the order they were erased; none when there is no list yet. Lines
    that are not ``<id> …`` (the header, a comment) are passed over."""
    path = path or erasure_list_path()
    if not path.exists():
        return []
    ids: dict[int, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        first = line.split(maxsplit=1)[0] if line.strip() else ""
        if first.isascii() and first.isdigit() and valid_id(int(first)):
            ids[int(first)] = None
    return list(ids)


async def reapply_erasures(ids: Iterable[int]) -> int:
    """Erase again every listed participant who exists and is not erased (after a
    backup has been restored); answers how many were. They are on the list already,
    so nothing is added to it."""
    count = 0
    for participant_id in ids:
        if valid_id(participant_id) and await _erase(participant_id, actor=None, reason=REAPPLIED, listed=False):
            count += 1
    return count
