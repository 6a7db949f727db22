"""Cohorts and their sessions: creation from the schedule, reading, moving, cancelling."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from course import clock
from course.accounts.schemas import Role, Staff
from course.accounts.tables import StaffUser
from course.cohorts import calendar, hooks, policies, schedule
from course.cohorts.tables import CalendarFeed, Closure, Cohort, CohortLeader, Session
from course.db import lock, write_transaction
from course.tokens import digest as _digest
from course.errors import N_, Conflict, InvalidInput, NotFound, term
from course.validation import check_line, has_control_chars, nb_sort_key, valid_id

VARIANTS = ("kjk", "ny_retning")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_CAPACITY = 30


def _today() -> date:
    return clock.today()


@dataclass
class CohortInput:
    title: str
    variant: str
    start_date: str
    weekdays: list
    start_time: str
    end_time: str
    location: str
    leader_ids: list
    capacity: int = 12
    office_id: int | None = None


@dataclass
class SessionOut:
    number: int
    module: int
    module_name: str
    date: date
    start_time: str
    end_time: str
    location: str
    status: str


@dataclass
class CohortOut:
    id: int
    title: str
    variant: str
    office_id: int
    location: str
    capacity: int
    start_date: date
    end_date: date
    weekdays: list[int]
    start_time: str
    end_time: str
    leader_ids: list[int]
    status: str
    sessions: list[SessionOut]
    moved: list[dict] = field(default_factory=list)


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def parse_date(value, errors: dict[str, str], key: str) -> date | None:
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors[key] = N_("Give a date as YYYY-MM-DD.")
    return None


def parse_time(value, errors: dict[str, str], key: str) -> time | None:
    match = TIME_RE.match(value) if isinstance(value, str) else None
    if not match:
        errors[key] = N_("Give a time as HH:MM.")
        return None
    return time(int(match.group(1)), int(match.group(2)))


async def closures_for(office_id: int) -> list[schedule.Closure]:
    rows = await Closure.select().where(Closure.office == office_id)
    return [schedule.Closure(r["start_date"], r["end_date"], r["reason"]) for r in rows]


async def _bookings(office_id: int, leader_ids: set[int], days: set[date], exclude_cohort: int | None = None):
    """Sessions on the given days that share the office (a room) or a leader."""
    if not days:
        return []
    rows = (
        await Session.select(
            Session.cohort,
            Session.number,
            Session.date,
            Session.start_time,
            Session.end_time,
            Session.location,
            Session.cohort.title.as_alias("title"),
            Session.cohort.office.as_alias("office"),
        )
        .where(
            Session.date.is_in(sorted(days)),
            Session.cancelled_at.is_null(),
            Session.cohort.cancelled_at.is_null(),
        )
    )
    by_cohort: dict[int, set[int]] = {}
    cohort_ids = sorted({r["cohort"] for r in rows})
    if cohort_ids:
        for row in await CohortLeader.select().where(CohortLeader.cohort.is_in(cohort_ids)):
            by_cohort.setdefault(row["cohort"], set()).add(row["leader"])
    bookings = []
    for row in rows:
        if row["cohort"] == exclude_cohort:
            continue
        leaders = by_cohort.get(row["cohort"], set())
        if row["office"] != office_id and not leaders & leader_ids:
            continue
        bookings.append(
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
        bookings += [
            schedule.Booking(date=t.date, start=t.start_time, end=t.end_time, location="",
                             leader_ids=frozenset({t.leader_id}), label=term(N_("a guidance talk")))
            for t in talks
            if t.date in days and t.status in ("planned", "held")
        ]
    return bookings


async def _raise_on_clash(found: list[schedule.Clash]) -> None:
    if not found:
        return
    clash = found[0]
    names = {}
    if clash.leader_ids:
        rows = await StaffUser.select(StaffUser.id, StaffUser.name).where(StaffUser.id.is_in(list(clash.leader_ids)))
        names = {r["id"]: r["name"] for r in rows}
    who = ", ".join(sorted(names.values()))
    when = f"{clash.date.isoformat()} {_hhmm(clash.booking.start)}–{_hhmm(clash.booking.end)}"
    if who:
        raise Conflict(N_("%(who)s is already busy: %(what)s %(when)s"), field="leader_ids", who=who,
                       what=clash.booking.label, when=when)
    raise Conflict(N_("The room is already booked: %(what)s %(when)s"), field="location", what=clash.booking.label,
                   when=when)


async def _validate(staff: Staff, data: CohortInput) -> dict:
    errors: dict[str, str] = {}
    title = check_line(
        data.title, "title", errors,
        N_("The title contains characters that are not allowed."),
        N_("Enter a title."),
        N_("The title can be at most 200 characters."),
    )
    if data.variant not in VARIANTS:
        errors["variant"] = N_("Choose the variant kjk or ny_retning.")
    location = check_line(
        data.location, "location", errors,
        N_("The location contains characters that are not allowed."),
        N_("Enter where the sessions are held."),
        N_("The location can be at most 200 characters."),
    )
    if isinstance(data.capacity, bool) or not isinstance(data.capacity, int) or not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = N_("The capacity must be a whole number from 1 to 30.")
    start_date = parse_date(data.start_date, errors, "start_date")
    start_time = parse_time(data.start_time, errors, "start_time")
    end_time = parse_time(data.end_time, errors, "end_time")
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = N_("The end time must be after the start time.")
    weekdays = data.weekdays if isinstance(data.weekdays, list) else []
    try:
        days = schedule.check_weekdays([int(d) for d in weekdays if not isinstance(d, bool)])
        if len(weekdays) != 2:
            raise schedule.ScheduleError("weekdays", "")
    except (schedule.ScheduleError, TypeError, ValueError):
        errors["weekdays"] = N_("Choose two different weekdays, 1 (Monday) to 7 (Sunday).")
        days = None
    if start_date and start_date < _today() and not policies.may_backdate(staff):
        errors["start_date"] = N_("The start date cannot be in the past.")
    if start_date and days and "start_date" not in errors and start_date.isoweekday() not in days:
        errors["start_date"] = N_("The first session must fall on one of the two weekdays.")

    office_id = staff.office_id
    if staff.role is Role.admin and data.office_id is not None:
        office_id = data.office_id
    leader_ids = data.leader_ids if isinstance(data.leader_ids, list) else None
    if not leader_ids or len(set(leader_ids)) != len(leader_ids) or not all(
        valid_id(i) for i in leader_ids
    ) or len(leader_ids) > 2:
        errors["leader_ids"] = N_("Choose one or two course leaders.")
    else:
        found = await StaffUser.select(StaffUser.id).where(
            StaffUser.id.is_in(leader_ids),
            StaffUser.office == office_id,
            StaffUser.active.eq(True),
            StaffUser.role.is_in([Role.leader.value, Role.admin.value]),
        )
        if len(found) != len(leader_ids):
            errors["leader_ids"] = N_("Choose course leaders from the cohort's own office.")
    if errors:
        raise InvalidInput(errors)
    return {
        "title": title,
        "variant": data.variant,
        "location": location,
        "capacity": data.capacity,
        "start_date": start_date,
        "weekdays": days,
        "start_time": start_time,
        "end_time": end_time,
        "office_id": office_id,
        "leader_ids": leader_ids,
    }


async def create_cohort(staff: Staff, data: CohortInput) -> CohortOut:
    values = await _validate(staff, data)
    try:
        plan = schedule.plan_sessions(
            values["start_date"], values["weekdays"], await closures_for(values["office_id"])
        )
    except schedule.ScheduleError as error:
        raise InvalidInput({error.field: error.message}) from None
    wanted = [(s.date, values["start_time"], values["end_time"]) for s in plan.sessions]
    async with write_transaction():
        # Checked inside the write transaction, holding the leaders' and the office's
        # rooms' locks, so two leaders booking the same room at once cannot both succeed.
        await lock(f"rooms:{values['office_id']}", *(f"staff:{i}" for i in values["leader_ids"]))
        existing = await _bookings(values["office_id"], set(values["leader_ids"]), {w[0] for w in wanted})
        await _raise_on_clash(schedule.clashes(wanted, values["location"], frozenset(values["leader_ids"]), existing))
        cohort_id = (
            await Cohort.insert(
                Cohort(
                    office=values["office_id"],
                    title=values["title"],
                    variant=values["variant"],
                    location=values["location"],
                    capacity=values["capacity"],
                    start_date=values["start_date"],
                    weekday_1=values["weekdays"][0],
                    weekday_2=values["weekdays"][1],
                    start_time=values["start_time"],
                    end_time=values["end_time"],
                    created_at=clock.now(),
                )
            ).returning(Cohort.id)
        )[0]["id"]
        await CohortLeader.insert(*[CohortLeader(cohort=cohort_id, leader=i) for i in values["leader_ids"]])
        await Session.insert(
            *[
                Session(
                    cohort=cohort_id,
                    number=s.number,
                    module=s.number,
                    date=s.date,
                    start_time=values["start_time"],
                    end_time=values["end_time"],
                    location=values["location"],
                )
                for s in plan.sessions
            ]
        )
    out = await get_cohort(staff, cohort_id)
    out.moved = [
        {"number": m.number, "from": m.original, "to": m.planned, "reason": m.reason} for m in plan.moved
    ]
    return out


def cohort_status(cancelled: bool, first: date, last: date, today: date) -> str:
    if cancelled:
        return "cancelled"
    if today < first:
        return "planned"
    if today <= last:
        return "running"
    return "finished"


async def load(cohort_rows: list[dict]) -> list[CohortOut]:
    """Cohort rows, already scoped by the caller, with their sessions, leaders and status."""
    if not cohort_rows:
        return []
    ids = [r["id"] for r in cohort_rows]
    sessions = await Session.select().where(Session.cohort.is_in(ids)).order_by(Session.number)
    leaders = await CohortLeader.select().where(CohortLeader.cohort.is_in(ids)).order_by(CohortLeader.id)
    today = _today()
    result = []
    for row in cohort_rows:
        own = [s for s in sessions if s["cohort"] == row["id"]]
        held = [s["date"] for s in own if s["cancelled_at"] is None] or [row["start_date"]]
        result.append(
            CohortOut(
                id=row["id"],
                title=row["title"],
                variant=row["variant"],
                office_id=row["office"],
                location=row["location"],
                capacity=row["capacity"],
                start_date=row["start_date"],
                end_date=max(held),
                weekdays=[row["weekday_1"], row["weekday_2"]],
                start_time=_hhmm(row["start_time"]),
                end_time=_hhmm(row["end_time"]),
                leader_ids=[r["leader"] for r in leaders if r["cohort"] == row["id"]],
                status=cohort_status(row["cancelled_at"] is not None, min(held), max(held), today),
                sessions=[
                    SessionOut(
                        number=s["number"],
                        module=s["module"],
                        module_name=schedule.MODULES[s["module"] - 1],
                        date=s["date"],
                        start_time=_hhmm(s["start_time"]),
                        end_time=_hhmm(s["end_time"]),
                        location=s["location"],
                        status="cancelled" if s["cancelled_at"] else ("held" if s["date"] < today else "planned"),
                    )
                    for s in own
                ],
            )
        )
    return result


async def get_cohort(staff: Staff, cohort_id: int) -> CohortOut:
    rows = await Cohort.select().where(policies.cohort_scope(staff), Cohort.id == cohort_id)
    if not rows:
        raise NotFound
    return (await load(rows))[0]


async def list_cohorts(
    staff: Staff, start: date | None = None, end: date | None = None, status: str | None = None
) -> list[CohortOut]:
    rows = await Cohort.select().where(policies.cohort_scope(staff)).order_by(Cohort.start_date)
    cohorts = await load(rows)
    return [
        c
        for c in cohorts
        if (start is None or c.end_date >= start)
        and (end is None or c.start_date <= end)
        and (status is None or c.status == status)
    ]


@dataclass
class SessionChange:
    date: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    cancelled: bool | None = None


async def change_session(staff: Staff, cohort_id: int, number: int, change: SessionChange) -> CohortOut:
    """Move or cancel one session. A new date may not be a holiday or closure day,
    nor before the previous or after the next session, nor clash with a booking."""
    cohort = await get_cohort(staff, cohort_id)
    current = next((s for s in cohort.sessions if s.number == number), None)
    if current is None:
        raise NotFound
    errors: dict[str, str] = {}
    new_date = parse_date(change.date, errors, "date") if change.date is not None else current.date
    start = parse_time(change.start_time, errors, "start_time") if change.start_time is not None else None
    end = parse_time(change.end_time, errors, "end_time") if change.end_time is not None else None
    start = start or time.fromisoformat(current.start_time)
    end = end or time.fromisoformat(current.end_time)
    if "start_time" not in errors and "end_time" not in errors and end <= start:
        errors["end_time"] = N_("The end time must be after the start time.")
    params: dict[str, dict] = {}
    if new_date and new_date != current.date:
        reason = schedule.blocked_by(new_date, await closures_for(cohort.office_id))
        if reason:
            errors["date"] = N_("No session can be held that day: %(reason)s.")
            params["date"] = {"reason": reason}
        others = [s for s in cohort.sessions if s.status != "cancelled" and s.number != number]
        before = [s.date for s in others if s.number < number]
        after = [s.date for s in others if s.number > number]
        if (before and new_date <= max(before)) or (after and new_date >= min(after)):
            errors["date"] = N_("The date must be after the previous session and before the next.")
        if new_date < _today() and not policies.may_backdate(staff):
            errors["date"] = N_("The date cannot be in the past.")
    if errors:
        raise InvalidInput(errors, params)
    values: dict = {Session.date: new_date, Session.start_time: start, Session.end_time: end}
    if change.cancelled is not None:
        values[Session.cancelled_at] = clock.now() if change.cancelled else None
    async with write_transaction():
        await lock(f"rooms:{cohort.office_id}", *(f"staff:{i}" for i in cohort.leader_ids))
        if change.cancelled is not True and (
            new_date != current.date or start != time.fromisoformat(current.start_time)
            or end != time.fromisoformat(current.end_time) or current.status == "cancelled"
        ):
            existing = await _bookings(cohort.office_id, set(cohort.leader_ids), {new_date}, exclude_cohort=cohort.id)
            await _raise_on_clash(
                schedule.clashes([(new_date, start, end)], current.location, frozenset(cohort.leader_ids), existing)
            )
        await Session.update(values).where(Session.cohort == cohort.id, Session.number == number)
    return await get_cohort(staff, cohort.id)


async def set_cohort_cancelled(staff: Staff, cohort_id: int, cancelled: bool) -> CohortOut:
    """Cancelling a cohort also cancels its planned guidance talks; taking the
    cancellation back leaves them cancelled, to be booked again."""
    await get_cohort(staff, cohort_id)
    now = clock.now()
    async with write_transaction():
        await Cohort.update({Cohort.cancelled_at: now if cancelled else None}).where(Cohort.id == cohort_id)
        if cancelled:
            await hooks.cohort_cancelled(cohort_id, now)
    return await get_cohort(staff, cohort_id)


# --- closures ------------------------------------------------------------------


@dataclass
class ClosureOut:
    id: int
    office_id: int
    start_date: date
    end_date: date
    reason: str


async def list_closures(staff: Staff) -> list[ClosureOut]:
    rows = await Closure.select().where(policies.closure_scope(staff)).order_by(Closure.start_date)
    return [ClosureOut(r["id"], r["office"], r["start_date"], r["end_date"], r["reason"]) for r in rows]


async def add_closure(staff: Staff, start: str, end: str, reason: str, office_id: int | None = None) -> ClosureOut:
    errors: dict[str, str] = {}
    first = parse_date(start, errors, "start_date")
    last = parse_date(end, errors, "end_date")
    if first and last and last < first:
        errors["end_date"] = N_("The end date cannot be before the start date.")
    reason = " ".join(str(reason).split())
    if not reason or has_control_chars(reason) or len(reason) > 100:
        errors["reason"] = N_("Give a reason of at most 100 characters.")
    office = office_id if staff.role is Role.admin and office_id is not None else staff.office_id
    if errors:
        raise InvalidInput(errors)
    row = (
        await Closure.insert(Closure(office=office, start_date=first, end_date=last, reason=reason)).returning(
            *Closure.all_columns()
        )
    )[0]
    return ClosureOut(row["id"], row["office"], row["start_date"], row["end_date"], row["reason"])


async def remove_closure(staff: Staff, closure_id: int) -> None:
    rows = (
        await Closure.delete().where(policies.closure_scope(staff), Closure.id == closure_id).returning(Closure.id)
    )
    if not rows:
        raise NotFound


# --- calendars -------------------------------------------------------------------


def _entries(cohorts: list[CohortOut]) -> list[calendar.CalendarEntry]:
    from course.web.i18n import gettext

    return [
        calendar.CalendarEntry(
            uid=f"kjk-cohort-{c.id}-session-{s.number}@klart-jeg-kan",
            date=s.date,
            start=time.fromisoformat(s.start_time),
            end=time.fromisoformat(s.end_time),
            summary=f"{c.title}: {s.number} {gettext(s.module_name)}",
            location=s.location,
            cancelled=s.status == "cancelled" or c.status == "cancelled",
        )
        for c in cohorts
        for s in c.sessions
    ]


async def cohort_calendar(staff: Staff, cohort_id: int) -> bytes:
    cohort = await get_cohort(staff, cohort_id)
    return calendar.build_calendar(cohort.title, _entries([cohort]))


async def rotate_feed(staff: Staff) -> str:
    """A new secret for the caller's personal feed; the old URL stops working."""
    token = secrets.token_urlsafe(32)
    async with write_transaction():
        await CalendarFeed.delete().where(CalendarFeed.user == staff.id)
        await CalendarFeed.insert(
            CalendarFeed(user=staff.id, token_hash=_digest(token), created_at=clock.now())
        )
    return token


