"""The way in: a participant's steps from referral to start (recorded, changed,
cleared, read), the start page's list of those waiting for a step, and the way-in
report for managers, leaders and admins.

One row per participant and step in ``PathStep``; the start is derived (the first
enrolment that took a place). The HU step's date is the participant's
``referral_date`` ("date in the referral committee"): setting one sets the other,
and a participant with a referral date from before the steps existed reads as HU on
that day with no decision recorded. The rules need no database and live in
``path_rules``.

Access: a person's path goes through ``participant_scope`` (leaders their office,
admins all, managers nothing: 404 behind the API's 403). The report counts through
``policies.way_in_scope`` (managers their office, too) and names people only for those who
may see them."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from piccolo.query import Select

from course import clock
from course.accounts import services as accounts
from course.accounts.schemas import Role, Staff
from course.accounts.tables import StaffUser
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.db import write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.participants import path_rules as rules
from course.participants import policies
from course.participants.common import PersonRef, lock_participant, staff_names
from course.participants.tables import Enrolment, Participant, PathStep
from course.validation import as_id, has_control_chars, nb_sort_key

NOTE_MAX = 500
BY_MAX = 200


# --- what is answered ----------------------------------------------------------------------


@dataclass
class ReferredOut:
    """Referred: when, and by whom (a service or a role, as text)."""

    date: date
    by: str
    changed_by: PersonRef | None
    changed_at: datetime | None


@dataclass
class HuOut:
    """The referral committee (HU): when, and its decision (accepted, not_now or
    other_measure; null when not recorded) with a note."""

    date: date
    decision: str | None
    note: str
    changed_by: PersonRef | None
    changed_at: datetime | None


@dataclass
class IntakeOut:
    """The intake talk (mottakssamtale): when, and the staff member who held it."""

    date: date
    by: PersonRef | None
    changed_by: PersonRef | None
    changed_at: datetime | None


@dataclass
class InfoMeetingOut:
    """The information meeting: when."""

    date: date
    changed_by: PersonRef | None
    changed_at: datetime | None


@dataclass
class StartOut:
    """The start, derived: the first enrolment that took a place (enrolled, completed
    or dropped out) on a cohort starting on or after the day the path began."""

    enrolment_id: int
    cohort_id: int
    cohort_title: str
    date: date


@dataclass
class PathOut:
    """A participant's way in. ``next_step`` is the step they wait for (hu, intake,
    info_meeting or start; null when started, when HU decided on something else, or
    before any referral), ``waiting_since`` the day its clock runs from (the
    referral until HU, then HU), ``days_waiting`` the days since, and
    ``over_target`` whether the target has passed (5 days to HU, 14 from HU to the
    start). ``days_referral_to_hu`` and ``days_hu_to_start`` are the days between
    the steps taken."""

    participant_id: int
    referred: ReferredOut | None
    hu: HuOut | None
    intake: IntakeOut | None
    info_meeting: InfoMeetingOut | None
    start: StartOut | None
    next_step: str | None
    waiting_since: date | None
    days_waiting: int | None
    over_target: bool
    days_referral_to_hu: int | None
    days_hu_to_start: int | None
    hu_target_days: int = rules.HU_TARGET_DAYS
    start_target_days: int = rules.START_TARGET_DAYS


# --- reading ---------------------------------------------------------------------------------


def _step_rows(where) -> Select:
    return PathStep.select(
        PathStep.participant,
        PathStep.step,
        PathStep.date,
        PathStep.by_text,
        PathStep.by_staff,
        PathStep.decision,
        PathStep.note,
        PathStep.changed_by,
        PathStep.changed_at,
    ).where(where)


async def _starts(where) -> dict[int, list[dict]]:
    """Enrolments that took a place, with their cohort's start, by participant."""
    rows = (
        await Enrolment.select(
            Enrolment.id,
            Enrolment.participant,
            Enrolment.cohort.id.as_alias("cohort_id"),
            Enrolment.cohort.title.as_alias("title"),
            Enrolment.cohort.start_date.as_alias("start_date"),
        )
        .where(where, Enrolment.status.is_in(sorted(rules.PLACED)))
        .order_by(Enrolment.cohort.start_date)
    )
    out: dict[int, list[dict]] = {}
    for row in rows:
        out.setdefault(row["participant"], []).append(row)
    return out


