"""The attendance register of one session, and marking a participant on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from course import clock
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts.tables import Cohort, Session
from course.db import write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.participants import hooks, policies, rules
from course.participants.common import lock_participant, people_cohort
from course.participants.tables import Attendance, Enrolment
from course.validation import has_control_chars, nb_sort_key


@dataclass
class RegisterRow:
    participant_id: int
    name: str
    status: str | None
    note: str
    # The participant said on their own page that they cannot come (excused, the note
    # their reason), and no staff member has recorded anything since.
    reported_by_participant: bool = False


@dataclass
class RegisterOut:
    cohort_id: int
    number: int
    date: date
    module_name: str
    session_status: str
    can_register: bool
    rows: list[RegisterRow]


async def _session(staff: Staff, cohort_id: int, number: int) -> tuple[int, int]:
    """The session's id and its cohort's office."""
    row = (
        await Session.select(Session.id, Session.cohort._.office)
        .where(
            Session.cohort.is_in(Cohort.select(Cohort.id).where(policies.people_cohort_scope(staff))),
            Session.cohort == cohort_id,
            Session.number == number,
        )
        .first()
    )
    if row is None:
        raise NotFound
    return row["id"], row["cohort.office"]


async def register(staff: Staff, cohort_id: int, number: int) -> RegisterOut:
    cohort = await people_cohort(staff, cohort_id)
    session = next((s for s in cohort.sessions if s.number == number), None)
    if session is None:
        raise NotFound
    session_id, _office = await _session(staff, cohort_id, number)
    people = await Enrolment.select(Enrolment.participant, Enrolment.participant.name.as_alias("name")).where(
        policies.enrolment_scope(staff),
        Enrolment.cohort == cohort_id,
        Enrolment.status.is_in(sorted(rules.ON_REGISTER)),
    )
    marks = {
        m["participant"]: m
        for m in await Attendance.select().where(policies.attendance_scope(staff), Attendance.session == session_id)
    }
    rows = [
        RegisterRow(
            p["participant"],
            p["name"],
            marks.get(p["participant"], {}).get("status"),
            marks.get(p["participant"], {}).get("note", ""),
            marks.get(p["participant"], {}).get("source") == "participant",
        )
        for p in people
    ]
    return RegisterOut(
        cohort_id=cohort_id,
        number=number,
        date=session.date,
        module_name=session.module_name,
        session_status=session.status,
        can_register=session.status != "cancelled" and session.date <= clock.today(),
        rows=sorted(rows, key=lambda r: nb_sort_key(r.name)),
    )


async def mark_attendance(
    staff: Staff, cohort_id: int, number: int, participant_id, status: str, note: str = ""
) -> RegisterRow:
    """Present, absent or excused (with a note) for one participant at one session;
    saving again replaces the earlier mark."""
    sheet = await register(staff, cohort_id, number)
    errors: dict[str, str] = {}
    row = next((r for r in sheet.rows if r.participant_id == participant_id), None)
    if row is None:
        raise NotFound
    if status not in rules.ATTENDANCE:
        errors["status"] = N_("Choose present, absent or excused.")
    text = " ".join(str(note or "").split())
    if has_control_chars(text) or len(text) > 500:
        errors["note"] = N_("The note can be at most 500 characters.")
    elif status == "excused" and not text:
        errors["note"] = N_("Write why the absence is excused.")
    if sheet.session_status == "cancelled":
        errors["session"] = N_("The session is cancelled.")
    elif sheet.date > clock.today():
        errors["session"] = N_("Attendance can be registered from the day of the session.")
    if errors:
        raise InvalidInput(errors)
    session_id, office_id = await _session(staff, cohort_id, number)
    at = clock.utc_now()
    async with write_transaction():
        await lock_participant(staff, participant_id, f"attendance:{session_id}:{participant_id}")
        updated = (
            await Attendance.update(
                {
                    Attendance.status: status,
                    Attendance.note: text,
                    Attendance.recorded_by: staff.id,
                    Attendance.recorded_at: at,
                    Attendance.source: "staff",
                }
            )
            .where(
                policies.attendance_scope(staff),
                Attendance.session == session_id,
                Attendance.participant == participant_id,
            )
            .returning(Attendance.id)
        )
        if not updated:
            await Attendance.insert(
                Attendance(
                    session=session_id,
                    participant=participant_id,
                    status=status,
                    note=text,
                    recorded_by=staff.id,
                    recorded_at=at,
                    source="staff",
                )
            )
        await audit.record(
            audit.ATTENDANCE_MARKED,
            actor=staff.id,
            participant=participant_id,
            office=office_id,
            details={"cohort": cohort_id, "session": number},
        )
        if status == "absent":
            for second in await _missed_twice_with(cohort_id, session_id, participant_id):
                await hooks.missed_twice(participant_id, cohort_id, second)
    return RegisterRow(participant_id, row.name, status, text)


async def _missed_twice_with(cohort_id: int, session_id: int, participant_id: int) -> list[int]:
    """The second session of each pair of sessions held in a row, one of them this
    one, that the participant (enrolled or completed, as the roster's warning has it)
    missed both of, by the roster's rule."""
    enrolment = (
        await Enrolment.select(Enrolment.status)
        .where(Enrolment.cohort == cohort_id, Enrolment.participant == participant_id)
        .first()
    )
    if enrolment is None or enrolment["status"] not in ("enrolled", "completed"):
        return []
    held = await (
        Session.select(Session.id)
        .where(Session.cohort == cohort_id, Session.cancelled_at.is_null(), Session.date <= clock.today())
        .order_by(Session.number)
    )
    ids = [s["id"] for s in held]
    if session_id not in ids:
        return []
    marks = {
        m["session"]: m["status"]
        for m in await Attendance.select(Attendance.session, Attendance.status).where(
            Attendance.participant == participant_id, Attendance.session.is_in(ids)
        )
    }
    at = ids.index(session_id)
    pairs = [ids[i : i + 2] for i in (at - 1, at) if i >= 0 and i + 1 < len(ids)]
    return [pair[1] for pair in pairs if rules.attendance_stats([marks.get(i) for i in pair]).missed_in_a_row]
