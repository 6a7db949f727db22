"""iCalendar downloads and personal feeds, parsed back with icalendar."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from course import clock
from tests.cohorts.test_api import body
from tests.cohorts.test_sessions import created


async def test_cohort_calendar_has_one_event_per_session(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    response = await client.get(f"/api/v1/cohorts/{cohort['id']}/calendar.ics", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 8
    assert [str(e["uid"]) for e in events] == [
        f"kjk-cohort-{cohort['id']}-session-{n}@klart-jeg-kan" for n in range(1, 9)
    ]
    assert "Ressursavklaring" in str(events[0]["summary"])
    assert str(events[0]["location"]) == "Møterom Åsen"
    assert events[0]["dtstart"].params["TZID"] == "Europe/Oslo"
    assert calendar.walk("VTIMEZONE")


async def test_another_office_gets_404_for_the_calendar(client, world, api_as):
    cohort = await created(client, world, await api_as("leader"))
    response = await client.get(f"/api/v1/cohorts/{cohort['id']}/calendar.ics", headers=await api_as("leader_b"))
    assert response.status_code == 404


async def test_personal_feed_follows_changes_and_rotates(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    url = (await client.post("/api/v1/me/calendar-feed", headers=headers)).json()["url"]
    path = url.split("testserver.local", 1)[1]
    feed = await client.get(path)
    assert feed.status_code == 200 and "no-store" in feed.headers["cache-control"]
    assert len(Calendar.from_ical(feed.content).walk("VEVENT")) == 8
    await client.patch(f"/api/v1/cohorts/{cohort['id']}/sessions/3", json={"cancelled": True}, headers=headers)
    events = Calendar.from_ical((await client.get(path)).content).walk("VEVENT")
    assert str(events[2]["status"]) == "CANCELLED"
    new_url = (await client.post("/api/v1/me/calendar-feed", headers=headers)).json()["url"]
    assert new_url != url
    assert (await client.get(path)).status_code == 404


async def test_a_guessed_feed_is_404(client, world):
    assert (await client.get("/calendar/gjettet.ics")).status_code == 404


async def test_the_personal_feed_holds_a_year_back_and_what_comes(client, world, api_as):
    headers = await api_as("leader")
    admin = await api_as("admin")
    today = clock.today()
    old_start = today - timedelta(days=420 + today.weekday())  # a Monday well over a year ago
    old = await client.post(
        "/api/v1/cohorts",
        json={**body(world), "start_date": old_start.isoformat(), "weekdays": [1, 3], "title": "Gammelt kull på Ål"},
        headers=admin,
    )
    assert old.status_code == 201, old.text
    await created(client, world, headers)
    url = (await client.post("/api/v1/me/calendar-feed", headers=headers)).json()["url"]
    events = Calendar.from_ical((await client.get(url.split("testserver.local", 1)[1])).content).walk("VEVENT")
    assert len(events) == 8 and "Gammelt" not in " ".join(str(e["summary"]) for e in events)
