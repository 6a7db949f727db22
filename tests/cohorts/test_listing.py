"""The cohort list: a status filter in the query that agrees with each cohort's own
status, current and upcoming by default, and pages in a stable order."""

from __future__ import annotations

from datetime import timedelta

from course import clock
from tests.participants.helpers import headers_for, monday_weeks_ago

SLOTS = [("08:00", "09:00"), ("09:00", "10:00"), ("10:00", "11:00"), ("11:00", "12:00"), ("12:00", "13:00")]


async def _cohort(client, world, headers, n: int, start, weekdays=(1, 3)) -> dict:
    begin, end = SLOTS[n % len(SLOTS)]
    data = {
        "title": f"Kull {n} – Ærøy",
        "variant": "kjk",
        "start_date": start.isoformat(),
        "weekdays": list(weekdays),
        "start_time": begin,
        "end_time": end,
        "location": f"Rom {n} på Øvre Åsen",
        "leader_ids": [world.leader],
    }
    response = await client.post("/api/v1/cohorts", json=data, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _ids(client, headers, query: str = "") -> list[int]:
    response = await client.get(f"/api/v1/cohorts{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [c["id"] for c in response.json()]


async def test_each_status_filter_selects_the_cohorts_of_that_status(client, world):
    admin = await headers_for(world.admin)
    today = clock.today()
    finished = await _cohort(client, world, admin, 0, monday_weeks_ago(9))
    running = await _cohort(client, world, admin, 1, monday_weeks_ago(1))
    planned = await _cohort(client, world, admin, 2, today + timedelta(days=(7 - today.weekday()) % 7 + 14))
    cancelled = await _cohort(client, world, admin, 3, today + timedelta(days=(7 - today.weekday()) % 7 + 7))
    assert (
        await client.patch(f"/api/v1/cohorts/{cancelled['id']}", json={"cancelled": True}, headers=admin)
    ).is_success
    # Every session of a planned cohort cancelled: the cohort keeps its start day, so it is planned.
    emptied = await _cohort(client, world, admin, 4, today + timedelta(days=(7 - today.weekday()) % 7 + 21))
    for n in range(1, 9):
        changed = await client.patch(
            f"/api/v1/cohorts/{emptied['id']}/sessions/{n}", json={"cancelled": True}, headers=admin
        )
        assert changed.is_success, changed.text
    every = [finished, running, planned, cancelled, emptied]
    status = {c["id"]: (await client.get(f"/api/v1/cohorts/{c['id']}", headers=admin)).json()["status"] for c in every}
    assert sorted(status.values()) == ["cancelled", "finished", "planned", "planned", "running"]
    for wanted in ("planned", "running", "finished", "cancelled"):
        assert set(await _ids(client, admin, f"?status={wanted}")) == {i for i, s in status.items() if s == wanted}
    current = {i for i, s in status.items() if s in ("planned", "running")}
    assert set(await _ids(client, admin, "?status=current")) == current
    # Without a period or a status: the current and upcoming ones, by start day.
    assert await _ids(client, admin) == [running["id"], planned["id"], emptied["id"]]
    # A period still reaches the history.
    assert finished["id"] in await _ids(client, admin, f"?from={(today - timedelta(weeks=20)).isoformat()}")


async def test_the_list_pages_with_a_cursor_in_the_link_header(client, world):
    admin = await headers_for(world.admin)
    made = [await _cohort(client, world, admin, n, monday_weeks_ago(60 - 6 * n)) for n in range(5)]
    seen: list[int] = []
    url = "/api/v1/cohorts?status=finished&limit=2"
    pages = 0
    while url:
        response = await client.get(url, headers=admin)
        assert response.status_code == 200, response.text
        assert response.headers["x-total-count"] == "5"
        seen += [c["id"] for c in response.json()]
        url = response.links.get("next", {}).get("url")
        pages += 1
    assert pages == 3
    # Finished cohorts: the newest first.
    assert seen == [c["id"] for c in reversed(made)]
    # Back from the last page.
    last = await client.get("/api/v1/cohorts?status=finished&limit=2", headers=admin)
    second = await client.get(last.links["next"]["url"], headers=admin)
    back = await client.get(second.links["prev"]["url"], headers=admin)
    assert [c["id"] for c in back.json()] == seen[:2] and "prev" not in back.links


async def test_bad_paging_is_named(client, world):
    admin = await headers_for(world.admin)
    for query, field in (
        ("?cursor=bm9wZQ", "cursor"),
        ("?limit=201", "limit"),
        ("?limit=0", "limit"),
        ("?status=x", "status"),
    ):
        response = await client.get(f"/api/v1/cohorts{query}", headers=admin)
        assert response.status_code in (400, 422), (query, response.text)
        assert field in response.text
    # A cursor of another list (the participants') does not fit this one.
    people = await client.get("/api/v1/participants?limit=1", headers=admin)
    assert people.status_code == 200


async def test_closures_page_from_a_year_back_and_the_api_pages_them(client, world, login_as):
    from course.cohorts.tables import Closure

    today = clock.today()
    await Closure.insert(
        *[
            Closure(
                office=world.office_a,
                start_date=today - timedelta(days=30 * n),
                end_date=today - timedelta(days=30 * n - 2),
                reason=f"Stengt {n} – Ål",
            )
            for n in range(0, 60)
        ]
    )
    leader = await headers_for(world.leader)
    first = await client.get("/api/v1/closures?limit=25", headers=leader)
    assert first.status_code == 200 and len(first.json()) == 25 and "next" in first.links
    recent = await client.get(
        f"/api/v1/closures?from={(today - timedelta(days=365)).isoformat()}&limit=200", headers=leader
    )
    assert len(recent.json()) == 13  # ended within the last year
    web = await login_as("leader")
    page = await web.get("/closures")
    assert page.status_code == 200 and "Stengt 12 – Ål" in page.text and "Stengt 13 – Ål" not in page.text
    assert 'rel="next"' not in page.text
