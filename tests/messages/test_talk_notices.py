"""A guidance talk moved or cancelled by staff is told to the participant; one marked
not shown, to their primary contact and the cohort's leaders by e-mail. Once for each
change, none without consent, none when the change is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course import clock
from course.messages import texts
from tests.conftest import make_user
from tests.messages.helpers import PHONE, outbox, reachable, recipients
from tests.participants.helpers import booked, enrolled, free_day, participant, running_cohort


@pytest.fixture
async def talks(client, world, as_):
    """A running cohort led by Åse Ødegård and Kari Nørstebø. Sølvi (SMS; her primary
    contact is Per Ødegård) and Dagfinn (no consent to be contacted) have a talk each
    in the third course week, still to come, and one each in the first, already past."""
    leader, admin = await as_("leader"), await as_("admin")
    kari = await make_user("kari@a.no", "leader", world.office_a, "Kari Nørstebø")
    per = await make_user("per@a.no", "leader", world.office_a, "Per Ødegård")
    course = await running_cohort(client, world, admin, leader_ids=[world.leader, kari])
    solvi = await reachable(client, leader, world, "Sølvi Åkerø Dæhli", primary_contact_id=per)
    dagfinn = await participant(client, leader, world, name="Dagfinn Sæther")
    for person in (solvi, dagfinn):
        await enrolled(client, leader, course["id"], person["id"])
    ahead, past = free_day(course, 2), free_day(course, 0)
    assert past < clock.today() < ahead
    return {
        "leader": leader,
        "course": course,
        "ids": {"kari": kari, "per": per, "solvi": solvi["id"], "dagfinn": dagfinn["id"]},
        "ahead": ahead,
        "solvi_ahead": await booked(client, leader, course["id"], solvi["id"], world.leader, ahead),
        "dagfinn_ahead": await booked(client, leader, course["id"], dagfinn["id"], kari, ahead, "11:00", "11:45"),
        "solvi_past": await booked(client, leader, course["id"], solvi["id"], world.leader, past),
        "dagfinn_past": await booked(client, leader, course["id"], dagfinn["id"], kari, past, "11:00", "11:45"),
    }


async def change(client, t, talk: str, **values):
    return await client.patch(f"/api/v1/talks/{t[talk]['id']}", json=values, headers=t["leader"])


async def test_a_moved_talk_is_told_once_for_each_new_time(client, talks):
    t = talks
    new = t["ahead"]
    for _ in range(2):
        response = await change(client, t, "solvi_ahead", date=new.isoformat(), start_time="13:00", end_time="13:45")
        assert response.status_code == 200, response.text
    rows = await outbox("talk_moved")
    assert recipients(rows) == {(t["ids"]["solvi"], None, "sms", PHONE)}
    body = rows[0]["body"]
    assert f"flyttet til {texts.day_text(new)} kl. 13:00, Møterom Åsen" in body and texts.LINK_MARK in body
    assert (await change(client, t, "solvi_ahead", location="Samtalerom Lønna")).status_code == 200
    assert len(await outbox("talk_moved")) == 2
    # Dagfinn has not consented to be contacted: his talk moves without a word.
    assert (await change(client, t, "dagfinn_ahead", start_time="12:00", end_time="12:45")).status_code == 200
    assert len(await outbox("talk_moved")) == 2


async def test_a_cancelled_talk_is_told_once(client, talks):
    t = talks
    for _ in range(2):
        assert (await change(client, t, "solvi_ahead", status="cancelled")).status_code == 200
    assert (await change(client, t, "dagfinn_ahead", status="cancelled")).status_code == 200
    rows = await outbox("talk_cancelled")
    assert recipients(rows) == {(t["ids"]["solvi"], None, "sms", PHONE)}
    assert f"Samtalen din {texts.day_text(t['ahead'])} kl. 10:00 er dessverre avlyst" in rows[0]["body"]
    assert await outbox("talk_moved") == []


async def test_a_talk_already_past_or_only_a_note_tells_no_one(client, talks):
    t = talks
    assert (await change(client, t, "solvi_past", status="cancelled")).status_code == 200
    assert (await change(client, t, "solvi_ahead", note="Vi snakket om Ørnes-jobben")).status_code == 200
    assert await outbox() == []


async def test_a_move_refused_tells_no_one(client, talks):
    t = talks
    late = (clock.today() + timedelta(weeks=8)).isoformat()
    response = await change(client, t, "solvi_ahead", date=late)
    assert response.status_code == 422 and "date" in response.text
    response = await change(client, t, "solvi_ahead", start_time="14:00", end_time="13:00")
    assert response.status_code == 422
    # Onto a session Åse leads: refused inside the transaction, after the lock.
    response = await change(client, t, "solvi_ahead", date=(t["ahead"] + timedelta(days=1)).isoformat())
    assert response.status_code == 409, response.text
    assert await outbox() == []


async def test_a_talk_not_shown_is_told_to_the_contact_and_the_leaders(client, world, talks):
    t = talks
    for _ in range(2):
        assert (await change(client, t, "solvi_past", status="no_show")).status_code == 200
    rows = await outbox("talk_no_show")
    assert recipients(rows) == {
        (t["ids"]["solvi"], world.leader, "email", "ase@a.no"),
        (t["ids"]["solvi"], t["ids"]["kari"], "email", "kari@a.no"),
        (t["ids"]["solvi"], t["ids"]["per"], "email", "per@a.no"),
    }
    per = next(r for r in rows if r["staff"] == t["ids"]["per"])
    assert per["subject"] == "En deltaker kom ikke til veiledningssamtalen"
    assert "Hei Per!" in per["body"] and "Sølvi Åkerø Dæhli kom ikke" in per["body"]
    assert f"[[side:/participants/{t['ids']['solvi']}]]" in per["body"]
    assert texts.LINK_MARK not in per["body"]
    # The alert goes to staff whatever the participant consented to.
    assert (await change(client, t, "dagfinn_past", status="no_show")).status_code == 200
    assert {r["staff"] for r in await outbox("talk_no_show") if r["participant"] == t["ids"]["dagfinn"]} == {
        world.leader,
        t["ids"]["kari"],
    }
    # Held after all, then not shown again: no second alert.
    assert (await change(client, t, "solvi_past", status="held")).status_code == 200
    assert (await change(client, t, "solvi_past", status="no_show")).status_code == 200
    assert len(await outbox("talk_no_show")) == 5


async def test_an_inactive_staff_member_gets_no_alert(client, world, talks):
    from course.accounts.tables import StaffUser

    t = talks
    await StaffUser.update({StaffUser.active: False}).where(StaffUser.id == t["ids"]["kari"])
    assert (await change(client, t, "solvi_past", status="no_show")).status_code == 200
    assert {r["staff"] for r in await outbox("talk_no_show")} == {world.leader, t["ids"]["per"]}
