"""The week and month calendar pages, and the calendar feed on the account page."""

from __future__ import annotations

from icalendar import Calendar

from course import clock
from tests.cohorts.test_sessions import created, day
from tests.conftest import csrf_post


async def test_week_and_month_show_the_offices_sessions(client, world, login_as, api_as):
    cohort = await created(client, world, await api_as("leader"))
    first = day(cohort, 1)
    await login_as("manager")
    week = await client.get(f"/schedule?view=week&date={first.isoformat()}")
    assert week.status_code == 200
    assert "Klart jeg kan – vår" in week.text and "Ressursavklaring" in week.text
    month = await client.get(f"/schedule?view=month&date={first.isoformat()}")
    assert "Klart jeg kan – vår" in month.text


async def test_another_office_sees_none_of_them(client, world, login_as, api_as):
    cohort = await created(client, world, await api_as("leader"))
    await login_as("leader_b")
    week = await client.get(f"/schedule?view=week&date={day(cohort, 1).isoformat()}")
    assert "Klart jeg kan – vår" not in week.text and "Ingen samlinger" in week.text


async def test_a_bad_date_shows_this_week(client, world, login_as):
    await login_as("leader")
    response = await client.get("/schedule?date=igår&view=år")
    assert response.status_code == 200
    assert clock.today().strftime("%d.%m.%Y") in response.text or "Uke" in response.text


async def test_calendar_feed_from_the_account_page(client, world, login_as, api_as):
    await created(client, world, await api_as("leader"))
    await login_as("leader")
    page = await csrf_post(client, "/account/calendar-feed", page="/account")
    url = page.text.split('<code class="token">')[1].split("</code>")[0]
    feed = await client.get(url.split("testserver.local", 1)[1])
    assert len(Calendar.from_ical(feed.content).walk("VEVENT")) == 8
