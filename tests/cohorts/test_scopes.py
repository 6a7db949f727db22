"""Who reaches which cohort, over the API and through the pages: a leader or a manager
of another office finds nothing (404), a manager may not change anything (403), an
admin sees and changes every office's cohorts. What the other test files here leave
out."""

from __future__ import annotations

from datetime import date

import pytest
from icalendar import Calendar

from course.accounts.tables import StaffUser
from course.cohorts.tables import Closure, Cohort
from tests.cohorts.test_sessions import created, day
from tests.conftest import csrf_post
from tests.participants.helpers import headers_for


@pytest.fixture
def as_(world):
    """API headers for a role of the world, from a key written into the table (no login)."""

    async def headers(who: str) -> dict[str, str]:
        return await headers_for(getattr(world, who))

    return headers


async def cancelled_at(cohort: dict):
    return (await Cohort.select(Cohort.cancelled_at).where(Cohort.id == cohort["id"]).first())["cancelled_at"]


async def a_closure(world) -> int:
    return (
        await Closure.insert(
            Closure(
                office=world.office_a, start_date=date(2027, 7, 5), end_date=date(2027, 8, 1), reason="Sommerstengt"
            )
        ).returning(Closure.id)
    )[0]["id"]


# --- the API --------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("leader_b", 404), ("manager_b", 403), ("manager", 403)])
async def test_only_the_offices_leaders_cancel_a_cohort(client, world, as_, role, status):
    cohort = await created(client, world, await as_("leader"))
    response = await client.patch(f"/api/v1/cohorts/{cohort['id']}", json={"cancelled": True}, headers=await as_(role))
    assert response.status_code == status, response.text
    assert await cancelled_at(cohort) is None


@pytest.mark.parametrize("role", ["leader_b", "manager_b"])
async def test_another_office_lists_none_of_the_cohorts(client, world, as_, role):
    await created(client, world, await as_("leader"))
    response = await client.get("/api/v1/cohorts", headers=await as_(role))
    assert response.status_code == 200 and response.json() == []


async def test_an_admin_sees_and_changes_another_offices_cohort(client, world, as_):
    cohort = await created(client, world, await as_("leader_b"), leader_ids=[world.leader_b])
    admin = await as_("admin")
    assert cohort["office_id"] == world.office_b
    assert [c["id"] for c in (await client.get("/api/v1/cohorts", headers=admin)).json()] == [cohort["id"]]
    assert (await client.get(f"/api/v1/cohorts/{cohort['id']}", headers=admin)).status_code == 200
    moved = await client.patch(f"/api/v1/cohorts/{cohort['id']}/sessions/8", json={"cancelled": True}, headers=admin)
    assert moved.status_code == 200 and moved.json()["sessions"][7]["status"] == "cancelled"
    response = await client.patch(f"/api/v1/cohorts/{cohort['id']}", json={"cancelled": True}, headers=admin)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


async def test_a_manager_may_not_add_or_remove_closures(client, world, as_):
    closure_id = await a_closure(world)
    manager = await as_("manager")
    response = await client.post(
        "/api/v1/closures",
        json={"start_date": "2027-12-23", "end_date": "2028-01-02", "reason": "Jul"},
        headers=manager,
    )
    assert response.status_code == 403
    assert (await client.delete(f"/api/v1/closures/{closure_id}", headers=manager)).status_code == 403
    assert await Closure.count() == 1
    assert [c["id"] for c in (await client.get("/api/v1/closures", headers=manager)).json()] == [closure_id]


async def test_the_personal_feed_holds_only_the_cohorts_its_owner_leads(client, world, as_):
    leader = await as_("leader")
    await created(client, world, leader)
    await created(
        client,
        world,
        await as_("admin"),
        leader_ids=[world.admin],
        location="Møterom Lia",
        start_time="15:00",
        end_time="16:00",
    )
    url = (await client.post("/api/v1/me/calendar-feed", headers=leader)).json()["url"]
    path = url.split("testserver.local", 1)[1]
    events = Calendar.from_ical((await client.get(path)).content).walk("VEVENT")
    assert len(events) == 8 and all(str(e["location"]) == "Møterom Åsen" for e in events)


async def test_the_feed_of_someone_who_left_is_gone(client, world, as_):
    leader = await as_("leader")
    await created(client, world, leader)
    url = (await client.post("/api/v1/me/calendar-feed", headers=leader)).json()["url"]
    path = url.split("testserver.local", 1)[1]
    assert (await client.get(path)).status_code == 200
    await StaffUser.update({StaffUser.active: False}).where(StaffUser.id == world.leader)
    assert (await client.get(path)).status_code == 404


# --- the pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("leader_b", 404), ("manager", 403)])
async def test_only_the_offices_leaders_cancel_a_cohort_through_the_page(client, world, login_as, as_, role, status):
    cohort = await created(client, world, await as_("leader"))
    await login_as(role)
    response = await csrf_post(
        client, f"/cohorts/{cohort['id']}/cancel", {"cancelled": "1", "confirm": "1"}, page="/closures"
    )
    assert response.status_code == status
    assert await cancelled_at(cohort) is None


async def test_another_offices_leader_finds_no_session_form(client, world, login_as, as_):
    cohort = await created(client, world, await as_("leader"))
    await login_as("leader_b")
    path = f"/cohorts/{cohort['id']}/sessions/2"
    assert (await client.get(path)).status_code == 404
    response = await csrf_post(
        client,
        path,
        {"date": day(cohort, 2).isoformat(), "start_time": "10:00", "end_time": "14:00", "cancelled": "on"},
        page="/closures",
    )
    assert response.status_code == 404
    again = (await client.get(f"/api/v1/cohorts/{cohort['id']}", headers=await as_("leader"))).json()
    assert again["sessions"][1] == cohort["sessions"][1]


@pytest.mark.parametrize(("role", "status"), [("leader_b", 404), ("manager", 403)])
async def test_only_the_offices_leaders_remove_a_closure_through_the_page(client, world, login_as, role, status):
    closure_id = await a_closure(world)
    await login_as(role)
    response = await csrf_post(client, f"/closures/{closure_id}/delete", {"confirm": "1"}, page="/closures")
    assert response.status_code == status
    assert await Closure.count() == 1


async def test_a_manager_may_not_plan_a_term(client, world, login_as):
    await login_as("manager")
    assert (await client.get("/cohorts/plan")).status_code == 403
