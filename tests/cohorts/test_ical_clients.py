"""Calendars as other programs read them: parsed with vobject (a parser of its own, which
reads the file's VTIMEZONE rather than knowing Europe/Oslo), fetched as Outlook would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import vobject

from course import clock
from course.accounts.auth import CSRF_COOKIE
from course.cohorts import calendar
from tests.cohorts.test_sessions import created
from tests.participants.helpers import booked, enrolled, free_day, participant

WINTER_START = date(2027, 11, 16)  # a Tuesday; the cohort runs to December, in winter time


def parsed(response) -> vobject.base.Component:
    assert response.status_code == 200, response.text
    return vobject.readOne(response.content.decode("utf-8"))


def events(cal) -> dict[str, vobject.base.Component]:
    return {e.uid.value: e for e in cal.vevent_list}


def uid(cohort: dict, number: int) -> str:
    return f"kjk-cohort-{cohort['id']}-session-{number}@klart-jeg-kan"


def assert_one_charset(response) -> None:
    assert response.headers["content-type"].lower().count("charset=") == 1, response.headers["content-type"]


async def feed_path(client, headers) -> str:
    url = (await client.post("/api/v1/me/calendar-feed", headers=headers)).json()["url"]
    return url.split("testserver.local", 1)[1]


async def test_summer_and_winter_sessions_come_out_at_the_right_utc_hour(client, world, api_as):
    headers = await api_as("leader")
    summer = await created(client, world, headers, start_time="09:30", title="Høstkull på Ørje")
    winter = await created(
        client, world, headers, start_time="09:30", start_date=WINTER_START.isoformat(), title="Vinterkull på Ås"
    )
    first_summer = date.fromisoformat(summer["sessions"][0]["date"])
    assert first_summer < date(2027, 10, 31)  # before the change to winter time
    for cal in (
        parsed(await client.get(await feed_path(client, headers))),
        parsed(await client.get(f"/api/v1/cohorts/{summer['id']}/calendar.ics", headers=headers)),
    ):
        found = events(cal)
        start = found[uid(summer, 1)].dtstart.value
        assert start.astimezone(UTC) == datetime.combine(first_summer, datetime.min.time(), UTC).replace(
            hour=7, minute=30
        )
    found = events(parsed(await client.get(await feed_path(client, headers))))
    last_winter = date.fromisoformat(winter["sessions"][-1]["date"])
    assert last_winter.month == 12
    assert found[uid(winter, 8)].dtstart.value.astimezone(UTC) == datetime(
        last_winter.year, last_winter.month, last_winter.day, 8, 30, tzinfo=UTC
    )
    # Every one of the sixteen in the hour it has in Oslo, summer or winter.
    for cohort in (summer, winter):
        for s in cohort["sessions"]:
            start = found[uid(cohort, s["number"])].dtstart.value
            oslo = datetime.combine(date.fromisoformat(s["date"]), datetime.min.time(), calendar.OSLO)
            assert start.astimezone(UTC) == oslo.replace(hour=9, minute=30).astimezone(UTC)


async def test_the_time_zone_is_written_as_yearly_rules(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    response = await client.get(f"/api/v1/cohorts/{cohort['id']}/calendar.ics", headers=headers)
    text = response.text.replace("\r\n ", "")
    assert text.count("BEGIN:VTIMEZONE") == 1 and "TZID:Europe/Oslo" in text
    assert "RDATE" not in text
    zone = text.split("BEGIN:VTIMEZONE", 1)[1].split("END:VTIMEZONE", 1)[0]
    standard = zone.split("BEGIN:STANDARD", 1)[1].split("END:STANDARD", 1)[0]
    daylight = zone.split("BEGIN:DAYLIGHT", 1)[1].split("END:DAYLIGHT", 1)[0]
    for part, month, hour, before, after in (
        (standard, 10, "03", "+0200", "+0100"),
        (daylight, 3, "02", "+0100", "+0200"),
    ):
        rule = part.split("RRULE:", 1)[1].split("\r\n", 1)[0]
        assert set(rule.split(";")) == {"FREQ=YEARLY", f"BYMONTH={month}", "BYDAY=-1SU"}
        assert f"T{hour}0000" in part.split("DTSTART:", 1)[1].split("\r\n", 1)[0]
        assert f"TZOFFSETFROM:{before}" in part and f"TZOFFSETTO:{after}" in part


async def test_a_change_raises_sequence_and_last_modified(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    path = await feed_path(client, headers)
    before = events(parsed(await client.get(path)))[uid(cohort, 2)]
    assert int(before.sequence.value) == 0
    new_day = date.fromisoformat(cohort["sessions"][1]["date"]) + timedelta(days=1)
    moved = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/2", json={"date": new_day.isoformat()}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    first = events(parsed(await client.get(path)))[uid(cohort, 2)]
    assert int(first.sequence.value) > int(before.sequence.value)
    assert first.dtstart.value.date() == new_day
    with clock.frozen(datetime(2027, 9, 8, 15, 0)):  # the same day, three hours on
        again = await client.patch(
            f"/api/v1/cohorts/{cohort['id']}/sessions/2", json={"start_time": "10:00"}, headers=headers
        )
        assert again.status_code == 200, again.text
        second = events(parsed(await client.get(path)))[uid(cohort, 2)]
    assert int(second.sequence.value) > int(first.sequence.value)
    assert second.last_modified.value > first.last_modified.value
    # A change of room for the whole cohort reaches every session to come.
    with clock.frozen(datetime(2027, 9, 8, 16, 0)):
        room = await client.patch(
            f"/api/v1/cohorts/{cohort['id']}", json={"location": "Møterom Ærfugl"}, headers=headers
        )
        assert room.status_code == 200, room.text
        third = events(parsed(await client.get(path)))
    assert int(third[uid(cohort, 2)].sequence.value) > int(second.sequence.value)
    assert int(third[uid(cohort, 5)].sequence.value) == 1
    assert third[uid(cohort, 5)].location.value == "Møterom Ærfugl"


async def test_a_cancelled_session_says_so(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers, title="Kull på Ål")
    cancelled = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/3", json={"cancelled": True}, headers=headers
    )
    assert cancelled.status_code == 200, cancelled.text
    for response in (
        await client.get(await feed_path(client, headers)),
        await client.get(f"/api/v1/cohorts/{cohort['id']}/calendar.ics", headers=headers),
    ):
        found = events(parsed(response))
        assert found[uid(cohort, 3)].status.value == "CANCELLED"
        assert found[uid(cohort, 3)].summary.value.startswith("AVLYST: Kull på Ål")
        assert found[uid(cohort, 4)].status.value == "CONFIRMED"
        assert "AVLYST" not in found[uid(cohort, 4)].summary.value


async def test_the_feed_asks_to_be_fetched_every_hour(client, world, api_as):
    headers = await api_as("leader")
    await created(client, world, headers)
    cal = parsed(await client.get(await feed_path(client, headers)))
    assert cal.contents["refresh-interval"][0].value == "PT1H"
    assert cal.contents["refresh-interval"][0].params["VALUE"] == ["DURATION"]
    assert cal.contents["x-published-ttl"][0].value == "PT1H"


async def test_feeds_and_downloads_have_one_charset_and_set_no_cookie(client, world, api_as, login_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    path = await feed_path(client, headers)
    person = await participant(client, headers, world, name="Åse Ødegård")
    await enrolled(client, headers, cohort["id"], person["id"])
    link = await client.post(f"/api/v1/participants/{person['id']}/link", headers=headers)
    assert link.status_code == 201, link.text
    token = link.json()["url"].rsplit("/p/", 1)[1]

    client.cookies.clear()
    for url in (path, f"/p/{token}/calendar.ics"):
        response = await client.get(url)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/calendar")
        assert_one_charset(response)
        assert "set-cookie" not in response.headers, url
    # The download from the cohort page, logged in but with no CSRF cookie yet.
    await login_as("leader")
    client.cookies.delete(CSRF_COOKIE)
    download = await client.get(f"/cohorts/{cohort['id']}/calendar.ics")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    assert_one_charset(download)
    assert "set-cookie" not in download.headers
    assert events(parsed(download))[uid(cohort, 1)]
    # A page still gets its CSRF cookie.
    assert CSRF_COOKIE in (await client.get(f"/cohorts/{cohort['id']}")).headers.get("set-cookie", "")

    api = await client.get(f"/api/v1/cohorts/{cohort['id']}/calendar.ics", headers=headers)
    assert_one_charset(api)
    as_csv = await client.get("/api/v1/attendance/export.csv", params={"cohort_id": cohort["id"]}, headers=headers)
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert_one_charset(as_csv)


async def test_a_moved_talk_gets_a_new_version_in_both_feeds(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    person = await participant(client, headers, world, name="Øystein Ås")
    await enrolled(client, headers, cohort["id"], person["id"])
    talk = await booked(client, headers, cohort["id"], person["id"], world.leader, free_day(cohort))
    link = await client.post(f"/api/v1/participants/{person['id']}/link", headers=headers)
    own = f"/p/{link.json()['url'].rsplit('/p/', 1)[1]}/calendar.ics"
    path = await feed_path(client, headers)
    talk_uid = f"kjk-talk-{talk['id']}@klart-jeg-kan"
    for url in (path, own):
        assert int(events(parsed(await client.get(url)))[talk_uid].sequence.value) == 0
    with clock.frozen(datetime(2027, 9, 8, 15, 0)):
        moved = await client.patch(
            f"/api/v1/talks/{talk['id']}", json={"start_time": "11:00", "end_time": "11:45"}, headers=headers
        )
        assert moved.status_code == 200, moved.text
    for url in (path, own):
        event = events(parsed(await client.get(url)))[talk_uid]
        assert int(event.sequence.value) > 0
        assert event.last_modified.value == datetime(2027, 9, 8, 13, 0, tzinfo=UTC)
        assert event.dtstart.value.astimezone(UTC).hour == 9  # 11:00 in Oslo in September


def test_a_talk_sequence_counts_the_seconds_since_it_was_made():
    made = datetime(2027, 9, 8, 10, 0, tzinfo=UTC)
    assert calendar.sequence_between(made, made) == 0
    assert calendar.sequence_between(made, made + timedelta(minutes=2)) == 120
    assert calendar.sequence_between(None, made) == 0
