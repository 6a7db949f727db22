"""Individual guidance talks: the leaders' availability, booking, moving, holding,
the private note, and planning a whole cohort's talks with the planner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from course import clock
from course.accounts.schemas import Role, Staff
from course.audit import services as audit
from course.cohorts import schedule
from course.cohorts import services as cohorts
from course.cohorts.tables import CohortLeader, Session
from course.db import lock, write_transaction
from course.errors import N_, Conflict, Forbidden, InvalidInput, NotFound, Term, term
from course.guidance import planner
from course.guidance.tables import Availability, AvailabilityException, Talk
from course.participants import policies
from course.participants.rules import TALKS_NEEDED
from course.participants.services import PersonRef
from course.participants.tables import Enrolment, Participant
from course.validation import (
    as_id,
    check_line,
    has_control_chars,
    nb_sort_key,
    whole_number,
)

TALK_STATUSES = ("planned", "held", "no_show", "cancelled")
TALK_STATUS_LABELS = {
    "planned": N_("Planned"),
    "held": N_("Held"),
    "no_show": N_("Did not show"),
    "cancelled": N_("Cancelled"),
}
ACTIVE = ("planned", "held")
TALK_LENGTHS = (30, 45, 60, 90)
# Enrolments whose holder has talks in the cohort.
HAS_TALKS = ("invited", "enrolled", "completed")


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _now_local() -> datetime:
    return clock.now().replace(tzinfo=None)


def course_weeks(cohort: cohorts.CohortOut) -> list[tuple[date, date]]:
    """Four weeks from the Monday of the first session held (a moved first session
    moves them too); a course that runs on past them (a holiday moved a session)
    has its tail counted in the fourth week."""
    held = [s.date for s in cohort.sessions if s.status != "cancelled"] or [cohort.start_date]
    first = min(held)
    monday = first - timedelta(days=first.weekday())
    weeks = [(monday + timedelta(weeks=n), monday + timedelta(weeks=n, days=6)) for n in range(4)]
    last = max(held)
    if last > weeks[-1][1]:
        weeks[-1] = (weeks[-1][0], last + timedelta(days=6 - last.weekday()))
    return weeks


# --- availability --------------------------------------------------------------------


@dataclass
class WindowOut:
    weekday: int
    start_time: str
    end_time: str


@dataclass
class ExceptionOut:
    id: int
    date: date
    start_time: str | None
    end_time: str | None
    available: bool
    reason: str


@dataclass
class AvailabilityOut:
    leader_id: int
    weekly: list[WindowOut]
    exceptions: list[ExceptionOut]


def _may_hold_talks(staff: Staff) -> None:
    if staff.role not in (Role.leader, Role.admin):
        raise Forbidden


async def get_availability(staff: Staff) -> AvailabilityOut:
    _may_hold_talks(staff)
    weekly = await Availability.select().where(Availability.leader == staff.id).order_by(
        Availability.weekday).order_by(Availability.start_time)
    exceptions = await AvailabilityException.select().where(
        AvailabilityException.leader == staff.id, AvailabilityException.date >= clock.today() - timedelta(days=7)
    ).order_by(AvailabilityException.date)
    return AvailabilityOut(
        leader_id=staff.id,
        weekly=[WindowOut(w["weekday"], _hhmm(w["start_time"]), _hhmm(w["end_time"])) for w in weekly],
        exceptions=[
            ExceptionOut(e["id"], e["date"], e["start_time"] and _hhmm(e["start_time"]),
                         e["end_time"] and _hhmm(e["end_time"]), e["available"], e["reason"])
            for e in exceptions
        ],
    )


async def set_weekly(staff: Staff, windows: list) -> AvailabilityOut:
    """Replace the caller's weekly windows for talks."""
    _may_hold_talks(staff)
    errors: dict[str, str] = {}
    parsed: list[tuple[int, time, time]] = []
    if not isinstance(windows, list) or len(windows) > 40:
        raise InvalidInput({"weekly": N_("Give at most 40 weekly windows.")})
    for index, window in enumerate(windows):
        key = f"weekly.{index}"
        if not isinstance(window, dict):
            errors[key] = N_("Give weekday, start_time and end_time.")
            continue
        day = window.get("weekday")
        if isinstance(day, str) and (number := whole_number(day)) is not None:
            day = number
        if isinstance(day, bool) or day not in range(1, 8):
            errors[key + ".weekday"] = N_("Choose a weekday from 1 (Monday) to 7 (Sunday).")
        start = cohorts.parse_time(window.get("start_time"), errors, key + ".start_time")
        end = cohorts.parse_time(window.get("end_time"), errors, key + ".end_time")
        if start and end and end <= start:
            errors[key + ".end_time"] = N_("The end time must be after the start time.")
        if key + ".weekday" not in errors and start and end and end > start:
            if any(d == day and s < end and start < e for d, s, e in parsed):
                errors[key] = N_("The window overlaps another on the same day.")
            parsed.append((day, start, end))
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        await Availability.delete().where(Availability.leader == staff.id)
        if parsed:
            await Availability.insert(*[
                Availability(leader=staff.id, weekday=d, start_time=s, end_time=e) for d, s, e in parsed
            ])
    return await get_availability(staff)


