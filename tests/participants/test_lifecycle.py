"""What happens to talks, places and the queue when a cohort or a participant's plans change."""

from __future__ import annotations

from tests.participants.helpers import (
    NAMES,
    booked,
    cohort,
    consent,
    enrolled,
    free_day,
    participant,
    roster,
    row_for,
)


async def test_cancelling_a_cohort_cancels_its_planned_talks(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    person = await participant(client, leader, world)
    await enrolled(client, leader, course["id"], person["id"])
    talk = await booked(client, leader, course["id"], person["id"], world.leader, free_day(course))
    response = await client.patch(f"/api/v1/cohorts/{course['id']}", json={"cancelled": True}, headers=leader)
    assert response.status_code == 200
    again = await client.get(f"/api/v1/talks/{talk['id']}", headers=leader)
    assert again.json()["status"] == "cancelled"


async def test_a_talk_cannot_be_taken_back_once_the_participant_has_left(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    person = await participant(client, leader, world)
    await enrolled(client, leader, course["id"], person["id"])
    talk = await booked(client, leader, course["id"], person["id"], world.leader, free_day(course))
    assert (await consent(client, leader, person["id"], "withdrawn", ["participation"])).status_code == 201
    assert (await client.get(f"/api/v1/talks/{talk['id']}", headers=leader)).json()["status"] == "cancelled"
    back = await client.patch(f"/api/v1/talks/{talk['id']}", json={"status": "planned"}, headers=leader)
    assert back.status_code == 422
    assert [e["key"] for e in back.json()["extra"]] == ["participant_id"]


async def test_leaving_a_cohort_cancels_the_planned_talks_in_it(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    person = await participant(client, leader, world)
    enrolment = await enrolled(client, leader, course["id"], person["id"])
    talk = await booked(client, leader, course["id"], person["id"], world.leader, free_day(course, 1))
    left = await client.patch(
        f"/api/v1/enrolments/{enrolment['id']}",
        json={"status": "withdrawn", "reason": "Fått jobb på Ørje"},
        headers=leader,
    )
    assert left.status_code == 200
    assert (await client.get(f"/api/v1/talks/{talk['id']}", headers=leader)).json()["status"] == "cancelled"


async def test_going_back_on_the_waiting_list_means_the_back_of_the_queue(client, world, as_):
    leader = await as_("leader")
    course = await cohort(client, world, leader, capacity=1)
    first, second, third = [await participant(client, leader, world, name=n) for n in NAMES[:3]]
    await enrolled(client, leader, course["id"], first["id"])
    early = await enrolled(client, leader, course["id"], second["id"])
    assert early["status"] == "waiting"
    out = await client.patch(
        f"/api/v1/enrolments/{early['id']}", json={"status": "withdrawn", "reason": "Syk"}, headers=leader
    )
    assert out.status_code == 200
    late = await enrolled(client, leader, course["id"], third["id"])
    assert late["waiting_position"] == 1
    back = await client.patch(f"/api/v1/enrolments/{early['id']}", json={"status": "waiting"}, headers=leader)
    assert back.status_code == 200 and back.json()["waiting_position"] == 2
    rows = await roster(client, leader, course["id"])
    assert row_for(rows, third["id"])["waiting_position"] == 1
