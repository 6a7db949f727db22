"""A session moved or cancelled, and a cohort called off: a notice to everyone with a
place (enrolled or invited), by the channel they prefer and have consented to, written
in the change's own transaction: none without consent, none twice for the same
change, none when the change is refused, none for a session already held."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course import clock
from course.cohorts import hooks as cohort_hooks
from course.messages import texts
from course.messages.tables import Message
from course.participants.tables import Enrolment
from tests.cohorts.test_sessions import created, day
from tests.messages.helpers import PHONE, outbox, reachable, recipients
from tests.participants.helpers import enrolled, participant, running_cohort


@pytest.fixture
async def cohort_with_people(client, world, as_):
    """A cohort ahead (Tuesdays and Thursdays from 28 September) with: Sølvi (SMS),
    Bjørg (e-mail, her preference), Dagfinn (no consent to be contacted) enrolled;
    Eirin (SMS) invited; Frøydis (SMS) on the waiting list."""
    leader = await as_("leader")
    course = await created(client, world, leader)
    solvi = await reachable(client, leader, world, "Sølvi Åkerø Dæhli")
    bjorg = await reachable(
        client, leader, world, "Bjørg Ækre", sms=True, email=True, preferred="email", address="bjorg@eksempel.no"
    )
    dagfinn = await participant(client, leader, world, name="Dagfinn Sæther")
    eirin = await reachable(client, leader, world, "Eirin Løvås")
    froydis = await reachable(client, leader, world, "Frøydis Haugå")
    for person in (solvi, bjorg, dagfinn):
        await enrolled(client, leader, course["id"], person["id"])
    await enrolled(client, leader, course["id"], eirin["id"], "invited")
    await Enrolment.insert(
        Enrolment(
            cohort=course["id"],
            participant=froydis["id"],
            status="waiting",
            created_at=clock.now(),
            changed_at=clock.now(),
        )
    )
    people = {"solvi": solvi["id"], "bjorg": bjorg["id"], "dagfinn": dagfinn["id"], "eirin": eirin["id"]}
    return leader, course, people


def told(people) -> set[tuple]:
    return {
        (people["solvi"], None, "sms", PHONE),
        (people["bjorg"], None, "email", "bjorg@eksempel.no"),
        (people["eirin"], None, "sms", PHONE),
    }


async def move(client, headers, course, number: int, **change):
    return await client.patch(f"/api/v1/cohorts/{course['id']}/sessions/{number}", json=change, headers=headers)


async def test_a_moved_session_is_told_to_each_with_a_place_who_may_be_reached(client, cohort_with_people):
    leader, course, people = cohort_with_people
    new = day(course, 3) + timedelta(days=1)
    response = await move(client, leader, course, 3, date=new.isoformat(), start_time="10:00", end_time="14:30")
    assert response.status_code == 200, response.text
    rows = await outbox("session_moved")
    assert recipients(rows) == told(people)
    assert {r["cohort"] for r in rows} == {course["id"]}
    sms = next(r for r in rows if r["participant"] == people["solvi"])
    assert sms["subject"] == "" and "Hei Sølvi!" in sms["body"]
    assert f"{texts.day_text(new)} kl. 10:00-14:30, Møterom Åsen" in sms["body"]
    assert texts.LINK_MARK in sms["body"] and "/p/" not in sms["body"]
    mail = next(r for r in rows if r["participant"] == people["bjorg"])
    assert mail["subject"] == f"Ny tid for samling 3: {texts.day_text(new)} kl. 10:00"
    assert "NAV Drammen – Ungdomsteamet" in mail["body"]


async def test_the_same_move_again_tells_no_one_twice_and_a_second_move_tells_again(client, cohort_with_people):
    leader, course, people = cohort_with_people
    new = day(course, 3) + timedelta(days=1)
    for _ in range(2):
        assert (await move(client, leader, course, 3, date=new.isoformat())).status_code == 200
    assert len(await outbox("session_moved")) == 3
    # Back to its own day: a new time, so a new notice.
    assert (await move(client, leader, course, 3, date=day(course, 3).isoformat())).status_code == 200
    rows = await outbox("session_moved")
    assert len(rows) == 6 and len({r["dedup_key"] for r in rows}) == 6
    # Only the room changes: that too is news.
    assert (await move(client, leader, course, 3, location="Samtalerom Lønna")).status_code == 200
    assert len(await outbox("session_moved")) == 9


async def test_a_move_refused_tells_no_one(client, cohort_with_people):
    leader, course, _people = cohort_with_people
    # After the next session: refused, naming the field, and nothing in the outbox.
    response = await move(client, leader, course, 3, date=(day(course, 4) + timedelta(days=1)).isoformat())
    assert response.status_code == 422 and "date" in response.text
    response = await move(client, leader, course, 3, start_time="15:00", end_time="14:00")
    assert response.status_code == 422
    assert await outbox() == []


async def test_a_move_rolled_back_after_the_notice_was_written_leaves_none(client, cohort_with_people, monkeypatch):
    """The notice is written in the move's transaction: when something after it fails,
    the move and the notice go together."""
    leader, course, _people = cohort_with_people

    async def fails(session_id: int) -> None:
        assert len(await outbox("session_moved")) == 3  # written, not yet committed
        raise RuntimeError("the change fails after the notice was written")

    monkeypatch.setattr(cohort_hooks.session_moved, "_receivers", [*cohort_hooks.session_moved._receivers, fails])
    new = day(course, 3) + timedelta(days=1)
    assert (await move(client, leader, course, 3, date=new.isoformat())).status_code == 500
    assert await outbox() == []
    again = (await client.get(f"/api/v1/cohorts/{course['id']}", headers=leader)).json()
    assert day(again, 3) == day(course, 3)


async def test_a_change_that_moves_nothing_tells_no_one(client, cohort_with_people):
    leader, course, _people = cohort_with_people
    assert (await move(client, leader, course, 3, reason="Bare en merknad")).status_code == 200
    assert (await move(client, leader, course, 3, guest_leader="Ørjan Ås, Karrieresenteret")).status_code == 200
    assert await outbox() == []


async def test_a_cancelled_session_is_told_once(client, cohort_with_people):
    leader, course, people = cohort_with_people
    assert (await move(client, leader, course, 2, cancelled=True)).status_code == 200
    assert (await move(client, leader, course, 2, cancelled=True)).status_code == 200
    rows = await outbox("session_cancelled")
    assert recipients(rows) == told(people)
    assert all("Samling 2" in r["body"] and texts.day_text(day(course, 2)) in r["body"] for r in rows)
    assert await outbox("session_moved") == []


async def test_a_session_already_held_tells_no_one(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin, weeks_ago=1)
    solvi = await reachable(client, leader, world, "Sølvi Åkerø Dæhli")
    await enrolled(client, leader, course["id"], solvi["id"])
    assert (await move(client, admin, course, 1, cancelled=True)).status_code == 200
    assert await outbox() == []
    # One still to come is told.
    assert (await move(client, leader, course, 4, cancelled=True)).status_code == 200
    assert recipients(await outbox("session_cancelled")) == {(solvi["id"], None, "sms", PHONE)}


async def test_a_cohort_called_off_is_told_once_to_each_with_a_place(client, cohort_with_people):
    leader, course, people = cohort_with_people
    for _ in range(2):
        response = await client.patch(f"/api/v1/cohorts/{course['id']}", json={"cancelled": True}, headers=leader)
        assert response.status_code == 200, response.text
    rows = await outbox("cohort_cancelled")
    assert recipients(rows) == told(people)
    assert all("Klart jeg kan - vår" in r["body"] or "Klart jeg kan – vår" in r["body"] for r in rows)
    # Taken back and called off again: they were told already.
    await client.patch(f"/api/v1/cohorts/{course['id']}", json={"cancelled": False}, headers=leader)
    await client.patch(f"/api/v1/cohorts/{course['id']}", json={"cancelled": True}, headers=leader)
    assert len(await outbox("cohort_cancelled")) == 3
    assert await Message.count() == 3


async def test_a_session_of_a_cohort_called_off_is_not_told_again(client, cohort_with_people):
    leader, course, _people = cohort_with_people
    response = await client.patch(f"/api/v1/cohorts/{course['id']}", json={"cancelled": True}, headers=leader)
    assert response.status_code == 200, response.text
    response = await move(client, leader, course, 3, location="Samtalerom Lønna")
    if response.status_code == 200:  # a cohort called off may keep its sessions as they were
        assert await outbox("session_moved") == []
    assert len(await outbox()) == 3


async def test_a_new_room_or_time_for_the_whole_cohort_is_told_once(client, cohort_with_people):
    """One notice for all the sessions still to come, naming the next one, not one
    for each session."""
    leader, course, people = cohort_with_people
    for _ in range(2):
        response = await client.patch(
            f"/api/v1/cohorts/{course['id']}",
            json={"location": "Samtalerom Lønna", "start_time": "10:00", "end_time": "15:00"},
            headers=leader,
        )
        assert response.status_code == 200, response.text
    rows = await outbox("cohort_moved")
    assert recipients(rows) == told(people)
    sms = next(r for r in rows if r["participant"] == people["solvi"])
    assert f"Fra {texts.day_text(day(course, 1))} er kurset kl. 10:00-15:00, Samtalerom Lønna." in sms["body"]
    assert await outbox("session_moved") == []
    # A new title moves nothing.
    response = await client.patch(
        f"/api/v1/cohorts/{course['id']}", json={"title": "Klart jeg kan – høst"}, headers=leader
    )
    assert response.status_code == 200
    assert len(await outbox()) == 3
