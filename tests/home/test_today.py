"""The leader's start page leads straight to today's attendance register."""

from __future__ import annotations

from datetime import date, timedelta

from course.home.pages import today_sessions
from tests.participants.helpers import cohort, monday_weeks_ago, office_a_leader, running_cohort
from tests.query_log import capture_queries


def attendance_links(html: str) -> list[str]:
    return [
        chunk.split('"', 1)[0] for chunk in html.split('href="')[1:] if chunk.split('"', 1)[0].endswith("/attendance")
    ]


async def test_todays_session_is_on_the_start_page_with_the_register(client, world, as_, login_as):
    admin = await as_("admin")
    # Mondays and Wednesdays: today, a Wednesday, holds session 4.
    course = await running_cohort(client, world, admin, title="Klart jeg kan – Åsen")
    await login_as("leader")
    page = await client.get("/")
    assert page.status_code == 200
    today = page.text.split('id="today"', 1)[1].split("</section>", 1)[0]
    assert "I dag" in today and "09:00–14:00" in today and "Klart jeg kan – Åsen" in today
    assert "Samling 4: Selvfølelse og selvtillit" in today and "Møterom Åsen" in today
    assert "Registrer oppmøte" in today
    assert attendance_links(page.text) == [f"/cohorts/{course['id']}/sessions/4/attendance"]
    # The link leads to the register of that session.
    register = await client.get(attendance_links(page.text)[0])
    assert register.status_code == 200 and "Oppmøte, samling 4" in register.text
    # The section stands before the cohort list.
    assert page.text.index('id="today"') < page.text.index('id="cohorts-title"')


async def test_no_section_on_a_day_without_a_session(client, world, as_, login_as):
    # Tuesdays and Thursdays: nothing today, a Wednesday.
    start = (monday_weeks_ago(1) + timedelta(days=1)).isoformat()
    await cohort(client, world, await as_("admin"), title="Klart jeg kan – Åsen", start_date=start, weekdays=[2, 4])
    await login_as("leader")
    page = await client.get("/")
    assert page.status_code == 200 and "Klart jeg kan – Åsen" in page.text
    assert 'id="today"' not in page.text and "Registrer oppmøte" not in page.text


async def test_a_colleagues_session_and_a_cancelled_one_are_not_shown(client, world, as_, login_as):
    admin = await as_("admin")
    colleague, _ = await office_a_leader(world, "kaare@a.no", "Kåre Bø")
    await running_cohort(client, world, admin, title="Kåres kurs", leader_ids=[colleague], location="Rom Ø")
    mine = await running_cohort(
        client, world, admin, title="Mitt kurs", location="Rom Å", start_time="15:00", end_time="16:00"
    )
    cancelled = await client.patch(f"/api/v1/cohorts/{mine['id']}/sessions/4", json={"cancelled": True}, headers=admin)
    assert cancelled.status_code == 200, cancelled.text
    await login_as("leader")
    page = await client.get("/")
    assert 'id="today"' not in page.text and "Kåres kurs" not in page.text


async def test_a_substitute_sees_the_session_they_stand_in_for(client, world, as_, login_as):
    admin = await as_("admin")
    colleague, _ = await office_a_leader(world, "kaare@a.no", "Kåre Bø")
    course = await running_cohort(client, world, admin, title="Kåres kurs", leader_ids=[colleague])
    response = await client.patch(
        f"/api/v1/cohorts/{course['id']}/sessions/4", json={"leader_ids": [world.leader]}, headers=admin
    )
    assert response.status_code == 200, response.text
    await login_as("leader")
    page = await client.get("/")
    assert attendance_links(page.text) == [f"/cohorts/{course['id']}/sessions/4/attendance"]


async def test_the_start_page_reads_nothing_more_for_todays_sessions(client, world, as_, login_as):
    admin = await as_("admin")
    course = await running_cohort(client, world, admin, title="Klart jeg kan – Åsen")
    await login_as("leader")
    async with capture_queries() as shown:
        page = await client.get("/")
    assert len(attendance_links(page.text)) == 1
    await client.patch(f"/api/v1/cohorts/{course['id']}/sessions/4", json={"cancelled": True}, headers=admin)
    async with capture_queries() as none:
        page = await client.get("/")
    assert attendance_links(page.text) == []
    assert shown.count == none.count


def test_today_sessions_sorts_by_start_and_keeps_the_leaders_own():
    from course.cohorts.services import CohortOut, SessionOut

    def session(number, day, start, substitutes=(), status="planned"):
        return SessionOut(number, number, "", day, start, "23:00", "Rom", status, list(substitutes))

    def made(cid, title, leaders, sessions):
        return CohortOut(
            cid, title, "kjk", 1, "Rom", 12, day, day, [1, 3], "09:00", "14:00", leaders, "running", sessions
        )

    day = date(2027, 9, 15)
    other = date(2027, 9, 16)
    found = today_sessions(
        [
            made(1, "Sent", [7], [session(1, day, "15:00"), session(2, other, "09:00")]),
            made(2, "Tidlig", [7, 8], [session(1, day, "09:00")]),
            made(3, "Vikar", [8], [session(1, day, "12:00", substitutes=[7]), session(2, day, "13:00")]),
            made(4, "Avlyst", [7], [session(1, day, "10:00", status="cancelled")]),
            made(5, "Andres", [8], [session(1, day, "08:00")]),
        ],
        7,
        day,
    )
    assert [(f["cohort"].title, f["session"].number) for f in found] == [("Tidlig", 1), ("Vikar", 1), ("Sent", 1)]