async def add_exception(staff: Staff, day: str, start: str | None, end: str | None, available: bool,
                        reason: str = "") -> AvailabilityOut:
    """A day away (whole or in part), or extra time for talks on one day."""
    _may_hold_talks(staff)
    errors: dict[str, str] = {}
    when = cohorts.parse_date(day, errors, "date")
    first = cohorts.parse_time(start, errors, "start_time") if start else None
    last = cohorts.parse_time(end, errors, "end_time") if end else None
    if (first is None) != (last is None) and "start_time" not in errors and "end_time" not in errors:
        errors["end_time" if first else "start_time"] = N_("Give both times, or neither for the whole day.")
    if first and last and last <= first:
        errors["end_time"] = N_("The end time must be after the start time.")
    if available and not (first and last):
        errors.setdefault("start_time", N_("Extra time needs a start and an end."))
    text = " ".join(str(reason or "").split())
    if has_control_chars(text) or len(text) > 100:
        errors["reason"] = N_("Give a reason of at most 100 characters.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        await AvailabilityException.insert(AvailabilityException(
            leader=staff.id, date=when, start_time=first, end_time=last, available=bool(available), reason=text,
        ))
    return await get_availability(staff)


async def remove_exception(staff: Staff, exception_id: int) -> None:
    _may_hold_talks(staff)
    async with write_transaction():
        rows = await AvailabilityException.delete().where(
            AvailabilityException.id == exception_id, AvailabilityException.leader == staff.id
        ).returning(AvailabilityException.id)
    if not rows:
        raise NotFound


async def windows_for(leader_ids: list[int], days: list[date]) -> tuple[list[planner.Window], list[planner.Window]]:
    """The leaders' windows for talks on the given days, and their time away."""
    weekly = await Availability.select().where(Availability.leader.is_in(leader_ids or [0]))
    exceptions = await AvailabilityException.select().where(
        AvailabilityException.leader.is_in(leader_ids or [0]), AvailabilityException.date.is_in(days or [date.min])
    )
    windows, away = [], []
    for day in days:
        for leader in leader_ids:
            todays = [e for e in exceptions if e["leader"] == leader and e["date"] == day]
            if any(not e["available"] and e["start_time"] is None for e in todays):
                continue
            windows += [planner.Window(leader, day, w["start_time"], w["end_time"])
                        for w in weekly if w["leader"] == leader and w["weekday"] == day.isoweekday()]
            windows += [planner.Window(leader, day, e["start_time"], e["end_time"]) for e in todays if e["available"]]
            away += [planner.Window(leader, day, e["start_time"], e["end_time"])
                     for e in todays if not e["available"]]
    return windows, away


