"""Evaluation reports over the API: sums of whole closed cohorts with three answers
or more, the others counted apart; figures that never change once shown; and the
two attacks that read a difference between reports."""

from __future__ import annotations

from datetime import timedelta

from course import clock
from tests.evaluations.helpers import (
    SCORES,
    after_closing,
    answer,
    answered_cohort,
    close,
    cohort_with,
    open_evaluation,
    opened_cohort,
)
from tests.participants.helpers import office_a_leader

REPORT = "/api/v1/reports/evaluations"


async def test_a_closed_cohort_with_three_answers_shows_figures_and_flags_area_two(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    await answered_cohort(client, world, leader, admin, [10, 9, 8])
    report = (await client.get(REPORT, headers=leader)).json()
    assert report["responses"] == 3 and report["invited"] == 3 and report["response_rate"] == 1.0
    assert report["cohorts_left_out"] == {"count": 0, "reasons": {"open": 0, "too_few_answers": 0, "not_evaluated": 0}}
    areas = {a["area"]: a for a in report["figures"]["areas"]}
    assert areas["benefit"]["mean"] == 9.0 and areas["benefit"]["median"] == 9.0
    assert areas["benefit"]["distribution"][8:] == [1, 1, 1]
    assert areas["next_step"]["below_target"] is True  # 7 against the historic 7.8
    assert areas["atmosphere"]["below_target"] is False


async def test_a_closed_cohort_with_two_answers_counts_nowhere(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    small = await answered_cohort(client, world, leader, admin, [10, 2])
    with after_closing(small):
        report = (await client.get(REPORT, headers=leader)).json()
    assert report["responses"] == 0 and report["invited"] == 0
    assert report["figures"]["suppressed"] is True and report["figures"]["areas"] == []
    assert report["cohorts"] == [] and report["trend"] == []
    assert report["cohorts_left_out"]["count"] == 1
    assert report["cohorts_left_out"]["reasons"]["too_few_answers"] == 1


async def test_reading_twice_while_open_tells_nothing(client, world, as_):
    """The re-read attack: a live report read at three answers and again at four
    gave the fourth answer away. Now an open evaluation shows no figures at all, and
    a closed one never changes."""
    leader, manager = await as_("leader"), await as_("manager")
    course, opened, _ = await opened_cohort(client, world, as_, people=5)
    for link in opened["links"][:3]:
        await answer(client, link, benefit=9)
    before = {
        who: (await client.get(REPORT, headers=h)).json() for who, h in (("leader", leader), ("manager", manager))
    }
    await answer(client, opened["links"][3], benefit=1)
    for who, headers in (("leader", leader), ("manager", manager)):
        after = (await client.get(REPORT, headers=headers)).json()
        assert after == before[who], who
        assert after["responses"] == 0 and after["cohorts_left_out"]["reasons"]["open"] == 1
    comments = await client.get(f"/api/v1/cohorts/{course['id']}/evaluation/comments", headers=leader)
    assert comments.json() == []
    await close(client, leader, course["id"])
    closed = (await client.get(REPORT, headers=manager)).json()
    assert closed["responses"] == 4
    late = await client.post(
        f"/api/v1/evaluations/{opened['links'][4]['url'].rsplit('/', 1)[1]}", json={"scores": SCORES}
    )
    assert late.status_code == 410
    # Read again later over the same period (without one, the report's year moves on).
    with clock.frozen(clock.today() + timedelta(days=60)):
        again = await client.get(REPORT, params={"from": closed["start"]}, headers=manager)
        assert again.json() == closed


async def test_two_period_filters_never_differ_by_one_or_two_answers(client, world, as_, login_as):
    """The two-period attack: a cohort with two answers, hidden on its own, still
    counted inside wider reports, so one report minus another gave both back."""
    leader, admin, manager = await as_("leader"), await as_("admin"), await as_("manager")
    big = await answered_cohort(client, world, leader, admin, [9, 9, 8, 10], weeks_ago=3)
    small = await answered_cohort(
        client, world, leader, admin, [1, 2], weeks_ago=1, location="Rom Ærfugl", start_time="15:00", end_time="16:00"
    )
    with after_closing(small, days=2):
        windows = [
            {},
            {"from": big["start_date"]},
            {"from": big["start_date"], "to": big["start_date"]},
            {"from": small["start_date"]},
            {"to": small["start_date"]},
        ]
        for who in (leader, manager, admin):
            reports = [(await client.get(REPORT, params=w, headers=who)).json() for w in windows]
            for a in reports:
                for b in reports:
                    assert abs(a["responses"] - b["responses"]) not in (1, 2), (a["responses"], b["responses"])
            assert {r["responses"] for r in reports} == {0, 4}
            assert all(r["cohorts_left_out"]["reasons"]["too_few_answers"] <= 1 for r in reports)
        # The files say the same as the JSON: the whole is the big cohort alone.
        web = await login_as("manager")
        for params in windows:
            csv = (await web.get("/reports/evaluations.csv", params=params)).text.splitlines()
            wholes = {line.split(",")[2] for line in csv[1:] if line.startswith("all,")}
            assert wholes <= {"0", "4"}, (params, wholes)


async def test_a_leader_filter_counts_whole_cohorts_only(client, world, as_):
    """Åse's cohort has four answers and Kari's two: Kari's counts nowhere, so the
    office's figures beside Åse's give nothing away."""
    leader, admin, manager = await as_("leader"), await as_("admin"), await as_("manager")
    kari, kari_headers = await office_a_leader(world, "kari@a.no", "Kari Nørstebø")
    await answered_cohort(client, world, leader, admin, [10, 9, 9, 8])
    small = await answered_cohort(
        client,
        world,
        kari_headers,
        admin,
        [3, 4],
        leader_ids=[kari],
        location="Rom Ærfugl",
        start_time="15:00",
        end_time="16:00",
    )
    with after_closing(small):
        office = (await client.get(REPORT, headers=manager)).json()
        assert office["responses"] == 4 and office["figures"]["suppressed"] is False
        assert [part["figures"]["answers"] for part in office["cohorts"]] == [4]
        assert office["cohorts_left_out"]["reasons"]["too_few_answers"] == 1
        mine = (await client.get(REPORT, params={"leader_id": world.leader}, headers=manager)).json()
        theirs = (await client.get(REPORT, params={"leader_id": kari}, headers=manager)).json()
    assert mine["figures"] == office["figures"]
    assert theirs["responses"] == 0 and theirs["figures"]["suppressed"] is True


async def test_each_role_sees_its_own_cohorts_only(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    await answered_cohort(client, world, leader, admin, [10, 9, 8])
    for who, responses in (("leader", 3), ("manager", 3), ("admin", 3), ("leader_b", 0), ("manager_b", 0)):
        report = (await client.get(REPORT, headers=await as_(who))).json()
        assert report["responses"] == responses, who
    assert (await client.get(REPORT)).status_code == 401


async def test_started_cohorts_that_are_open_or_not_evaluated_are_counted_as_left_out(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    await answered_cohort(client, world, leader, admin, [10, 9, 8])
    course, _ = await cohort_with(
        client, world, leader, admin, people=1, location="Rom Ørn", start_time="15:00", end_time="16:00"
    )
    report = (await client.get(REPORT, headers=leader)).json()
    assert report["cohorts_left_out"] == {"count": 1, "reasons": {"open": 0, "too_few_answers": 0, "not_evaluated": 1}}
    await open_evaluation(client, leader, course["id"])
    report = (await client.get(REPORT, headers=leader)).json()
    assert report["cohorts_left_out"]["reasons"] == {"open": 1, "too_few_answers": 0, "not_evaluated": 0}
    assert report["responses"] == 3 and course["id"] not in {int(p["key"]) for p in report["cohorts"]}


async def test_bad_filters_name_the_field(client, world, as_):
    leader = await as_("leader")
    for params, key in (
        ({"quarter": "2027-Q5"}, "quarter"),
        ({"variant": "annet"}, "variant"),
        ({"from": "i fjor"}, "from"),
    ):
        response = await client.get(REPORT, params=params, headers=leader)
        assert response.status_code == 422 and response.json()["extra"][0]["key"] == key
