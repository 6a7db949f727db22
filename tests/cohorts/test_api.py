"""Creating and reading cohorts over the API, on both engines."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from course import clock
from course.cohorts.tables import Closure, Cohort, Session


def next_weekday(iso: int, after: date | None = None) -> date:
    """A course start: the first such weekday two weeks or more ahead whose four weeks
    hold no public holiday, so tests that move sessions by a day hold in December too."""
    day = (after or clock.today()) + timedelta(days=14)
    norway = holidays.Norway(years=range(day.year, day.year + 2))
    while day.isoweekday() != iso or any(day + timedelta(days=n) in norway for n in range(28)):
        day += timedelta(days=1)
    return day


def body(world, **changes) -> dict:
    base = {
        "title": "Klart jeg kan – vår",
        "variant": "kjk",
        "start_date": next_weekday(2).isoformat(),
        "weekdays": [2, 4],
        "start_time": "09:00",
        "end_time": "14:00",
        "location": "Møterom Åsen",
        "leader_ids": [world.leader],
        "capacity": 12,
    }
    return {**base, **changes}


async def test_leader_creates_a_cohort_with_eight_sessions(client, world, api_as):
    headers = await api_as("leader")
    response = await client.post("/api/v1/cohorts", json=body(world), headers=headers)
    assert response.status_code == 201, response.text
    cohort = response.json()
    assert cohort["office_id"] == world.office_a and cohort["status"] == "planned"
    sessions = cohort["sessions"]
    assert [s["number"] for s in sessions] == list(range(1, 9))
    assert sessions[0]["module_name"] == "Resource mapping"
    assert all(s["start_time"] == "09:00" and s["end_time"] == "14:00" for s in sessions)
    assert {date.fromisoformat(s["date"]).isoweekday() for s in sessions} <= {2, 3, 4, 5}
    assert isinstance(cohort["moved"], list)
    again = await client.get(f"/api/v1/cohorts/{cohort['id']}", headers=headers)
    assert again.json()["sessions"] == sessions


async def test_a_closure_moves_sessions_and_says_why(client, world, api_as):
    start = next_weekday(2)
    await Closure.insert(
        Closure(
            office=world.office_a,
            start_date=start + timedelta(days=2),
            end_date=start + timedelta(days=2),
            reason="Fagdag",
        )
    )
    response = await client.post("/api/v1/cohorts", json=body(world), headers=await api_as("leader"))
    moved = response.json()["moved"]
    assert moved[0] == {
        "number": 2,
        "from": (start + timedelta(days=2)).isoformat(),
        "to": (start + timedelta(days=3)).isoformat(),
        "reason": "Fagdag",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weekdays": [2, 2]}, "weekdays"),
        ({"end_time": "08:00"}, "end_time"),
        ({"start_time": "9:00"}, "start_time"),
        ({"end_time": "25:00"}, "end_time"),
        ({"start_date": "2020-01-07"}, "start_date"),
        ({"start_date": "07.01.2030"}, "start_date"),
        ({"leader_ids": [99999]}, "leader_ids"),
        ({"title": " "}, "title"),
        ({"variant": "annen"}, "variant"),
        ({"location": ""}, "location"),
    ],
)
async def test_bad_input_is_422_naming_the_field_and_nothing_is_saved(client, world, api_as, changes, field):
    response = await client.post("/api/v1/cohorts", json=body(world, **changes), headers=await api_as("leader"))
    assert response.status_code == 422, response.text
    assert field in [e["key"] for e in response.json()["extra"]]
    assert await Cohort.count() == 0 and await Session.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weekdays": [2, 9]}, "weekdays.1"),
        ({"weekdays": [2]}, "weekdays"),
        ({"weekdays": "tirsdag"}, "weekdays"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 31}, "capacity"),
        ({"capacity": "tolv"}, "capacity"),
        ({"capacity": "12"}, "capacity"),
        ({"leader_ids": []}, "leader_ids"),
        ({"leader_ids": [0]}, "leader_ids.0"),
        ({"title": None}, "title"),
        ({"room": "Åsen"}, "room"),
    ],
)
async def test_a_body_off_the_schema_is_400_naming_the_field_and_nothing_is_saved(
    client, world, api_as, changes, field
):
    response = await client.post("/api/v1/cohorts", json=body(world, **changes), headers=await api_as("leader"))
    assert response.status_code == 400, response.text
    assert [e["key"] for e in response.json()["extra"]] == [field]
    assert await Cohort.count() == 0 and await Session.count() == 0


async def test_a_leader_from_another_office_is_refused(client, world, api_as):
    response = await client.post(
        "/api/v1/cohorts", json=body(world, leader_ids=[world.leader_b]), headers=await api_as("leader")
    )
    assert response.status_code == 422
    assert response.json()["extra"][0]["key"] == "leader_ids"


async def test_an_admin_may_register_an_old_cohort(client, world, api_as):
    response = await client.post(
        "/api/v1/cohorts", json=body(world, start_date="2025-01-07"), headers=await api_as("admin")
    )
    assert response.status_code == 201
    assert response.json()["status"] == "finished"


async def test_a_double_booked_leader_is_409_naming_the_clash(client, world, api_as):
    headers = await api_as("leader")
    assert (await client.post("/api/v1/cohorts", json=body(world), headers=headers)).status_code == 201
    response = await client.post(
        "/api/v1/cohorts",
        json=body(world, title="Ny retning", location="Annet rom", start_time="13:00", end_time="15:00"),
        headers=headers,
    )
    assert response.status_code == 409
    assert "Åse Ødegård" in response.json()["detail"] and "Klart jeg kan – vår" in response.json()["detail"]
    assert await Cohort.count() == 1


async def test_a_double_booked_room_is_409(client, world, api_as):
    await make_second_leader(world)
    headers = await api_as("leader")
    await client.post("/api/v1/cohorts", json=body(world), headers=headers)
    response = await client.post(
        "/api/v1/cohorts",
        json=body(world, leader_ids=[world.extra_leader], location="møterom  åsen"),
        headers={**headers, "Accept-Language": "nb"},
    )
    assert response.status_code == 409 and "Rommet" in response.json()["detail"]


async def test_back_to_back_bookings_do_not_clash(client, world, api_as):
    headers = await api_as("leader")
    await client.post("/api/v1/cohorts", json=body(world, end_time="12:00"), headers=headers)
    response = await client.post(
        "/api/v1/cohorts",
        json=body(world, title="Ettermiddag", start_time="12:00", end_time="15:00"),
        headers=headers,
    )
    assert response.status_code == 201


async def make_second_leader(world):
    from tests.conftest import make_user

    world.extra_leader = await make_user("orjan@a.no", "leader", world.office_a, "Ørjan Lægreid")


@pytest.mark.parametrize("role", ["manager"])
async def test_managers_only_read(client, world, api_as, role):
    leader = await api_as("leader")
    created = (await client.post("/api/v1/cohorts", json=body(world), headers=leader)).json()
    headers = await api_as(role)
    assert (await client.post("/api/v1/cohorts", json=body(world), headers=headers)).status_code == 403
    assert (await client.get(f"/api/v1/cohorts/{created['id']}", headers=headers)).status_code == 200


@pytest.mark.parametrize("role", ["leader_b", "manager_b"])
async def test_another_office_cannot_see_a_cohort(client, world, api_as, role):
    created = (await client.post("/api/v1/cohorts", json=body(world), headers=await api_as("leader"))).json()
    headers = await api_as(role)
    assert (await client.get(f"/api/v1/cohorts/{created['id']}", headers=headers)).status_code == 404
    assert (await client.get("/api/v1/cohorts", headers=headers)).json() == []


async def test_list_filters(client, world, api_as):
    headers = await api_as("leader")
    await client.post("/api/v1/cohorts", json=body(world), headers=headers)
    assert len((await client.get("/api/v1/cohorts?status=planned", headers=headers)).json()) == 1
    assert (await client.get("/api/v1/cohorts?status=running", headers=headers)).json() == []
    assert (await client.get("/api/v1/cohorts?to=2020-01-01", headers=headers)).json() == []
    bad = await client.get("/api/v1/cohorts?from=igår", headers=headers)
    assert bad.status_code == 422 and bad.json()["extra"][0]["key"] == "from"