async def feed_calendar(token: str) -> bytes:
    if not token or len(token) > 100:
        raise NotFound
    feed = (
        await CalendarFeed.select(
            CalendarFeed.user.id.as_alias("id"),
            CalendarFeed.user.name.as_alias("name"),
            CalendarFeed.user.active.as_alias("active"),
        )
        .where(CalendarFeed.token_hash == _digest(token))
        .first()
    )
    if feed is None or not feed["active"]:
        raise NotFound
    led = await CohortLeader.select(CohortLeader.cohort).where(CohortLeader.leader == feed["id"])
    rows = await Cohort.select().where(Cohort.id.is_in([r["cohort"] for r in led] or [0]))
    talks = await hooks.leader_talks(frozenset({feed["id"]}), None, None)
    from course.web.i18n import gettext

    # The feed leaves the building (Outlook, Google), so a talk carries initials, not a name.
    entries = _entries(await load(rows)) + [
        calendar.CalendarEntry(
            uid=f"kjk-talk-{t.id}@klart-jeg-kan", date=t.date, start=t.start_time, end=t.end_time,
            summary=f"{gettext('Guidance talk')} – {initials(t.participant_name)}", location=t.location,
            cancelled=t.status == "cancelled",
        )
        for t in talks
    ]
    return calendar.build_calendar(f"Klart jeg kan – {feed['name']}", entries)


