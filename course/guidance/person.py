"""One participant's talks as a whole: all of them for an export of what is held
about the person (each private note only for its readers, and each read audited),
and erasing what the talks say about the person when they are erased."""

from __future__ import annotations

from course.accounts.schemas import Staff
from course.audit import services as audit
from course.guidance import policies
from course.guidance.tables import Talk
from course.guidance.talks import TalkOut, talk_out, talk_query


async def participant_talks(staff: Staff, participant_id: int) -> list[TalkOut]:
    """Every talk of a participant the caller may see, oldest first. The private note
    is filled in where the caller may read it (the cohort's leaders and the primary
    contact: ``note_scope`` in the query), and each such read is written to the audit
    log, all in one insert; elsewhere ``note`` stays None and ``has_note`` says whether
    there is one."""
    rows = (
        await talk_query()
        .where(policies.talk_scope(staff), Talk.participant == participant_id)
        .order_by(Talk.date)
        .order_by(Talk.start_time)
    )
    out = await talk_out(rows)
    readable = {
        r["id"]: r
        for r in await Talk.select(Talk.id, Talk.note, Talk.cohort._.office.as_alias("office")).where(
            policies.talk_scope(staff), policies.note_scope(staff), Talk.participant == participant_id
        )
    }
    read = []
    for talk in out:
        row = readable.get(talk.id)
        if row and row["note"]:
            talk.note = row["note"]
            read.append((participant_id, {"talk": talk.id, "participant": participant_id}))
    if read:
        # One person's talks are all in their office's cohorts.
        office = next(iter(readable.values()))["office"]
        await audit.record_many(audit.TALK_NOTE_READ, read, actor=staff.id, office=office)
    return out


async def erase_talks(participant_id: int) -> list[int]:
    """Erase what a participant's talks say about them (inside the caller's write
    transaction): the private note and the place. The talks stay, with their dates,
    leaders and statuses, as counts. Answers the talks' ids."""
    rows = (
        await Talk.update({Talk.note: "", Talk.location: ""})
        .where(Talk.participant == participant_id)
        .returning(Talk.id)
    )
    return [r["id"] for r in rows]
