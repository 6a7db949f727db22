"""Outcomes, the cohort summary (counts and rates, no names) and the warnings a leader
sees on their start page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort, CohortLeader
from course.db import write_transaction
from course.errors import N_, InvalidInput
from course.participants import policies, rules
from course.participants.common import PersonRef, lock_participant
from course.participants.enrolment import EnrolmentOut, enrolment_out, enrolment_row
from course.participants.roster import RosterRow, roster_of
from course.participants.tables import Enrolment, Outcome
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