# --- bookings and clashes ---------------------------------------------------------------


@dataclass(frozen=True)
class Booking:
    day: date
    start: time
    end: time
    leader_ids: frozenset[int]
    participant_ids: frozenset[int]
    label: Term
    talk_id: int | None = None


async def bookings(leader_ids: set[int], participant_ids: set[int], first: date, last: date) -> list[Booking]:
    """Sessions and talks that take the time of any of these leaders or participants."""
    found: list[Booking] = []
    led = await CohortLeader.select(CohortLeader.cohort, CohortLeader.leader).where(
        CohortLeader.leader.is_in(sorted(leader_ids) or [0])
    )
    attending = await Enrolment.select(Enrolment.cohort, Enrolment.participant).where(
        Enrolment.participant.is_in(sorted(participant_ids) or [0]), Enrolment.status.is_in(list(HAS_TALKS))
    )
    cohort_ids = sorted({r["cohort"] for r in led} | {r["cohort"] for r in attending})
    sessions = await Session.select(
        Session.cohort, Session.number, Session.date, Session.start_time, Session.end_time,
        Session.cohort.title.as_alias("title"),
    ).where(
        Session.cohort.is_in(cohort_ids or [0]), Session.date >= first, Session.date <= last,
        Session.cancelled_at.is_null(), Session.cohort.cancelled_at.is_null(),
    )
    for s in sessions:
        found.append(Booking(
            s["date"], s["start_time"], s["end_time"],
            frozenset(r["leader"] for r in led if r["cohort"] == s["cohort"]),
            frozenset(r["participant"] for r in attending if r["cohort"] == s["cohort"]),
            term(N_("%(title)s, session %(number)s"), title=s["title"], number=s["number"]),
        ))
    talks = await Talk.select(
        Talk.id, Talk.date, Talk.start_time, Talk.end_time, Talk.leader, Talk.participant,
    ).where(
        Talk.date >= first, Talk.date <= last, Talk.status.is_in(list(ACTIVE)),
        (Talk.leader.is_in(sorted(leader_ids) or [0])) | (Talk.participant.is_in(sorted(participant_ids) or [0])),
    )
    for t in talks:
        found.append(Booking(t["date"], t["start_time"], t["end_time"], frozenset({t["leader"]}),
                             frozenset({t["participant"]}), term(N_("a guidance talk")), t["id"]))
    return found


async def _raise_on_clash(day: date, start: time, end: time, leader: int, participant: int,
                          exclude_talk: int | None = None) -> None:
    for b in await bookings({leader}, {participant}, day, day):
        if b.talk_id is not None and b.talk_id == exclude_talk:
            continue
        if b.day == day and b.start < end and start < b.end:
            when = f"{day.strftime('%d.%m.%Y')} {_hhmm(b.start)}–{_hhmm(b.end)}"
            if leader in b.leader_ids:
                names = await cohorts.staff_names([leader])
                raise Conflict(N_("%(who)s is busy: %(what)s %(when)s"), field="leader_id",
                               who=names.get(leader) or term(N_("The course leader")), what=b.label, when=when)
            name = await Participant.select(Participant.name).where(Participant.id == participant).first()
            raise Conflict(N_("%(who)s is busy: %(what)s %(when)s"), field="participant_id",
                           who=name["name"] if name else term(N_("The participant")), what=b.label, when=when)


# --- talks ---------------------------------------------------------------------------------


@dataclass
class TalkOut:
    id: int
    cohort_id: int
    participant: PersonRef
    leader: PersonRef
    date: date
    start_time: str
    end_time: str
    location: str
    status: str
    has_note: bool
    note: str | None = None  # only when the caller may read it, and the read is audited


@dataclass
class TalkInput:
    participant_id: object
    leader_id: object
    date: str
    start_time: str
    end_time: str
    location: str | None = None


@dataclass
class TalkChange:
    date: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    leader_id: object = None
    location: str | None = None
    status: str | None = None
    note: str | None = None


