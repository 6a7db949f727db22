"""Enrolment: capacity and the waiting list, one cohort at a time, status changes."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from tests.participants.helpers import (
    NAMES,
    cohort,
    enrolled,
    error_keys,
    office_a_leader,
    participant,
    roster,
    row_for,
    running_cohort,
)


async def test_beyond_capacity_people_go_on_the_waiting_list_in_order(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader, capacity=2)
    people = [await participant(client, leader, world, name=n) for n in NAMES[:4]]
    first = await enrolled(client, leader, course["id"], people[0]["id"])
    second = await enrolled(client, leader, course["id"], people[1]["id"], status="invited")
    third = await enrolled(client, leader, course["id"], people[2]["id"])
    fourth = await enrolled(client, leader, course["id"], people[3]["id"], status="invited")
    assert (first["status"], first["waiting_position"]) == ("enrolled", None)
    assert (second["status"], second["waiting_position"]) == ("invited", None)
    assert (third["status"], third["waiting_position"]) == ("waiting", 1)
    assert (fourth["status"], fourth["waiting_position"]) == ("waiting", 2)
    rows = await roster(client, leader, course["id"])
    assert row_for(rows, people[2]["id"])["waiting_position"] == 1
    assert row_for(rows, people[3]["id"])["waiting_position"] == 2


async def test_withdrawing_needs_a_reason(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    enrolment = await enrolled(client, leader, course["id"], (await participant(client, leader, world))["id"])
    for status in ("withdrawn", "dropped_out"):
        for reason in ({}, {"reason": ""}, {"reason": "   "}):
            response = await client.patch(
                f"/api/v1/enrolments/{enrolment['id']}", json={"status": status, **reason}, headers=leader
            )
            assert response.status_code == 422, (status, reason, response.text)
            assert error_keys(response) == {"reason"}
    assert (await roster(client, leader, course["id"]))[0]["status"] == "enrolled"


async def test_withdrawing_an_enrolled_one_invites_the_first_on_the_waiting_list(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader, capacity=2)
    people = [await participant(client, leader, world, name=n) for n in NAMES[:4]]
    places = [await enrolled(client, leader, course["id"], p["id"]) for p in people]
    assert [p["status"] for p in places] == ["enrolled", "enrolled", "waiting", "waiting"]
    response = await client.patch(
        f"/api/v1/enrolments/{places[0]['id']}",
        json={"status": "withdrawn", "reason": "Fått jobb på Kiwi Årnes"},
        headers=leader,
    )
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["status"] == "withdrawn" and out["reason"] == "Fått jobb på Kiwi Årnes"
    assert out["invited_from_waiting_list"] == [places[2]["id"]]
    rows = await roster(client, leader, course["id"])
    assert (row_for(rows, people[2]["id"])["status"], row_for(rows, people[2]["id"])["waiting_position"]) == (
        "invited",
        None,
    )
    assert (row_for(rows, people[3]["id"])["status"], row_for(rows, people[3]["id"])["waiting_position"]) == (
        "waiting",
        1,
    )


async def test_a_full_cohort_refuses_taking_someone_off_the_waiting_list_by_hand(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader, capacity=1)
    people = [await participant(client, leader, world, name=n) for n in NAMES[:2]]
    await enrolled(client, leader, course["id"], people[0]["id"])
    waiting = await enrolled(client, leader, course["id"], people[1]["id"])
    response = await client.patch(f"/api/v1/enrolments/{waiting['id']}", json={"status": "enrolled"}, headers=leader)
    assert response.status_code == 409, response.text
    assert error_keys(response) == {"status"}


async def test_nobody_is_in_two_cohorts_at_the_same_time(client, world, as_):
    leader = await as_("leader")
    other_leader, _ = await office_a_leader(world, "kari@a.no", "Kari Nørstebø")
    person = await participant(client, leader, world)
    spring = await cohort(client, world, leader, title="Klart jeg kan – vår")
    parallel = await cohort(
        client, world, leader, title="Klart jeg kan – Ørnen", leader_ids=[other_leader], location="Møterom Ørnen"
    )
    later_start = date.fromisoformat(spring["start_date"]) + timedelta(weeks=8)
    later = await cohort(client, world, leader, title="Klart jeg kan – sommer", start_date=later_start.isoformat())
    await enrolled(client, leader, spring["id"], person["id"])
    response = await client.post(
        f"/api/v1/cohorts/{parallel['id']}/enrolments", json={"participant_id": person["id"]}, headers=leader
    )
    assert response.status_code == 409, response.text
    assert error_keys(response) == {"participant_id"}
    assert "Klart jeg kan – vår" in response.json()["detail"]
    assert (await enrolled(client, leader, later["id"], person["id"]))["status"] == "enrolled"


async def test_enrolling_the_same_person_twice_conflicts(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    person = await participant(client, leader, world)
    await enrolled(client, leader, course["id"], person["id"], status="invited")
    for status in ("invited", "enrolled"):
        response = await client.post(
            f"/api/v1/cohorts/{course['id']}/enrolments",
            json={"participant_id": person["id"], "status": status},
            headers=leader,
        )
        assert response.status_code == 409, response.text
        assert error_keys(response) == {"participant_id"}
    assert len(await roster(client, leader, course["id"])) == 1


async def test_only_consenting_participants_of_the_office_are_enrolled_as_invited_or_enrolled(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    person = await participant(client, leader, world)
    without_consent = await participant(client, leader, world, name="Tårn Ødegård", consent=None)
    elsewhere = await participant(
        client, await as_("leader_b"), world, name="Pål Kværne", primary_contact_id=world.leader_b
    )
    for body, status, key in (
        ({"participant_id": person["id"], "status": "waiting"}, 422, "status"),
        ({"participant_id": person["id"], "status": "completed"}, 422, "status"),
        ({"participant_id": without_consent["id"]}, 422, "participant_id"),
        ({"participant_id": elsewhere["id"]}, 422, "participant_id"),
        ({"participant_id": 99999}, 422, "participant_id"),
        ({"participant_id": "en"}, 400, "participant_id"),
        ({"participant_id": str(person["id"])}, 400, "participant_id"),
        ({"participant_id": 0}, 400, "participant_id"),
        ({"status": "enrolled"}, 400, "participant_id"),
    ):
        response = await client.post(f"/api/v1/cohorts/{course['id']}/enrolments", json=body, headers=leader)
        assert response.status_code == status, (body, response.text)
        assert error_keys(response) == {key}, (body, response.text)
    assert await roster(client, leader, course["id"]) == []


async def test_statuses_move_along_the_allowed_paths(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    people = [await participant(client, leader, world, name=n) for n in NAMES[:3]]
    paths = [
        ("invited", [("enrolled", ""), ("completed", ""), ("enrolled", "")]),
        ("enrolled", [("dropped_out", "Flyttet til Ålesund"), ("enrolled", "")]),
        ("invited", [("no_show", ""), ("invited", "")]),
    ]
    for person, (start, steps) in zip(people, paths, strict=True):
        enrolment = await enrolled(client, leader, course["id"], person["id"], status=start)
        for status, reason in steps:
            response = await client.patch(
                f"/api/v1/enrolments/{enrolment['id']}", json={"status": status, "reason": reason}, headers=leader
            )
            assert response.status_code == 200, (start, status, response.text)
            assert response.json()["status"] == status and response.json()["reason"] == reason
    assert sorted(r["status"] for r in await roster(client, leader, course["id"])) == [
        "enrolled",
        "enrolled",
        "invited",
    ]


async def test_invalid_status_changes_are_refused(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    invited = await enrolled(
        client, leader, course["id"], (await participant(client, leader, world))["id"], status="invited"
    )
    enrolment = await enrolled(
        client, leader, course["id"], (await participant(client, leader, world, name="Bjørg Ækre"))["id"]
    )
    for target, status in (
        (enrolment, "waiting"),
        (enrolment, "invited"),
        (invited, "completed"),
        (invited, "dropped_out"),
        (enrolment, "ferdig"),
        (enrolment, ""),
    ):
        response = await client.patch(
            f"/api/v1/enrolments/{target['id']}", json={"status": status, "reason": "Fordi"}, headers=leader
        )
        assert response.status_code == 422, (target["status"], status, response.text)
        assert "status" in error_keys(response)
    rows = await roster(client, leader, course["id"])
    assert sorted(r["status"] for r in rows) == ["enrolled", "invited"]


async def test_completing_the_course_does_not_free_a_place(client, world, as_):
    leader = await as_("leader")
    course = await running_cohort(client, world, await as_("admin"), capacity=2)
    people = [await participant(client, leader, world, name=n) for n in NAMES[:3]]
    places = [await enrolled(client, leader, course["id"], p["id"]) for p in people]
    response = await client.patch(f"/api/v1/enrolments/{places[0]['id']}", json={"status": "completed"}, headers=leader)
    assert response.status_code == 200, response.text
    assert response.json()["invited_from_waiting_list"] == []
    assert row_for(await roster(client, leader, course["id"]), people[2]["id"])["status"] == "waiting"


async def test_enrolments_made_at_the_same_moment_never_over_fill_a_cohort(client, world, as_, database):
    leader = await as_("leader")
    people = [await participant(client, leader, world, name=n) for n in NAMES[:4]]
    first = date.fromisoformat((await cohort(client, world, leader, capacity=1))["start_date"])
    courses = [
        await cohort(
            client,
            world,
            leader,
            capacity=1,
            title=f"Klart jeg kan – runde {k}",
            start_date=(first + timedelta(weeks=6 * k)).isoformat(),
        )
        for k in range(1, 4)
    ]
    # Connections in the pool first, so that the requests really run side by side.
    await asyncio.gather(*[client.get("/api/v1/participants", headers=leader) for _ in people])
    taken = []
    for course in courses:
        responses = await asyncio.gather(
            *[
                client.post(
                    f"/api/v1/cohorts/{course['id']}/enrolments", json={"participant_id": p["id"]}, headers=leader
                )
                for p in people
            ]
        )
        assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
        taken.append(sorted(r.json()["status"] for r in responses))
    assert taken == [["enrolled", "waiting", "waiting", "waiting"]] * len(courses)


# --- Ny retning: ages 16 to 18 expected, a warning and never a refusal --------------------------


async def test_enrolling_outside_16_to_18_on_ny_retning_warns_but_enrols(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader, variant="ny_retning", capacity=10)
    year = date.fromisoformat(course["start_date"]).year
    young = await participant(client, leader, world, name="Åsa Ødven", birth_year=year - 17)
    older = await participant(client, leader, world, name="Jørn Øyås", birth_year=year - 22)
    fine = await enrolled(client, leader, course["id"], young["id"])
    assert fine["warnings"] == []
    warned = await enrolled(client, leader, course["id"], older["id"])
    assert warned["status"] == "enrolled"
    [warning] = warned["warnings"]
    assert warning["code"] == "age_outside_range"
    assert warning["params"] == {"low": 16, "high": 18, "age": 22, "year": year}
    assert "22" in warning["text"]
    # Klart jeg kan has no such ages.
    kjk = await cohort(
        client, world, leader, start_date=(date.fromisoformat(course["end_date"]) + timedelta(weeks=3)).isoformat()
    )
    other = await participant(client, leader, world, name="Kåre Bø", birth_year=year - 24)
    assert (await enrolled(client, leader, kjk["id"], other["id"]))["warnings"] == []


async def test_the_cohort_page_tells_the_age_warning_after_enrolling(client, world, as_, login_as):
    from tests.conftest import csrf_post

    leader = await as_("leader")
    course = await cohort(client, world, leader, variant="ny_retning")
    year = date.fromisoformat(course["start_date"]).year
    older = await participant(client, leader, world, name="Jørn Øyås", birth_year=year - 21)
    await login_as("leader")
    page = f"/cohorts/{course['id']}"
    response = await csrf_post(client, f"{page}/enrolments", {"participant_id": str(older["id"])}, page=page)
    assert response.status_code in (302, 303)
    target = response.headers["location"]
    assert "warned=" in target
    text = (await client.get(target)).text
    assert "Ny retning er for alderen 16 til 18 år. Deltakeren fyller 21" in text
    assert "Deltakeren er meldt på." in text
    # Another office's enrolment id shows nothing.
    assert "Ny retning er for alderen" not in (await client.get(f"{page}?warned=999999")).text


async def test_the_waiting_list_offer_and_its_button_on_the_cohort_page(client, world, as_, login_as):
    from tests.conftest import csrf_post

    leader = await as_("leader")
    course = await cohort(client, world, leader, capacity=1)
    people = [await participant(client, leader, world, name=n) for n in NAMES[:3]]
    places = [await enrolled(client, leader, course["id"], p["id"]) for p in people]
    await client.patch(f"/api/v1/cohorts/{course['id']}", json={"capacity": 2}, headers=leader)
    await login_as("leader")
    page = f"/cohorts/{course['id']}"
    text = (await client.get(page)).text
    assert "1 på ventelisten kan nå få plass." in text
    response = await csrf_post(client, f"{page}/waiting-list/invite", page=page)
    assert response.status_code in (302, 303)
    rows = await roster(client, leader, course["id"])
    assert row_for(rows, people[1]["id"])["status"] == "invited"
    assert row_for(rows, people[2]["id"])["status"] == "waiting"
    assert places[1]["status"] == "waiting"
    assert "på ventelisten kan nå få plass" not in (await client.get(page)).text