def _dates(steps: Mapping[str, dict], referral_date: date | None, starts: list[dict]) -> rules.PathDates:
    hu = steps.get("hu")
    base = rules.PathDates(
        referred=steps["referred"]["date"] if "referred" in steps else None,
        hu=hu["date"] if hu else referral_date,
        decision=hu["decision"] if hu else "",
        intake=steps["intake"]["date"] if "intake" in steps else None,
        info_meeting=steps["info_meeting"]["date"] if "info_meeting" in steps else None,
    )
    start = rules.first_start([s["start_date"] for s in starts], base.entered)
    return rules.PathDates(base.referred, base.hu, base.decision, base.intake, base.info_meeting, start)


async def path_of(staff: Staff, participant_id: int) -> PathOut:
    """The path of a participant the caller may see; NotFound otherwise. Not audited:
    the participant page and JSON that show it are (``open_path`` for the path alone)."""
    person = (
        await Participant.select(Participant.id, Participant.referral_date)
        .where(policies.participant_scope(staff), Participant.id == participant_id)
        .first()
    )
    if person is None:
        raise NotFound
    rows = await _step_rows(PathStep.participant == participant_id)
    starts = (await _starts(policies.enrolment_scope(staff) & (Enrolment.participant == participant_id))).get(
        participant_id, []
    )
    return await _path_out(participant_id, person["referral_date"], rows, starts)


async def _path_out(participant_id: int, referral_date: date | None, rows, starts: list[dict]) -> PathOut:
    steps = {r["step"]: r for r in rows}
    names = await staff_names(
        [r["changed_by"] for r in rows if r["changed_by"]] + [r["by_staff"] for r in rows if r["by_staff"]]
    )

    def person(staff_id: int | None) -> PersonRef | None:
        return PersonRef(staff_id, names.get(staff_id, "")) if staff_id else None

    def changed(step: str) -> dict:
        row = steps.get(step)
        if row is None:  # a referral date from before the steps were recorded
            return {"changed_by": None, "changed_at": None}
        return {"changed_by": person(row["changed_by"]), "changed_at": row["changed_at"]}

    dates = _dates(steps, referral_date, starts)
    start_row = next((s for s in starts if s["start_date"] == dates.start), None)
    wait = rules.waiting(dates, clock.today())
    hu = steps.get("hu")
    return PathOut(
        participant_id=participant_id,
        referred=ReferredOut(dates.referred, steps["referred"]["by_text"], **changed("referred"))
        if dates.referred
        else None,
        hu=HuOut(dates.hu, (hu["decision"] or None) if hu else None, hu["note"] if hu else "", **changed("hu"))
        if dates.hu
        else None,
        intake=IntakeOut(dates.intake, person(steps["intake"]["by_staff"]), **changed("intake"))
        if dates.intake
        else None,
        info_meeting=InfoMeetingOut(dates.info_meeting, **changed("info_meeting")) if dates.info_meeting else None,
        start=StartOut(start_row["id"], start_row["cohort_id"], start_row["title"], start_row["start_date"])
        if start_row
        else None,
        next_step=wait.step if wait else None,
        waiting_since=wait.since if wait else None,
        days_waiting=wait.days if wait else None,
        over_target=bool(wait and wait.over_target),
        days_referral_to_hu=rules.days_to_hu(dates),
        days_hu_to_start=rules.days_to_start(dates),
    )


async def open_path(staff: Staff, participant_id: int) -> PathOut:
    """The path as the API answers it alone, with the read in the audit log (who,
    whom; nothing of the path)."""
    path = await path_of(staff, participant_id)
    office = await Participant.select(Participant.office).where(Participant.id == participant_id).first()
    await audit.read(
        audit.PATH_READ,
        actor=staff.id,
        participant=participant_id,
        office=office["office"] if office else None,
        details={"participant": participant_id},
    )
    return path


