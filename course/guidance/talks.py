"""Reading talks through the talk scope, and the checks and the insert that booking
one talk and accepting a whole plan share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from course import clock
from course.accounts.schemas import Staff
from course.cohorts import schedule
from course.cohorts import services as cohorts
from course.db import lock
from course.errors import N_, NotFound
from course.guidance import policies
from course.guidance.clashes import raise_on_clash
from course.guidance.rules import HAS_TALKS, course_weeks
from course.guidance.tables import Talk
from course.participants.services import PersonRef
from course.participants.tables import Enrolment
from course.validation import as_id, check_line


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
    # When the participant confirmed the time on their own page (None: not confirmed).
    confirmed_at: datetime | None = None


async def cohort_for(staff: Staff, cohort_id: int) -> cohorts.CohortOut:
    """The cohort, if the caller may see its people and talks; otherwise NotFound."""
    return await cohorts.find_cohort(policies.cohort_scope(staff), cohort_id)


def talk_query():
    return Talk.select(*Talk.all_columns(), Talk.participant.name.as_alias("participant_name"))


async def talk_out(rows: list[dict]) -> list[TalkOut]:
    """Talks as the caller sees them in a list: whether there is a note, never the note."""
    names = await cohorts.staff_names([r["leader"] for r in rows])
    return [
        TalkOut(
            id=r["id"],
            cohort_id=r["cohort"],
            participant=PersonRef(r["participant"], r["participant_name"]),
            leader=PersonRef(r["leader"], names.get(r["leader"], "")),
            date=r["date"],
            start_time=cohorts.hhmm(r["start_time"]),
            end_time=cohorts.hhmm(r["end_time"]),
            location=r["location"],
            status=r["status"],
            has_note=bool(r["note"]),
            confirmed_at=r["confirmed_at"],
        )
        for r in rows
    ]


async def list_talks(staff: Staff, cohort_id: int) -> list[TalkOut]:
    cohort = await cohort_for(staff, cohort_id)
    rows = (
        await talk_query()
        .where(policies.talk_scope(staff), Talk.cohort == cohort.id)
        .order_by(Talk.date)
        .order_by(Talk.start_time)
    )
    return await talk_out(rows)


async def talk_row(staff: Staff, talk_id: int) -> tuple[dict, cohorts.CohortOut]:
    """The talk's row and its cohort, if the caller may see the talk; otherwise NotFound."""
    row = await talk_query().where(Talk.id == talk_id, policies.talk_scope(staff)).first()
    if row is None:
        raise NotFound
    return row, await cohort_for(staff, row["cohort"])


async def talks_by_id(staff: Staff, ids: list[int]) -> list[TalkOut]:
    """Talks the caller has just booked or changed, as the list shows them."""
    rows = (
        await talk_query()
        .where(Talk.id.is_in(ids or [0]), policies.talk_scope(staff))
        .order_by(Talk.date)
        .order_by(Talk.start_time)
    )
    return await talk_out(rows)


async def talk_without_note(staff: Staff, talk_id: int) -> TalkOut:
    """One talk as the list shows it: the note is neither read nor audited."""
    row, _ = await talk_row(staff, talk_id)
    return (await talk_out([row]))[0]


async def check_talk(
    cohort: cohorts.CohortOut,
    participant_id,
    leader_id,
    day_text,
    start_text,
    end_text,
    errors: dict[str, str],
    params: dict[str, dict],
    prefix: str = "",
) -> tuple[date | None, time | None, time | None]:
    """A talk's participant (on the cohort), leader (one of its leaders) and time
    (within its four weeks, not on a closed day); the errors go into ``errors``."""
    participant_id, leader_id = as_id(participant_id), as_id(leader_id)
    if not participant_id or not await Enrolment.exists().where(
        Enrolment.cohort == cohort.id,
        Enrolment.participant == participant_id,
        Enrolment.status.is_in(list(HAS_TALKS)),
        Enrolment.participant._.erased_at.is_null(),
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


def talk_location(value, default: str, errors: dict[str, str], key: str = "location") -> str:
    if value is None or not str(value).strip():
        return default
    return check_line(
        value,
        key,
        errors,
        N_("The location contains characters that are not allowed."),
        N_("Enter where the talk is held."),
        N_("The location can be at most 200 characters."),
    )


async def insert_talk(
    cohort: cohorts.CohortOut, participant: int, leader: int, day: date, start: time, end: time, location: str
) -> int:
    # Checked inside the write transaction, holding the leader's and the participant's
    # locks, so two bookings at once cannot both win.
    await lock(f"staff:{leader}", f"participant:{participant}")
    await raise_on_clash(day, start, end, leader, participant)
    now = clock.now()
    return (
        await Talk.insert(
            Talk(
                cohort=cohort.id,
                participant=participant,
                leader=leader,
                date=day,
                start_time=start,
                end_time=end,
                location=location,
                status="planned",
                note="",
                created_at=now,
                changed_at=now,
            )
        ).returning(Talk.id)
    )[0]["id"]
