"""Files for spreadsheets as Norwegian readers open them.

A "CSV for Excel" is what Excel set up for Norway reads straight into columns: a
UTF-8 byte order mark (so æ, ø and å come out right), ``;`` between fields (the comma
is the decimal sign), decimals with a comma and no grouping (7,8), percentages as
numbers (66,7), dates as dd.mm.yyyy, Norwegian column headings, CRLF line ends, and
text that would start a formula kept as text. The plain data CSV beside it (comma,
decimal point, English column names) stays as it is, for other systems.

Pure functions, no request or database: columns and rows in, bytes out. Numbers are
rounded by the one rule in ``formats`` (half up).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from openpyxl import Workbook

from course.web import formats

BOM = "\ufeff"
SEPARATOR = ";"
EXCEL_SUFFIX = "-excel.csv"
EXCEL_DESCRIPTION = (
    "CSV for Norwegian Excel: UTF-8 with a byte order mark, ';' between fields, decimal commas, "
    "dates as dd.mm.yyyy, Norwegian column headings"
)

Kind = Literal["text", "number", "decimal", "percent", "date", "datetime", "yes_no"]


@dataclass(frozen=True)
class Column:
    """A column: its key in the data, its heading (an English msgid, translated when
    written), what its cells hold, and for decimals how many places."""

    key: str
    label: str
    kind: Kind = "text"
    places: int = 1


def inert(text: str) -> str:
    """Text that a spreadsheet would take for a formula is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def excel_number(value: object, places: int = 1, whole: bool = False) -> str:
    """A number as Excel in Norway reads it: comma for decimals, a plain minus, no
    grouping, rounded half up: 7,8 · -0,5 · 12345. Empty for none."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    if not isinstance(value, int | float | Decimal):
        return str(value)
    try:
        shown = formats.round_half_up(value, 0 if whole else places)
    except (TypeError, ValueError):
        return ""
    if shown == 0:
        shown = abs(shown)  # no negative zero
    if not whole and shown == shown.to_integral_value():
        shown = shown.quantize(Decimal(1))
    elif not whole:
        shown = shown.normalize()
    return f"{shown:f}".replace(".", ",")


def cell(value: object, column: Column, gettext: Callable[[str], str]) -> str:
    """One cell's text for the column's kind."""
    if value is None:
        return ""
    kind = column.kind
    if kind == "number":
        return excel_number(value, whole=True) if isinstance(value, int) else excel_number(value, column.places)
    if kind == "decimal":
        return excel_number(value, column.places)
    if kind == "percent":
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return ""
        return excel_number(formats.round_half_up(value, formats.RATE_PLACES) * 100, 1)
    if kind == "date":
        if isinstance(value, datetime):
            value = value.astimezone(formats.OSLO).date()
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y")
        if isinstance(value, str) and value:
            try:
                return date.fromisoformat(value).strftime("%d.%m.%Y")
            except ValueError:
                return inert(value)
        return ""
    if kind == "datetime":
        if isinstance(value, datetime):
            return value.astimezone(formats.OSLO).strftime("%d.%m.%Y %H:%M:%S")
        return inert(str(value))
    if kind == "yes_no":
        return gettext("Yes") if value else gettext("No")
    return inert(str(value))


def excel_csv_head(columns: Sequence[Column], gettext: Callable[[str], str]) -> str:
    """The file's first piece: the byte order mark and the headings."""
    out = io.StringIO()
    csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n").writerow([gettext(c.label) for c in columns])
    return BOM + out.getvalue()


def excel_csv_rows(columns: Sequence[Column], rows: Iterable[Sequence[object]], gettext: Callable[[str], str]) -> str:
    """Lines for rows, without headings (a later piece of a streamed file). Each row has
    a value for each column, in order."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a row has {len(row)} cells for {len(columns)} columns")
        writer.writerow([cell(v, c, gettext) for v, c in zip(row, columns, strict=True)])
    return out.getvalue()


def excel_csv_lines(
    columns: Sequence[Column], rows: Iterable[Sequence[object]], gettext: Callable[[str], str]
) -> Iterator[str]:
    """The file piece by piece: the byte order mark and the headings first, then a
    line a row."""
    yield excel_csv_head(columns, gettext)
    for row in rows:
        yield excel_csv_rows(columns, [row], gettext)


def excel_csv(columns: Sequence[Column], rows: Iterable[Sequence[object]], gettext: Callable[[str], str]) -> bytes:
    """The whole file as UTF-8 bytes, byte order mark first."""
    return "".join(excel_csv_lines(columns, rows, gettext)).encode("utf-8")


def excel_name(plain_name: str) -> str:
    """The Excel file's name beside the plain one: evaluering.csv → evaluering-excel.csv."""
    stem = plain_name[:-4] if plain_name.endswith(".csv") else plain_name
    return stem + EXCEL_SUFFIX


def quarter_label(key: str, gettext: Callable[[str], str]) -> str:
    """A quarter as it is said: 2025-Q2 → 2. kvartal 2025; anything else as it is."""
    year, _, number = key.partition("-Q")
    if not (year.isdigit() and number in ("1", "2", "3", "4")):
        return key
    return gettext("%(number)s. quarter %(year)s") % {"number": number, "year": year}


DEFAULT_AUTHOR = "Klart jeg kan"


def describe(book: Workbook, title: str, author: str | None = None) -> None:
    """The workbook's title and author, as Excel shows them under File › Info."""
    book.properties.title = title
    book.properties.creator = author or DEFAULT_AUTHOR
    book.properties.lastModifiedBy = author or DEFAULT_AUTHOR