def initials(name: str) -> str:
    return " ".join(part[0].upper() + "." for part in name.split() if part)


async def moves_for(cohort: CohortOut) -> list[dict]:
    """Which sessions are not on their usual day, and why, for showing on a page."""
    closures = await closures_for(cohort.office_id)
    originals = schedule.original_dates(cohort.start_date, cohort.weekdays)
    return [
        {
            "number": s.number,
            "from": original,
            "to": s.date,
            "reason": schedule.blocked_by(original, closures) or schedule.KNOCK_ON,
        }
        for s, original in zip(cohort.sessions, originals)
        if s.date != original
    ]


async def office_leaders(staff: Staff) -> list[dict]:
    rows = await StaffUser.select(StaffUser.id, StaffUser.name).where(
        StaffUser.office == staff.office_id,
        StaffUser.active.eq(True),
        StaffUser.role.is_in([Role.leader.value, Role.admin.value]),
    )
    return sorted(rows, key=lambda r: nb_sort_key(r["name"]))


async def staff_names(ids: list[int]) -> dict[int, str]:
    rows = await StaffUser.select(StaffUser.id, StaffUser.name).where(StaffUser.id.is_in(ids or [0]))
    return {r["id"]: r["name"] for r in rows}


# --- term planner ------------------------------------------------------------------


