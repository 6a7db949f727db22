"""The evaluation opens: each participant who consented to it, and to being contacted,
gets a nudge once, with the link to their own page and never an evaluation's link."""

from __future__ import annotations

from course.messages import texts
from tests.evaluations.helpers import open_evaluation
from tests.messages.helpers import PHONE, outbox, reachable, recipients
from tests.participants.helpers import cohort, enrolled, participant, running_cohort


async def test_each_who_consented_gets_one_nudge_without_an_evaluation_link(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin)
    solvi = await reachable(client, leader, world, "Sølvi Åkerø Dæhli")
    bjorg = await reachable(
        client, leader, world, "Bjørg Ækre", sms=False, email=True, preferred="email", address="bjorg@eksempel.no"
    )
    dagfinn = await participant(client, leader, world, name="Dagfinn Sæther")  # not to be contacted
    eirin = await reachable(client, leader, world, "Eirin Løvås", evaluation=False)
    for person in (solvi, bjorg, dagfinn, eirin):
        await enrolled(client, leader, course["id"], person["id"])
    opened = await open_evaluation(client, leader, course["id"])
    assert len(opened["links"]) == 3
    rows = await outbox("evaluation_open")
    assert recipients(rows) == {
        (solvi["id"], None, "sms", PHONE),
        (bjorg["id"], None, "email", "bjorg@eksempel.no"),
    }
    tokens = [link["url"].rsplit("/", 1)[1] for link in opened["links"]]
    for row in rows:
        assert texts.LINK_MARK in row["body"] and "/e/" not in row["body"]
        assert not any(token in row["body"] for token in tokens)
    sms = next(r for r in rows if r["channel"] == "sms")
    assert "Hva syntes du om kurset?" in sms["body"] and "Bruk lenken du fikk på kurset" in sms["body"]
    mail = next(r for r in rows if r["channel"] == "email")
    assert mail["subject"] == "Hva syntes du om kurset?" and "Klart jeg kan – vår" in mail["body"]
    # Opened again (a fresh set of links): nobody is nudged twice.
    await open_evaluation(client, leader, course["id"], named=True)
    assert len(await outbox("evaluation_open")) == 2


async def test_an_evaluation_that_cannot_open_nudges_no_one(client, world, as_):
    leader = await as_("leader")
    ahead = await cohort(client, world, leader)
    solvi = await reachable(client, leader, world, "Sølvi Åkerø Dæhli")
    await enrolled(client, leader, ahead["id"], solvi["id"])
    response = await client.post(f"/api/v1/cohorts/{ahead['id']}/evaluation", headers=leader)
    assert response.status_code == 422, response.text
    assert await outbox() == []
