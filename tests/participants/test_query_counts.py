"""Each page reads what it shows in a fixed number of queries: the count may not grow
with the office's history (more cohorts, more participants). The engine is wrapped
(tests/query_log.py) and every query a request runs is counted, on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course import clock
from tests.participants.helpers import cohort, enrolled, headers_for, monday_weeks_ago, participant
from tests.query_log import capture_queries

SLOTS = [("08:00", "09:00"), ("09:00", "10:00"), ("10:00", "11:00"), ("11:00", "12:00"), ("12:00", "13:00")]


async def _history(
    client, world, admin, leader, first: int, cohorts: int, people: int, also: int | None = None
) -> list[dict]:
    """``cohorts`` finished cohorts of office A, each with ``people`` participants enrolled."""
    made = []
    for n in range(first, first + cohorts):
        begin, end = SLOTS[n % len(SLOTS)]
        start = monday_weeks_ago(12 + 6 * n)
        with clock.starting(start - timedelta(days=14)):  # made and filled before it began
            course = await cohort(
                client,
                world,
                admin,
                start_date=start.isoformat(),
                weekdays=[1, 3],
                start_time=begin,
                end_time=end,
                location=f"Rom {n} på Åsen",
            )
            for i in range(people):
                person = await participant(client, leader, world, name=f"Øyvind Ås {n}-{i}")
                await enrolled(client, admin, course["id"], person["id"])
            if also is not None:
                await enrolled(client, admin, course["id"], also)
        made.append(course)
    return made


async def _count(client, url: str) -> int:
    async with capture_queries() as log:
        response = await client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return log.count


@pytest.mark.parametrize("who", ["leader", "manager"])
async def test_no_page_reads_more_as_history_grows(client, world, login_as, who):
    admin, leader = await headers_for(world.admin), await headers_for(world.leader)
    current = await cohort(client, world, leader, location="Møterom Ødegård")
    person = await participant(client, leader, world, name="Åse Bjørnstad Lærum")
    await enrolled(client, leader, current["id"], person["id"])
    # Some history already, so every part of a page has something to show (a follow-up due too).
    await _history(client, world, admin, leader, 0, 2, 2)
    web = await login_as(who)
    pages = [
        "/",
        f"/cohorts/{current['id']}",
        f"/cohorts/{current['id']}/summary",
        "/schedule",
        "/schedule?view=month",
        "/cohorts",
        "/cohorts?status=finished",
    ]
    if who == "leader":
        pages += ["/participants", f"/participants/{person['id']}", f"/participants/{person['id']}/path"]
    before = {url: await _count(web, url) for url in pages}
    # More history: four more finished cohorts, more people, and the same person on two more.
    await _history(client, world, admin, leader, 2, 4, 3, also=person["id"])
    after = {url: await _count(web, url) for url in pages}
    assert after == before
    # And few in all: a page is a handful of reads, not one per row.
    assert max(after.values()) <= 25, after
