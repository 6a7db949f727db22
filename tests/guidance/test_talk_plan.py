"""Planning a whole cohort's talks: four each, at least one a week, no clashes, an
even load; accepting books all of them or none."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from itertools import combinations

import pytest

from course.guidance import planner
from course.guidance.tables import Talk
from tests.conftest import make_user
from tests.participants.helpers import (
    NAMES,
    cohort,
    course_monday,
    enrolled,
    error_keys,
    free_day,
    headers_for,
    participant,
    session_dates,
)

WEEKDAYS_8_TO_16 = [{"weekday": d, "start_time": "08:00", "end_time": "16:00"} for d in range(1, 6)]


async def enrolled_cohort(client, world, leader: dict, size: int) -> tuple[dict, dict, list[dict]]:
    """A cohort two weeks ahead led by Åse Ødegård and Kari Nørstebø with ``size``
    participants enrolled; answers (headers by leader id, cohort, participants)."""
    kari = await make_user("kari@a.no", "leader", world.office_a, "Kari Nørstebø")
    headers = {world.leader: leader, kari: await headers_for(kari)}
    course = await cohort(client, world, leader, leader_ids=[world.leader, kari])
    people = [await participant(client, leader, world, name=n) for n in NAMES[:size]]
    for person in people:
        await enrolled(client, leader, course["id"], person["id"])
    return headers, course, people


@pytest.fixture
async def full_cohort(client, world, as_):
    """Twelve participants, a full cohort."""
    return await enrolled_cohort(client, world, await as_("leader"), 12)


@pytest.fixture
async def small_cohort(client, world, as_):
    """Four participants."""
    return await enrolled_cohort(client, world, await as_("leader"), 4)


async def with_availability(client, headers: dict) -> None:
    for h in headers.values():
        response = await client.put("/api/v1/me/availability", json={"weekly": WEEKDAYS_8_TO_16}, headers=h)
        assert response.status_code == 200, response.text


async def propose(client, headers, course) -> dict:
    response = await client.post(f"/api/v1/cohorts/{course['id']}/talk-plan", json={}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def accepted(talks: list[dict]) -> dict:
    return {
        "talks": [
            {
                "participant_id": t["participant"]["id"],
                "leader_id": t["leader"]["id"],
                "date": t["date"],
                "start_time": t["start_time"],
                "end_time": t["end_time"],
            }
            for t in talks
        ]
    }


def span(talk: dict) -> tuple[datetime, datetime]:
    day = date.fromisoformat(talk["date"])
    return (
        datetime.combine(day, time.fromisoformat(talk["start_time"])),
        datetime.combine(day, time.fromisoformat(talk["end_time"])),
    )


async def test_the_plan_gives_everyone_four_talks_a_week_apart_without_clashes(client, full_cohort):
    headers, course, people = full_cohort
    await with_availability(client, headers)
    plan = await propose(client, next(iter(headers.values())), course)
    talks = plan["talks"]
    assert plan["unplaced"] == []
    by_person = defaultdict(list)
    for t in talks:
        by_person[t["participant"]["id"]].append(t)
    assert {p["id"]: len(by_person[p["id"]]) for p in people} == {p["id"]: 4 for p in people}
    monday = course_monday(course)
    for p in people:
        weeks = {(date.fromisoformat(t["date"]) - monday).days // 7 + 1 for t in by_person[p["id"]]}
        assert {1, 2, 3, 4} <= {min(w, 4) for w in weeks}, p["name"]
        assert sorted(t["week"] for t in by_person[p["id"]]) == [1, 2, 3, 4]
    for a, b in combinations(talks, 2):
        (a_start, a_end), (b_start, b_end) = span(a), span(b)
        if a_start < b_end and b_start < a_end:
            assert a["leader"]["id"] != b["leader"]["id"], (a, b)
            assert a["participant"]["id"] != b["participant"]["id"], (a, b)
    sessions = session_dates(course)
    for t in talks:
        start, end = span(t)
        assert start.isoweekday() <= 5 and time(8) <= start.time() and end.time() <= time(16), t
        if start.date() in sessions:
            assert end.time() <= time(9) or start.time() >= time(14), t
        assert monday <= start.date(), t
    load = Counter(t["leader"]["id"] for t in talks)
    assert set(load) == set(headers) and max(load.values()) - min(load.values()) <= 1, load
    assert {int(k): v for k, v in plan["load"].items()} == dict(load)
    assert await Talk.count() == 0


async def test_accepting_books_every_talk_or_none(client, full_cohort):
    headers, course, people = full_cohort
    leader = next(iter(headers.values()))
    await with_availability(client, headers)
    talks = (await propose(client, leader, course))["talks"]
    # Five good talks and the first of them again: the whole batch is refused.
    doubled = await client.post(
        f"/api/v1/cohorts/{course['id']}/talk-plan/accept", json=accepted([*talks[:5], talks[0]]), headers=leader
    )
    assert doubled.status_code == 409, doubled.text
    assert await Talk.count() == 0
    response = await client.post(
        f"/api/v1/cohorts/{course['id']}/talk-plan/accept", json=accepted(talks), headers=leader
    )
    assert response.status_code == 201, response.text
    assert len(response.json()) == len(talks) == 48
    assert {t["status"] for t in response.json()} == {"planned"}
    again = await client.post(f"/api/v1/cohorts/{course['id']}/talk-plan/accept", json=accepted(talks), headers=leader)
    assert again.status_code == 409, again.text
    assert await Talk.count() == 48
    replanned = await propose(client, leader, course)
    assert (replanned["talks"], replanned["unplaced"]) == ([], [])


async def test_with_no_availability_everyone_is_unplaced_with_a_reason(client, small_cohort):
    headers, course, people = small_cohort
    plan = await propose(client, next(iter(headers.values())), course)
    assert plan["talks"] == []
    assert {u["participant"]["id"] for u in plan["unplaced"]} == {p["id"] for p in people}
    assert all(u["text"] and "%(" not in u["text"] for u in plan["unplaced"])
    assert {u["participant"]["name"] for u in plan["unplaced"]} == set(NAMES[:4])


async def test_time_away_keeps_talks_out(client, world, small_cohort):
    headers, course, people = small_cohort
    await with_availability(client, headers)
    leader = headers[world.leader]
    monday = course_monday(course)
    away_all_day, away_morning = monday + timedelta(weeks=1), monday + timedelta(weeks=2)

    def mine(talks: list[dict], day: date) -> list[datetime]:
        return [span(t)[0] for t in talks if t["leader"]["id"] == world.leader and t["date"] == day.isoformat()]

    before = (await propose(client, leader, course))["talks"]
    assert mine(before, away_all_day) and min(mine(before, away_morning)).time() < time(12)
    for body in (
        {"date": away_all_day.isoformat(), "reason": "Fagdag i Tønsberg"},
        {"date": away_morning.isoformat(), "start_time": "08:00", "end_time": "12:00", "reason": "Lege"},
    ):
        response = await client.post("/api/v1/me/availability/exceptions", json=body, headers=leader)
        assert response.status_code == 201, response.text
    talks = (await propose(client, leader, course))["talks"]
    assert len(talks) == 16
    assert mine(talks, away_all_day) == []
    assert all(start.time() >= time(12) for start in mine(talks, away_morning))


async def test_accepting_talks_with_ids_as_strings_books_none(client, small_cohort):
    # Ids are JSON numbers, as the schema says: strings are refused before anything is checked
    # (they were once validated, then booked as participant 0, a 500).
    headers, course, people = small_cohort
    leader = next(iter(headers.values()))
    await with_availability(client, headers)
    talks = (await propose(client, leader, course))["talks"][:2]
    body = accepted(talks)
    body["talks"][1]["leader_id"] = str(body["talks"][1]["leader_id"])
    response = await client.post(f"/api/v1/cohorts/{course['id']}/talk-plan/accept", json=body, headers=leader)
    assert response.status_code == 400, response.text
    assert error_keys(response) == {"talks.1.leader_id"}
    assert await Talk.count() == 0


async def test_no_talks_are_booked_in_a_cancelled_cohort(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    person = await participant(client, leader, world)
    await enrolled(client, leader, course["id"], person["id"])
    cancelled = await client.patch(f"/api/v1/cohorts/{course['id']}", json={"cancelled": True}, headers=leader)
    assert cancelled.status_code == 200, cancelled.text
    talk = {
        "participant_id": person["id"],
        "leader_id": world.leader,
        "date": free_day(course, 0).isoformat(),
        "start_time": "10:00",
        "end_time": "10:45",
    }
    single = await client.post(f"/api/v1/cohorts/{course['id']}/talks", json=talk, headers=leader)
    assert single.status_code == 422, single.text
    plan = await client.post(f"/api/v1/cohorts/{course['id']}/talk-plan", json={}, headers=leader)
    assert plan.status_code == 422, plan.text
    accepted_ = await client.post(
        f"/api/v1/cohorts/{course['id']}/talk-plan/accept", json={"talks": [talk]}, headers=leader
    )
    assert accepted_.status_code == 422, accepted_.text
    assert await Talk.count() == 0


async def test_other_requests_are_answered_while_a_plan_is_worked_out(client, small_cohort, monkeypatch):
    # The planner runs in a worker thread: here it waits, at most ten seconds, for a
    # request made while it runs. Run on the event loop, it would hold that request up
    # for the whole wait, and find it unanswered.
    headers, course, people = small_cohort
    leader = next(iter(headers.values()))
    await with_availability(client, headers)
    planning, answered, seen = threading.Event(), threading.Event(), []
    plan_talks = planner.plan_talks

    def waiting_plan(*args, **kwargs):
        planning.set()
        seen.append(answered.wait(timeout=10))
        return plan_talks(*args, **kwargs)

    monkeypatch.setattr(planner, "plan_talks", waiting_plan)
    proposal = asyncio.create_task(client.post(f"/api/v1/cohorts/{course['id']}/talk-plan", json={}, headers=leader))
    for _ in range(1000):
        if planning.is_set():
            break
        await asyncio.sleep(0.01)
    me = await client.get("/api/v1/me", headers=leader)
    answered.set()
    assert me.status_code == 200, me.text
    response = await proposal
    assert response.status_code == 200, response.text
    assert seen == [True]
    assert len(response.json()["talks"]) == 16
