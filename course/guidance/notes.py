"""A talk's private note: only the cohort's leaders and the participant's primary
contact read or write it, chosen by ``note_scope`` in the query, and every read
and every change is written to the audit log."""

from __future__ import annotations

from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.errors import N_, Forbidden, NotFound
from course.guidance import policies
from course.guidance.tables import Talk
from course.guidance.talks import TalkOut, talk_out, talk_row
from course.validation import has_control_chars

MAX_NOTE = 2000


async def _may_write(staff: Staff, talk_id: int) -> bool:
    return await Talk.exists().where(Talk.id == talk_id, policies.talk_scope(staff), policies.note_scope(staff))


async def get_talk(staff: Staff, talk_id: int, address: str | None = None) -> TalkOut:
    """One talk; its private note only for the cohort's leaders and the primary
    contact, and each such read is written to the audit log."""
    row, cohort = await talk_row(staff, talk_id)
    out = (await talk_out([row]))[0]
    readable = (
        await Talk.select(Talk.note)
        .where(Talk.id == talk_id, policies.talk_scope(staff), policies.note_scope(staff))
        .first()
    )
    if readable and readable["note"]:
        await audit.record(
            audit.TALK_NOTE_READ,
            actor=staff.id,
            office=cohort.office_id,
            participant=row["participant"],
            address=address,
            details={"talk": talk_id, "participant": row["participant"]},
        )
        out.note = readable["note"]
    return out


async def may_write_note(staff: Staff, talk_id: int) -> bool:
    """Whether the caller may read and write the talk's private note (nothing is read);
    NotFound if they may not see the talk."""
    if not await Talk.exists().where(Talk.id == talk_id, policies.talk_scope(staff)):
        raise NotFound
    return await _may_write(staff, talk_id)


async def checked_note(staff: Staff, talk_id: int, text: str, current: str, errors: dict[str, str]) -> str | None:
    """The talk's new note, or None when it is unchanged (an unchanged note is
    neither written nor logged); Forbidden for anyone but its readers."""
    if not await _may_write(staff, talk_id):
        raise Forbidden
    note = str(text).strip()
    if has_control_chars(note.replace("\n", " ")) or len(note) > MAX_NOTE:
        errors["note"] = N_("The note can be at most 2,000 characters.")
    return note if note != current else None


async def record_note_written(staff: Staff, cohort: cohorts.CohortOut, talk_id: int, participant: int) -> None:
    await audit.record(
        audit.TALK_NOTE_WRITTEN,
        actor=staff.id,
        office=cohort.office_id,
        participant=participant,
        details={"talk": talk_id, "participant": participant},
    )