async def intake_staff(staff: Staff, participant_id: int) -> list[PersonRef]:
    """Who may be named as holding the intake talk: the active course leaders and
    admins of the participant's office."""
    person = (
        await Participant.select(Participant.office)
        .where(policies.participant_scope(staff), Participant.id == participant_id)
        .first()
    )
    if person is None:
        raise NotFound
    rows = await StaffUser.select(StaffUser.id, StaffUser.name).where(policies.may_be_primary_contact(person["office"]))
    return sorted((PersonRef(r["id"], r["name"]) for r in rows), key=lambda p: nb_sort_key(p.name))


# --- changing --------------------------------------------------------------------------------


def _parse(step: str, fields: Mapping, errors: dict[str, str]) -> dict:
    """One step's fields checked: the values to store."""
    values: dict = {"date": cohorts.parse_date(fields.get("date"), errors, f"{step}.date")}
    if step == "referred":
        text = " ".join(str(fields.get("by") or "").split())
        if has_control_chars(text) or len(text) > BY_MAX:
            errors["referred.by"] = N_("Who referred can be at most 200 characters on one line.")
        values["by_text"] = text
    elif step == "hu":
        decision = str(fields.get("decision") or "")
        if decision and decision not in rules.DECISIONS:
            errors["hu.decision"] = N_("Choose one of: %(choices)s.")
        note = str(fields.get("note") or "").strip()
        if has_control_chars(note.replace("\n", " ")) or len(note) > NOTE_MAX:
            errors["hu.note"] = N_("The note can be at most 500 characters.")
        values["decision"] = decision
        values["note"] = note
    elif step == "intake":
        by = fields.get("by_id")
        values["by_staff"] = as_id(by) if by not in (None, "") else None
        if by not in (None, "") and not values["by_staff"]:
            errors["intake.by_id"] = N_("Choose someone on the staff of the participant's office.")
    return values


def _order_errors(dates: Mapping[str, date | None], changed: set[str]) -> dict[str, str]:
    """The rules' date errors, each named on a step being changed: a clash with a
    step left as it was is put on the changed step of the two."""
    out: dict[str, str] = {}
    for key, message in rules.date_errors(dates, clock.today()).items():
        step = key.split(".")[0]
        if step in changed:
            out[key] = message
            continue
        day, referred = dates.get(step), dates.get("referred")
        if "referred" in changed and day is not None and referred is not None and day < referred:
            out["referred.date"] = N_("The referral cannot be after the steps that follow it.")
        elif step == "info_meeting" and "hu" in changed:
            out["hu.date"] = N_("The referral committee cannot be after the information meeting.")
    return out


async def change_path(staff: Staff, participant_id: int, changes: Mapping[str, Mapping | None]) -> PathOut:
    """Record, change or clear steps: ``changes`` maps a step (referred, hu, intake,
    info_meeting) to its fields (date; referred: by; hu: decision, note; intake:
    by_id) or to None to clear it; steps left out stay as they are. The dates are
    checked against the steps already recorded, under the participant's lock."""
    errors: dict[str, str] = {}
    parsed: dict[str, dict | None] = {}
    for step, fields in changes.items():
        if step not in rules.STEPS:
            errors[step] = N_("Unknown step.")
            continue
        parsed[step] = None if fields is None else _parse(step, fields, errors)
    if errors:
        raise InvalidInput(errors, {"hu.decision": {"choices": ", ".join(rules.DECISIONS)}})
    if not parsed:
        return await path_of(staff, participant_id)
    at = clock.utc_now()
    async with write_transaction():
        office = await lock_participant(staff, participant_id, f"path:{participant_id}")
        intake = parsed.get("intake")
        if intake and intake["by_staff"] is not None:
            allowed = await StaffUser.exists().where(
                StaffUser.id == intake["by_staff"], policies.may_be_primary_contact(office)
            )
            if not allowed:
                raise InvalidInput({"intake.by_id": N_("Choose someone on the staff of the participant's office.")})
        person = await Participant.select(Participant.referral_date).where(Participant.id == participant_id).first()
        existing = {r["step"]: r["date"] for r in await _step_rows(PathStep.participant == participant_id)}
        if "hu" not in existing and person and person["referral_date"]:
            existing["hu"] = person["referral_date"]
        dates = {**existing, **{s: (v["date"] if v else None) for s, v in parsed.items()}}
        if order := _order_errors(dates, set(parsed)):
            raise InvalidInput(order)
        for step, values in parsed.items():
            await _write_step(participant_id, step, values, staff.id, at)
        if "hu" in parsed:
            hu = parsed["hu"]
            await Participant.update({Participant.referral_date: hu["date"] if hu else None}).where(
                policies.participant_scope(staff), Participant.id == participant_id
            )
        # Which steps, never what they hold: a decision or a note says a great deal.
        await audit.record(
            audit.PATH_CHANGED,
            actor=staff.id,
            office=office,
            participant=participant_id,
            details={
                "participant": participant_id,
                "steps": sorted(s for s, v in parsed.items() if v is not None),
                "cleared": sorted(s for s, v in parsed.items() if v is None),
            },
        )
    return await path_of(staff, participant_id)


