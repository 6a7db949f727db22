"""CSV for Norwegian Excel beside the data CSV: attendance lists and the way-in
figures, with the same access rules as the data CSV."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from course.participants import attendance_export, way_in_export
from course.web.i18n import gettext
from tests.participants.helpers import office_a_leader
from tests.participants.test_attendance_export import SOLVI, course  # noqa: F401  (fixture)
from tests.participants.test_way_in import PEOPLE, office_a

BOM = "\ufeff"


def excel_rows(response, columns: int) -> list[list[str]]:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-type"].lower().count("charset") == 1
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "-excel.csv" in disposition
    text = response.content.decode("utf-8")
    assert text.startswith(BOM) and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
    assert {len(r) for r in rows} == {columns}
    return rows


@pytest.mark.parametrize(
    "who,status", [("leader", 200), ("other", 200), ("admin", 200), ("manager", 403), ("leader_b", 404)]
)
async def test_who_may_have_the_attendance_csv_for_excel(client, world, course, as_, who, status):  # noqa: F811
    if who == "other":
        _, headers = await office_a_leader(world, "guro@a.no", "Guro Bækkelund")
    else:
        headers = await as_(who)
    params = {"cohort_id": course["cohort"]["id"]}
    plain = await client.get("/api/v1/attendance/export.csv", params=params, headers=headers)
    excel = await client.get("/api/v1/attendance/export.csv", params={**params, "excel": "true"}, headers=headers)
    assert plain.status_code == excel.status_code == status
    if status != 200:
        assert SOLVI not in excel.text
        return
    rows = excel_rows(excel, len(attendance_export.EXCEL_COLUMNS))
    assert rows[0] == [gettext(c.label) for c in attendance_export.EXCEL_COLUMNS]
    assert rows[0][:4] == ["Kursnr.", gettext("Cohort"), "Deltakernr.", gettext("Participant")]
    assert len(rows) == len(list(csv.reader(io.StringIO(plain.text))))  # the same lines
    solvi = [r for r in rows if r[3] == SOLVI]
    assert [r[6] for r in solvi][:4] == [gettext("P (present)"), gettext("P (present)"), gettext("A (absent)"), ""]
    assert all(len(r[5]) == 10 and r[5][2] == r[5][5] == "." for r in rows[1:])  # dd.mm.yyyy


async def test_the_attendance_pages_offer_csv_for_excel_first(client, course, as_, login_as):  # noqa: F811
    await login_as("leader")
    cohort_id = course["cohort"]["id"]
    form = await client.get("/attendance/export", params={"cohort_id": cohort_id})
    assert form.text.index('name="excel" value="1"') < form.text.index(gettext("CSV (data)"))
    response = await client.get("/attendance/export.csv", params={"cohort_id": cohort_id, "excel": "1"})
    rows = excel_rows(response, len(attendance_export.EXCEL_COLUMNS))
    assert any(r[3] == SOLVI for r in rows)
    # A workbook names what it holds.
    book = load_workbook(
        io.BytesIO((await client.get("/attendance/export.xlsx", params={"cohort_id": cohort_id})).content)
    )
    assert book.properties.title == f"{gettext('Attendance')}: {course['cohort']['title']}"
    assert book.properties.creator == "Klart jeg kan"
    client.cookies.clear()
    await login_as("manager")
    assert (
        await client.get("/attendance/export.csv", params={"cohort_id": cohort_id, "excel": "1"})
    ).status_code == 403


@pytest.mark.parametrize("who", ["manager", "leader", "admin"])
async def test_the_way_in_csv_for_excel_has_norwegian_headings_and_decimal_commas(client, world, as_, who):
    await office_a(client, world, as_)
    response = await client.get("/api/v1/reports/way-in.csv", params={"excel": "true"}, headers=await as_(who))
    columns = way_in_export.columns(gettext)
    rows = excel_rows(response, len(columns))
    for name, *_ in PEOPLE:
        assert name not in response.content.decode()
    assert rows[0][:5] == ["Kontornr.", "Kontor", "Fra", "Til", "Deltakere"]
    assert len(rows) == 2
    line = dict(zip([c.key for c in columns], rows[1], strict=True))
    assert line["referred"] == "6" and line["not_now"] == ("" if who == "manager" else "1")
    assert line["referral_to_hu_median"] == "3,5"  # 2, 3, 4 and 9 days
    assert line["from"][2] == line["from"][5] == "."


async def test_the_way_in_csv_for_excel_needs_a_login(client, world, as_, login_as):
    assert (await client.get("/api/v1/reports/way-in.csv", params={"excel": "true"})).status_code == 401
    gone = await client.get("/reports/way-in.csv", params={"excel": "1"})
    assert gone.status_code in (302, 303) and gone.headers["location"].startswith("/login")
    await office_a(client, world, as_)
    client.cookies.clear()
    client.cookies.clear()
    await login_as("manager")
    page = await client.get("/reports/way-in")
    assert page.text.index("way-in.csv?excel=1") < page.text.index(gettext("CSV (data)"))
    rows = excel_rows(
        await client.get("/reports/way-in.csv", params={"excel": "1"}), len(way_in_export.columns(gettext))
    )
    assert rows[1][5] == "6"
