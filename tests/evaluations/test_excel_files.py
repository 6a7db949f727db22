"""CSV for Excel beside the plain data CSV, and the workbooks' title, author, quarters
and comment cohorts, for the evaluation and outcome reports."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from course import clock
from course.evaluations import exports, outcome_exports
from course.web.i18n import gettext
from tests.conftest import EMAILS
from tests.evaluations.helpers import answered_cohort
from tests.evaluations.test_outcome_report import finished_cohort
from tests.evaluations.test_pages import CSV_HEADER, commented_cohort, login, redirects_to_login

BOM = "\ufeff"
OFFICE_NAME = "NAV Bærum – Ungdomsteamet på Østerås"


def excel_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def assert_excel_download(response) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-type"].lower().count("charset") == 1
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "-excel.csv" in response.headers["content-disposition"]


@pytest.mark.parametrize("who", ["leader", "manager", "admin"])
async def test_the_evaluation_report_as_csv_for_excel_for_each_role(client, world, as_, who):
    admin = await as_("admin")
    renamed = await client.patch(f"/api/v1/offices/{world.office_a}", json={"name": OFFICE_NAME}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    await answered_cohort(client, world, await as_("leader"), admin, [9, 8, 8], title="Vårkurset på Åssiden; «del 2»")
    await login(client, EMAILS[who])

    plain = await client.get("/reports/evaluations.csv")
    assert plain.text.splitlines()[0] == CSV_HEADER  # the data CSV is as it was
    assert not plain.content.startswith(BOM.encode())

    response = await client.get("/reports/evaluations.csv", params={"excel": "1"})
    assert_excel_download(response)
    rows = excel_rows(response)
    assert rows[0] == [gettext(c.label) for c in exports.EXCEL_COLUMNS]
    assert rows[0][:5] == ["Nivå", "Gruppe", "Svar", gettext("Too few answers"), "Område"]
    assert {len(r) for r in rows} == {len(exports.EXCEL_COLUMNS)}
    cohort = [r for r in rows if r[0] == gettext("Cohort")]
    assert {r[1] for r in cohort} == {"Vårkurset på Åssiden; «del 2»"}  # the ';' in the title stays in its cell
    means = {r[5] for r in rows[1:]}
    assert "8,33" in means and not any("." in m for m in means)  # (9 + 8 + 8) / 3 with a decimal comma
    quarters = [r[1] for r in rows if r[0] == gettext("Quarter")]
    assert quarters and all(" kvartal " in q for q in quarters)


async def test_csv_for_excel_keeps_the_plain_csvs_access_rules(client, world, as_):
    await answered_cohort(client, world, await as_("leader"), await as_("admin"), [9, 8, 8], title="Kurs på Ås")
    for params in ({}, {"excel": "1"}):
        response = await client.get("/reports/evaluations.csv", params=params)
        assert redirects_to_login(response)
        assert "attachment" not in response.headers.get("content-disposition", "")
    # Another office's manager: no cohort of office A, in either file.
    await login(client, EMAILS["manager_b"])
    plain = await client.get("/reports/evaluations.csv")
    excel = await client.get("/reports/evaluations.csv", params={"excel": "1"})
    assert "Kurs på Ås" not in plain.text and "Kurs på Ås" not in excel.content.decode()
    assert [r for r in excel_rows(excel) if r[0] == gettext("Cohort")] == []
    bad = await client.get("/reports/evaluations.csv", params={"excel": "1", "quarter": "2027-Q5"})
    assert bad.status_code == 422 and 'href="#quarter"' in bad.text


@pytest.mark.parametrize(("who", "author"), [("leader", OFFICE_NAME), ("admin", "Klart jeg kan")])
async def test_the_evaluation_workbook_has_title_author_quarters_and_comment_cohorts(client, world, as_, who, author):
    admin = await as_("admin")
    await client.patch(f"/api/v1/offices/{world.office_a}", json={"name": OFFICE_NAME}, headers=admin)
    course = await commented_cohort(
        client, world, as_, [{"benefit": "Lærte å skrive søknad."}, {}, {}], title="Høstkurset på Ørje"
    )
    comment = (
        await client.get(f"/api/v1/cohorts/{course['id']}/evaluation/comments", headers=await as_("leader"))
    ).json()[0]
    await client.patch(
        f"/api/v1/evaluation-comments/{comment['id']}", json={"status": "shown"}, headers=await as_("leader")
    )
    await login(client, EMAILS[who])
    book = load_workbook(io.BytesIO((await client.get("/reports/evaluations.xlsx")).content))
    # The default period runs from a year back to today: said in words, no open dash.
    assert re.fullmatch(r"Kursevalueringer fra \d\d\.\d\d\.\d{4}", book.properties.title)
    assert book.properties.creator == author
    quarters = [r[0] for r in book[gettext("Per quarter")].iter_rows(min_row=3, values_only=True) if r[0]]
    assert quarters and all(" kvartal 20" in q and "-Q" not in q for q in quarters)
    comments = list(book[gettext("Comments")].iter_rows(values_only=True))
    assert comments[0] == (gettext("Cohort"), gettext("Area"), gettext("Comment"))
    assert comments[1][0] == "Høstkurset på Ørje" and comments[1][2] == "Lærte å skrive søknad."


async def test_the_outcome_report_as_csv_for_excel(client, world, as_, login_as):
    _, _, after = await finished_cohort(client, world, as_)
    with clock.frozen(after):
        await login_as("manager")
        response = await client.get("/reports/outcomes.csv", params={"excel": "1"})
        assert_excel_download(response)
        rows = excel_rows(response)
        assert rows[0] == [gettext(c.label) for c in outcome_exports.EXCEL_COLUMNS]
        assert rows[0][0] == "Del"
        rate = next(r for r in rows if r[2] == gettext("Attendance rate (%)"))
        assert rate[7] == "75"  # six of eight present, as a percentage
        talks = next(r for r in rows if r[2] == gettext("Talks held per participant"))
        assert talks[7] == "0,25"
        assert any(r[2] == "Ordinær jobb" and r[5] == "4" for r in rows)
        plain = await client.get("/reports/outcomes.csv")
        assert plain.text.splitlines()[0] == "section,point,key,group,total,count,suppressed,value"
        book = load_workbook(io.BytesIO((await client.get("/reports/outcomes.xlsx")).content))
        assert book.properties.title == book.active["A1"].value
        assert book.properties.creator
        client.cookies.clear()
        assert redirects_to_login(await client.get("/reports/outcomes.csv", params={"excel": "1"}))
