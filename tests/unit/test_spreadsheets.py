"""CSV for Excel: what Norwegian Excel reads straight into columns, with æ, ø and å
intact, and workbook details."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from course.web import spreadsheets
from course.web.spreadsheets import BOM, Column

NORWEGIAN = {
    "Name": "Navn",
    "Mean": "Snitt",
    "Yes": "Ja",
    "No": "Nei",
    "%(number)s. quarter %(year)s": "%(number)s. kvartal %(year)s",
}


def nb(msgid: str) -> str:
    return NORWEGIAN.get(msgid, msgid)


def read(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
    | st.sampled_from(list(';",\n\r æøåÆØÅ=')),
    max_size=30,
)
decimals = st.decimals(min_value=-10_000, max_value=10_000, allow_nan=False, allow_infinity=False, places=4)


@given(st.lists(st.tuples(texts, decimals, st.integers(-5000, 5000)), max_size=12))
def test_cells_come_back_as_written_and_every_row_has_every_column(rows):
    columns = [Column("name", "Name"), Column("mean", "Mean", "decimal", 2), Column("n", "N", "number")]
    data = spreadsheets.excel_csv(columns, rows, nb)
    back = read(data)
    assert back[0] == ["Navn", "Snitt", "N"]
    assert len(back) == len(rows) + 1
    assert all(len(line) == 3 for line in back)
    for (text, value, count), line in zip(rows, back[1:], strict=True):
        assert line[0] == spreadsheets.inert(text)
        rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert "." not in line[1]
        assert Decimal(line[1].replace(",", ".")) == rounded
        assert line[2] == str(count)
    assert data.count(b"\r\n") >= len(rows) + 1


def test_text_with_separators_quotes_newlines_and_norwegian_letters_survives():
    text = 'Blåbær; "søt" og\nrød, ærlig'
    data = spreadsheets.excel_csv([Column("t", "Name")], [[text]], nb)
    assert data.startswith(BOM.encode("utf-8"))
    assert read(data) == [["Navn"], [text]]
    assert "Blåbær".encode() in data


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("decimal", 7.75, "7,8"),
        ("decimal", 7.25, "7,3"),
        ("decimal", -0.04, "0"),
        ("decimal", -2.5, "-2,5"),
        ("decimal", 12345.5, "12345,5"),
        ("number", 12, "12"),
        ("percent", 0.667, "66,7"),
        ("percent", 2 / 3, "66,7"),
        ("percent", 1, "100"),
        ("date", date(2025, 4, 1), "01.04.2025"),
        ("date", "2025-12-31", "31.12.2025"),
        ("datetime", datetime(2026, 6, 1, 10, 0, tzinfo=UTC), "01.06.2026 12:00:00"),
        ("yes_no", True, "Ja"),
        ("yes_no", False, "Nei"),
        ("text", "=SUM(A1)", "'=SUM(A1)"),
        ("decimal", None, ""),
    ],
)
def test_each_kind_of_cell_is_written_as_excel_in_norway_reads_it(kind, value, shown):
    assert spreadsheets.cell(value, Column("x", "X", kind), nb) == shown


def test_a_row_with_too_few_cells_is_refused():
    with pytest.raises(ValueError):
        spreadsheets.excel_csv([Column("a", "A"), Column("b", "B")], [["ø"]], nb)


def test_streamed_pieces_make_the_same_file():
    columns = [Column("name", "Name")]
    rows = [["Åse"], ["Øyvind"]]
    pieces = list(spreadsheets.excel_csv_lines(columns, rows, nb))
    assert "".join(pieces).encode() == spreadsheets.excel_csv(columns, rows, nb)
    assert pieces[0] == BOM + "Navn\r\n"


def test_quarters_and_file_names():
    assert spreadsheets.quarter_label("2025-Q2", nb) == "2. kvartal 2025"
    assert spreadsheets.quarter_label("vår", nb) == "vår"
    assert (
        spreadsheets.excel_name("evaluering-2026-01-01_2026-06-30.csv") == "evaluering-2026-01-01_2026-06-30-excel.csv"
    )


def test_a_workbook_carries_its_title_and_author():
    book = Workbook()
    spreadsheets.describe(book, "Kursevalueringer", "Kontor Bodø")
    out = io.BytesIO()
    book.save(out)
    back = load_workbook(io.BytesIO(out.getvalue()))
    assert back.properties.title == "Kursevalueringer"
    assert back.properties.creator == "Kontor Bodø"
    spreadsheets.describe(book, "Oppmøte")
    assert book.properties.creator == "Klart jeg kan"
