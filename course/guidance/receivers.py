"""What guidance answers for the domains before it (their hooks, wired in
course.wiring) and for the participant's own page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from course import clock
from course.cohorts.hooks import LeaderTalk
from course.guidance.tables import Talk


async def leader_talks(leader_ids: frozenset[int], first: date | None, last: date | None) -> list[LeaderTalk]:
    where = [Talk.leader.is_in(sorted(leader_ids))]
    if first is not None:
        where.append(Talk.date >= first)
    if last is not None:
        where.append(Talk.date <= last)
    rows = await Talk.select(
        Talk.id,
        Talk.leader,
        Talk.date,
        Talk.start_time,
        Talk.end_time,
        Talk.location,
        Talk.status,
        Talk.cohort.id.as_alias("cohort_id"),
        Talk.cohort.title.as_alias("cohort_title"),
        Talk.participant.name.as_alias("participant_name"),
        Talk.created_at,
        Talk.changed_at,
    ).where(*where)
    return [
        LeaderTalk(
            id=r["id"],
            leader_id=r["leader"],
            date=r["date"],
            start_time=r["start_time"],
            end_time=r["end_time"],
            location=r["location"],
            status=r["status"],
            cohort_id=r["cohort_id"],
            cohort_title=r["cohort_title"],
            participant_name=r["participant_name"],
            created_at=r["created_at"],
            changed_at=r["changed_at"],
        )
        for r in rows
    ]


async def cancel_cohort_talks(cohort_id: int, now: datetime) -> None:
    await Talk.update({Talk.status: "cancelled", Talk.changed_at: now}).where(
        Talk.cohort == cohort_id, Talk.status == "planned"
    )


async def cancel_participant_talks(participant_id: int, cohort_id: int | None, now: datetime) -> None:
    """Planned talks from today on; those already past stay as they were, to be marked."""
    where = [Talk.participant == participant_id, Talk.status == "planned", Talk.date >= clock.today()]
    if cohort_id is not None:
        where.append(Talk.cohort == cohort_id)
    await Talk.update({Talk.status: "cancelled", Talk.changed_at: now}).where(*where)


async def cohort_talk_statuses(cohort_id: int) -> list[tuple[int, str]]:
    rows = await Talk.select(Talk.participant, Talk.status).where(Talk.cohort == cohort_id)
    return [(r["participant"], r["status"]) for r in rows]


@dataclass(frozen=True)
class OwnTalk:
    id: int
    date: date
    start_time: time
    end_time: time
    location: str
    cancelled: bool
    leader_name: str
    created_at: datetime | None = None  # for the calendar's SEQUENCE and LAST-MODIFIED
    changed_at: datetime | None = None


async def own_talks(participant_id: int) -> list[OwnTalk]:
    """A participant's talks, for their own page and calendar (the caller holds their link)."""
    rows = await Talk.select(
        Talk.id,
        Talk.date,
        Talk.start_time,
        Talk.end_time,
        Talk.location,
        Talk.status,
        Talk.leader.name.as_alias("leader"),
        Talk.created_at,
        Talk.changed_at,
    ).where(Talk.participant == participant_id)
    return [
        OwnTalk(
            id=r["id"],
            date=r["date"],
            start_time=r["start_time"],
            end_time=r["end_time"],
            location=r["location"],
            cancelled=r["status"] == "cancelled",
            leader_name=r["leader"],
            created_at=r["created_at"],
            changed_at=r["changed_at"],
        )
        for r in rows
    ]
