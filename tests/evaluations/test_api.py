"""Opening an evaluation and answering it over the API: links that name no one,
validation, exactly-once, extra slips, paper forms, the closing window, throttling,
and 100 answers at once, on both engines."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from course import clock
from course.audit.tables import AuditEvent
from course.evaluations.tables import (
    Evaluation,
    EvaluationPending,
    EvaluationRemark,
    EvaluationResponse,
    EvaluationTicket,
)
from course.tokens import digest
from tests.evaluations.helpers import (
    SCORES,
    after_closing,
    answer,
    close,
    open_evaluation,
    opened_cohort,
    token_of,
)
from tests.participants.helpers import cohort, consent, enrolled, participant, running_cohort


async def test_opening_answers_one_anonymous_link_for_each_participant_who_consented(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin)
    people = [await participant(client, leader, world, name=n) for n in ("Åsmund Ørnes", "Kåre Nærø")]
    no = await participant(
        client,
        leader,
        world,
        name="Bjørg Ækre",
        consent={"scopes": ["participation", "sharing"], "date": clock.today().isoformat()},
    )
    for person in (*people, no):
        await enrolled(client, leader, course["id"], person["id"])
    opened = await open_evaluation(client, leader, course["id"])
    assert len(opened["links"]) == 2
    assert all(set(link) == {"url"} for link in opened["links"])  # no names unless asked for
    assert all(len(token_of(link)) >= 43 for link in opened["links"])  # 256 random bits
    assert opened["closes_on"] == (date_of_last(course) + timedelta(days=7)).isoformat()
    named = await open_evaluation(client, leader, course["id"], named=True)
    assert [link["participant"]["name"] for link in named["links"]] == ["Kåre Nærø", "Åsmund Ørnes"]
    assert await EvaluationTicket.count() == 4
    # The tickets name no one: no column of theirs refers to a person.
    assert set(await EvaluationTicket.select().first()) == {"id", "evaluation", "token_hash", "used"}


def date_of_last(course: dict):
    from datetime import date

    return max(date.fromisoformat(s["date"]) for s in course["sessions"])


async def test_only_a_started_cohort_opens_and_only_for_its_office(client, world, as_):
    leader = await as_("leader")
    ahead = await cohort(client, world, leader)
    response = await client.post(f"/api/v1/cohorts/{ahead['id']}/evaluation", headers=leader)
    assert response.status_code == 422 and response.json()["extra"][0]["key"] == "cohort"
    for who, status in (("manager", 403), ("leader_b", 404), ("manager_b", 403)):
        assert (
            await client.post(f"/api/v1/cohorts/{ahead['id']}/evaluation", headers=await as_(who))
        ).status_code == status, who
    assert await Evaluation.count() == 0


async def test_an_answer_is_kept_encrypted_until_the_evaluation_closes(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_)
    body = {
        "scores": SCORES,
        "comments": {"atmosphere": "Trygt å være her, også for meg som er sjenert."},
        "comment": "Takk til Åse og Ørjan!",
    }
    first = await client.post(f"/api/v1/evaluations/{token_of(opened['links'][0])}", json=body)
    assert first.status_code == 201 and first.json() == {"received": True}
    second = await client.post(
        f"/api/v1/evaluations/{token_of(opened['links'][0])}",
        json=body,
        headers={"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.5"},
    )
    assert second.status_code == 409 and "allerede besvart" in second.json()["detail"]
    assert second.headers["content-language"] == "nb"
    assert await EvaluationResponse.count() == 0 and await EvaluationRemark.count() == 0
    pending = await EvaluationPending.select()
    assert len(pending) == 1 and set(pending[0]) == {"id", "evaluation", "sealed"}
    assert "Ørjan" not in pending[0]["sealed"] and "atmosphere" not in pending[0]["sealed"]
    for link in opened["links"][1:]:
        await answer(client, link)
    await close(client, await as_("leader"), course["id"])
    rows = await EvaluationResponse.select()
    assert len(rows) == 3 and await EvaluationPending.count() == 0
    assert set(rows[0]) == {
        "id",
        "cohort",
        "benefit",
        "next_step",
        "atmosphere",
        "leaders",
        "participation",
        "on_paper",
    }  # no time at all, and a random id
    comments = await EvaluationRemark.select(EvaluationRemark.area, EvaluationRemark.status, EvaluationRemark.text)
    assert sorted((c["area"], c["status"]) for c in comments) == [("atmosphere", "pending"), ("overall", "pending")]
    assert "Takk til Åse og Ørjan!" in {c["text"] for c in comments}


@pytest.mark.parametrize(
    "change, status, key",
    [
        # Off the schema (a score out of 0–10 or not a whole number, an area missing or unknown): 400.
        ({"scores": {**SCORES, "benefit": 11}}, 400, "scores.benefit"),
        ({"scores": {**SCORES, "leaders": -1}}, 400, "scores.leaders"),
        ({"scores": {**SCORES, "next_step": 7.5}}, 400, "scores.next_step"),
        ({"scores": {**SCORES, "next_step": "7"}}, 400, "scores.next_step"),
        ({"scores": {**SCORES, "next_step": True}}, 400, "scores.next_step"),
        ({"scores": {k: v for k, v in SCORES.items() if k != "participation"}}, 400, "scores.participation"),
        ({"scores": {**SCORES, "mood": 5}}, 400, "scores.mood"),
        ({"comments": {"weather": "fint"}}, 400, "comments.weather"),
        ({"comment": 5}, 400, "comment"),
        # Well-formed, against a rule: 422.
        ({"comments": {"benefit": "x" * 2001}}, 422, "comments.benefit"),
        ({"comment": "å" * 2001}, 422, "comment"),
    ],
)
async def test_bad_answers_name_the_field_and_store_nothing(client, world, as_, change, status, key):
    _, opened, _ = await opened_cohort(client, world, as_, people=1)
    token = token_of(opened["links"][0])
    response = await client.post(f"/api/v1/evaluations/{token}", json={"scores": SCORES, **change})
    assert response.status_code == status, response.text
    assert key in [e["key"] for e in response.json()["extra"]]
    assert await EvaluationPending.count() == 0
    assert not (await EvaluationTicket.select(EvaluationTicket.used).first())["used"]
    again = await client.post(f"/api/v1/evaluations/{token}", json={"scores": SCORES})
    assert again.status_code == 201  # the link still works after a refused answer


async def test_unknown_tokens_answer_404_and_are_throttled(client, world):
    for n in range(20):
        response = await client.post(f"/api/v1/evaluations/{'x' * 40}{n}", json={"scores": SCORES})
        assert response.status_code == 404
    throttled = await client.post(f"/api/v1/evaluations/{'y' * 43}", json={"scores": SCORES})
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0


async def test_opening_again_gives_everyone_a_link_and_says_nothing_of_who_answered(client, world, as_):
    """The re-open attack: fresh links only for those who had not answered would name,
    by their absence, those who had; and voiding the unused slips would strand them."""
    course, opened, persons = await opened_cohort(client, world, as_, people=3)
    await answer(client, opened["links"][0])
    leader = await as_("leader")
    again = await open_evaluation(client, leader, course["id"], named=True)
    assert sorted(link["participant"]["id"] for link in again["links"]) == sorted(p["id"] for p in persons)
    assert again["answered"] == 1
    await answer(client, opened["links"][1])  # the first set still works
    await answer(client, again["links"][2])  # and so does the new one
    status = (await client.get(f"/api/v1/cohorts/{course['id']}/evaluation", headers=leader)).json()
    assert status["answered"] == 3 and status["invited"] == 3


async def test_an_extra_slip_voids_nothing_and_works_whoever_it_is_for(client, world, as_):
    course, opened, persons = await opened_cohort(client, world, as_, people=3)
    await answer(client, opened["links"][0])
    leader = await as_("leader")
    path = f"/api/v1/cohorts/{course['id']}/evaluation/slips"
    named = await client.post(path, json={"participant_id": persons[0]["id"]}, headers=leader)
    anonymous = await client.post(path, headers=leader)
    assert named.status_code == anonymous.status_code == 201
    assert named.json()["participant"]["id"] == persons[0]["id"] and set(anonymous.json()) == {"url"}
    form = await client.get(f"/e/{token_of(named.json())}")
    assert form.status_code == 200 and "allerede" not in form.text  # tells nothing of whether they answered
    for link in opened["links"][1:]:
        await answer(client, link)
    # The audit trail does not say whose slip it was.
    events = await AuditEvent.select(AuditEvent.details).where(AuditEvent.action == "evaluation_slip_added")
    details = [json.loads(e["details"]) if isinstance(e["details"], str) else e["details"] for e in events]
    assert details == [{"cohort": course["id"]}] * 2
    stranger = await participant(client, leader, world, name="Ørnulf Åmodt")
    refused = await client.post(path, json={"participant_id": stranger["id"]}, headers=leader)
    assert refused.status_code == 422 and refused.json()["extra"][0]["key"] == "participant_id"
    assert (await client.post(path, headers=await as_("manager"))).status_code == 403
    assert (await client.post(path, headers=await as_("leader_b"))).status_code == 404


async def test_no_more_answers_than_participants(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=3)
    extra = (await client.post(f"/api/v1/cohorts/{course['id']}/evaluation/slips", headers=await as_("leader"))).json()
    for link in opened["links"]:
        await answer(client, link)
    full = await client.post(f"/api/v1/evaluations/{token_of(extra)}", json={"scores": SCORES})
    assert full.status_code == 409
    assert await EvaluationPending.count() == 3


async def test_a_paper_form_names_no_one_and_is_counted_apart(client, world, as_):
    course, opened, persons = await opened_cohort(client, world, as_, people=3)
    leader = await as_("leader")
    path = f"/api/v1/cohorts/{course['id']}/evaluation/paper"
    body = {"participant_id": persons[0]["id"], "scores": SCORES, "comment": "Skrevet på papir på Åssiden."}
    assert (await client.post(path, json=body, headers=leader)).status_code == 201
    for link in opened["links"][:2]:
        await answer(client, link)
    assert (await client.post(path, json=body, headers=leader)).status_code == 409  # three of three
    assert (await client.post(path, json=body, headers=await as_("manager"))).status_code == 403
    status = await close(client, leader, course["id"])
    assert status["answered"] == 3 and status["on_paper"] == 1
    report = (await client.get("/api/v1/reports/evaluations", headers=leader)).json()
    assert report["responses"] == 3 and report["on_paper"] == 1
    refused = await client.post(path, json={"scores": SCORES}, headers=leader)
    assert refused.status_code == 410


async def test_withdrawing_consent_to_the_evaluation_gives_no_new_link(client, world, as_):
    course, _, persons = await opened_cohort(client, world, as_, people=1)
    leader = await as_("leader")
    await consent(client, leader, persons[0]["id"], "withdrawn", ["evaluation"])
    assert (await open_evaluation(client, leader, course["id"]))["links"] == []


async def test_closing_by_hand_needs_three_answers_and_then_takes_no_more(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=4)
    leader = await as_("leader")
    path = f"/api/v1/cohorts/{course['id']}/evaluation"
    for link in opened["links"][:2]:
        await answer(client, link)
    early = await client.patch(path, json={"closed": True}, headers=leader)
    assert early.status_code == 422 and early.json()["extra"][0]["key"] == "closed"
    status = (await client.get(path, headers=leader)).json()
    assert status["closed_at"] is None and status["may_close"] is False and status["comments_locked"] is True
    await answer(client, opened["links"][2])
    closed = await close(client, leader, course["id"])
    assert closed["closed_at"] is not None and closed["answered"] == 3 and closed["comments_locked"] is False
    late = await client.post(f"/api/v1/evaluations/{token_of(opened['links'][3])}", json={"scores": SCORES})
    assert late.status_code == 410 and late.json()["detail"] == "The evaluation has closed and takes no more answers."
    assert (await client.patch(path, json={"closes_on": clock.today().isoformat()}, headers=leader)).status_code == 409
    assert (await client.post(path, headers=leader)).status_code == 409  # no reopening
    assert await EvaluationResponse.count() == 3


@pytest.mark.parametrize("value", ["2027-02-30", "i morgen", "2027-03-02", "2027-06-01", 20270310])
async def test_a_bad_closing_day_names_the_field(client, world, as_, value):
    course, _, _ = await opened_cohort(client, world, as_, people=1)
    response = await client.patch(
        f"/api/v1/cohorts/{course['id']}/evaluation", json={"closes_on": value}, headers=await as_("leader")
    )
    assert response.status_code == (400 if isinstance(value, int) else 422), response.text
    assert response.json()["extra"][0]["key"] == "closes_on"
    assert (await Evaluation.select(Evaluation.closes_on).first())["closes_on"] == date_of_last(course) + timedelta(7)


async def test_the_evaluation_closes_on_its_closing_day(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=4)
    leader = await as_("leader")
    path = f"/api/v1/cohorts/{course['id']}/evaluation"
    moved = await client.patch(
        path, json={"closes_on": (clock.today() + timedelta(days=1)).isoformat()}, headers=leader
    )
    assert moved.status_code == 200 and moved.json()["closes_on"] == (clock.today() + timedelta(days=1)).isoformat()
    for link in opened["links"][:3]:
        await answer(client, link)
    with clock.frozen(clock.today() + timedelta(days=1)):
        await answer(client, opened["links"][3])  # the closing day itself still takes answers
    with clock.frozen(clock.today() + timedelta(days=2)):
        status = (await client.get(path, headers=leader)).json()
        assert status["closed_at"] is not None and status["answered"] == 4
        gone = await client.get(f"/e/{token_of(opened['links'][0])}")
        assert gone.status_code == 410 and "avsluttet" in gone.text


async def test_only_leaders_of_the_office_change_the_window(client, world, as_):
    course, _, _ = await opened_cohort(client, world, as_, people=1)
    path = f"/api/v1/cohorts/{course['id']}/evaluation"
    for who, status in (("manager", 403), ("leader_b", 404), ("manager_b", 403)):
        response = await client.patch(path, json={"closes_on": clock.today().isoformat()}, headers=await as_(who))
        assert response.status_code == status, who
    assert (await client.patch(path, json={"closed": True})).status_code == 401


async def test_a_hundred_answers_at_once_are_each_stored_exactly_once(client, world, as_):
    admin = await as_("admin")
    course = await running_cohort(client, world, admin)
    evaluation = (
        await Evaluation.insert(
            Evaluation(
                cohort=course["id"],
                opened_at=clock.now(),
                opened_by=world.leader,
                invited=100,
                closes_on=clock.today() + timedelta(days=7),
            )
        ).returning(Evaluation.id)
    )[0]["id"]
    tokens = [f"samtidig-{n:03d}-" + "z" * 30 for n in range(100)]
    await EvaluationTicket.insert(*[EvaluationTicket(evaluation=evaluation, token_hash=digest(t)) for t in tokens])

    async def submit(token: str, n: int) -> int:
        response = await client.post(f"/api/v1/evaluations/{token}", json={"scores": {**SCORES, "benefit": n % 11}})
        return response.status_code

    codes = await asyncio.gather(*(submit(t, n) for n, t in enumerate(tokens)), submit(tokens[0], 0))
    assert sorted(codes) == [201] * 100 + [409]
    assert await EvaluationPending.count() == 100
    assert await EvaluationTicket.count().where(EvaluationTicket.used.eq(True)) == 100
    await close(client, await as_("leader"), course["id"])
    rows = await EvaluationResponse.select(EvaluationResponse.benefit)
    assert sorted(r["benefit"] for r in rows) == sorted(n % 11 for n in range(100))


async def test_a_closed_evaluation_says_so_on_the_form(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=1)
    with after_closing(course):
        response = await client.post(f"/api/v1/evaluations/{token_of(opened['links'][0])}", json={"scores": SCORES})
        assert response.status_code == 410
        page = await client.get(f"/e/{token_of(opened['links'][0])}")
        assert page.status_code == 410 and "Evalueringen er avsluttet" in page.text