async def _write_step(participant_id: int, step: str, values: dict | None, by: int | None, at: datetime) -> None:
    if values is None:
        await PathStep.delete().where(PathStep.participant == participant_id, PathStep.step == step)
        return
    columns = {getattr(PathStep, k): v for k, v in values.items()}
    columns.update({PathStep.changed_by: by, PathStep.changed_at: at})
    updated = (
        await PathStep.update(columns)
        .where(PathStep.participant == participant_id, PathStep.step == step)
        .returning(PathStep.id)
    )
    if not updated:
        await PathStep.insert(PathStep(participant=participant_id, step=step, changed_by=by, changed_at=at, **values))


async def hu_date_errors(participant_id: int | None, day: date | None) -> dict[str, str]:
    """Whether the referral committee date fits the steps recorded (the participant
    form's referral date): errors named ``hu.date``."""
    if day is None:
        return {}
    existing = (
        {r["step"]: r["date"] for r in await _step_rows(PathStep.participant == participant_id)}
        if participant_id
        else {}
    )
    return _order_errors({**existing, "hu": day}, {"hu"})


async def sync_hu_date(participant_id: int, day: date | None, by: int | None) -> None:
    """Inside the transaction that sets a participant's referral date: the HU step
    gets the same date (made without a decision if there was none), or goes when the
    date is cleared."""
    if day is None:
        await _write_step(participant_id, "hu", None, by, clock.utc_now())
        return
    updated = (
        await PathStep.update({PathStep.date: day, PathStep.changed_by: by, PathStep.changed_at: clock.utc_now()})
        .where(PathStep.participant == participant_id, PathStep.step == "hu")
        .returning(PathStep.id)
    )
    if not updated:
        await _write_step(participant_id, "hu", {"date": day}, by, clock.utc_now())


# --- the start page: who waits ----------------------------------------------------------------


@dataclass
class WaitingOut:
    participant: PersonRef
    step: str  # hu | intake | info_meeting | start
    since: date
    days: int
    over_target: bool


@dataclass
class WaitingList:
    people: list[WaitingOut]
    more: int  # how many more wait than are listed


def _recent(since: date):
    """Participants whose path began on or after ``since``: a referral or an HU
    date then (the HU date is the participant's referral date)."""
    return (Participant.referral_date >= since) | Participant.id.is_in(
        PathStep.select(PathStep.participant).where(PathStep.step == "referred", PathStep.date >= since)
    )


