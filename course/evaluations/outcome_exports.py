"""The outcome report as CSV and XLSX: only what the report shows, so a hidden count
is empty in a file too (with ``suppressed`` true). No names: there are none to give.

CSV is for other systems: one row per figure, codes as in the JSON. CSV for Excel
has the same rows for Norwegian Excel: Norwegian headings and labels, decimal commas,
the attendance rate as a percentage. XLSX is for people: Norwegian headings and
labels, numbers as numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from course.errors import N_
from course.evaluations.outcome_reporting import OutcomeReport
from course.web import formats
from course.web.spreadsheets import Column, describe, excel_csv

COLUMNS = ("section", "point", "key", "group", "total", "count", "suppressed", "value")


def rows(report: OutcomeReport) -> Iterator[list]:
    yield ["summary", "", "cohorts", "", "", report.cohorts, False, None]
    yield ["summary", "", "participants", "", "", report.participants, False, None]
    yield ["summary", "", "attendance_rate", "", "", None, report.attendance_suppressed, report.attendance_rate]
    yield ["summary", "", "talks_per_participant", "", "", None, report.talks_suppressed, report.talks_per_participant]
    for section, dists in (("outcome", report.outcomes), ("category", report.categories)):
        for d in dists:
            for c in d.counts:
                yield [section, d.point, c.key, c.group, d.total, c.count, c.suppressed, None]


def to_csv(report: OutcomeReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(report):
        writer.writerow(["" if v is None else str(v).lower() if isinstance(v, bool) else v for v in row])
    return out.getvalue()


EXCEL_COLUMNS = (
    Column("section", N_("Section")),
    Column("point", N_("Point")),
    Column("key", N_("Figure")),
    Column("group", N_("List")),
    Column("total", N_("In all"), "number"),
    Column("count", N_("Count"), "number"),
    Column("suppressed", N_("Hidden"), "yes_no"),
    Column("value", N_("Value"), "decimal", 2),
)
SECTIONS = {"summary": N_("Summary"), "outcome": N_("Outcome"), "category": N_("Follow-up category")}
SUMMARY_LABELS = {
    "cohorts": N_("Cohorts"),
    "participants": N_("Participants"),
    "attendance_rate": N_("Attendance rate (%)"),
    "talks_per_participant": N_("Talks held per participant"),
}
# The outcome lists by their code in the CSV ("kjk", "ny_retning"): the list's heading.
LIST_LABELS = {"ny_retning": N_("As in Ny retning"), "kjk": N_("As in Klart jeg kan")}


def to_excel_csv(
    report: OutcomeReport,
    gettext: Callable[[str], str],
    kind_labels: Mapping[str, str],
    category_labels: Mapping[str, str],
    point_labels: Mapping[str, str],
) -> bytes:
    """The same rows as ``to_csv`` for Norwegian Excel, labels translated."""

    def shown() -> Iterator[list]:
        for section, point, key, group, total, count, suppressed, value in rows(report):
            if section == "summary":
                label = gettext(SUMMARY_LABELS[key])
                if key == "attendance_rate" and value is not None:
                    value = formats.round_half_up(value, formats.RATE_PLACES) * 100
            else:
                label = (kind_labels if section == "outcome" else category_labels).get(key, key)
            yield [
                gettext(SECTIONS[section]),
                point_labels.get(point, point),
                label,
                gettext(LIST_LABELS[group]) if group in LIST_LABELS else group,
                total,
                count,
                suppressed,
                value,
            ]

    return excel_csv(EXCEL_COLUMNS, shown(), gettext)


HEADER_FILL = PatternFill("solid", fgColor="0B5A6B")


def _header(sheet, values: list) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def to_xlsx(
    report: OutcomeReport,
    gettext: Callable[[str], str],
    kind_labels: Mapping[str, str],
    category_labels: Mapping[str, str],
    point_labels: Mapping[str, str],
    title: str,
    author: str | None = None,
) -> bytes:
    """A workbook: the outcomes at each point, and the categories at start and end;
    labels come in translated. A hidden count is an empty cell marked as hidden. Its
    title and author (the office, or the app) are in the workbook's properties."""
    hidden = gettext("hidden")
    book = Workbook()
    describe(book, title, author)
    sheet = book.active
    sheet.title = gettext("Outcomes")
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([gettext("Cohorts"), report.cohorts])
    sheet.append([gettext("Participants"), report.participants])
    sheet.append([gettext("Attendance rate"), hidden if report.attendance_suppressed else report.attendance_rate])
    sheet.append(
        [gettext("Talks held per participant"), hidden if report.talks_suppressed else report.talks_per_participant]
    )
    sheet.append([])
    _header(sheet, [gettext("Outcome"), *(point_labels[d.point] for d in report.outcomes)])
    for i, c in enumerate(report.outcomes[0].counts):
        sheet.append(
            [kind_labels[c.key], *(hidden if d.counts[i].suppressed else d.counts[i].count for d in report.outcomes)]
        )
    sheet.append([gettext("In all"), *(d.total for d in report.outcomes)])
    sheet[sheet.max_row][0].font = Font(bold=True)
    sheet.append([])
    _header(sheet, [gettext("Follow-up category"), *(point_labels[d.point] for d in report.categories)])
    for i, c in enumerate(report.categories[0].counts):
        sheet.append(
            [
                category_labels[c.key],
                *(hidden if d.counts[i].suppressed else d.counts[i].count for d in report.categories),
            ]
        )
    sheet.append([])
    sheet.append([gettext("Hidden: fewer than three, or hidden so that a small number cannot be worked out.")])
    for index, width in enumerate((52, 16, 16, 16), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
