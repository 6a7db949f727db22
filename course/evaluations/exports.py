"""The aggregated evaluation figures as CSV and XLSX: only what the report shows,
so a suppressed group carries no figures in a file either.

CSV is for other systems: one row per group and area, column names as in the
JSON, a dot for decimals. CSV for Excel has the same rows for people who open it in
Norwegian Excel (``spreadsheets.excel_csv``). XLSX is for people: Norwegian
headings, one sheet for the whole, per cohort and per quarter, numbers as numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from course.errors import N_
from course.evaluations.reporting import Report
from course.evaluations.reports import AREAS, SCORES, GroupFigures
from course.web.spreadsheets import Column, describe, excel_csv, quarter_label

COLUMNS = (
    "level",
    "group",
    "answers",
    "suppressed",
    "area",
    "mean",
    "median",
    "target",
    "below_target",
    *(f"n{n}" for n in SCORES),
)


def groups(report: Report) -> Iterator[tuple[str, str, GroupFigures]]:
    """(level, group, figures): the whole, then each cohort, then each quarter."""
    yield "all", "", report.figures
    for part in report.cohorts:
        yield "cohort", part.label, part.figures
    for part in report.trend:
        yield "quarter", part.key, part.figures


def rows(report: Report) -> Iterator[list]:
    for level, group, figures in groups(report):
        if figures.suppressed:
            for area in AREAS:
                yield [level, group, figures.answers, True, area, *[None] * (len(COLUMNS) - 5)]
            continue
        for a in figures.areas:
            yield [
                level,
                group,
                figures.answers,
                False,
                a.area,
                a.mean,
                a.median,
                a.target,
                a.below_target,
                *a.distribution,
            ]


def _inert(text: str) -> str:
    """A cohort title that a spreadsheet would take for a formula is quoted."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(report):
        row[1] = _inert(row[1])
        writer.writerow(["" if v is None else str(v).lower() if isinstance(v, bool) else v for v in row])
    return out.getvalue()


EXCEL_COLUMNS = (
    Column("level", N_("Level")),
    Column("group", N_("Group")),
    Column("answers", N_("Answers"), "number"),
    Column("suppressed", N_("Too few answers"), "yes_no"),
    Column("area", N_("Area")),
    Column("mean", N_("Mean"), "decimal", 2),
    Column("median", N_("Median"), "decimal", 2),
    Column("target", N_("Target"), "decimal", 2),
    Column("below_target", N_("Below target"), "yes_no"),
    *(Column(f"n{n}", str(n), "number") for n in SCORES),
)
LEVELS = {"all": N_("Whole"), "cohort": N_("Cohort"), "quarter": N_("Quarter")}


def to_excel_csv(report: Report, gettext: Callable[[str], str], labels: dict[str, str]) -> bytes:
    """The same rows as ``to_csv`` for Norwegian Excel: Norwegian headings, levels,
    areas and quarters (2. kvartal 2025), decimal commas."""

    def shown() -> Iterator[list]:
        for row in rows(report):
            level, group = row[0], row[1]
            row[0] = gettext(LEVELS[level])
            row[1] = quarter_label(group, gettext) if level == "quarter" else group
            row[4] = labels.get(row[4], row[4])
            yield row

    return excel_csv(EXCEL_COLUMNS, shown(), gettext)


def _append(sheet, values: list) -> None:
    """Append a row; text stays text, even when it starts with '='."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"


HEADER_FILL = PatternFill("solid", fgColor="0B5A6B")
BELOW_FILL = PatternFill("solid", fgColor="FBE3D6")


def to_xlsx(
    report: Report, gettext: Callable[[str], str], labels: dict[str, str], title: str, author: str | None = None
) -> bytes:
    """A workbook with a sheet per level; ``labels`` are the areas' names, translated.
    Its title and author (the office, or the app) are in the workbook's properties."""
    book = Workbook()
    describe(book, title, author)
    book.remove(book.active)
    headings = [
        gettext("Group"),
        gettext("Answers"),
        gettext("Area"),
        gettext("Mean"),
        gettext("Median"),
        gettext("Target"),
        gettext("Below target"),
        *(str(n) for n in SCORES),
    ]
    sheets = {"all": gettext("Whole"), "cohort": gettext("Per cohort"), "quarter": gettext("Per quarter")}
    for level, name in sheets.items():
        sheet = book.create_sheet(name)
        _append(sheet, [title])
        sheet["A1"].font = Font(bold=True, size=13)
        _append(sheet, headings)
        for cell in sheet[2]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for lvl, group, figures in groups(report):
            if lvl != level:
                continue
            group = group or gettext("All selected cohorts")
            if lvl == "quarter":
                group = quarter_label(group, gettext)
            if figures.suppressed:
                _append(sheet, [group, figures.answers, gettext("too few answers")])
                continue
            for a in figures.areas:
                _append(
                    sheet,
                    [
                        group,
                        figures.answers,
                        labels[a.area],
                        a.mean,
                        a.median,
                        a.target,
                        gettext("Yes") if a.below_target else "",
                        *a.distribution,
                    ],
                )
                if a.below_target:
                    for cell in sheet[sheet.max_row][:7]:
                        cell.fill = BELOW_FILL
        sheet.freeze_panes = "A3"
        for index, width in enumerate((34, 9, 40, 8, 8, 8, 10, *[5] * len(SCORES)), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for row in sheet.iter_rows(min_row=3, min_col=4, max_col=6):
            for cell in row:
                cell.number_format = "0.0#"
    if report.comments:
        sheet = book.create_sheet(gettext("Comments"))
        _append(sheet, [gettext("Cohort"), gettext("Area"), gettext("Comment")])
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
        cohort_titles = {part.key: part.label for part in report.cohorts}
        for c in report.comments:
            _append(sheet, [cohort_titles.get(str(c.cohort_id), ""), labels.get(c.area, gettext("Overall")), c.text])
            sheet.cell(sheet.max_row, 3).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions["A"].width = 34
        sheet.column_dimensions["B"].width = 40
        sheet.column_dimensions["C"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