async def waiting_list(staff: Staff, limit: int = 20) -> WaitingList:
    """Those of the office's participants who wait for a step, longest first: only
    paths begun within the last ``WAITING_WINDOW_DAYS``, so the page reads the recent
    months however long the history."""
    today = clock.today()
    chosen = Participant.select(Participant.id).where(
        policies.participant_scope(staff), _recent(today - timedelta(days=rules.WAITING_WINDOW_DAYS))
    )
    people = await Participant.select(Participant.id, Participant.name, Participant.referral_date).where(
        Participant.id.is_in(chosen)
    )
    if not people:
        return WaitingList([], 0)
    steps: dict[int, dict[str, dict]] = {}
    for row in await _step_rows(PathStep.participant.is_in(chosen)):
        steps.setdefault(row["participant"], {})[row["step"]] = row
    starts = await _starts(policies.enrolment_scope(staff) & Enrolment.participant.is_in(chosen))
    out = []
    for p in people:
        wait = rules.waiting(_dates(steps.get(p["id"], {}), p["referral_date"], starts.get(p["id"], [])), today)
        if wait:
            out.append(WaitingOut(PersonRef(p["id"], p["name"]), wait.step, wait.since, wait.days, wait.over_target))
    out.sort(key=lambda w: (w.since, nb_sort_key(w.participant.name), w.participant.id))
    return WaitingList(out[:limit], max(0, len(out) - limit))


# --- the way-in report ------------------------------------------------------------------------


@dataclass
class Spread:
    """Days between two steps: how many paths have both, the median, the quartiles
    (q1, q3) and the shortest and longest. For managers no count of 1 or 2 (null),
    the median only from three paths, the quartiles from five, and never the
    shortest and longest."""

    count: int | None
    median: float | None
    q1: float | None
    q3: float | None
    min: int | None
    max: int | None


@dataclass
class LateOut:
    """Someone over a target, for leaders and admins: who, which target (hu: more than
    5 days from referral to HU; start: more than 14 from HU to the start), how many
    days, and whether they still wait."""

    participant: PersonRef
    target: str
    days: int
    still_waiting: bool


@dataclass
class OfficeWayIn:
    """One office's way in over the period. ``counts`` has: referred; hu and its
    decisions (accepted, not_now, other_measure, undecided); intake, info_meeting and
    started (by today); waiting (for a step now); late_to_hu and late_to_start (over
    the targets, the waiting included). A count in ``suppressed`` is null: 1 or 2,
    or hidden with one (managers only)."""

    office_id: int
    office_name: str
    participants: int | None
    counts: dict[str, int | None]
    suppressed: list[str]
    referral_to_hu: Spread
    hu_to_start: Spread
    late: list[LateOut] = field(default_factory=list)


@dataclass
class WayInReport:
    """The way in for the paths that began (referral, or HU without one) in the
    period, per office. ``names`` says whether ``late`` lists people (leaders and
    admins) or is always empty (managers: counts only)."""

    start: date
    end: date
    office_id: int | None
    hu_target_days: int
    start_target_days: int
    min_count: int
    names: bool
    offices: list[OfficeWayIn]


def _period(start: str | None, end: str | None) -> tuple[date, date]:
    errors: dict[str, str] = {}
    today = clock.today()
    last = cohorts.parse_date(end, errors, "to") if end else today
    first = cohorts.parse_date(start, errors, "from") if start else None
    if first is None and "from" not in errors and last is not None:
        first = last - timedelta(days=364)
    if first and last and first > last:
        errors["to"] = N_("The end of the period cannot be before its start.")
    if errors:
        raise InvalidInput(errors)
    assert first is not None and last is not None
    return first, last


def _began_in(first: date, last: date):
    """Paths that began in the period: a referral then, or an HU date then for a path
    with no referral recorded."""
    referred = PathStep.select(PathStep.participant).where(PathStep.step == "referred")
    return Participant.id.is_in(referred.where(PathStep.date >= first, PathStep.date <= last)) | (
        (Participant.referral_date >= first)
        & (Participant.referral_date <= last)
        & Participant.id.not_in(PathStep.select(PathStep.participant).where(PathStep.step == "referred"))
    )


def _spread(figures: rules.Spread, coarse: bool) -> Spread:
    if coarse:
        figures = rules.coarse(figures)
    return Spread(figures.count, figures.median, figures.q1, figures.q3, figures.min, figures.max)


