"""Calendars: one cohort's sessions as an ICS file, and each staff user's personal
feed (the cohorts they lead and their guidance talks) behind a secret URL."""

from __future__ import annotations

import secrets
from datetime import time, timedelta

from course import clock
from course.accounts.schemas import Staff
from course.cohorts import calendar, hooks, policies
from course.cohorts.loading import CohortOut, get_cohort, load
from course.cohorts.tables import CalendarFeed, Cohort, Session
from course.db import write_transaction
from course.errors import NotFound
from course.tokens import digest


def _entries(cohorts: list[CohortOut], only: set[tuple[int, int]] | None = None) -> list[calendar.CalendarEntry]:
    """One event per session (``only``: just these (cohort, number) pairs)."""
    from course.web.i18n import gettext

    return [
        calendar.CalendarEntry(
            uid=f"kjk-cohort-{c.id}-session-{s.number}@klart-jeg-kan",
            date=s.date,
            start=time.fromisoformat(s.start_time),
            end=time.fromisoformat(s.end_time),
            summary=f"{c.title}: {s.number} {gettext(s.module_name)}",
            location=s.location,
            description=f"{gettext('Guest leader')}: {s.guest_leader}" if s.guest_leader else "",
            cancelled=s.status == "cancelled" or c.status == "cancelled",
            sequence=s.sequence,
            modified=s.modified_at,
        )
        for c in cohorts
        for s in c.sessions
        if only is None or (c.id, s.number) in only
    ]


FEED_DAYS_BACK = 365


async def cohort_calendar(staff: Staff, cohort_id: int) -> bytes:
    cohort = await get_cohort(staff, cohort_id)
    return calendar.build_calendar(cohort.title, _entries([cohort]))


async def rotate_feed(staff: Staff) -> str:
    """A new secret for the caller's personal feed; the old URL stops working."""
    token = secrets.token_urlsafe(32)
    async with write_transaction():
        await CalendarFeed.delete().where(CalendarFeed.user == staff.id)
        await CalendarFeed.insert(CalendarFeed(user=staff.id, token_hash=digest(token), created_at=clock.now()))
    return token


async def feed_calendar(token: str) -> bytes:
    if not token or len(token) > 100:
        raise NotFound
    feed = (
        await CalendarFeed.select(
            CalendarFeed.user.id.as_alias("id"),
            CalendarFeed.user.name.as_alias("name"),
        )
        .where(CalendarFeed.token_hash == digest(token), CalendarFeed.user._.active.eq(True))
        .first()
    )
    if feed is None:  # no such secret, or its owner no longer works here
        raise NotFound
    # The sessions they lead: as a substitute too, and not those a substitute took over;
    # from a year back on, so the feed stays the same size however long they have worked.
    since = clock.today() - timedelta(days=FEED_DAYS_BACK)
    led = await Session.select(Session.cohort, Session.number).where(
        policies.led_sessions(feed["id"]), Session.date >= since
    )
    only = {(r["cohort"], r["number"]) for r in led}
    rows = await Cohort.select().where(Cohort.id.is_in(sorted({c for c, _ in only}) or [0])).order_by(Cohort.id)
    talks = await hooks.leader_talks(frozenset({feed["id"]}), since, None)
    from course.web.i18n import gettext

    # The feed leaves the building (Outlook, Google), so a talk carries initials, not a name.
    entries = _entries(await load(rows), only) + [
        calendar.CalendarEntry(
            uid=f"kjk-talk-{t.id}@klart-jeg-kan",
            date=t.date,
            start=t.start_time,
            end=t.end_time,
            summary=f"{gettext('Guidance talk')} – {initials(t.participant_name)}",
            location=t.location,
            cancelled=t.status == "cancelled",
            # A talk keeps only when it was made and last changed: SEQUENCE is the seconds between.
            sequence=calendar.sequence_between(t.created_at, t.changed_at),
            modified=t.changed_at,
        )
        for t in talks
    ]
    return calendar.build_calendar(f"Klart jeg kan – {feed['name']}", entries)


def initials(name: str) -> str:
    return " ".join(part[0].upper() + "." for part in name.split() if part)
