"""Outcomes, the cohort summary (counts and rates, no names) and the warnings a leader
sees on their start page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from piccolo.query.methods.select import Select

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import policies as cohort_policies
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort, CohortLeader, Session
from course.db import write_transaction
from course.errors import N_, InvalidInput
from course.participants import policies, rules
from course.participants.common import PersonRef, lock_participant
from course.participants.enrolment import EnrolmentOut, enrolment_out, enrolment_row
from course.participants.roster import RosterRow, roster_of
from course.participants.tables import Attendance, CategoryChange, Enrolment, FollowUp, Outcome
from course.validation import has_control_chars


async def set_outcome(staff: Staff, enrolment_id: int, kind: str, day: str, note: str = "") -> EnrolmentOut:
    row, cohort = await enrolment_row(staff, enrolment_id)
    errors: dict[str, str] = {}
    if kind not in rules.OUTCOMES:
        errors["kind"] = N_("Choose one of: %(choices)s.")
    when = cohorts.parse_date(day, errors, "date")
    if when and when < cohort.start_date:
        errors["date"] = N_("The outcome date cannot be before the cohort started.")
    text = str(note or "").strip()
    if has_control_chars(text.replace("\n", " ")) or len(text) > 2000:
        errors["note"] = N_("The note can be at most 2,000 characters.")
    if row["status"] in ("waiting", "withdrawn", "invited"):
        errors["kind"] = N_("An outcome is recorded for those who were enrolled.")
    if errors:
        raise InvalidInput(errors, {"kind": {"choices": ", ".join(rules.OUTCOMES)}})
    at = clock.utc_now()
    async with write_transaction():
        await lock_participant(staff, row["participant"], f"enrolment:{enrolment_id}")
        updated = (
            await Outcome.update(
                {
                    Outcome.kind: kind,
                    Outcome.date: when,
                    Outcome.note: text,
                    Outcome.changed_by: staff.id,
                    Outcome.changed_at: at,
                }
            )
            .where(policies.outcome_scope(staff), Outcome.enrolment == enrolment_id)
            .returning(Outcome.id)
        )
        if not updated:
            await Outcome.insert(
                Outcome(enrolment=enrolment_id, kind=kind, date=when, note=text, changed_by=staff.id, changed_at=at)
            )
        # That an outcome was recorded, not which: the kind can say a great deal about a person.
        await audit.record(
            audit.OUTCOME_SET,
            actor=staff.id,
            office=cohort.office_id,
            participant=row["participant"],
            details={"enrolment": enrolment_id},
        )
    return await enrolment_out(staff, enrolment_id)


@dataclass
class CohortSummary:
    cohort_id: int
    title: str
    status: str
    capacity: int
    statuses: dict[str, int]
    participants: int  # everyone who was enrolled: enrolled, completed or dropped out
    attendance_rate: float | None
    talks_held: int
    talks_per_participant: float | None
    with_warnings: int
    outcomes: dict[str, int]


async def cohort_summary(staff: Staff, cohort_id: int) -> CohortSummary:
    """Counts and rates only: managers may read this, so it holds no names, and the
    cohort is read through the cohorts' own scope."""
    cohort = await cohorts.get_cohort(staff, cohort_id)
    return summarise(cohort, await roster_of(cohort))


def summarise(cohort: cohorts.CohortOut, rows: list[RosterRow]) -> CohortSummary:
    """The summary of a cohort from its roster, already read."""
    counted = [r for r in rows if r.status in rules.ON_REGISTER]
    statuses = {s: sum(r.status == s for r in rows) for s in rules.STATUSES}
    held = sum(r.talks.held for r in counted)
    return CohortSummary(
        cohort_id=cohort.id,
        title=cohort.title,
        status=cohort.status,
        capacity=cohort.capacity,
        statuses=statuses,
        participants=len(counted),
        attendance_rate=rules.cohort_rate(
            rules.AttendanceStats(r.attendance.present, r.attendance.absent, r.attendance.excused, None, False)
            for r in counted
        ),
        talks_held=held,
        talks_per_participant=held / len(counted) if counted else None,
        with_warnings=sum(bool(r.warnings) for r in counted),
        outcomes=rules.outcome_counts(r.outcome for r in counted + [x for x in rows if x.status == "no_show"]),
    )


@dataclass
class WarningOut:
    cohort_id: int
    cohort_title: str
    participant: PersonRef
    code: str  # missed_twice | few_talks_booked | few_talks_held
    message: str  # the message id, for translating; ``text`` has the parameters filled in
    params: dict
    text: str = ""

    def __post_init__(self) -> None:
        self.text = self.message % self.params


async def warnings_for(staff: Staff) -> list[WarningOut]:
    """Warnings for the cohorts the caller leads and the participants they are
    primary contact for: running cohorts and those that ended in the last 30 days."""
    day = clock.today()
    led = CohortLeader.select(CohortLeader.cohort).where(CohortLeader.leader == staff.id)
    contact_of = Enrolment.select(Enrolment.cohort).where(Enrolment.participant.primary_contact == staff.id)
    rows = (
        await Cohort.select()
        .where(
            policies.people_cohort_scope(staff),
            # Cohorts that started within the last ten weeks: running, or ended within about a month.
            Cohort.start_date >= day - timedelta(weeks=10),
            Cohort.id.is_in(led) | Cohort.id.is_in(contact_of),
        )
        .order_by(Cohort.start_date)
    )
    out: list[WarningOut] = []
    for cohort in await cohorts.load(rows):
        if cohort.status not in ("running", "finished") or cohort.end_date < day - timedelta(days=30):
            continue
        leads = staff.id in cohort.leader_ids
        for row in await roster_of(cohort):
            if row.erased or (not leads and row.primary_contact.id != staff.id):
                continue
            for w in row.warnings:
                out.append(WarningOut(cohort.id, cohort.title, row.participant, w.code, w.message, w.params))
    return out


