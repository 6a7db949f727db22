"""Builders for evaluation tests: a cohort with its evaluation open, answers through
the links, closing, and the clock moved past the closing day."""

from __future__ import annotations

from datetime import date, timedelta

from course import clock
from tests.participants.helpers import NAMES, enrolled, participant, running_cohort

SCORES = {"benefit": 9, "next_step": 7, "atmosphere": 10, "leaders": 10, "participation": 8}


def token_of(link: dict) -> str:
    return link["url"].rsplit("/e/", 1)[1]


async def cohort_with(client, world, leader, admin, people: int = 3, **changes) -> tuple[dict, list[dict]]:
    course = await running_cohort(client, world, admin, **changes)
    persons = [
        await participant(client, leader, world, name=f"{NAMES[n % len(NAMES)]} {course['id']}") for n in range(people)
    ]
    for person in persons:
        await enrolled(client, leader, course["id"], person["id"])
    return course, persons


async def open_evaluation(client, leader, cohort_id: int, named: bool = False) -> dict:
    response = await client.post(
        f"/api/v1/cohorts/{cohort_id}/evaluation", headers=leader, json={"named": True} if named else None
    )
    assert response.status_code == 200, response.text
    return response.json()


async def opened_cohort(client, world, as_, people: int = 3, **changes) -> tuple[dict, dict, list[dict]]:
    leader, admin = await as_("leader"), await as_("admin")
    course, persons = await cohort_with(client, world, leader, admin, people, **changes)
    return course, await open_evaluation(client, leader, course["id"]), persons


async def answer(client, link: dict, **scores) -> None:
    response = await client.post(f"/api/v1/evaluations/{token_of(link)}", json={"scores": {**SCORES, **scores}})
    assert response.status_code == 201, response.text


async def close(client, leader, cohort_id: int) -> dict:
    response = await client.patch(f"/api/v1/cohorts/{cohort_id}/evaluation", json={"closed": True}, headers=leader)
    assert response.status_code == 200, response.text
    return response.json()


async def answered_cohort(client, world, leader, admin, scores: list[int], closed: bool = True, **changes) -> dict:
    """A cohort whose participants answered with these scores for area 1; closed by
    hand when it has three answers or more (else it closes on its closing day)."""
    course, _ = await cohort_with(client, world, leader, admin, len(scores), **changes)
    opened = await open_evaluation(client, leader, course["id"])
    for link, score in zip(opened["links"], scores, strict=True):
        await answer(client, link, benefit=score)
    if closed and len(scores) >= 3:
        await close(client, leader, course["id"])
    return course


def after_closing(course: dict, days: int = 1):
    """The clock moved to a day after the cohort's default closing day."""
    last = max(date.fromisoformat(s["date"]) for s in course["sessions"] if s["status"] != "cancelled")
    return clock.frozen(last + timedelta(days=7 + days))
