"""The agenda: sessions of the cohorts the caller may see, and their own guidance talks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from course.accounts.schemas import Staff
from course.cohorts import hooks, policies, schedule
from course.cohorts.fields import hhmm
from course.cohorts.tables import Session, SessionLeader
from course.errors import N_


@dataclass
class AgendaItem:
    date: date
    start_time: str
    end_time: str
    title: str
    cohort_id: int
    number: int
    module_name: str
    location: str
    cancelled: bool
    talk_id: int | None = None  # a guidance talk rather than a session
    participant_name: str = ""
    guest_leader: str = ""
    substitute: bool = False  # led by a substitute rather than the cohort's leaders
    mine: bool = False  # the caller leads it (a substitute too), or holds the talk


async def agenda(staff: Staff, start: date, end: date) -> list[AgendaItem]:
    """Sessions of the cohorts the caller may see, from ``start`` to ``end`` inclusive."""
    rows = (
        await Session.select(
            Session.id,
            Session.guest_leader,
            Session.date,
            Session.start_time,
            Session.end_time,
            Session.number,
            Session.module,
            Session.location,
            Session.cancelled_at,
            Session.cohort.id.as_alias("cohort_id"),
            Session.cohort.title.as_alias("title"),
            Session.cohort.cancelled_at.as_alias("cohort_cancelled"),
        )
        .where(Session.date >= start, Session.date <= end, policies.session_scope(staff))
        .order_by(Session.date)
        .order_by(Session.start_time)
    )
    ids = [r["id"] for r in rows]
    subs = await SessionLeader.select(SessionLeader.session).where(SessionLeader.session.is_in(ids or [0]))
    substituted = {r["session"] for r in subs}
    mine = {
        r["id"]
        for r in await Session.select(Session.id).where(Session.id.is_in(ids or [0]), policies.led_sessions(staff.id))
    }
    items = [
        AgendaItem(
            date=r["date"],
            start_time=hhmm(r["start_time"]),
            end_time=hhmm(r["end_time"]),
            title=r["title"],
            cohort_id=r["cohort_id"],
            number=r["number"],
            module_name=schedule.module_name(r["module"]),
            location=r["location"],
            cancelled=r["cancelled_at"] is not None or r["cohort_cancelled"] is not None,
            guest_leader=r["guest_leader"],
            substitute=r["id"] in substituted,
            mine=r["id"] in mine,
        )
        for r in rows
    ]
    # The caller's own guidance talks; only those who hold talks see them, names included.
    if policies.holds_talks(staff):
        items += [
            AgendaItem(
                date=t.date,
                start_time=hhmm(t.start_time),
                end_time=hhmm(t.end_time),
                title=t.cohort_title,
                cohort_id=t.cohort_id,
                number=0,
                module_name=N_("Guidance talk"),
                location=t.location,
                cancelled=t.status == "cancelled",
                talk_id=t.id,
                participant_name=t.participant_name,
                mine=True,
            )
            for t in await hooks.leader_talks(frozenset({staff.id}), start, end)
        ]
    return sorted(items, key=lambda i: (i.date, i.start_time))
