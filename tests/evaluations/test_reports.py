"""Evaluation reports over the API: figures only for groups of three or more, and no
report or split that lets one or two answers be worked out from the others."""

from __future__ import annotations

from tests.evaluations.test_api import SCORES, token_of
from tests.participants.helpers import NAMES, enrolled, office_a_leader, participant, running_cohort
from tests.participants.helpers import shared_app as app  # noqa: F401  (one app for every test here)


async def answered_cohort(client, world, leader_headers, admin, scores: list[int], **changes) -> dict:
    course = await running_cohort(client, world, admin, **changes)
    for n, score in enumerate(scores):
        person = await participant(client, leader_headers, world, name=f"{NAMES[n]} {course['id']}")
        await enrolled(client, leader_headers, course["id"], person["id"])
    opened = (await client.post(f"/api/v1/cohorts/{course['id']}/evaluation", headers=leader_headers)).json()
    for link, score in zip(opened["links"], scores, strict=True):
        response = await client.post(f"/api/v1/evaluations/{token_of(link)}",
                                     json={"scores": {**SCORES, "benefit": score}})
        assert response.status_code == 201
    return course


async def test_a_cohort_with_three_answers_shows_figures_and_flags_area_two(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    await answered_cohort(client, world, leader, admin, [10, 9, 8])
    report = (await client.get("/api/v1/reports/evaluations", headers=leader)).json()
    assert report["responses"] == 3 and report["invited"] == 3 and report["response_rate"] == 1.0
    areas = {a["area"]: a for a in report["figures"]["areas"]}
    assert areas["benefit"]["mean"] == 9.0 and areas["benefit"]["median"] == 9.0
    assert areas["benefit"]["distribution"][8:] == [1, 1, 1]
    assert areas["next_step"]["below_target"] is True  # 7 against the historic 7.8
    assert areas["atmosphere"]["below_target"] is False


async def test_two_answers_show_no_figures(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    await answered_cohort(client, world, leader, admin, [10, 2])
    report = (await client.get("/api/v1/reports/evaluations", headers=leader)).json()
    assert report["responses"] == 2
    assert report["figures"]["suppressed"] is True and report["figures"]["areas"] == []


async def test_a_leader_filter_that_leaves_out_two_answers_shows_nothing(client, world, as_):
    """Åse's cohort has four answers and Kari's two: the office's figures beside Åse's
    would give Kari's two away, and so would the office split by cohort."""
    leader, admin, manager = await as_("leader"), await as_("admin"), await as_("manager")
    kari, kari_headers = await office_a_leader(world, "kari@a.no", "Kari Nørstebø")
    await answered_cohort(client, world, leader, admin, [10, 9, 9, 8])
    await answered_cohort(client, world, kari_headers, admin, [3, 4], leader_ids=[kari],
                          location="Rom Ærfugl", start_time="15:00", end_time="16:00")
    office = (await client.get("/api/v1/reports/evaluations", headers=manager)).json()
    assert office["responses"] == 6 and office["figures"]["suppressed"] is False
    assert all(part["figures"]["suppressed"] for part in office["cohorts"])
    for who in (world.leader, kari):
        narrowed = (await client.get("/api/v1/reports/evaluations", params={"leader_id": who},
                                     headers=manager)).json()
        assert narrowed["figures"]["suppressed"] is True, who


async def test_each_role_sees_its_own_cohorts_only(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    await answered_cohort(client, world, leader, admin, [10, 9, 8])
    other = (await client.get("/api/v1/reports/evaluations", headers=await as_("leader_b"))).json()
    assert other["responses"] == 0 and other["figures"]["suppressed"] is True
    everything = (await client.get("/api/v1/reports/evaluations", headers=admin)).json()
    assert everything["responses"] == 3
    assert (await client.get("/api/v1/reports/evaluations")).status_code == 401


async def test_bad_filters_name_the_field(client, world, as_):
    leader = await as_("leader")
    for params, key in (({"quarter": "2027-Q5"}, "quarter"), ({"variant": "annet"}, "variant"),
                        ({"from": "i fjor"}, "from")):
        response = await client.get("/api/v1/reports/evaluations", params=params, headers=leader)
        assert response.status_code == 422 and response.json()["extra"][0]["key"] == key
