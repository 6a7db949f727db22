"""The cohort's participants, attendance and talks together: one row per enrolment,
with the warnings that call for follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort
from course.errors import N_, NotFound
from course.participants import hooks, policies, rules
from course.participants.common import PersonRef, people_cohort, staff_names
from course.participants.tables import Attendance, Enrolment, Outcome
from course.validation import nb_sort_key

# An erased participant's row stays on the cohort, so its counts do not change; it
# shows this in place of the name.
ERASED_NAME = N_("Erased participant")


@dataclass
class AttendanceOut:
    present: int
    absent: int
    excused: int
    rate: float | None
    missed_in_a_row: bool


@dataclass
class TalkCounts:
    booked: int
    held: int


@dataclass
class Warning:
    code: str  # missed_twice | few_talks_booked | few_talks_held
    message: str
    params: dict
    text: str = ""

    def __post_init__(self) -> None:
        self.text = self.message % self.params


@dataclass
class RosterRow:
    enrolment_id: int
    participant: PersonRef
    primary_contact: PersonRef
    status: str
    reason: str
    waiting_position: int | None
    attendance: AttendanceOut
    talks: TalkCounts
    outcome: str | None
    outcome_date: date | None
    warnings: list[Warning]
    erased: bool = False  # the person is erased: no name, still counted


async def roster(staff: Staff, cohort_id: int, cohort: cohorts.CohortOut | None = None) -> list[RosterRow]:
    """Everyone on the cohort, with attendance, talks, outcome and warnings. A page that
    has read the cohort already (through the cohorts' scope) passes it: then only the
    people scope is asked, and the cohort is not read again."""
    if cohort is None or cohort.id != cohort_id:
        return await roster_of(await people_cohort(staff, cohort_id))
    if not await Cohort.exists().where(policies.people_cohort_scope(staff), Cohort.id == cohort_id):
        raise NotFound
    return await roster_of(cohort)


async def export_roster(staff: Staff, cohort_id: int) -> list[RosterRow]:
    """The roster handed to another program (the API): each person on it is read, with
    their reasons, attendance and outcome, so each gets an event in the audit log,
    written in one insert. A page showing the roster on screen is a list and records nothing."""
    cohort = await people_cohort(staff, cohort_id)
    rows = await roster_of(cohort)
    await audit.record_many(
        audit.ROSTER_EXPORTED,
        [(r.participant.id, {"cohort": cohort_id}) for r in rows if not r.erased],
        actor=staff.id,
        office=cohort.office_id,
    )
    return rows


async def roster_of(cohort: cohorts.CohortOut) -> list[RosterRow]:
    """The roster of a cohort the caller has read through a scope: the people scope
    for the rows themselves, the cohorts' own scope for the summary made of them."""
    rows = await Enrolment.select(
        *Enrolment.all_columns(),
        Enrolment.participant.name.as_alias("name"),
        Enrolment.participant.primary_contact.as_alias("contact"),
        Enrolment.participant.erased_at.as_alias("erased_at"),
    ).where(Enrolment.cohort == cohort.id)
    if not rows:
        return []
    day = clock.today()
    held = [s.number for s in cohort.sessions if s.status != "cancelled" and s.date <= day]
    marks = await Attendance.select(
        Attendance.session.number.as_alias("number"), Attendance.participant, Attendance.status
    ).where(Attendance.session.cohort == cohort.id)
    mark = {(m["number"], m["participant"]): m["status"] for m in marks}
    talks = await hooks.cohort_talk_statuses(cohort.id)
    outcomes = {o["enrolment"]: o for o in await Outcome.select().where(Outcome.enrolment.cohort == cohort.id)}
    names = await staff_names(r["contact"] for r in rows)
    waiting = sorted((r for r in rows if r["status"] == "waiting"), key=lambda r: (r["created_at"], r["id"]))
    course_over = cohort.status == "finished"
    from course.web.i18n import gettext

    erased_name = gettext(ERASED_NAME)
    out = []
    for r in rows:
        stats = rules.attendance_stats([mark.get((number, r["participant"])) for number in held])
        own = [status for participant, status in talks if participant == r["participant"]]
        counts = TalkCounts(booked=sum(s in ("planned", "held") for s in own), held=own.count("held"))
        warnings = []
        if r["status"] in ("enrolled", "completed"):
            if stats.missed_in_a_row:
                warnings.append(Warning("missed_twice", N_("Missed two sessions in a row."), {}))
            message = rules.talk_warning(counts.booked, counts.held, course_over)
            if message and cohort.status != "cancelled":
                warnings.append(
                    Warning(
                        "few_talks_held" if course_over else "few_talks_booked",
                        message,
                        {"count": counts.held if course_over else counts.booked, "needed": rules.TALKS_NEEDED},
                    )
                )
        outcome = outcomes.get(r["id"])
        out.append(
            RosterRow(
                enrolment_id=r["id"],
                participant=PersonRef(r["participant"], erased_name if r["erased_at"] else r["name"]),
                primary_contact=PersonRef(r["contact"], names.get(r["contact"], "")),
                status=r["status"],
                reason=r["reason"],
                waiting_position=waiting.index(r) + 1 if r in waiting else None,
                attendance=AttendanceOut(stats.present, stats.absent, stats.excused, stats.rate, stats.missed_in_a_row),
                talks=counts,
                outcome=outcome["kind"] if outcome else None,
                outcome_date=outcome["date"] if outcome else None,
                warnings=warnings,
                erased=r["erased_at"] is not None,
            )
        )
    order = {s: i for i, s in enumerate(rules.STATUSES)}
    return sorted(out, key=lambda x: (order[x.status], nb_sort_key(x.participant.name)))