async def way_in_report(
    staff: Staff, office_id: int | None = None, start: str | None = None, end: str | None = None
) -> WayInReport:
    """Per office, for the paths begun from ``start`` to ``end`` (a year to today when
    left out): how many reached each step, the days between, and who waited beyond
    the targets. Managers get counts under the small-number rule and no names."""
    first, last = _period(start, end)
    today = clock.today()
    names = policies.may_see_people(staff)
    coarse = staff.role is Role.manager
    where = policies.way_in_scope(staff) & _began_in(first, last)
    if office_id is not None:
        where = where & (Participant.office == office_id)
    chosen = Participant.select(Participant.id).where(where)
    people = (
        await Participant.select(
            Participant.id, Participant.name, Participant.office, Participant.referral_date, Participant.erased_at
        )
        .where(Participant.id.is_in(chosen))
        .order_by(Participant.id)
    )
    steps: dict[int, dict[str, dict]] = {}
    starts: dict[int, list[dict]] = {}
    if people:
        for row in await _step_rows(PathStep.participant.is_in(chosen)):
            steps.setdefault(row["participant"], {})[row["step"]] = row
        starts = await _starts(Enrolment.participant.is_in(chosen))
    by_office: dict[int, list[tuple[dict, rules.PathDates]]] = {}
    for p in people:
        dates = _dates(steps.get(p["id"], {}), p["referral_date"], starts.get(p["id"], []))
        by_office.setdefault(p["office"], []).append((p, dates))
    offices = {o.id: o.name for o in await accounts.list_offices(staff)}
    out = []
    for office, rows in sorted(by_office.items(), key=lambda item: nb_sort_key(offices.get(item[0], ""))):
        figures = rules.tally([d for _p, d in rows], today)
        hidden = rules.hidden_counts(figures.counts) if coarse else set()
        total: int | None = len(rows)
        if coarse and total is not None and 0 < total < rules.MIN_COUNT:
            total, hidden = None, set(figures.counts) - {k for k, n in figures.counts.items() if n == 0}
        late: list[LateOut] = []
        if names:
            for p, d in rows:
                if p["erased_at"] is not None:
                    continue
                person = PersonRef(p["id"], p["name"])
                if d.referred and rules.late_to_hu(d, today):
                    late.append(LateOut(person, "hu", ((d.hu or today) - d.referred).days, d.hu is None))
                if d.hu and rules.late_to_start(d, today):
                    late.append(LateOut(person, "start", ((d.start or today) - d.hu).days, d.start is None))
            late.sort(key=lambda x: (-x.days, nb_sort_key(x.participant.name)))
        out.append(
            OfficeWayIn(
                office_id=office,
                office_name=offices.get(office, ""),
                participants=total,
                counts={k: (None if k in hidden else n) for k, n in figures.counts.items()},
                suppressed=sorted(hidden),
                referral_to_hu=_spread(figures.to_hu, coarse),
                hu_to_start=_spread(figures.to_start, coarse),
                late=late,
            )
        )
    return WayInReport(
        start=first,
        end=last,
        office_id=office_id,
        hu_target_days=rules.HU_TARGET_DAYS,
        start_target_days=rules.START_TARGET_DAYS,
        min_count=rules.MIN_COUNT,
        names=names,
        offices=out,
    )


CSV_COUNTS = rules.COUNTS


def report_csv(report: WayInReport) -> str:
    """The report's figures as CSV, one line per office: counts (empty where held
    back) and the days between the steps. No names, whoever asks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    spread_columns = ("count", "median", "q1", "q3", "min", "max")
    writer.writerow(
        ["office_id", "office", "from", "to", "participants", *CSV_COUNTS]
        + [f"referral_to_hu_{c}" for c in spread_columns]
        + [f"hu_to_start_{c}" for c in spread_columns]
    )
    for office in report.offices:
        writer.writerow(
            [office.office_id, office.office_name, report.start, report.end, _cell(office.participants)]
            + [_cell(office.counts.get(k)) for k in CSV_COUNTS]
            + [_cell(getattr(office.referral_to_hu, c)) for c in spread_columns]
            + [_cell(getattr(office.hu_to_start, c)) for c in spread_columns]
        )
    return buffer.getvalue()


def _cell(value) -> str:
    return "" if value is None else str(value)
