"""The outcome report over HTTP: counts per outcome at the end and after 3 and 6
months, attendance, talks and categories, with the small-number rule, for each role;
its page, CSV, XLSX and one-page PDF. No names anywhere."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
import pytest
from openpyxl import load_workbook

from course import clock
from tests.evaluations.conftest import TODAY
from tests.participants.helpers import NAMES, booked, enrolled, free_day, mark, participant, running_cohort

# Eight young people: four to a job, three to work practice, one back to school.
OUTCOMES = ["job"] * 4 + ["work_practice"] * 3 + ["school"]


async def finished_cohort(client, world, as_) -> tuple[dict, list[dict], date]:
    """A cohort of office A with eight participants, their outcomes, categories, one
    session's attendance and two talks held; answers the cohort, the enrolments and
    the day after its end (the clock is frozen at TODAY while it runs)."""
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin)
    enrolments = []
    for n, kind in enumerate(OUTCOMES):
        person = await participant(client, leader, world, name=f"{NAMES[n]} Ødegård")
        enrolment = await enrolled(client, leader, course["id"], person["id"])
        enrolments.append(enrolment)
        response = await client.put(
            f"/api/v1/enrolments/{enrolment['id']}/outcome",
            json={"kind": kind, "date": TODAY.isoformat(), "note": "Står i NAV-systemet"},
            headers=leader,
        )
        assert response.status_code == 200, response.text
        response = await client.put(
            f"/api/v1/participants/{person['id']}/category", json={"category": 1 if n < 4 else 3}, headers=leader
        )
        assert response.status_code == 200, response.text
        assert (
            await mark(client, leader, course["id"], 1, person["id"], "present" if n < 6 else "absent")
        ).status_code == 200
    first = enrolments[0]["participant"]["id"]
    talks = [
        await booked(client, leader, course["id"], first, world.leader, free_day(course, 2), start, end)
        for start, end in (("09:00", "09:45"), ("11:00", "11:45"))
    ]
    response = await client.get(f"/api/v1/cohorts/{course['id']}", headers=leader)
    course = response.json()
    after = date.fromisoformat(course["end_date"]) + timedelta(days=1)
    with clock.frozen(after):
        for talk in talks:
            response = await client.patch(f"/api/v1/talks/{talk['id']}", json={"status": "held"}, headers=leader)
            assert response.status_code == 200, response.text
    return course, enrolments, after


def counts(distribution: dict) -> dict:
    return {c["key"]: (None if c["suppressed"] else c["count"]) for c in distribution["counts"]}


async def test_the_report_counts_outcomes_attendance_talks_and_categories_hiding_small_counts(client, world, as_):
    course, enrolments, after = await finished_cohort(client, world, as_)
    manager = await as_("manager")
    with clock.frozen(after):
        report = (await client.get("/api/v1/reports/outcomes", headers=manager)).json()
    assert (report["cohorts"], report["participants"], report["min_count"]) == (1, 8, 3)
    end, three, six = report["outcomes"]
    assert (end["point"], end["total"], end["suppressed"]) == ("end", 8, True)
    shown = counts(end)
    # The one back in school is hidden, and so are the three in work practice and the
    # zeros, so the total less the job count cannot give the one away.
    assert shown["job"] == 4 and shown["school"] is None and shown["work_practice"] is None
    assert shown["none"] is None and all(v is None or v >= 3 for v in shown.values())
    assert {c["key"]: c["group"] for c in end["counts"]}["job"] == "ny_retning"
    assert {c["key"]: c["group"] for c in end["counts"]}["education"] == "kjk"
    assert (three["total"], six["total"]) == (0, 0)  # three months have not passed
    assert report["attendance_rate"] == 0.75 and report["attendance_suppressed"] is False
    assert report["talks_per_participant"] == 0.25
    start_cats, end_cats = (counts(d) for d in report["categories"])
    assert start_cats == {"1": 0, "2": 0, "3": 0, "4": 0, "none": 8}  # set after the cohort started
    assert end_cats == {"1": 4, "2": 0, "3": 4, "4": 0, "none": 0}
    text = str(report)
    assert not any(name in text for name in NAMES) and "NAV-systemet" not in text


async def test_follow_ups_count_at_three_months_once_the_cohorts_point_has_come(client, world, as_):
    course, enrolments, after = await finished_cohort(client, world, as_)
    leader = await as_("leader")
    later = date.fromisoformat(course["end_date"]) + timedelta(days=100)
    with clock.frozen(later):
        for enrolment in enrolments[:5]:
            response = await client.put(
                f"/api/v1/enrolments/{enrolment['id']}/follow-ups/3m",
                json={"kind": "education", "date": later.isoformat()},
                headers=leader,
            )
            assert response.status_code == 200, response.text
        report = (await client.get("/api/v1/reports/outcomes", headers=leader)).json()
    _, three, six = report["outcomes"]
    assert three["total"] == 8 and counts(three)["education"] == 5 and counts(three)["none"] == 3
    assert six["total"] == 0


@pytest.mark.parametrize(
    ("role", "participants"),
    [("leader", 8), ("manager", 8), ("admin", 8), ("leader_b", 0), ("manager_b", 0)],
)
async def test_each_role_sees_the_offices_it_may(client, world, as_, role, participants):
    _, _, after = await finished_cohort(client, world, as_)
    headers = await as_(role)
    with clock.frozen(after):
        response = await client.get("/api/v1/reports/outcomes", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["participants"] == participants
        # Naming another office selects nothing more than one's own scope holds.
        other = await client.get(f"/api/v1/reports/outcomes?office_id={world.office_b}", headers=headers)
        assert other.json()["participants"] == 0
        mine = await client.get(f"/api/v1/reports/outcomes?office_id={world.office_a}", headers=headers)
        assert mine.json()["participants"] == participants
    assert (await client.get("/api/v1/reports/outcomes")).status_code == 401


async def test_filters_narrow_the_report_and_bad_ones_name_the_field(client, world, as_):
    course, _, after = await finished_cohort(client, world, as_)
    admin = await as_("admin")
    start = date.fromisoformat(course["start_date"])
    with clock.frozen(after):
        for query, expected in (
            ("variant=kjk", 8),
            ("variant=ny_retning", 0),
            (f"leader_id={world.leader}", 8),
            (f"leader_id={world.leader_b}", 0),
            (f"from={(start + timedelta(days=1)).isoformat()}", 0),
            (f"to={start.isoformat()}", 8),
            (f"quarter={start.year}-Q{(start.month - 1) // 3 + 1}", 8),
        ):
            response = await client.get(f"/api/v1/reports/outcomes?{query}", headers=admin)
            assert response.status_code == 200, (query, response.text)
            assert response.json()["participants"] == expected, query
        for query, key in (("variant=begge", "variant"), ("from=2027-13-01", "from"), ("quarter=2027-5", "quarter")):
            response = await client.get(f"/api/v1/reports/outcomes?{query}", headers=admin)
            assert response.status_code == 422, query
            assert {e["key"] for e in response.json()["extra"]} == {key}


async def test_the_page_and_its_files_hold_the_figures_and_no_names(client, world, as_, login_as):
    _, _, after = await finished_cohort(client, world, as_)
    with clock.frozen(after):
        await login_as("manager")
        page = await client.get("/reports/outcomes")
        assert page.status_code == 200
        assert "Resultatrapport" in page.text and "<svg" in page.text and "<title" in page.text
        assert "skjult" in page.text and not any(name in page.text for name in NAMES)
        # No period asked for: the last year, shown in its field.
        assert f'value="{(clock.today() - timedelta(days=365)).isoformat()}"' in page.text
        bad = await client.get("/reports/outcomes?quarter=2027-5")
        assert bad.status_code == 422 and 'href="#quarter"' in bad.text
        csv = await client.get("/reports/outcomes.csv")
        assert csv.headers["content-type"].startswith("text/csv")
        lines = csv.text.splitlines()
        assert lines[0] == "section,point,key,group,total,count,suppressed,value"
        assert "outcome,end,job,ny_retning,8,4,false," in lines
        assert "outcome,end,school,ny_retning,8,,true," in lines
        xlsx = await client.get("/reports/outcomes.xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert "Ordinær jobb" in cells and "skjult" in cells and 4 in cells
        assert not any(isinstance(c, str) and any(name in c for name in NAMES) for c in cells)
        pdf = await client.get("/reports/outcomes.pdf")
        assert pdf.headers["content-type"] == "application/pdf"
        pages = pypdf.PdfReader(io.BytesIO(pdf.content)).pages
        text = " ".join(pages[0].extract_text().split())
        assert len(pages) == 1 and "Resultater" in text and "Kursevaluering" in text
        assert not any(name in text for name in NAMES)