async def _cohort(staff: Staff, cohort_id: int) -> cohorts.CohortOut:
    if not policies.may_see_people(staff):
        raise NotFound
    return await cohorts.get_cohort(staff, cohort_id)


async def _talk_out(rows: list[dict]) -> list[TalkOut]:
    names = await cohorts.staff_names([r["leader"] for r in rows])
    return [
        TalkOut(
            id=r["id"], cohort_id=r["cohort"], participant=PersonRef(r["participant"], r["participant_name"]),
            leader=PersonRef(r["leader"], names.get(r["leader"], "")), date=r["date"],
            start_time=_hhmm(r["start_time"]), end_time=_hhmm(r["end_time"]), location=r["location"],
            status=r["status"], has_note=bool(r["note"]),
        )
        for r in rows
    ]


def _talk_query():
    return Talk.select(*Talk.all_columns(), Talk.participant.name.as_alias("participant_name"))


async def list_talks(staff: Staff, cohort_id: int) -> list[TalkOut]:
    cohort = await _cohort(staff, cohort_id)
    rows = await _talk_query().where(Talk.cohort == cohort.id).order_by(Talk.date).order_by(Talk.start_time)
    return await _talk_out(rows)


async def _talk_row(staff: Staff, talk_id: int) -> tuple[dict, cohorts.CohortOut]:
    if not policies.may_see_people(staff):
        raise NotFound
    row = await _talk_query().where(
        Talk.id == talk_id,
        Talk.participant.office == staff.office_id if staff.role is Role.leader else Talk.id.is_not_null(),
    ).first()
    if row is None:
        raise NotFound
    return row, await cohorts.get_cohort(staff, row["cohort"])


async def get_talk(staff: Staff, talk_id: int, address: str | None = None) -> TalkOut:
    """One talk; its private note only for the cohort's leaders and the primary
    contact, and each such read is written to the audit log."""
    row, cohort = await _talk_row(staff, talk_id)
    out = (await _talk_out([row]))[0]
    contact = await Participant.select(Participant.primary_contact).where(Participant.id == row["participant"]).first()
    if row["note"] and policies.may_read_note(staff, set(cohort.leader_ids), contact["primary_contact"]):
        await audit.record("talk_note_read", actor=staff.id, office=cohort.office_id, address=address,
                           details={"talk": talk_id, "participant": row["participant"]})
        out.note = row["note"]
    return out


async def talk_without_note(staff: Staff, talk_id: int) -> TalkOut:
    """One talk as the list shows it: the note is neither read nor audited."""
    row, _ = await _talk_row(staff, talk_id)
    return (await _talk_out([row]))[0]


async def may_write_note(staff: Staff, talk_id: int) -> bool:
    """Whether the caller may read and write the talk's private note (nothing is read)."""
    row, cohort = await _talk_row(staff, talk_id)
    contact = await Participant.select(Participant.primary_contact).where(Participant.id == row["participant"]).first()
    return policies.may_read_note(staff, set(cohort.leader_ids), contact["primary_contact"])


async def _check_talk(cohort: cohorts.CohortOut, participant_id, leader_id, day_text, start_text, end_text,
                      errors: dict[str, str], params: dict[str, dict],
                      prefix: str = "") -> tuple[date | None, time | None, time | None]:
    participant_id, leader_id = as_id(participant_id), as_id(leader_id)
    if not participant_id or not await Enrolment.exists().where(
        Enrolment.cohort == cohort.id, Enrolment.participant == participant_id,
        Enrolment.status.is_in(list(HAS_TALKS)),
    ):
        errors[prefix + "participant_id"] = N_("Choose a participant on this cohort.")
    if leader_id not in cohort.leader_ids:
        errors[prefix + "leader_id"] = N_("Choose one of the cohort's leaders.")
    day = cohorts.parse_date(day_text, errors, prefix + "date")
    start = cohorts.parse_time(start_text, errors, prefix + "start_time")
    end = cohorts.parse_time(end_text, errors, prefix + "end_time")
    if start and end and end <= start:
        errors[prefix + "end_time"] = N_("The end time must be after the start time.")
    elif start and end and (datetime.combine(date.min, end) - datetime.combine(date.min, start)) > timedelta(hours=3):
        errors[prefix + "end_time"] = N_("A talk can last at most three hours.")
    if day:
        weeks = course_weeks(cohort)
        if not weeks[0][0] <= day <= weeks[-1][1]:
            errors[prefix + "date"] = N_("The talk must be within the cohort's four weeks.")
        else:
            reason = schedule.blocked_by(day, await cohorts.closures_for(cohort.office_id))
            if reason:
                errors[prefix + "date"] = N_("No talk can be held that day: %(reason)s.")
                params[prefix + "date"] = {"reason": reason}
    return day, start, end