@dataclass
class Proposal:
    start_date: date
    end_date: date
    sessions: list[date]
    moved: list[dict]


async def propose_term(staff: Staff, data: CohortInput, count: int) -> list[Proposal]:
    """The next ``count`` cohorts about every four weeks from the start date,
    clear of closures and of the leaders' and the room's other bookings."""
    values = await _validate(staff, data)
    closures = await closures_for(values["office_id"])
    first = values["start_date"]
    horizon = {first + timedelta(days=n) for n in range(7 * (5 * max(count, 1) + 12))}
    existing = await _bookings(values["office_id"], set(values["leader_ids"]), horizon)
    leaders = frozenset(values["leader_ids"])

    def is_free(plan: schedule.Plan) -> bool:
        wanted = [(s.date, values["start_time"], values["end_time"]) for s in plan.sessions]
        return not schedule.clashes(wanted, values["location"], leaders, existing)

    try:
        plans = schedule.propose_starts(first, count, values["weekdays"], closures, is_free)
    except schedule.ScheduleError as error:
        raise InvalidInput({error.field: error.message}) from None
    return [
        Proposal(
            start_date=p.sessions[0].date,
            end_date=p.sessions[-1].date,
            sessions=[s.date for s in p.sessions],
            moved=[{"number": m.number, "from": m.original, "to": m.planned, "reason": m.reason} for m in p.moved],
        )
        for p in plans
    ]


