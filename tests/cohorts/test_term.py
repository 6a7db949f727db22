"""The term planner: propose, then accept in one step."""

from __future__ import annotations

from datetime import date, timedelta

from course.cohorts.tables import Cohort
from tests.cohorts.test_api import body
from tests.cohorts.test_sessions import created


async def test_propose_then_accept_a_term(client, world, api_as):
    headers = await api_as("leader")
    response = await client.post("/api/v1/cohorts/term-plan", json={**body(world), "count": 3}, headers=headers)
    assert response.status_code == 200, response.text
    proposals = response.json()
    starts = [date.fromisoformat(p["start_date"]) for p in proposals]
    assert len(starts) == 3 and all(b - a >= timedelta(days=21) for a, b in zip(starts, starts[1:]))
    assert await Cohort.count() == 0  # proposing saves nothing
    accepted = await client.post(
        "/api/v1/cohorts/term-plan/accept",
        json={**body(world), "start_dates": [p["start_date"] for p in proposals]},
        headers=headers,
    )
    assert accepted.status_code == 201, accepted.text
    assert [c["start_date"] for c in accepted.json()] == [p["start_date"] for p in proposals]
    assert await Cohort.count() == 3


async def test_the_planner_steps_around_the_leaders_other_cohort(client, world, api_as):
    headers = await api_as("leader")
    plain = (await client.post("/api/v1/cohorts/term-plan", json={**body(world), "count": 2}, headers=headers)).json()
    second = date.fromisoformat(plain[1]["start_date"])
    await created(
        client, world, headers, start_date=second.isoformat(), title="Allerede booket", location="Et annet rom"
    )
    again = (await client.post("/api/v1/cohorts/term-plan", json={**body(world), "count": 2}, headers=headers)).json()
    assert date.fromisoformat(again[1]["start_date"]) > second


async def test_accepting_is_all_or_nothing(client, world, api_as):
    headers = await api_as("leader")
    first = body(world)["start_date"]
    response = await client.post(
        "/api/v1/cohorts/term-plan/accept", json={**body(world), "start_dates": [first, first]}, headers=headers
    )
    assert response.status_code == 409
    assert await Cohort.count() == 0


async def test_bad_term_requests_name_the_field(client, world, api_as):
    headers = await api_as("leader")
    response = await client.post("/api/v1/cohorts/term-plan", json={**body(world), "count": 40}, headers=headers)
    assert response.status_code == 400 and "count" in response.text
    response = await client.post(
        "/api/v1/cohorts/term-plan/accept", json={**body(world), "start_dates": ["snart"]}, headers=headers
    )
    assert response.status_code == 422 and response.json()["extra"][0]["key"] == "start_dates"
    assert (
        await client.post(
            "/api/v1/cohorts/term-plan", json={**body(world), "count": 2}, headers=await api_as("manager")
        )
    ).status_code == 403