async def book_talk(staff: Staff, cohort_id: int, data: TalkInput) -> TalkOut:
    cohort = await _cohort(staff, cohort_id)
    if cohort.status == "cancelled":
        raise InvalidInput({"cohort": N_("The cohort is cancelled.")})
    errors: dict[str, str] = {}
    params: dict[str, dict] = {}
    day, start, end = await _check_talk(cohort, data.participant_id, data.leader_id, data.date, data.start_time,
                                        data.end_time, errors, params)
    location = _location(data.location, cohort.location, errors)
    if errors:
        raise InvalidInput(errors, params)
    async with write_transaction():
        talk_id = await _insert_talk(cohort, int(data.participant_id), int(data.leader_id), day, start, end, location)
    return (await _talk_out(await _talk_query().where(Talk.id == talk_id)))[0]


def _location(value, default: str, errors: dict[str, str], key: str = "location") -> str:
    if value is None or not str(value).strip():
        return default
    return check_line(value, key, errors, N_("The location contains characters that are not allowed."),
                      N_("Enter where the talk is held."), N_("The location can be at most 200 characters."))


async def _insert_talk(cohort: cohorts.CohortOut, participant: int, leader: int, day: date, start: time, end: time,
                       location: str) -> int:
    # Checked inside the write transaction, holding the leader's and the participant's
    # locks, so two bookings at once cannot both win.
    await lock(f"staff:{leader}", f"participant:{participant}")
    await _raise_on_clash(day, start, end, leader, participant)
    now = clock.now()
    return (await Talk.insert(Talk(
        cohort=cohort.id, participant=participant, leader=leader, date=day, start_time=start, end_time=end,
        location=location, status="planned", note="", created_at=now, changed_at=now,
    )).returning(Talk.id))[0]["id"]