# --- facts for the outcome report (no names) ----------------------------------------------

# Who the outcome report counts: those on the register (who took part) and those who did
# not show (their outcome is "did not show").
COUNTED = frozenset(rules.ON_REGISTER | {"no_show"})


@dataclass(frozen=True)
class OutcomeFact:
    """One enrolment on a cohort, for counting: never a name, and the participant's
    id only so that later domains can add their own counts (talks held)."""

    cohort_id: int
    participant_id: int
    took_part: bool  # on the register: enrolled, completed or dropped out
    end: str | None  # the outcome at the end of the course
    at_3m: str | None
    at_6m: str | None
    present: int
    absent: int
    excused: int
    category_start: int | None  # the follow-up category in force on the cohort's first day
    category_end: int | None  # and on its last


def category_on(changes: Sequence[tuple[date, int]], day: date) -> int | None:
    """The category in force at the end of ``day``, from (day, category) changes in
    the order they were made."""
    found = None
    for changed, category in changes:
        if changed <= day:
            found = category
    return found


async def outcome_facts(staff: Staff, chosen: Sequence[cohorts.CohortOut], within: Select) -> list[OutcomeFact]:
    """The counted enrolments of the given cohorts, as far as the caller may see the
    cohorts at all (``cohort_scope``: managers their office, as for the cohort
    summary): outcomes at the end and at 3 and 6 months, attendance marks, and the
    category at the start and end. Erased participants still count: what stays of
    them names no one.

    ``within`` is a sub-select of cohort ids holding every chosen cohort (the query
    they were chosen by): the queries read through it rather than a list of ids,
    however many cohorts there are, and leave out the cohorts not chosen."""
    if not chosen:
        return []
    by_id = {c.id: c for c in chosen}
    visible = Cohort.select(Cohort.id).where(cohort_policies.cohort_scope(staff), Cohort.id.is_in(within))
    rows = [
        r
        for r in await Enrolment.select(Enrolment.id, Enrolment.cohort, Enrolment.participant, Enrolment.status).where(
            Enrolment.cohort.is_in(visible), Enrolment.status.is_in(sorted(COUNTED))
        )
        if r["cohort"] in by_id
    ]
    if not rows:
        return []
    counted = Enrolment.select(Enrolment.id).where(
        Enrolment.cohort.is_in(visible), Enrolment.status.is_in(sorted(COUNTED))
    )
    ends = {
        r["enrolment"]: r["kind"]
        for r in await Outcome.select(Outcome.enrolment, Outcome.kind).where(Outcome.enrolment.is_in(counted))
    }
    later: dict[tuple[int, str], str] = {
        (r["enrolment"], r["point"]): r["kind"]
        for r in await FollowUp.select(FollowUp.enrolment, FollowUp.point, FollowUp.kind).where(
            FollowUp.enrolment.is_in(counted)
        )
    }
    marks: dict[tuple[int, int], dict[str, int]] = {}
    for r in await Attendance.select(
        Attendance.session.cohort.as_alias("cohort"), Attendance.participant, Attendance.status
    ).where(Attendance.session.is_in(Session.select(Session.id).where(Session.cohort.is_in(visible)))):
        tally = marks.setdefault((r["cohort"], r["participant"]), {})
        tally[r["status"]] = tally.get(r["status"], 0) + 1
    changes: dict[int, list[tuple[date, int]]] = {}
    for r in (
        await CategoryChange.select(CategoryChange.participant, CategoryChange.category, CategoryChange.changed_at)
        .where(
            CategoryChange.participant.is_in(
                Enrolment.select(Enrolment.participant).where(
                    Enrolment.cohort.is_in(visible), Enrolment.status.is_in(sorted(COUNTED))
                )
            )
        )
        .order_by(CategoryChange.changed_at, CategoryChange.id)
    ):
        changes.setdefault(r["participant"], []).append((r["changed_at"].astimezone(clock.OSLO).date(), r["category"]))
    facts = []
    for r in rows:
        cohort = by_id[r["cohort"]]
        tally = marks.get((r["cohort"], r["participant"]), {})
        history = changes.get(r["participant"], [])
        facts.append(
            OutcomeFact(
                cohort_id=r["cohort"],
                participant_id=r["participant"],
                took_part=r["status"] in rules.ON_REGISTER,
                end=ends.get(r["id"]),
                at_3m=later.get((r["id"], "3m")),
                at_6m=later.get((r["id"], "6m")),
                present=tally.get("present", 0),
                absent=tally.get("absent", 0),
                excused=tally.get("excused", 0),
                category_start=category_on(history, cohort.start_date),
                category_end=category_on(history, cohort.end_date),
            )
        )
    return facts