async def accept_term(staff: Staff, data: CohortInput, start_dates: list[str]) -> list[CohortOut]:
    """Create every proposed cohort in one step: all of them, or none."""
    if not start_dates or len(start_dates) > 12:
        raise InvalidInput({"start_dates": N_("Plan from 1 to 12 cohorts at a time.")})
    created = []
    async with write_transaction():
        for index, start in enumerate(start_dates):
            errors: dict[str, str] = {}
            day = parse_date(start, errors, "start_dates")
            if errors:
                raise InvalidInput(errors)
            title = f"{' '.join(str(data.title).split())} {day.strftime('%d.%m.%Y')}"
            one = CohortInput(**{**data.__dict__, "start_date": start, "title": title})
            try:
                created.append(await create_cohort(staff, one))
            except InvalidInput as exc:
                raise InvalidInput(
                    {f"start_dates.{index}" if k == "start_date" else k: v for k, v in exc.errors.items()}
                ) from None
    return created


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


async def agenda(staff: Staff, start: date, end: date) -> list[AgendaItem]:
    """Sessions of the cohorts the caller may see, from ``start`` to ``end`` inclusive."""
    rows = (
        await Session.select(
            Session.date, Session.start_time, Session.end_time, Session.number, Session.module,
            Session.location, Session.cancelled_at,
            Session.cohort.id.as_alias("cohort_id"), Session.cohort.title.as_alias("title"),
            Session.cohort.cancelled_at.as_alias("cohort_cancelled"),
        )
        .where(
            Session.date >= start,
            Session.date <= end,
            Session.cohort.office == staff.office_id if staff.role is not Role.admin else Session.id.is_not_null(),
        )
        .order_by(Session.date)
        .order_by(Session.start_time)
    )
    items = [
        AgendaItem(
            date=r["date"], start_time=_hhmm(r["start_time"]), end_time=_hhmm(r["end_time"]), title=r["title"],
            cohort_id=r["cohort_id"], number=r["number"], module_name=schedule.MODULES[r["module"] - 1],
            location=r["location"], cancelled=r["cancelled_at"] is not None or r["cohort_cancelled"] is not None,
        )
        for r in rows
    ]
    # The caller's own guidance talks; only leaders hold them and see the names.
    if staff.role is not Role.manager:
        items += [
            AgendaItem(
                date=t.date, start_time=_hhmm(t.start_time), end_time=_hhmm(t.end_time), title=t.cohort_title,
                cohort_id=t.cohort_id, number=0, module_name=N_("Guidance talk"), location=t.location,
                cancelled=t.status == "cancelled", talk_id=t.id, participant_name=t.participant_name,
            )
            for t in await hooks.leader_talks(frozenset({staff.id}), start, end)
        ]
    return sorted(items, key=lambda i: (i.date, i.start_time))
