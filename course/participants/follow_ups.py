"""Follow-ups at 3 and 6 months after the course: where the young person is then
(date, kind, note, who), one per enrolment and point, and the leader's list of
follow-ups due. Read and written through ``enrolment_scope``, so another office's
enrolment answers 404 and a manager reaches none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort, Session
from course.db import write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.participants import follow_up_rules, policies, rules
from course.participants.common import PersonRef, lock_participant, staff_names
from course.participants.enrolment import enrolment_row
from course.participants.tables import Enrolment, FollowUp
from course.validation import has_control_chars

# Those followed up: the participants who took part in the course.
FOLLOWED_UP = frozenset(rules.ON_REGISTER)
NOTE_LIMIT = 2000
DUE_LIMIT = 20


@dataclass
class FollowUpOut:
    point: str  # 3m | 6m
    kind: str  # one of rules.OUTCOMES
    date: date
    note: str
    changed_by: PersonRef
    changed_at: datetime


@dataclass
class DueOut:
    point: str
    due_on: date
    overdue: bool
    days: int  # days since due_on


@dataclass
class FollowUpsOut:
    enrolment_id: int
    cohort_id: int
    cohort_end: date
    may_follow_up: bool  # the participant took part, and the cohort has ended
    follow_ups: list[FollowUpOut]  # in the order of the points, only those recorded
    due: DueOut | None  # the point to follow up now, if any


def _point(point: str) -> str:
    if point not in follow_up_rules.POINTS:
        raise NotFound
    return point


async def _read(staff: Staff, row: dict, cohort: cohorts.CohortOut) -> FollowUpsOut:
    enrolment_id = row["id"]
    found = await FollowUp.select().where(policies.follow_up_scope(staff), FollowUp.enrolment == enrolment_id)
    found.sort(key=lambda r: follow_up_rules.POINTS.index(r["point"]))
    names = await staff_names(r["changed_by"] for r in found)
    today = clock.today()
    may = row["status"] in FOLLOWED_UP and cohort.status == "finished"
    due = follow_up_rules.due_point(cohort.end_date, today, [r["point"] for r in found]) if may else None
    return FollowUpsOut(
        enrolment_id=enrolment_id,
        cohort_id=cohort.id,
        cohort_end=cohort.end_date,
        may_follow_up=may,
        follow_ups=[
            FollowUpOut(
                r["point"],
                r["kind"],
                r["date"],
                r["note"],
                PersonRef(r["changed_by"], names.get(r["changed_by"], "")),
                r["changed_at"],
            )
            for r in found
        ],
        due=DueOut(due.point, due.due_on, due.overdue, due.days) if due else None,
    )


async def follow_ups(staff: Staff, enrolment_id: int) -> FollowUpsOut:
    """An enrolment's follow-ups with their notes; the read goes to the audit log."""
    row, cohort = await enrolment_row(staff, enrolment_id)
    out = await _read(staff, row, cohort)
    await audit.read(
        audit.FOLLOW_UPS_READ,
        actor=staff.id,
        participant=row["participant"],
        office=cohort.office_id,
        details={"enrolment": enrolment_id},
    )
    return out


async def set_follow_up(
    staff: Staff, enrolment_id: int, point: str, kind: str, day: str, note: str = ""
) -> FollowUpsOut:
    """Record or change the follow-up at a point. Refused, naming the field, for a
    kind outside the report's lists, a date before the cohort ended or in the
    future, a long note, or someone who did not take part."""
    point = _point(point)
    row, cohort = await enrolment_row(staff, enrolment_id)
    errors: dict[str, str] = {}
    params: dict[str, dict] = {}
    if kind not in rules.OUTCOMES:
        errors["kind"] = N_("Choose one of: %(choices)s.")
        params["kind"] = {"choices": ", ".join(rules.OUTCOMES)}
    when = cohorts.parse_date(day, errors, "date")
    if when and when < cohort.end_date:
        errors["date"] = N_("The follow-up date cannot be before the cohort ended (%(day)s).")
        params["date"] = {"day": cohort.end_date.strftime("%d.%m.%Y")}
    elif when and when > clock.today():
        errors["date"] = N_("The date cannot be in the future.")
    text = str(note or "").strip()
    if has_control_chars(text.replace("\n", " ")) or len(text) > NOTE_LIMIT:
        errors["note"] = N_("The note can be at most 2,000 characters.")
    if row["status"] not in FOLLOWED_UP:
        errors["kind"] = N_("A follow-up is recorded for those who took part in the course.")
        params.pop("kind", None)
    if errors:
        raise InvalidInput(errors, params)
    at = clock.utc_now()
    async with write_transaction():
        await lock_participant(staff, row["participant"], f"enrolment:{enrolment_id}")
        before = (
            await FollowUp.select()
            .where(policies.follow_up_scope(staff), FollowUp.enrolment == enrolment_id, FollowUp.point == point)
            .first()
        )
        values = {"kind": kind, "date": when, "note": text}
        if before:
            changed = sorted(k for k, v in values.items() if before[k] != v)
            await FollowUp.update(
                {
                    FollowUp.kind: kind,
                    FollowUp.date: when,
                    FollowUp.note: text,
                    FollowUp.changed_by: staff.id,
                    FollowUp.changed_at: at,
                }
            ).where(policies.follow_up_scope(staff), FollowUp.id == before["id"])
        else:
            changed = sorted(values)
            await FollowUp.insert(
                FollowUp(
                    enrolment=enrolment_id,
                    point=point,
                    kind=kind,
                    date=when,
                    note=text,
                    changed_by=staff.id,
                    changed_at=at,
                )
            )
        # Which fields, never their values: the kind says a great deal about a person.
        await audit.record(
            audit.FOLLOW_UP_SET,
            actor=staff.id,
            office=cohort.office_id,
            participant=row["participant"],
            details={"enrolment": enrolment_id, "point": point, "fields": changed},
        )
    return await _read(staff, row, cohort)