async def change_talk(staff: Staff, talk_id: int, change: TalkChange) -> TalkOut:
    """Move, reassign, cancel, mark held or no-show, or write the private note."""
    row, cohort = await _talk_row(staff, talk_id)
    errors: dict[str, str] = {}
    params: dict[str, dict] = {}
    values: dict = {}
    moving = any(v is not None for v in (change.date, change.start_time, change.end_time, change.leader_id))
    day, start, end, leader = row["date"], row["start_time"], row["end_time"], row["leader"]
    if moving:
        day, start, end = await _check_talk(
            cohort, row["participant"],
            change.leader_id if change.leader_id is not None else row["leader"],
            change.date if change.date is not None else row["date"].isoformat(),
            change.start_time if change.start_time is not None else _hhmm(row["start_time"]),
            change.end_time if change.end_time is not None else _hhmm(row["end_time"]),
            errors, params,
        )
        leader = int(change.leader_id) if change.leader_id is not None and "leader_id" not in errors else leader
        values.update({Talk.date: day, Talk.start_time: start, Talk.end_time: end, Talk.leader: leader})
    if change.location is not None:
        values[Talk.location] = _location(change.location, cohort.location, errors)
    status = change.status
    if status in ACTIVE and row["status"] not in ACTIVE and not moving:
        # Taking a cancelled talk back: the participant must still be on the cohort, and
        # the day still within it.
        await _check_talk(cohort, row["participant"], row["leader"], row["date"].isoformat(),
                          _hhmm(row["start_time"]), _hhmm(row["end_time"]), errors, params)
    if status is not None:
        if status not in TALK_STATUSES:
            errors["status"] = N_("Choose planned, held, no_show or cancelled.")
        elif status in ("held", "no_show") and (day or row["date"]) > clock.today():
            errors["status"] = N_("A talk can be marked held or not shown from its day.")
        else:
            values[Talk.status] = status
    if change.note is not None:
        contact = await Participant.select(Participant.primary_contact).where(
            Participant.id == row["participant"]).first()
        if not policies.may_read_note(staff, set(cohort.leader_ids), contact["primary_contact"]):
            raise Forbidden
        note = str(change.note).strip()
        if has_control_chars(note.replace("\n", " ")) or len(note) > 2000:
            errors["note"] = N_("The note can be at most 2,000 characters.")
        if note != row["note"]:  # an unchanged note is neither written nor logged
            values[Talk.note] = note
    if errors:
        raise InvalidInput(errors, params)
    if not values:
        return await talk_without_note(staff, talk_id)
    values[Talk.changed_at] = clock.now()
    async with write_transaction():
        active_now = values.get(Talk.status, row["status"]) in ACTIVE
        if active_now and (moving or row["status"] not in ACTIVE):
            await lock(f"staff:{leader}", f"participant:{row['participant']}")
            await _raise_on_clash(day, start, end, leader, row["participant"], exclude_talk=talk_id)
        await Talk.update(values).where(Talk.id == talk_id)
        if Talk.note in values:
            await audit.record("talk_note_written", actor=staff.id, office=cohort.office_id,
                               details={"talk": talk_id, "participant": row["participant"]})
    return (await _talk_out(await _talk_query().where(Talk.id == talk_id)))[0]


# --- planning a cohort's talks ---------------------------------------------------------------


@dataclass
class ProposedTalk:
    participant: PersonRef
    leader: PersonRef
    date: date
    start_time: str
    end_time: str
    week: int


@dataclass
class Shortfall:
    participant: PersonRef
    week: int  # 0 when the shortfall is in the total rather than one week
    reason: str  # the message id, for translating; ``text`` has the parameters filled in
    params: dict
    text: str = ""

    def __post_init__(self) -> None:
        self.text = self.reason % self.params


@dataclass
class TalkProposal:
    cohort_id: int
    length_minutes: int
    talks: list[ProposedTalk]
    unplaced: list[Shortfall]
    load: dict[int, int]


