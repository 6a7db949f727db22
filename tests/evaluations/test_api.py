"""Opening an evaluation and answering it over the API: validation, exactly-once,
anonymity, paper forms, throttling, and 100 answers at once, on both engines."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from course.evaluations.tables import (
    Evaluation,
    EvaluationAnswer,
    EvaluationComment,
    EvaluationLink,
)
from course.participants.tables import Participant
from course.tokens import digest
from tests.participants.helpers import (
    NAMES,
    cohort,
    consent,
    enrolled,
    participant,
    running_cohort,
)
from tests.participants.helpers import shared_app as app  # noqa: F401  (one app for every test here)

SCORES = {"benefit": 9, "next_step": 7, "atmosphere": 10, "leaders": 10, "participation": 8}


async def opened_cohort(client, world, as_, people: int = 3) -> tuple[dict, dict, list[dict]]:
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin)
    persons = [await participant(client, leader, world, name=n) for n in NAMES[:people]]
    for person in persons:
        await enrolled(client, leader, course["id"], person["id"])
    response = await client.post(f"/api/v1/cohorts/{course['id']}/evaluation", headers=leader)
    assert response.status_code == 200, response.text
    return course, response.json(), persons


def token_of(link: dict) -> str:
    return link["url"].rsplit("/e/", 1)[1]


async def test_opening_answers_a_link_for_each_participant_who_consented(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin)
    yes = await participant(client, leader, world, name="Åsmund Ørnes")
    no = await participant(client, leader, world, name="Bjørg Ækre", consent={
        "scopes": ["participation", "sharing"], "date": date.today().isoformat()})
    for person in (yes, no):
        await enrolled(client, leader, course["id"], person["id"])
    response = await client.post(f"/api/v1/cohorts/{course['id']}/evaluation", headers=leader)
    assert response.status_code == 200
    links = response.json()["links"]
    assert [link["participant"]["name"] for link in links] == ["Åsmund Ørnes"]
    assert len(token_of(links[0])) >= 43  # 256 random bits


async def test_only_a_started_cohort_opens_and_only_for_its_office(client, world, as_):
    leader = await as_("leader")
    ahead = await cohort(client, world, leader)
    response = await client.post(f"/api/v1/cohorts/{ahead['id']}/evaluation", headers=leader)
    assert response.status_code == 422 and response.json()["extra"][0]["key"] == "cohort"
    assert (await client.post(f"/api/v1/cohorts/{ahead['id']}/evaluation",
                              headers=await as_("manager"))).status_code == 403
    assert (await client.post(f"/api/v1/cohorts/{ahead['id']}/evaluation",
                              headers=await as_("leader_b"))).status_code == 404


async def test_an_answer_is_stored_once_with_the_cohort_and_the_day_only(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_)
    token = token_of(opened["links"][0])
    body = {"scores": SCORES, "comments": {"atmosphere": "Trygt å være her, også for meg som er sjenert."},
            "comment": "Takk til Åse og Ørjan!"}
    first = await client.post(f"/api/v1/evaluations/{token}", json=body)
    assert first.status_code == 201 and first.json() == {"received": True}
    second = await client.post(f"/api/v1/evaluations/{token}", json=body)
    assert second.status_code == 409 and "allerede besvart" in second.json()["detail"]
    rows = await EvaluationAnswer.select()
    assert len(rows) == 1
    assert set(rows[0]) == {"id", "cohort", "day", "benefit", "next_step", "atmosphere", "leaders",
                            "participation", "on_paper"}
    assert rows[0]["cohort"] == course["id"] and rows[0]["day"] == date.today() and not rows[0]["on_paper"]
    assert set(await EvaluationLink.select().first()) == {"id", "evaluation", "participant", "token_hash", "used"}
    comments = await EvaluationComment.select(EvaluationComment.area, EvaluationComment.status)
    assert sorted((c["area"], c["status"]) for c in comments) == [("atmosphere", "pending"), ("overall", "pending")]


@pytest.mark.parametrize("change, key", [
    ({"scores": {**SCORES, "benefit": 11}}, "scores.benefit"),
    ({"scores": {**SCORES, "leaders": -1}}, "scores.leaders"),
    ({"scores": {**SCORES, "next_step": 7.5}}, "scores.next_step"),
    ({"scores": {**SCORES, "next_step": "7"}}, "scores.next_step"),
    ({"scores": {**SCORES, "next_step": True}}, "scores.next_step"),
    ({"scores": {k: v for k, v in SCORES.items() if k != "participation"}}, "scores.participation"),
    ({"scores": {**SCORES, "mood": 5}}, "scores.mood"),
    ({"comments": {"benefit": "x" * 2001}}, "comments.benefit"),
    ({"comment": "å" * 2001}, "comment"),
    ({"comments": {"weather": "fint"}}, "comments.weather"),
])
async def test_bad_answers_name_the_field_and_store_nothing(client, world, as_, change, key):
    _, opened, _ = await opened_cohort(client, world, as_, people=1)
    token = token_of(opened["links"][0])
    response = await client.post(f"/api/v1/evaluations/{token}", json={"scores": SCORES, **change})
    assert response.status_code == 422
    assert key in [e["key"] for e in response.json()["extra"]]
    assert await EvaluationAnswer.count() == 0 and await EvaluationComment.count() == 0
    assert not (await EvaluationLink.select(EvaluationLink.used).first())["used"]
    again = await client.post(f"/api/v1/evaluations/{token}", json={"scores": SCORES})
    assert again.status_code == 201  # the link still works after a refused answer


async def test_unknown_tokens_answer_404_and_are_throttled(client, world):
    for n in range(20):
        response = await client.post(f"/api/v1/evaluations/{'x' * 40}{n}", json={"scores": SCORES})
        assert response.status_code == 404
    throttled = await client.post(f"/api/v1/evaluations/{'y' * 43}", json={"scores": SCORES})
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0


async def test_opening_again_replaces_unused_links_and_keeps_used_ones(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=2)
    used, lost = (token_of(link) for link in opened["links"])
    assert (await client.post(f"/api/v1/evaluations/{used}", json={"scores": SCORES})).status_code == 201
    again = await client.post(f"/api/v1/cohorts/{course['id']}/evaluation", headers=await as_("leader"))
    assert again.json()["answered"] == 1 and len(again.json()["links"]) == 1
    assert (await client.post(f"/api/v1/evaluations/{lost}", json={"scores": SCORES})).status_code == 404
    fresh = token_of(again.json()["links"][0])
    assert (await client.post(f"/api/v1/evaluations/{fresh}", json={"scores": SCORES})).status_code == 201


async def test_a_leader_keys_in_a_paper_form_once(client, world, as_):
    course, opened, persons = await opened_cohort(client, world, as_, people=1)
    leader = await as_("leader")
    path = f"/api/v1/cohorts/{course['id']}/evaluation/paper"
    body = {"participant_id": persons[0]["id"], "scores": SCORES, "comment": "Skrevet på papir på Åssiden."}
    assert (await client.post(path, json=body, headers=leader)).status_code == 201
    assert (await client.post(path, json=body, headers=leader)).status_code == 409
    assert (await EvaluationAnswer.select(EvaluationAnswer.on_paper).first())["on_paper"] is True
    link = await client.post(f"/api/v1/evaluations/{token_of(opened['links'][0])}", json={"scores": SCORES})
    assert link.status_code == 409
    assert (await client.post(path, json=body, headers=await as_("manager"))).status_code == 403


async def test_withdrawing_consent_to_the_evaluation_gives_no_new_link(client, world, as_):
    course, _, persons = await opened_cohort(client, world, as_, people=1)
    leader = await as_("leader")
    await consent(client, leader, persons[0]["id"], "withdrawn", ["evaluation"])
    again = await client.post(f"/api/v1/cohorts/{course['id']}/evaluation", headers=leader)
    assert again.json()["links"] == []


async def test_a_hundred_answers_at_once_are_each_stored_exactly_once(client, world, as_):
    admin = await as_("admin")
    course = await running_cohort(client, world, admin)
    now = datetime.now(UTC)
    ids = [r["id"] for r in await Participant.insert(*[
        Participant(office=world.office_a, name=f"Deltaker {n} Ødegård", birth_year=2005,
                    primary_contact=world.leader, created_at=now) for n in range(100)
    ]).returning(Participant.id)]
    evaluation = (await Evaluation.insert(Evaluation(cohort=course["id"], opened_at=now, opened_by=world.leader))
                  .returning(Evaluation.id))[0]["id"]
    tokens = [f"samtidig-{n:03d}-" + "z" * 30 for n in range(100)]
    await EvaluationLink.insert(*[
        EvaluationLink(evaluation=evaluation, participant=pid, token_hash=digest(token), used=False)
        for pid, token in zip(ids, tokens, strict=True)
    ])

    async def submit(token: str, n: int) -> int:
        response = await client.post(f"/api/v1/evaluations/{token}", json={"scores": {**SCORES, "benefit": n % 11}})
        return response.status_code

    codes = await asyncio.gather(*(submit(t, n) for n, t in enumerate(tokens)))
    assert codes == [201] * 100
    rows = await EvaluationAnswer.select(EvaluationAnswer.benefit)
    assert len(rows) == 100
    assert sorted(r["benefit"] for r in rows) == sorted(n % 11 for n in range(100))
    assert await EvaluationLink.count().where(EvaluationLink.used.eq(True)) == 100
