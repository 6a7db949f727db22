"""Who reaches which talk, over the API and through the pages: a leader of another
office finds nothing (404), a manager is refused every talk and every time for talks
(403), an admin sees every office's talks. What the other test files here leave out."""

from __future__ import annotations

import pytest

from course.guidance.tables import AvailabilityException, Talk
from tests.conftest import csrf_post
from tests.participants.helpers import booked, cohort, enrolled, free_day, participant


@pytest.fixture
async def talk(client, world, as_):
    """A talk in a coming cohort of office A, led by Åse Ødegård; answers (cohort, participant, talk)."""
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    person = await participant(client, leader, world)
    await enrolled(client, leader, course["id"], person["id"])
    return course, person, await booked(client, leader, course["id"], person["id"], world.leader, free_day(course, 0))


def requests(course: dict, person: dict, talk: dict, world) -> list[tuple[str, str, dict | None]]:
    """Every talk route of the API that names a cohort or a talk."""
    day = free_day(course, 1).isoformat()
    one = {
        "participant_id": person["id"],
        "leader_id": world.leader,
        "date": day,
        "start_time": "10:00",
        "end_time": "10:45",
    }
    return [
        ("GET", f"/api/v1/cohorts/{course['id']}/talks", None),
        ("POST", f"/api/v1/cohorts/{course['id']}/talks", one),
        ("GET", f"/api/v1/talks/{talk['id']}", None),
        ("PATCH", f"/api/v1/talks/{talk['id']}", {"status": "cancelled"}),
        ("PATCH", f"/api/v1/talks/{talk['id']}", {"note": "Overskrevet"}),
        ("POST", f"/api/v1/cohorts/{course['id']}/talk-plan", {"length_minutes": 45}),
        ("POST", f"/api/v1/cohorts/{course['id']}/talk-plan/accept", {"talks": [one]}),
    ]


async def unchanged(talk: dict) -> None:
    rows = await Talk.select(Talk.id, Talk.status, Talk.note)
    assert rows == [{"id": talk["id"], "status": "planned", "note": ""}]


@pytest.mark.parametrize(("role", "status"), [("leader_b", 404), ("manager", 403), ("manager_b", 403)])
async def test_the_talk_api_is_closed_to_other_offices_and_to_managers(client, world, as_, talk, role, status):
    course, person, booked_talk = talk
    headers = await as_(role)
    for method, path, body in requests(course, person, booked_talk, world):
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == status, (method, path, response.text)
    await unchanged(booked_talk)


@pytest.mark.parametrize("role", ["manager", "manager_b"])
async def test_a_manager_keeps_no_times_for_talks(client, world, as_, role):
    leader = await as_("leader")
    added = await client.post("/api/v1/me/availability/exceptions", json={"date": "2028-09-04"}, headers=leader)
    exception_id = added.json()["exceptions"][0]["id"]
    headers = await as_(role)
    assert (await client.get("/api/v1/me/availability", headers=headers)).status_code == 403
    week = {"weekly": [{"weekday": 1, "start_time": "09:00", "end_time": "12:00"}]}
    assert (await client.put("/api/v1/me/availability", json=week, headers=headers)).status_code == 403
    response = await client.post("/api/v1/me/availability/exceptions", json={"date": "2028-09-05"}, headers=headers)
    assert response.status_code == 403
    response = await client.delete(f"/api/v1/me/availability/exceptions/{exception_id}", headers=headers)
    assert response.status_code == 403
    assert await AvailabilityException.count() == 1


async def test_a_leader_may_not_remove_another_leaders_day_away(client, world, as_):
    added = await client.post(
        "/api/v1/me/availability/exceptions", json={"date": "2028-09-04"}, headers=await as_("leader")
    )
    exception_id = added.json()["exceptions"][0]["id"]
    response = await client.delete(f"/api/v1/me/availability/exceptions/{exception_id}", headers=await as_("leader_b"))
    assert response.status_code == 404
    assert await AvailabilityException.count() == 1


async def test_an_admin_sees_another_offices_talks(client, world, as_):
    leader_b = await as_("leader_b")
    course = await cohort(client, world, leader_b, leader_ids=[world.leader_b])
    person = await participant(client, leader_b, world, primary_contact_id=world.leader_b)
    await enrolled(client, leader_b, course["id"], person["id"])
    talk = await booked(client, leader_b, course["id"], person["id"], world.leader_b, free_day(course, 0))
    admin = await as_("admin")
    listed = await client.get(f"/api/v1/cohorts/{course['id']}/talks", headers=admin)
    assert listed.status_code == 200 and [t["id"] for t in listed.json()] == [talk["id"]]
    assert (await client.get(f"/api/v1/talks/{talk['id']}", headers=admin)).status_code == 200
    # The leader of office A sees none of it.
    leader = await as_("leader")
    assert (await client.get(f"/api/v1/cohorts/{course['id']}/talks", headers=leader)).status_code == 404
    assert (await client.get(f"/api/v1/talks/{talk['id']}", headers=leader)).status_code == 404


# --- the pages ------------------------------------------------------------------------------


async def test_a_manager_may_post_none_of_the_talk_forms(client, world, login_as, as_, talk):
    course, person, booked_talk = talk
    day = free_day(course, 1).isoformat()
    await login_as("manager")
    forms = [
        (
            f"/cohorts/{course['id']}/talks",
            {
                "participant_id": str(person["id"]),
                "leader_id": str(world.leader),
                "date": day,
                "start_time": "10:00",
                "end_time": "10:45",
            },
        ),
        (f"/cohorts/{course['id']}/talks/plan", {"length_minutes": "45"}),
        (f"/cohorts/{course['id']}/talks/plan/accept", {"length_minutes": "45"}),
        (f"/talks/{booked_talk['id']}", {"status": "cancelled"}),
        ("/availability", {"weekday_0": "1", "start_0": "09:00", "end_0": "12:00"}),
        ("/availability/exceptions", {"date": day}),
        ("/availability/exceptions/1/delete", {}),
    ]
    for path, data in forms:
        response = await csrf_post(client, path, data, page="/schedule")
        assert response.status_code == 403, path
    await unchanged(booked_talk)


async def test_another_offices_leader_may_not_accept_a_plan(client, world, login_as, as_, talk):
    course, person, booked_talk = talk
    await login_as("leader_b")
    data = {
        "length_minutes": "45",
        "participant_id": str(person["id"]),
        "leader_id": str(world.leader),
        "date": free_day(course, 1).isoformat(),
        "start_time": "10:00",
        "end_time": "10:45",
    }
    response = await csrf_post(client, f"/cohorts/{course['id']}/talks/plan/accept", data, page="/availability")
    assert response.status_code == 404
    await unchanged(booked_talk)
