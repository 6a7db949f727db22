"""The attendance export for stipend documentation: per cohort or per period (at most
a year), as JSON, CSV, XLSX and PDF with a signature line; leaders of the office and
admins only; each person in it gets one audit event, written in one insert."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pypdf
import pytest
from openpyxl import load_workbook

from course import clock
from course.audit import services as audit
from course.audit.tables import AuditEvent
from tests.participants.helpers import (
    enrolled,
    error_keys,
    mark,
    office_a_leader,
    participant,
    running_cohort,
    session_day,
)

SOLVI = "Sølvi Åkerø Dæhli"
ASMUND = "Åsmund Ørnes"
KARE = "Kåre Nærø"


def details(event) -> dict:
    value = event["details"]
    return json.loads(value) if isinstance(value, str) else value


@pytest.fixture
async def course(client, world, as_):
    """A cohort that began last Monday (sessions Monday and Wednesday; sessions 1–4 held
    by today, a Wednesday), with Sølvi, Åsmund and Kåre (who withdrew before the start).
    Sølvi: present, present, absent; Åsmund: present, excused, nothing registered."""
    leader, admin = await as_("leader"), await as_("admin")
    cohort = await running_cohort(client, world, admin)
    ids = {}
    for name in (SOLVI, ASMUND, KARE):
        ids[name] = (await participant(client, leader, world, name=name))["id"]
        await enrolled(client, leader, cohort["id"], ids[name])
    kare_enrolment = next(
        r["enrolment_id"]
        for r in (await client.get(f"/api/v1/cohorts/{cohort['id']}/enrolments", headers=leader)).json()
        if r["participant"]["id"] == ids[KARE]
    )
    withdrawn = await client.patch(
        f"/api/v1/enrolments/{kare_enrolment}", json={"status": "withdrawn", "reason": "Fikk jobb"}, headers=leader
    )
    assert withdrawn.status_code == 200, withdrawn.text
    for number, status in ((1, "present"), (2, "present"), (3, "absent")):
        assert (await mark(client, leader, cohort["id"], number, ids[SOLVI], status)).status_code == 200
    assert (await mark(client, leader, cohort["id"], 1, ids[ASMUND], "present")).status_code == 200
    excused = await mark(client, leader, cohort["id"], 2, ids[ASMUND], "excused", "Tannlege på Åsgårdstrand")
    assert excused.status_code == 200
    return {"cohort": cohort, "ids": ids}


async def test_a_cohorts_attendance_with_totals_and_rate(client, course, as_):
    response = await client.get(
        "/api/v1/attendance/export", params={"cohort_id": course["cohort"]["id"]}, headers=await as_("leader")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["start"] is None and body["made_by"] == "Åse Ødegård"
    (cohort,) = body["cohorts"]
    assert [s["number"] for s in cohort["sessions"]] == list(range(1, 9))
    assert [s["held"] for s in cohort["sessions"]] == [True] * 4 + [False] * 4
    rows = {r["name"]: r for r in cohort["rows"]}
    # Who withdrew is not on the register, so not in the list; Å sorts after S.
    assert list(rows) == [SOLVI, ASMUND]  # Norwegian order: Å after S
    solvi, asmund = rows[SOLVI], rows[ASMUND]
    assert solvi["marks"] == ["present", "present", "absent", None, None, None, None, None]
    assert (solvi["present"], solvi["absent"], solvi["excused"]) == (2, 1, 0)
    assert solvi["rate"] == pytest.approx(2 / 3)
    assert asmund["marks"][:3] == ["present", "excused", None]
    assert asmund["rate"] == pytest.approx(1 / 2)
    assert cohort["leaders"] == ["Åse Ødegård"]


async def test_each_person_in_an_export_is_one_audit_event_without_marks(client, course, as_):
    headers = await as_("leader")
    cohort_id = course["cohort"]["id"]
    assert (
        await client.get("/api/v1/attendance/export.csv", params={"cohort_id": cohort_id}, headers=headers)
    ).status_code == 200
    events = await AuditEvent.select().where(AuditEvent.action == audit.ATTENDANCE_EXPORTED)
    assert sorted(e["participant"] for e in events) == sorted([course["ids"][SOLVI], course["ids"][ASMUND]])
    # One insert: the same moment for all.
    assert len({e["at"] for e in events}) == 1
    assert all(details(e) == {"cohorts": [cohort_id], "format": "csv"} for e in events)
    assert all("Tannlege" not in json.dumps(details(e)) for e in events)


@pytest.mark.parametrize(
    "who,status", [("leader", 200), ("other", 200), ("admin", 200), ("manager", 403), ("leader_b", 404)]
)
async def test_who_may_export_a_cohort(client, world, course, as_, who, status):
    if who == "other":
        _, headers = await office_a_leader(world, "guro@a.no", "Guro Bækkelund")
    else:
        headers = await as_(who)
    cohort_id = course["cohort"]["id"]
    for ext in ("", ".csv", ".xlsx", ".pdf"):
        response = await client.get(f"/api/v1/attendance/export{ext}", params={"cohort_id": cohort_id}, headers=headers)
        assert response.status_code == status, (ext, response.text[:200])
        assert (SOLVI in response.text) == (status == 200 and ext in ("", ".csv"))
    exported = await AuditEvent.count().where(AuditEvent.action == audit.ATTENDANCE_EXPORTED)
    assert exported == (8 if status == 200 else 0)


@pytest.mark.parametrize("who,names", [("leader", True), ("admin", True), ("leader_b", False)])
async def test_a_period_selects_the_callers_cohorts(client, course, as_, who, names):
    today = clock.today()
    params = {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}
    response = await client.get("/api/v1/attendance/export", params=params, headers=await as_(who))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["id"] for c in body["cohorts"]] == ([course["cohort"]["id"]] if names else [])
    assert (SOLVI in response.text) is names
    manager = await client.get("/api/v1/attendance/export", params=params, headers=await as_("manager"))
    assert manager.status_code == 403


async def test_a_period_narrows_the_sessions(client, course, as_):
    cohort = course["cohort"]
    first, second = session_day(cohort, 2), session_day(cohort, 3)
    response = await client.get(
        "/api/v1/attendance/export",
        params={"cohort_id": cohort["id"], "from": first.isoformat(), "to": second.isoformat()},
        headers=await as_("leader"),
    )
    assert response.status_code == 200, response.text
    (out,) = response.json()["cohorts"]
    assert [s["number"] for s in out["sessions"]] == [2, 3]
    solvi = next(r for r in out["rows"] if r["name"] == SOLVI)
    assert solvi["marks"] == ["present", "absent"] and solvi["rate"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    "params,keys",
    [
        ({}, {"from", "to"}),
        ({"from": "2027-09-01"}, {"to"}),
        ({"from": "2027-09-10", "to": "2027-09-01"}, {"to"}),
        ({"from": "2026-09-01", "to": "2027-09-02"}, {"to"}),
        ({"from": "2027-02-30", "to": "2027-03-01"}, {"from"}),
        ({"from": "i går", "to": "2027-03-01"}, {"from"}),
    ],
)
async def test_a_bad_period_answers_422_naming_the_field(client, as_, params, keys):
    response = await client.get("/api/v1/attendance/export", params=params, headers=await as_("leader"))
    assert response.status_code == 422, response.text
    assert error_keys(response) == keys


async def test_a_year_is_the_longest_period(client, as_):
    headers = await as_("leader")
    ok = await client.get(
        "/api/v1/attendance/export", params={"from": "2026-09-16", "to": "2027-09-16"}, headers=headers
    )
    assert ok.status_code == 200, ok.text


async def test_csv_xlsx_and_pdf(client, course, as_):
    headers = await as_("leader")
    params = {"cohort_id": course["cohort"]["id"]}
    as_csv = await client.get("/api/v1/attendance/export.csv", params=params, headers=headers)
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(as_csv.text)))
    assert lines[0] == ["cohort_id", "cohort", "participant_id", "participant", "session", "date", "status"]
    assert len(lines) == 1 + 2 * 8
    assert [line[6] for line in lines if line[3] == SOLVI][:4] == ["present", "present", "absent", ""]

    as_xlsx = await client.get("/api/v1/attendance/export.xlsx", params=params, headers=headers)
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == course["cohort"]["title"]
    solvi = next(r for r in rows if r and r[0] == SOLVI)
    assert solvi[1:4] == ("T", "T", "F") and solvi[9:12] == (2, 1, 0)
    assert solvi[12] == pytest.approx(2 / 3)

    guest = await client.patch(
        f"/api/v1/cohorts/{course['cohort']['id']}/sessions/7",
        json={"guest_leader": "Åse Li, Oppfølgingstjenesten"},
        headers=await as_("admin"),
    )
    assert guest.status_code == 200, guest.text
    as_json = await client.get("/api/v1/attendance/export", params=params, headers=headers)
    assert [s["guest_leader"] for s in as_json.json()["cohorts"][0]["sessions"]][6] == "Åse Li, Oppfølgingstjenesten"
    as_pdf = await client.get("/api/v1/attendance/export.pdf", params=params, headers=headers)
    assert as_pdf.status_code == 200 and as_pdf.content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(as_pdf.content))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 landscape
    text = "".join(p.extract_text() for p in reader.pages)
    assert SOLVI in text and ASMUND in text and "Kursleders signatur / dato" in text
    assert "67 %" in text and "50 %" in text
    assert "Gjesteledere: samling 7" in " ".join(text.split()) and "Oppfølgingstjenesten" in text


async def test_the_export_page_and_downloads_for_leaders(client, course, login_as):
    await login_as("leader")
    page = await client.get("/attendance/export", params={"cohort_id": course["cohort"]["id"]})
    assert page.status_code == 200
    assert "Oppmøtelister" in page.text and course["cohort"]["title"] in page.text
    pdf = await client.get("/attendance/export.pdf", params={"cohort_id": course["cohort"]["id"]})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    xlsx = await client.get("/attendance/export.xlsx", params={"period": "1", "from": "2027-09-01", "to": "2027-09-15"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    bad = await client.get("/attendance/export.csv", params={"period": "1", "from": "2027-09-15", "to": "2027-09-01"})
    assert bad.status_code == 422 and "error-summary" in bad.text and 'href="#to"' in bad.text
    none = await client.get("/attendance/export.csv", params={"cohort_id": ""})
    assert none.status_code == 422 and 'href="#cohort_id"' in none.text


async def test_managers_have_no_export_page(client, course, login_as):
    await login_as("manager")
    assert (await client.get("/attendance/export")).status_code == 403
    assert (await client.get("/attendance/export.pdf", params={"cohort_id": course["cohort"]["id"]})).status_code == 403
