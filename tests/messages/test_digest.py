"""The daily digest: one e-mail a day to each active staff member with something to
do: the sessions and talks they lead today, and the follow-ups and steps of the way
in due or overdue for the participants they are primary contact for. None to those
with nothing, none twice the same day."""

from __future__ import annotations

from datetime import timedelta

from course import clock
from course.messages import digest, texts
from course.participants.tables import Enrolment
from tests.conftest import make_user
from tests.messages.helpers import outbox
from tests.participants.helpers import booked, enrolled, participant, running_cohort


async def test_nothing_to_do_sends_nothing(world):
    assert await digest.queue_digests(clock.now()) == 0
    assert await outbox() == []


async def test_each_gets_what_is_theirs_today_once(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    kari = await make_user("kari@a.no", "leader", world.office_a, "Kari Nørstebø")
    per = await make_user("per@a.no", "leader", world.office_a, "Per Ødegård")
    await make_user("tone@a.no", "leader", world.office_a, "Tone Ødegård", active=False)
    # Running: Mondays and Wednesdays, so a session today, led by Åse and Kari.
    running = await running_cohort(client, world, admin, weeks_ago=2, leader_ids=[world.leader, kari])
    solvi = await participant(client, leader, world, name="Sølvi Åkerø Dæhli")
    await enrolled(client, leader, running["id"], solvi["id"])
    await booked(client, leader, running["id"], solvi["id"], world.leader, clock.today(), "15:00", "15:45")
    # Ended some four months ago: Kåre's three-month follow-up is due; Åse is his contact.
    ended = await running_cohort(client, world, admin, weeks_ago=20, title="Klart jeg kan – vår")
    kare = await participant(client, leader, world, name="Kåre Nærø")
    await Enrolment.insert(
        Enrolment(
            cohort=ended["id"],
            participant=kare["id"],
            status="completed",
            created_at=clock.now(),
            changed_at=clock.now(),
        )
    )
    # Referred ten days ago, no referral committee yet.
    referred = (clock.today() - timedelta(days=10)).isoformat()
    await participant(client, leader, world, name="Liv Østgård", referral_date=referred)
    await participant(client, leader, world, name="Mads Ødegaard", referral_date=referred, primary_contact_id=per)

    assert await digest.queue_digests(clock.now()) == 3
    assert await digest.queue_digests(clock.now()) == 0
    rows = await outbox("daily_digest")
    assert {(r["staff"], r["channel"], r["address"]) for r in rows} == {
        (world.leader, "email", "ase@a.no"),
        (kari, "email", "kari@a.no"),
        (per, "email", "per@a.no"),
    }
    assert all(r["subject"] == f"Dagen din i Klart jeg kan, {texts.day_text(clock.today())}" for r in rows)
    ase = texts.with_link(next(r for r in rows if r["staff"] == world.leader)["body"], None, "https://kjk.test")
    assert "Hei Åse!" in ase
    assert "Kl. 09:00–14:00: Klart jeg kan – vår, samling 6, Møterom Åsen" in ase
    assert "Kl. 15:00–15:45: Sølvi Åkerø Dæhli, Møterom Åsen" in ase
    assert "Kåre Nærø: 3 måneder etter Klart jeg kan – vår, fra " in ase
    assert "Liv Østgård: henvisningsutvalget (HU), 10 dager" in ase
    assert f"https://kjk.test/participants/{kare['id']}" in ase
    assert "Mads" not in ase
    kari_body = next(r for r in rows if r["staff"] == kari)["body"]
    assert "samling 6" in kari_body and "Sølvi" not in kari_body and "Liv" not in kari_body
    per_body = next(r for r in rows if r["staff"] == per)["body"]
    assert "Mads Ødegaard: henvisningsutvalget (HU)" in per_body and "Samlinger" not in per_body


async def test_a_substitute_gets_the_session_instead_of_the_pair(client, world, as_):
    admin = await as_("admin")
    per = await make_user("per@a.no", "leader", world.office_a, "Per Ødegård")
    running = await running_cohort(client, world, admin, weeks_ago=2)
    response = await client.patch(
        f"/api/v1/cohorts/{running['id']}/sessions/6", json={"leader_ids": [per]}, headers=admin
    )
    assert response.status_code == 200, response.text
    assert await digest.queue_digests(clock.now()) == 1
    assert [r["staff"] for r in await outbox("daily_digest")] == [per]


async def test_a_cancelled_session_or_talk_is_not_in_the_digest(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    running = await running_cohort(client, world, admin, weeks_ago=2)
    response = await client.patch(
        f"/api/v1/cohorts/{running['id']}/sessions/6", json={"cancelled": True}, headers=leader
    )
    assert response.status_code == 200, response.text
    assert await digest.queue_digests(clock.now()) == 0
