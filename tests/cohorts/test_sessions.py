"""Moving and cancelling sessions, cancelling cohorts, office closures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from course.cohorts.tables import Closure, Session
from tests.cohorts.test_api import body


async def created(client, world, headers, **changes) -> dict:
    response = await client.post("/api/v1/cohorts", json=body(world, **changes), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def day(cohort, number) -> date:
    return date.fromisoformat(cohort["sessions"][number - 1]["date"])


async def test_move_a_session_to_a_free_day(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    new = day(cohort, 2) + timedelta(days=1)
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/2",
        json={"date": new.isoformat(), "start_time": "10:00"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    session = response.json()["sessions"][1]
    assert session["date"] == new.isoformat() and session["start_time"] == "10:00"


async def test_a_move_past_the_next_session_is_refused(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/2", json={"date": day(cohort, 3).isoformat()}, headers=headers
    )
    assert response.status_code == 422 and response.json()["extra"][0]["key"] == "date"
    assert (await Session.select(Session.date).where(Session.number == 2).first())["date"] == day(cohort, 2)


async def test_a_move_onto_a_closure_names_it(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    target = day(cohort, 2) + timedelta(days=1)
    await client.post(
        "/api/v1/closures",
        json={"start_date": target.isoformat(), "end_date": target.isoformat(), "reason": "Personalseminar"},
        headers=headers,
    )
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/2", json={"date": target.isoformat()}, headers=headers
    )
    assert response.status_code == 422
    assert "Personalseminar" in response.json()["extra"][0]["message"]


async def test_a_move_onto_another_cohorts_session_is_409(client, world, api_as):
    headers = await api_as("leader")
    first = await created(client, world, headers)
    second = await created(client, world, headers, title="Ettermiddag", start_time="15:00", end_time="16:00")
    response = await client.patch(
        f"/api/v1/cohorts/{second['id']}/sessions/1",
        json={"start_time": "10:00", "end_time": "11:00"},
        headers=headers,
    )
    assert response.status_code == 409 and first["title"] in response.json()["detail"]


async def test_cancel_a_session_and_a_cohort(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/8", json={"cancelled": True}, headers=headers
    )
    assert response.json()["sessions"][7]["status"] == "cancelled"
    response = await client.patch(f"/api/v1/cohorts/{cohort['id']}", json={"cancelled": True}, headers=headers)
    assert response.json()["status"] == "cancelled"
    # A cancelled cohort no longer holds its room.
    assert (await client.post("/api/v1/cohorts", json=body(world), headers=headers)).status_code == 201


@pytest.mark.parametrize("role", ["manager", "leader_b"])
async def test_only_the_offices_leaders_change_sessions(client, world, api_as, role):
    cohort = await created(client, world, await api_as("leader"))
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/1", json={"cancelled": True}, headers=await api_as(role)
    )
    assert response.status_code == (403 if role == "manager" else 404)


async def test_closures_are_per_office(client, world, api_as):
    leader = await api_as("leader")
    response = await client.post(
        "/api/v1/closures",
        json={"start_date": "2027-07-05", "end_date": "2027-08-01", "reason": "Sommerstengt"},
        headers=leader,
    )
    assert response.status_code == 201 and response.json()["office_id"] == world.office_a
    assert (await client.get("/api/v1/closures", headers=await api_as("leader_b"))).json() == []
    closure_id = response.json()["id"]
    assert (await client.delete(f"/api/v1/closures/{closure_id}", headers=await api_as("leader_b"))).status_code == 404
    assert (await client.delete(f"/api/v1/closures/{closure_id}", headers=leader)).status_code == 204
    assert await Closure.count() == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start_date": "2027-08-01", "end_date": "2027-07-01", "reason": "Sommer"}, "end_date"),
        ({"start_date": "1. juli", "end_date": "2027-07-01", "reason": "Sommer"}, "start_date"),
        ({"start_date": "2027-07-01", "end_date": "2027-07-01", "reason": ""}, "reason"),
    ],
)
async def test_bad_closures_name_the_field(client, world, api_as, payload, field):
    response = await client.post("/api/v1/closures", json=payload, headers=await api_as("leader"))
    assert response.status_code == 422 and response.json()["extra"][0]["key"] == field
    assert await Closure.count() == 0
