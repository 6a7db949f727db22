"""Guidance talks: booking, clashes with talks and group sessions, the cohort's
four weeks, moving, cancelling, held and no-show."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from course import clock
from tests.conftest import make_user
from tests.participants.helpers import (
    NAMES,
    book,
    booked,
    cohort,
    course_monday,
    enrolled,
    error_keys,
    free_day,
    participant,
    running_cohort,
    session_day,
)


@pytest.fixture
async def two_led(client, world, as_):
    """A cohort ahead, led by Åse Ødegård and Kari Nørstebø, with Sølvi and Bjørg
    enrolled; answers (headers, cohort, co-leader id, Sølvi, Bjørg)."""
    leader = await as_("leader")
    kari = await make_user("kari@a.no", "leader", world.office_a, "Kari Nørstebø")
    course = await cohort(client, world, leader, leader_ids=[world.leader, kari])
    solvi = await participant(client, leader, world)
    bjorg = await participant(client, leader, world, name="Bjørg Ækre")
    for person in (solvi, bjorg):
        await enrolled(client, leader, course["id"], person["id"])
    return leader, course, kari, solvi, bjorg


async def test_a_talk_is_booked_in_the_cohorts_room_unless_told_otherwise(client, world, two_led):
    leader, course, kari, solvi, bjorg = two_led
    day = free_day(course, 0)
    response = await book(client, leader, course["id"], solvi["id"], world.leader, day)
    assert response.status_code == 201, response.text
    talk = response.json()
    assert talk["participant"] == {"id": solvi["id"], "name": "Sølvi Åkerø Dæhli"}
    assert talk["leader"] == {"id": world.leader, "name": "Åse Ødegård"}
    assert (talk["date"], talk["start_time"], talk["end_time"]) == (day.isoformat(), "10:00", "10:45")
    assert (talk["location"], talk["status"], talk["has_note"], talk["note"]) == (
        "Møterom Åsen",
        "planned",
        False,
        None,
    )
    other = await book(
        client, leader, course["id"], bjorg["id"], kari, day, "11:00", "11:45", location="Samtalerom Lønna"
    )
    assert other.status_code == 201 and other.json()["location"] == "Samtalerom Lønna"
    listed = (await client.get(f"/api/v1/cohorts/{course['id']}/talks", headers=leader)).json()
    assert [t["id"] for t in listed] == [talk["id"], other.json()["id"]]


async def test_a_leader_busy_with_another_talk_is_named(client, world, two_led):
    leader, course, kari, solvi, bjorg = two_led
    day = free_day(course, 0)
    await booked(client, leader, course["id"], solvi["id"], world.leader, day, "10:00", "10:45")
    response = await book(client, leader, course["id"], bjorg["id"], world.leader, day, "10:30", "11:15")
    assert response.status_code == 409, response.text
    assert error_keys(response) == {"leader_id"}
    assert "Åse Ødegård" in response.json()["detail"]
    after = await book(client, leader, course["id"], bjorg["id"], world.leader, day, "10:45", "11:30")
    assert after.status_code == 201, after.text


async def test_a_participant_busy_with_another_talk_is_named(client, world, two_led):
    leader, course, kari, solvi, bjorg = two_led
    day = free_day(course, 0)
    await booked(client, leader, course["id"], solvi["id"], world.leader, day, "10:00", "10:45")
    response = await book(client, leader, course["id"], solvi["id"], kari, day, "09:30", "10:15")
    assert response.status_code == 409, response.text
    assert error_keys(response) == {"participant_id"}
    assert "Sølvi Åkerø Dæhli" in response.json()["detail"]
    assert len((await client.get(f"/api/v1/cohorts/{course['id']}/talks", headers=leader)).json()) == 1


async def test_no_talk_during_a_group_session(client, world, two_led):
    leader, course, kari, solvi, bjorg = two_led
    day = session_day(course, 1)
    for start, end in (("09:00", "09:45"), ("13:30", "14:15"), ("11:00", "11:45")):
        response = await book(client, leader, course["id"], solvi["id"], kari, day, start, end)
        assert response.status_code == 409, (start, response.text)
        assert error_keys(response) == {"leader_id"}
        assert "Kari Nørstebø" in response.json()["detail"] and "session 1" in response.json()["detail"]
    assert (await book(client, leader, course["id"], solvi["id"], kari, day, "14:00", "14:45")).status_code == 201
    assert (await book(client, leader, course["id"], bjorg["id"], kari, day, "08:15", "09:00")).status_code == 201


async def test_a_talk_must_be_in_the_cohorts_four_weeks_with_one_of_its_leaders(client, world, two_led):
    leader, course, kari, solvi, bjorg = two_led
    unrelated = await make_user("ola@a.no", "leader", world.office_a, "Ola Bråthen")
    outsider = await participant(client, leader, world, name="Øystein Utenfor")
    monday = course_monday(course)
    last_session = max(date.fromisoformat(s["date"]) for s in course["sessions"])
    after = last_session + timedelta(days=7 - last_session.weekday())  # the Monday after the last week
    day = free_day(course, 0)
    for change, key in (
        ({"date": monday - timedelta(days=1)}, "date"),
        ({"date": monday - timedelta(weeks=1)}, "date"),
        ({"date": max(after, monday + timedelta(weeks=4))}, "date"),
        ({"leader_id": unrelated}, "leader_id"),
        ({"leader_id": world.leader_b}, "leader_id"),
        ({"leader_id": world.admin}, "leader_id"),
        ({"participant_id": outsider["id"]}, "participant_id"),
        ({"start": "11:00", "end": "10:00"}, "end_time"),
        ({"start": "08:00", "end": "11:30"}, "end_time"),
        ({"start": "kl 10"}, "start_time"),
    ):
        args = {"participant_id": solvi["id"], "leader_id": world.leader, "day": day, "start": "10:00", "end": "10:45"}
        args.update({("day" if k == "date" else k): v for k, v in change.items()})
        response = await book(
            client,
            leader,
            course["id"],
            args["participant_id"],
            args["leader_id"],
            args["day"],
            args["start"],
            args["end"],
        )
        assert response.status_code == 422, (change, response.text)
        assert error_keys(response) == {key}, (change, response.text)
    assert (await client.get(f"/api/v1/cohorts/{course['id']}/talks", headers=leader)).json() == []


async def test_a_talk_is_moved_and_a_move_into_a_clash_is_refused(client, world, two_led):
    leader, course, kari, solvi, bjorg = two_led
    first = await booked(client, leader, course["id"], solvi["id"], world.leader, free_day(course, 0))
    later = free_day(course, 1)
    moved = await client.patch(
        f"/api/v1/talks/{first['id']}",
        json={"date": later.isoformat(), "start_time": "14:30", "end_time": "15:30"},
        headers=leader,
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["date"], moved.json()["start_time"], moved.json()["end_time"]) == (
        later.isoformat(),
        "14:30",
        "15:30",
    )
    other = await booked(client, leader, course["id"], bjorg["id"], world.leader, later, "16:00", "16:45")
    clash = await client.patch(
        f"/api/v1/talks/{other['id']}", json={"start_time": "15:00", "end_time": "15:45"}, headers=leader
    )
    assert clash.status_code == 409 and error_keys(clash) == {"leader_id"}, clash.text
    outside = await client.patch(
        f"/api/v1/talks/{other['id']}",
        json={"date": (course_monday(course) - timedelta(days=3)).isoformat()},
        headers=leader,
    )
    assert outside.status_code == 422 and error_keys(outside) == {"date"}, outside.text
    reassigned = await client.patch(
        f"/api/v1/talks/{other['id']}",
        json={"leader_id": kari, "start_time": "15:00", "end_time": "15:45"},
        headers=leader,
    )
    assert reassigned.status_code == 200, reassigned.text
    assert reassigned.json()["leader"] == {"id": kari, "name": "Kari Nørstebø"}
    again = (await client.get(f"/api/v1/talks/{other['id']}", headers=leader)).json()
    assert (again["date"], again["start_time"], again["leader"]["id"]) == (later.isoformat(), "15:00", kari)


async def test_a_cancelled_talk_frees_its_time(client, world, two_led):
    leader, course, kari, solvi, bjorg = two_led
    day = free_day(course, 0)
    talk = await booked(client, leader, course["id"], solvi["id"], world.leader, day)
    response = await client.patch(f"/api/v1/talks/{talk['id']}", json={"status": "cancelled"}, headers=leader)
    assert response.status_code == 200 and response.json()["status"] == "cancelled", response.text
    assert (await book(client, leader, course["id"], bjorg["id"], world.leader, day)).status_code == 201
    revived = await client.patch(f"/api/v1/talks/{talk['id']}", json={"status": "planned"}, headers=leader)
    assert revived.status_code == 409, revived.text
    bad = await client.patch(f"/api/v1/talks/{talk['id']}", json={"status": "avlyst"}, headers=leader)
    assert bad.status_code == 422 and error_keys(bad) == {"status"}, bad.text


async def test_held_and_no_show_are_marked_from_the_talks_day(client, world, as_):
    leader = await as_("leader")
    course = await running_cohort(client, world, await as_("admin"))
    people = [await participant(client, leader, world, name=n) for n in ("Håkon Strømme", "Ingrid Kværnå")]
    for person in people:
        await enrolled(client, leader, course["id"], person["id"])
    past_day, future_day = free_day(course, 0), free_day(course, 2)
    assert past_day < clock.today() < future_day
    ahead = await booked(client, leader, course["id"], people[0]["id"], world.leader, future_day)
    for status in ("held", "no_show"):
        response = await client.patch(f"/api/v1/talks/{ahead['id']}", json={"status": status}, headers=leader)
        assert response.status_code == 422, (status, response.text)
        assert error_keys(response) == {"status"}
    held = await booked(client, leader, course["id"], people[0]["id"], world.leader, past_day, "10:00", "10:45")
    missed = await booked(client, leader, course["id"], people[1]["id"], world.leader, past_day, "11:00", "11:45")
    for talk, status in ((held, "held"), (missed, "no_show")):
        response = await client.patch(f"/api/v1/talks/{talk['id']}", json={"status": status}, headers=leader)
        assert response.status_code == 200 and response.json()["status"] == status, response.text
    listed = {
        t["id"]: t["status"] for t in (await client.get(f"/api/v1/cohorts/{course['id']}/talks", headers=leader)).json()
    }
    assert listed == {ahead["id"]: "planned", held["id"]: "held", missed["id"]: "no_show"}


async def test_bookings_made_at_the_same_moment_cannot_both_take_a_leaders_time(client, world, as_, database):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    people = [await participant(client, leader, world, name=n) for n in NAMES[:4]]
    for person in people:
        await enrolled(client, leader, course["id"], person["id"])
    # Four rounds, so that a race lost only now and then still shows.
    rounds = [(free_day(course, week), "08:00") for week in range(4)]
    won = []
    for day, start in rounds:
        end = f"{int(start[:2]):02d}:45"
        responses = await asyncio.gather(
            *[book(client, leader, course["id"], p["id"], world.leader, day, start, end) for p in people]
        )
        assert {r.status_code for r in responses} <= {201, 409}, [r.text for r in responses]
        won.append(sum(r.status_code == 201 for r in responses))
    assert won == [1] * len(rounds)
