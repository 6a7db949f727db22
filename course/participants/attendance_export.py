"""Attendance lists for stipend documentation (Ny retning: the individual stipend
depends on attendance): per cohort, or every cohort with sessions in a period of at
most a year, as JSON, CSV, XLSX or a PDF with a line for the leader's signature.

An export names people and how they attended, so it is a read of each one's data:
one audit event per person in it, written in one insert. Leaders of the office and
admins only, through the people scopes; managers see attendance rates in summaries."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from course import clock, pdf
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort, Session
from course.errors import N_, InvalidInput
from course.participants import policies, rules
from course.participants.common import staff_names
from course.participants.tables import Attendance, Enrolment
from course.validation import nb_sort_key
from course.web import formats
from course.web.spreadsheets import Column, describe, excel_csv

MAX_DAYS = 366  # a period of at most a year, both days included
FORMATS = ("json", "csv", "xlsx", "pdf")
# One letter a mark, as the PDF and the workbook show it (explained under the table).
MARK_LETTERS = {"present": N_("P (present)"), "absent": N_("A (absent)"), "excused": N_("E (excused)")}


@dataclass
class ExportSession:
    number: int
    date: date
    module: int
    module_name: str
    held: bool  # its day has come: marks count from then
    guest_leader: str = ""  # a guest leader from outside the team, "name, organisation"


@dataclass
class ExportRow:
    """One participant on a cohort: a mark for each session in the export (``present``,
    ``absent``, ``excused``, or null where none is registered), the totals, and the
    rate (present of registered sessions; null before any is registered)."""

    participant_id: int
    name: str
    status: str
    marks: list[str | None]
    present: int
    absent: int
    excused: int
    rate: float | None


@dataclass
class ExportCohort:
    id: int
    title: str
    variant: str
    office_id: int
    leaders: list[str]
    start_date: date
    end_date: date
    sessions: list[ExportSession]
    rows: list[ExportRow]


@dataclass
class AttendanceExport:
    """The cohorts in the export. ``start`` and ``end`` bound the sessions (null for
    a whole cohort)."""

    start: date | None
    end: date | None
    made_at: datetime
    made_by: str
    cohorts: list[ExportCohort] = field(default_factory=list)


def _day(value: str | None, key: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    return cohorts.parse_date(value, errors, key)


def check_period(cohort_id: int | None, start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """Either a cohort, or a period (both days) of at most a year; both together
    narrow the cohort to the period."""
    errors: dict[str, str] = {}
    first, last = _day(start, "from", errors), _day(end, "to", errors)
    if not errors:
        if cohort_id is None and (first is None or last is None):
            for key, day in (("from", first), ("to", last)):
                if day is None:
                    errors[key] = N_("Choose a cohort, or give the first and last day of the period.")
        elif (first is None) != (last is None):
            errors["to" if last is None else "from"] = N_("Give both the first and the last day of the period.")
        elif first and last and last < first:
            errors["to"] = N_("The last day cannot be before the first.")
        elif first and last and (last - first).days + 1 > MAX_DAYS:
            errors["to"] = N_("The period can be at most a year.")
    if errors:
        raise InvalidInput(errors)
    return first, last


def _chosen(staff: Staff, cohort_id: int | None, first: date | None, last: date | None) -> list:
    """Where-clauses for the cohorts of the export: the one asked for, or those not
    cancelled with a session in the period, of those the caller may see."""
    scope = policies.people_cohort_scope(staff)
    if cohort_id is not None:
        return [scope, Cohort.id == cohort_id]
    in_period = Session.select(Session.cohort).where(Session.date >= first, Session.date <= last)
    return [scope, Cohort.id.is_in(in_period), Cohort.cancelled_at.is_null()]


async def _cohorts(staff: Staff, cohort_id: int | None, first: date | None, last: date | None):
    if cohort_id is not None:
        return [await cohorts.find_cohort(policies.people_cohort_scope(staff), cohort_id)]
    where = _chosen(staff, cohort_id, first, last)
    rows = await Cohort.select().where(*where).order_by(Cohort.start_date)
    return await cohorts.load(rows, Cohort.select(Cohort.id).where(*where))


async def build(
    staff: Staff, cohort_id: int | None = None, start: str | None = None, end: str | None = None, fmt: str = "json"
) -> AttendanceExport:
    """The export, and one audit event for each person in it (in one insert for each
    office), saying which cohorts and which format."""
    first, last = check_period(cohort_id, start, end)
    chosen = await _cohorts(staff, cohort_id, first, last)
    today = clock.today()
    from course.web.i18n import gettext

    me = (await staff_names([staff.id])).get(staff.id, "")
    out = AttendanceExport(first, last, clock.now(), me)

    def chosen_ids():  # the same cohorts as a sub-select, never a list of their ids
        return Cohort.select(Cohort.id).where(*_chosen(staff, cohort_id, first, last))

    people = await Enrolment.select(
        Enrolment.cohort, Enrolment.participant, Enrolment.status, Enrolment.participant.name.as_alias("name")
    ).where(
        policies.enrolment_scope(staff),
        Enrolment.cohort.is_in(chosen_ids()),
        Enrolment.status.is_in(sorted(rules.ON_REGISTER)),
    )
    marks = {
        (m["cohort"], m["number"], m["participant"]): m["status"]
        for m in await Attendance.select(
            Attendance.session.cohort.as_alias("cohort"),
            Attendance.session.number.as_alias("number"),
            Attendance.participant,
            Attendance.status,
        ).where(
            policies.attendance_scope(staff),
            # By the sessions' ids, read through the marks' session index (by the session's cohort,
            # SQLite tried every pair of the scope's sessions and people: seconds over some years).
            Attendance.session.is_in(Session.select(Session.id).where(Session.cohort.is_in(chosen_ids()))),
        )
    }
    leader_names = await staff_names(i for c in chosen for i in c.leader_ids)
    for c in chosen:
        sessions = [
            ExportSession(s.number, s.date, s.module, gettext(s.module_name), s.date <= today, s.guest_leader)
            for s in c.sessions
            if s.status != "cancelled" and (first is None or first <= s.date <= last)
        ]
        rows = []
        for p in people:
            if p["cohort"] != c.id:
                continue
            row_marks = [marks.get((c.id, s.number, p["participant"])) for s in sessions]
            stats = rules.attendance_stats([m for m, s in zip(row_marks, sessions, strict=True) if s.held])
            rows.append(
                ExportRow(
                    p["participant"],
                    p["name"],
                    p["status"],
                    row_marks,
                    stats.present,
                    stats.absent,
                    stats.excused,
                    stats.rate,
                )
            )
        rows.sort(key=lambda r: nb_sort_key(r.name))
        out.cohorts.append(
            ExportCohort(
                c.id,
                c.title,
                c.variant,
                c.office_id,
                [leader_names.get(i, "") for i in c.leader_ids],
                c.start_date,
                c.end_date,
                sessions,
                rows,
            )
        )
    by_office: dict[int, dict[int, list[int]]] = {}
    for c in out.cohorts:
        for r in c.rows:
            by_office.setdefault(c.office_id, {}).setdefault(r.participant_id, []).append(c.id)
    for office_id, persons in by_office.items():
        await audit.record_many(
            audit.ATTENDANCE_EXPORTED,
            [(pid, {"cohorts": cohort_ids, "format": fmt}) for pid, cohort_ids in persons.items()],
            actor=staff.id,
            office=office_id,
        )
    return out


def file_name(export: AttendanceExport, ext: str) -> str:
    if export.start and len(export.cohorts) != 1:
        return f"oppmøte {export.start.isoformat()}–{export.end.isoformat() if export.end else ''}.{ext}"
    title = export.cohorts[0].title if export.cohorts else "kurs"
    safe = " ".join("".join(ch if ch.isalnum() or ch == "-" else " " for ch in title).split()) or "kurs"
    return f"oppmøte {safe}.{ext}"


def _inert(text: str) -> str:
    """A name a spreadsheet would take for a formula is quoted."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_COLUMNS = ("cohort_id", "cohort", "participant_id", "participant", "session", "date", "status")


