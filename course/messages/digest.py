"""The daily digest to staff: one e-mail in the morning to each active staff member,
with what is theirs that day. The follow-ups and the steps of the way in that are
due or overdue for the participants they are primary contact for (by the start
page's own rules and lists), and the sessions and the guidance talks they lead
today. Nothing is sent to someone with nothing to do; the key names the day, so a
job that runs twice sends one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from course.accounts.tables import StaffUser
from course.accounts.users import USER_COLUMNS, staff_of
from course.cohorts.tables import CohortLeader, Session, SessionLeader
from course.guidance.tables import Talk
from course.messages import outbox
from course.participants import follow_ups
from course.participants import path as way_in
from course.participants.tables import Participant
from course.validation import nb_sort_key

# Enough to hold every one the start page would list, however far behind.
ALL = 10_000


@dataclass(frozen=True)
class TodaySession:
    title: str
    number: int
    start: time
    end: time
    location: str


@dataclass(frozen=True)
class TodayTalk:
    participant_name: str
    start: time
    end: time
    location: str


@dataclass(frozen=True)
class FollowUpDue:
    participant_id: int
    participant_name: str
    title: str
    point: str  # 3m | 6m
    due_on: date
    overdue: bool


@dataclass(frozen=True)
class StepDue:
    participant_id: int
    participant_name: str
    step: str  # hu | intake | info_meeting | start
    since: date
    days: int
    overdue: bool


@dataclass
class Digest:
    day: date
    sessions: list[TodaySession] = field(default_factory=list)
    talks: list[TodayTalk] = field(default_factory=list)
    follow_ups: list[FollowUpDue] = field(default_factory=list)
    steps: list[StepDue] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.sessions or self.talks or self.follow_ups or self.steps)


async def _sessions_led(day: date) -> dict[int, list[TodaySession]]:
    """Today's sessions that go ahead, by each staff member leading them: the
    substitutes where a session has them, otherwise the cohort's pair."""
    rows = await Session.select(
        Session.id,
        Session.cohort,
        Session.number,
        Session.start_time,
        Session.end_time,
        Session.location,
        Session.cohort.title.as_alias("title"),
    ).where(Session.date == day, Session.cancelled_at.is_null(), Session.cohort.cancelled_at.is_null())
    if not rows:
        return {}
    substitutes: dict[int, set[int]] = {}
    for r in await SessionLeader.select(SessionLeader.session, SessionLeader.leader).where(
        SessionLeader.session.is_in([r["id"] for r in rows])
    ):
        substitutes.setdefault(r["session"], set()).add(r["leader"])
    pairs: dict[int, set[int]] = {}
    for r in await CohortLeader.select(CohortLeader.cohort, CohortLeader.leader).where(
        CohortLeader.cohort.is_in(sorted({r["cohort"] for r in rows}))
    ):
        pairs.setdefault(r["cohort"], set()).add(r["leader"])
    led: dict[int, list[TodaySession]] = {}
    for r in sorted(rows, key=lambda r: (r["start_time"], nb_sort_key(r["title"]))):
        for leader in substitutes.get(r["id"]) or pairs.get(r["cohort"], set()):
            led.setdefault(leader, []).append(
                TodaySession(r["title"], r["number"], r["start_time"], r["end_time"], r["location"])
            )
    return led


async def _talks_led(day: date) -> dict[int, list[TodayTalk]]:
    rows = (
        await Talk.select(
            Talk.leader,
            Talk.start_time,
            Talk.end_time,
            Talk.location,
            Talk.participant.name.as_alias("name"),
        )
        .where(Talk.date == day, Talk.status == "planned", Talk.participant.erased_at.is_null())
        .order_by(Talk.start_time)
    )
    led: dict[int, list[TodayTalk]] = {}
    for r in rows:
        led.setdefault(r["leader"], []).append(TodayTalk(r["name"], r["start_time"], r["end_time"], r["location"]))
    return led


async def _contacts(participant_ids: set[int]) -> dict[int, int]:
    if not participant_ids:
        return {}
    rows = await Participant.select(Participant.id, Participant.primary_contact).where(
        Participant.id.is_in(sorted(participant_ids))
    )
    return {r["id"]: r["primary_contact"] for r in rows}


async def digest_for(row: dict, day: date, sessions: list[TodaySession], talks: list[TodayTalk]) -> Digest:
    """One staff member's digest, through the lists their start page shows (read
    with their own scopes), narrowed to the participants they are primary contact for."""
    staff = staff_of(row)
    due = (await follow_ups.due_follow_ups(staff, limit=ALL)).follow_ups
    waiting = (await way_in.waiting_list(staff, limit=ALL)).people
    contact = await _contacts({d.participant.id for d in due} | {w.participant.id for w in waiting})
    mine = {pid for pid, contact_id in contact.items() if contact_id == staff.id}
    return Digest(
        day=day,
        sessions=sessions,
        talks=talks,
        follow_ups=[
            FollowUpDue(d.participant.id, d.participant.name, d.cohort_title, d.point, d.due_on, d.overdue)
            for d in due
            if d.participant.id in mine
        ],
        steps=[
            StepDue(w.participant.id, w.participant.name, w.step, w.since, w.days, w.over_target)
            for w in waiting
            if w.participant.id in mine
        ],
    )


async def queue_digests(at: datetime) -> int:
    """Queue today's digest for each active staff member who has something in it;
    how many were queued (a second run the same day queues none)."""
    day = at.date()
    sessions = await _sessions_led(day)
    talks = await _talks_led(day)
    count = 0
    for row in await StaffUser.select(*USER_COLUMNS).where(StaffUser.active.eq(True)).order_by(StaffUser.id):
        digest = await digest_for(row, day, sessions.get(row["id"], []), talks.get(row["id"], []))
        if digest.empty:
            continue
        count += await outbox.to_staff(
            [row["id"]],
            "daily_digest",
            f"{day.isoformat()}",
            {
                "today": day,
                "sessions": digest.sessions,
                "talks": digest.talks,
                "follow_ups": digest.follow_ups,
                "steps": digest.steps,
            },
        )
    return count