async def propose_talks(staff: Staff, cohort_id: int, length_minutes=45) -> TalkProposal:
    """Four talks for everyone on the cohort, at least one a week, in the leaders'
    free time; nothing is saved until the leader accepts."""
    cohort = await _cohort(staff, cohort_id)
    if isinstance(length_minutes, bool) or length_minutes not in TALK_LENGTHS:
        raise InvalidInput({"length_minutes": N_("Choose a talk length of 30, 45, 60 or 90 minutes.")})
    if cohort.status in ("cancelled", "finished"):
        raise InvalidInput({"cohort": N_("The cohort is cancelled or finished.")})
    people = await Enrolment.select(Enrolment.participant, Enrolment.participant.name.as_alias("name")).where(
        Enrolment.cohort == cohort.id, Enrolment.status.is_in(["invited", "enrolled"])
    )
    names = {p["participant"]: p["name"] for p in people}
    weeks = course_weeks(cohort)
    first, last = weeks[0][0], weeks[-1][1]
    closures = await cohorts.closures_for(cohort.office_id)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = [d for d in days if not schedule.blocked_by(d, closures)]
    windows, away = await windows_for(cohort.leader_ids, days)
    slots = planner.slots_in(windows, away, timedelta(minutes=length_minutes), not_before=_now_local())
    found = await bookings(set(cohort.leader_ids), set(names), first, last)
    busy = []
    for b in found:
        start, end = datetime.combine(b.day, b.start), datetime.combine(b.day, b.end)
        busy += [planner.Busy(start, end, leader=leader) for leader in b.leader_ids & set(cohort.leader_ids)]
        busy += [planner.Busy(start, end, participant=p) for p in b.participant_ids & set(names)]
    existing = await Talk.select().where(Talk.cohort == cohort.id, Talk.status.is_in(list(ACTIVE)))
    booked = [
        planner.Talk(t["participant"], t["leader"], datetime.combine(t["date"], t["start_time"]),
                     datetime.combine(t["date"], t["end_time"]))
        for t in existing if t["participant"] in names
    ]
    plan = planner.plan_talks(sorted(names, key=lambda p: nb_sort_key(names[p])), weeks, slots, busy,
                              booked=booked)
    leader_names = await cohorts.staff_names(cohort.leader_ids)

    def week_of(day: date) -> int:
        return next(i + 1 for i, (a, b) in enumerate(weeks) if a <= day <= b)

    load = {leader: 0 for leader in cohort.leader_ids}
    for t in [*booked, *plan.talks]:
        load[t.leader] = load.get(t.leader, 0) + 1
    return TalkProposal(
        cohort_id=cohort.id,
        length_minutes=length_minutes,
        talks=[
            ProposedTalk(PersonRef(t.participant, names[t.participant]), PersonRef(t.leader, leader_names[t.leader]),
                         t.start.date(), t.start.strftime("%H:%M"), t.end.strftime("%H:%M"),
                         week_of(t.start.date()))
            for t in plan.talks
        ],
        unplaced=[
            Shortfall(PersonRef(u.participant, names[u.participant]), u.week, u.reason,
                      {"week": u.week, "count": _still_needed([*booked, *plan.talks], u.participant)})
            for u in plan.unplaced
        ],
        load=load,
    )


def _still_needed(talks: list[planner.Talk], participant: int) -> int:
    """How many of the participant's four talks have no time, booked or proposed."""
    return max(0, TALKS_NEEDED - sum(t.participant == participant for t in talks))


async def accept_talks(staff: Staff, cohort_id: int, talks: list) -> list[TalkOut]:
    """Book every proposed talk in one step: all of them, or none."""
    cohort = await _cohort(staff, cohort_id)
    if cohort.status in ("cancelled", "finished"):
        raise InvalidInput({"cohort": N_("The cohort is cancelled or finished.")})
    if not isinstance(talks, list) or not 1 <= len(talks) <= 200:
        raise InvalidInput({"talks": N_("Give from 1 to 200 talks.")})
    checked = []
    errors: dict[str, str] = {}
    params: dict[str, dict] = {}
    for index, talk in enumerate(talks):
        if not isinstance(talk, dict):
            errors[f"talks.{index}"] = N_("Give participant_id, leader_id, date, start_time and end_time.")
            continue
        day, start, end = await _check_talk(
            cohort, talk.get("participant_id"), talk.get("leader_id"), talk.get("date"), talk.get("start_time"),
            talk.get("end_time"), errors, params, prefix=f"talks.{index}.",
        )
        checked.append((as_id(talk.get("participant_id")), as_id(talk.get("leader_id")), day, start, end))
    if errors:
        raise InvalidInput(errors, params)
    ids = []
    async with write_transaction():
        # Every lock at once, in one order, so two plans accepted together cannot deadlock;
        # the locks each booking takes again below are already held.
        await lock(*(f"staff:{t[1]}" for t in checked), *(f"participant:{t[0]}" for t in checked))
        for participant, leader, day, start, end in checked:
            ids.append(await _insert_talk(cohort, participant, leader, day, start, end, cohort.location))
    return await _talk_out(await _talk_query().where(Talk.id.is_in(ids)).order_by(Talk.date).order_by(
        Talk.start_time))