def to_csv(export: AttendanceExport) -> str:
    """One line per participant and session, for other systems: the mark's code, empty
    where none is registered."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in export.cohorts:
        for r in c.rows:
            for s, mark in zip(c.sessions, r.marks, strict=True):
                writer.writerow(
                    [c.id, _inert(c.title), r.participant_id, _inert(r.name), s.number, s.date.isoformat(), mark or ""]
                )
    return out.getvalue()


EXCEL_COLUMNS = (
    Column("cohort_id", N_("Cohort no."), "number"),
    Column("cohort", N_("Cohort")),
    Column("participant_id", N_("Participant no."), "number"),
    Column("participant", N_("Participant")),
    Column("session", N_("Session"), "number"),
    Column("date", N_("Date"), "date"),
    Column("status", N_("Status")),
)


def to_excel_csv(export: AttendanceExport, gettext: Callable[[str], str]) -> bytes:
    """The same lines as ``to_csv`` for Norwegian Excel: Norwegian headings, dates as
    dd.mm.yyyy, the mark in words."""
    return excel_csv(
        EXCEL_COLUMNS,
        (
            [c.id, c.title, r.participant_id, r.name, s.number, s.date, gettext(MARK_LETTERS[mark]) if mark else ""]
            for c in export.cohorts
            for r in c.rows
            for s, mark in zip(c.sessions, r.marks, strict=True)
        ),
        gettext,
    )


HEADER_FILL = PatternFill("solid", fgColor="0B5A6B")


def _rate(rate: float | None) -> str:
    return formats.percent(rate)


def to_xlsx(export: AttendanceExport, gettext: Callable[[str], str]) -> bytes:
    """A sheet per cohort: a row per participant, a column per session, then the totals."""
    book = Workbook()
    if export.start and len(export.cohorts) != 1:
        about = f"{export.start:%d.%m.%Y}–{export.end:%d.%m.%Y}" if export.end else f"{export.start:%d.%m.%Y}"
    else:
        about = export.cohorts[0].title if export.cohorts else ""
    describe(book, f"{gettext('Attendance')}: {about}" if about else gettext("Attendance"))
    book.remove(book.active)
    names: set[str] = set()
    for c in export.cohorts:
        name = "".join(ch for ch in c.title if ch not in "[]:*?/\\")[:28] or gettext("Cohort")
        while name in names:
            name = f"{name[:24]} {c.id}"
        names.add(name)
        sheet = book.create_sheet(name)
        sheet.append([_inert(c.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(
            [
                gettext("Participant"),
                *(s.date for s in c.sessions),
                gettext("Present"),
                gettext("Absent"),
                gettext("Excused"),
                gettext("Attendance rate"),
            ]
        )
        for cell in sheet[2]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
            if isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
        for r in c.rows:
            sheet.append(
                [
                    _inert(r.name),
                    *(gettext(MARK_LETTERS[m]) if m else "" for m in r.marks),
                    r.present,
                    r.absent,
                    r.excused,
                    r.rate,
                ]
            )
            sheet.cell(sheet.max_row, len(c.sessions) + 5).number_format = "0 %"
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.data_type = "s"
        sheet.append([])
        sheet.append([gettext("P = present, A = absent, E = excused absence, empty = not registered.")])
        sheet.freeze_panes = "B3"
        sheet.column_dimensions["A"].width = 32
        for index in range(2, len(c.sessions) + 6):
            sheet.column_dimensions[get_column_letter(index)].width = 11
    if not export.cohorts:
        book.create_sheet(gettext("Attendance")).append([gettext("No cohorts in the period.")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_html(export: AttendanceExport) -> str:
    from course.web.layout import environment

    return environment().get_template("pdf/attendance.html").render(export=export, letters=MARK_LETTERS, rate=_rate)


async def to_pdf(export: AttendanceExport) -> bytes:
    return await pdf.render(to_html(export))


def default_period(today: date) -> tuple[date, date]:
    """The period the form suggests: the last four weeks."""
    return today - timedelta(days=27), today
