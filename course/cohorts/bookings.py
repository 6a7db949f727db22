"""What already takes a room or a leader's time: other cohorts' sessions and the
leaders' guidance talks (asked of guidance through a hook)."""

from __future__ import annotations

from datetime import date

from course.accounts.tables import StaffUser
from course.cohorts import hooks, schedule
from course.cohorts.fields import hhmm
from course.cohorts.tables import CohortLeader, Session, SessionLeader
from course.errors import N_, Conflict, term


async def bookings(
    office_id: int, leader_ids: set[int], days: set[date], exclude_cohort: int | None = None
) -> list[schedule.Booking]:
    """Sessions on the given days that share the office (a room) or a leader."""
    if not days:
        return []
    rows = await Session.select(
        Session.id,
        Session.cohort,
        Session.number,
        Session.date,
        Session.start_time,
        Session.end_time,
        Session.location,
        Session.cohort.title.as_alias("title"),
        Session.cohort.office.as_alias("office"),
    ).where(
        Session.date.is_in(sorted(days)),
        Session.cancelled_at.is_null(),
        Session.cohort.cancelled_at.is_null(),
    )
    by_cohort: dict[int, set[int]] = {}
    cohort_ids = sorted({r["cohort"] for r in rows})
    if cohort_ids:
        for row in await CohortLeader.select().where(CohortLeader.cohort.is_in(cohort_ids)):
            by_cohort.setdefault(row["cohort"], set()).add(row["leader"])
    # A session with substitutes is led by them, not by the cohort's leaders.
    substitutes: dict[int, set[int]] = {}
    session_ids = [r["id"] for r in rows]
    if session_ids:
        for row in await SessionLeader.select(SessionLeader.session, SessionLeader.leader).where(
            SessionLeader.session.is_in(session_ids)
        ):
            substitutes.setdefault(row["session"], set()).add(row["leader"])
    found = []
    for row in rows:
        if row["cohort"] == exclude_cohort:
            continue
        leaders = substitutes.get(row["id"]) or by_cohort.get(row["cohort"], set())
        if row["office"] != office_id and not leaders & leader_ids:
            continue
        found.append(
            schedule.Booking(
                date=row["date"],
                start=row["start_time"],
                end=row["end_time"],
                location=row["location"] if row["office"] == office_id else "",
                leader_ids=frozenset(leaders),
                label=term(N_("%(title)s, session %(number)s"), title=row["title"], number=row["number"]),
            )
        )
    if leader_ids and days:
        talks = await hooks.leader_talks(frozenset(leader_ids), min(days), max(days))
        found += [
            schedule.Booking(
                date=t.date,
                start=t.start_time,
                end=t.end_time,
                location="",
                leader_ids=frozenset({t.leader_id}),
                label=term(N_("a guidance talk")),
            )
            for t in talks
            if t.date in days and t.status in ("planned", "held")
        ]
    return found


async def raise_on_clash(found: list[schedule.Clash]) -> None:
    """Conflict naming the first clash (the busy leaders, or the booked room), if any."""
    if not found:
        return
    clash = found[0]
    names = {}
    if clash.leader_ids:
        rows = await StaffUser.select(StaffUser.id, StaffUser.name).where(StaffUser.id.is_in(list(clash.leader_ids)))
        names = {r["id"]: r["name"] for r in rows}
    who = ", ".join(sorted(names.values()))
    when = f"{clash.date.isoformat()} {hhmm(clash.booking.start)}–{hhmm(clash.booking.end)}"
    if who:
        raise Conflict(
            N_("%(who)s is already busy: %(what)s %(when)s"),
            field="leader_ids",
            who=who,
            what=clash.booking.label,
            when=when,
        )
    raise Conflict(
        N_("The room is already booked: %(what)s %(when)s"), field="location", what=clash.booking.label, when=when
    )