async def delete_follow_up(staff: Staff, enrolment_id: int, point: str) -> None:
    """Remove the follow-up at a point; NotFound when there is none."""
    point = _point(point)
    row, cohort = await enrolment_row(staff, enrolment_id)
    async with write_transaction():
        await lock_participant(staff, row["participant"], f"enrolment:{enrolment_id}")
        gone = (
            await FollowUp.delete()
            .where(policies.follow_up_scope(staff), FollowUp.enrolment == enrolment_id, FollowUp.point == point)
            .returning(FollowUp.id)
        )
        if not gone:
            raise NotFound
        await audit.record(
            audit.FOLLOW_UP_DELETED,
            actor=staff.id,
            office=cohort.office_id,
            participant=row["participant"],
            details={"enrolment": enrolment_id, "point": point},
        )


# --- the leader's list of follow-ups due ------------------------------------------------


@dataclass
class DueFollowUp:
    enrolment_id: int
    participant: PersonRef
    cohort_id: int
    cohort_title: str
    cohort_end: date
    point: str
    due_on: date
    overdue: bool
    days: int  # days since due_on


@dataclass
class DueList:
    follow_ups: list[DueFollowUp]  # oldest first, at most ``limit``
    total: int  # how many are due in all
    more: int  # total minus those listed


async def due_follow_ups(staff: Staff, limit: int = DUE_LIMIT) -> DueList:
    """The follow-ups due for the enrolments the caller may see (a leader their
    office's, an admin all, a manager none), the longest due first. Only cohorts whose
    last session falls in ``end_window`` can have one due; they are found through the
    sessions' date index, so the cost does not grow with the years of history."""
    today = clock.today()
    earliest, latest = follow_up_rules.end_window(today)
    in_window = Session.select(Session.cohort).where(
        Session.date >= earliest, Session.date <= latest, Session.cancelled_at.is_null()
    )
    where = [policies.people_cohort_scope(staff), Cohort.cancelled_at.is_null(), Cohort.id.is_in(in_window)]
    read = await cohorts.load(await Cohort.select().where(*where), Cohort.select(Cohort.id).where(*where))
    ended = {c.id: c for c in read if earliest <= c.end_date <= latest}
    if not ended:
        return DueList([], 0, 0)

    def followed_up(*columns):  # the enrolments of the cohorts read: by sub-select, never by a list of ids
        return Enrolment.select(*columns).where(
            policies.enrolment_scope(staff),
            Enrolment.cohort.is_in(Cohort.select(Cohort.id).where(*where)),
            Enrolment.status.is_in(sorted(FOLLOWED_UP)),
        )

    # Of those, the ones whose cohort ended in the window.
    enrolments = [
        e
        for e in await followed_up(
            Enrolment.id, Enrolment.cohort, Enrolment.participant, Enrolment.participant.name.as_alias("name")
        )
        if e["cohort"] in ended
    ]
    recorded: dict[int, list[str]] = {}
    if enrolments:
        for r in await FollowUp.select(FollowUp.enrolment, FollowUp.point).where(
            policies.follow_up_scope(staff), FollowUp.enrolment.is_in(followed_up(Enrolment.id))
        ):
            recorded.setdefault(r["enrolment"], []).append(r["point"])
    due: list[DueFollowUp] = []
    for e in enrolments:
        cohort = ended[e["cohort"]]
        point = follow_up_rules.due_point(cohort.end_date, today, recorded.get(e["id"], ()))
        if point:
            due.append(
                DueFollowUp(
                    e["id"],
                    PersonRef(e["participant"], e["name"]),
                    cohort.id,
                    cohort.title,
                    cohort.end_date,
                    point.point,
                    point.due_on,
                    point.overdue,
                    point.days,
                )
            )
    due.sort(key=lambda d: (d.due_on, d.cohort_id, d.participant.name, d.enrolment_id))
    return DueList(due[:limit], len(due), max(0, len(due) - limit))
