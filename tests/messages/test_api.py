"""A participant's message log and the messages that did not get through, over the API:
who reads the log (the cohort's leaders, the primary contact, admins) and who gets
403 or 404; an admin sends a failed message again (audited), never one whose text
is cleared; the export lists the log without texts, and an erasure deletes it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from course import clock
from course.audit.tables import AuditEvent
from course.messages import outbox
from course.messages.tables import Message
from tests.conftest import make_user
from tests.participants.helpers import (
    as_,  # noqa: F401  (fixture)
    cohort,
    enrolled,
    headers_for,
    participant,
)

TODAY = date(2027, 9, 15)
BODY = "Hei Sølvi! Husk samlingen i morgen kl. 09.00 på Møterom Åsen."
PHONE = "+4799887766"  # the address the message went to (a marker: the participant has another)


@pytest.fixture(autouse=True)
def today():
    with clock.starting(TODAY):
        yield TODAY


@dataclass
class Logged:
    """A participant on a cohort led by Åse Ødegård, whose primary contact is Kari
    Nørstebø; Ola Bråthen leads another cohort one message belongs to; Per Ståløy is
    another leader of the office. ``ids`` names the messages by what they show."""

    person: dict
    course: dict
    users: dict[str, int]
    ids: dict[str, int]


async def add(
    office: int,
    kind: str,
    *,
    key: str,
    participant: int | None = None,
    staff: int | None = None,
    cohort_id: int | None = None,
    channel: str = "sms",
    status: str = "sent",
    days_ago: int = 0,
    error: str = "",
    purged: bool = False,
) -> int:
    at = clock.utc_now() - timedelta(days=days_ago)
    rows = await Message.insert(
        Message(
            office=office,
            participant=participant,
            staff=staff,
            cohort=cohort_id,
            kind=kind,
            channel=channel,
            dedup_key=key,
            address="" if purged else (PHONE if channel == "sms" else "kari@a.no"),
            subject="",
            body="" if purged else BODY,
            status=status,
            not_before=at,
            attempts=3 if status == "failed" else int(status == "sent"),
            error=error,
            created_at=at,
            sent_at=at if status == "sent" else None,
            failed_at=at if status == "failed" else None,
            purged_at=clock.utc_now() if purged else None,
        )
    ).returning(Message.id)
    return rows[0]["id"]


async def make_logged(client, world) -> Logged:
    leader = await headers_for(world.leader)
    kari = await make_user("kari@a.no", "leader", world.office_a, "Kari Nørstebø")
    ola = await make_user("ola@a.no", "leader", world.office_a, "Ola Bråthen")
    per = await make_user("per@a.no", "leader", world.office_a, "Per Ståløy")
    course = await cohort(client, world, leader)
    later = date.fromisoformat(course["start_date"]) + timedelta(weeks=6)
    olas = await cohort(client, world, leader, start_date=later.isoformat(), leader_ids=[ola], location="Møterom Ørnen")
    person = await participant(client, leader, world, primary_contact_id=kari)
    await enrolled(client, leader, course["id"], person["id"])
    # Only the messages below: none that registering and enrolling may have queued.
    await Message.delete(force=True)
    p, a = person["id"], world.office_a
    ids = {
        "reminder": await add(a, "session_reminder", key="r", participant=p, cohort_id=course["id"], days_ago=4),
        "alert": await add(
            a,
            "absence_alert",
            key="a",
            participant=p,
            staff=kari,
            cohort_id=course["id"],
            channel="email",
            status="failed",
            error="550 mailbox unavailable",
            days_ago=3,
        ),
        "purged": await add(a, "talk_reminder", key="t", participant=p, status="failed", days_ago=40, purged=True),
        "olas": await add(a, "session_moved", key="o", participant=p, cohort_id=olas["id"], days_ago=2),
        "new_kind": await add(a, "ny_beskjed", key="n", participant=p, status="pending", days_ago=1),
        # Another office's digest that did not get through, about no one.
        "digest_b": await add(
            world.office_b,
            "daily_digest",
            key="d",
            staff=world.leader_b,
            channel="email",
            status="failed",
            error="timeout",
        ),
    }
    users = {"cohort_leader": world.leader, "primary_contact": kari, "olas_leader": ola, "other_leader": per}
    return Logged(person, course, users | {"admin": world.admin, "manager": world.manager}, ids)


@pytest.fixture
async def logged(client, world) -> Logged:
    return await make_logged(client, world)


def log_path(logged: Logged) -> str:
    return f"/api/v1/participants/{logged.person['id']}/messages"


async def test_the_log_is_for_the_cohorts_leaders_the_primary_contact_and_admins(client, world, logged):
    every = [logged.ids[k] for k in ("new_kind", "olas", "alert", "reminder", "purged")]  # newest first
    for who, expected in (
        ("cohort_leader", every),
        ("primary_contact", every),
        ("admin", every),
        # Leads the cohort one message belongs to, not the participant's: that message only.
        ("olas_leader", [logged.ids["olas"]]),
    ):
        response = await client.get(log_path(logged), headers=await headers_for(logged.users[who]))
        assert response.status_code == 200, (who, response.text)
        assert [m["id"] for m in response.json()] == expected, who
        assert response.headers["X-Total-Count"] == str(len(expected))
        assert BODY not in response.text and PHONE not in response.text and "kari@a.no" not in response.text
    for who, status in (("other_leader", 403), ("manager", 403)):
        response = await client.get(log_path(logged), headers=await headers_for(logged.users[who]))
        assert response.status_code == status, (who, response.text)
    assert (await client.get(log_path(logged), headers=await headers_for(world.leader_b))).status_code == 404
    assert (await client.get(log_path(logged))).status_code == 401
    assert (
        await client.get("/api/v1/participants/99999999/messages", headers=await headers_for(world.admin))
    ).status_code == 404


async def test_each_message_says_what_when_by_which_channel_to_whom_and_how_it_went(client, logged):
    response = await client.get(log_path(logged), headers=await headers_for(logged.users["cohort_leader"]))
    found = {m["id"]: m for m in response.json()}
    reminder, alert = found[logged.ids["reminder"]], found[logged.ids["alert"]]
    assert reminder | {"created_at": None, "sent_at": None} == {
        "id": logged.ids["reminder"],
        "kind": "session_reminder",
        "channel": "sms",
        "status": "delivered",
        "to_participant": True,
        "staff": None,
        "cohort_id": logged.course["id"],
        "created_at": None,
        "sent_at": None,
        "failed_at": None,
        "attempts": 1,
        "error": "",
    }
    assert reminder["sent_at"] is not None
    assert (alert["status"], alert["to_participant"], alert["staff"], alert["error"]) == (
        "failed",
        False,
        {"id": logged.users["primary_contact"], "name": "Kari Nørstebø"},
        "550 mailbox unavailable",
    )
    assert found[logged.ids["new_kind"]]["status"] == "waiting"


async def test_the_log_comes_a_page_at_a_time(client, logged):
    headers = await headers_for(logged.users["primary_contact"])
    first = await client.get(log_path(logged) + "?limit=2", headers=headers)
    assert [m["id"] for m in first.json()] == [logged.ids["new_kind"], logged.ids["olas"]]
    assert 'rel="next"' in first.headers["Link"]
    after = first.headers["Link"].split(">")[0].lstrip("<")
    second = await client.get(after, headers=headers)
    assert [m["id"] for m in second.json()] == [logged.ids["alert"], logged.ids["reminder"]]
    bad = await client.get(log_path(logged) + "?cursor=nei", headers=headers)
    assert bad.status_code in (400, 422) and "cursor" in bad.text


async def test_the_participants_own_link_opens_no_log(client, logged):
    leader = await headers_for(logged.users["cohort_leader"])
    link = await client.post(f"/api/v1/participants/{logged.person['id']}/link", headers=leader)
    assert link.status_code == 201, link.text
    token = link.json()["url"].rsplit("/p/", 1)[1]
    response = await client.get(log_path(logged), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    own = await client.get(f"/p/{token}")
    assert own.status_code == 200 and "550 mailbox" not in own.text


# --- the messages that did not get through ------------------------------------------------------


async def test_admins_list_every_offices_failed_messages_nobody_else(client, world, logged):
    response = await client.get("/api/v1/messages/failed", headers=await headers_for(world.admin))
    assert response.status_code == 200, response.text
    found = {m["id"]: m for m in response.json()}
    assert set(found) == {logged.ids["alert"], logged.ids["purged"], logged.ids["digest_b"]}
    assert found[logged.ids["purged"]]["purged"] is True and found[logged.ids["alert"]]["purged"] is False
    assert found[logged.ids["alert"]]["participant"] == {"id": logged.person["id"], "name": logged.person["name"]}
    assert found[logged.ids["digest_b"]]["office_name"] == "NAV Lier – Ungteam"
    assert BODY not in response.text and PHONE not in response.text
    for who in ("cohort_leader", "manager"):
        refused = await client.get("/api/v1/messages/failed", headers=await headers_for(logged.users[who]))
        assert refused.status_code == 403, who


async def test_an_admin_sends_a_failed_message_again_from_its_first_try_audited(client, world, logged):
    admin = await headers_for(world.admin)
    alert = logged.ids["alert"]
    refused = await client.post(f"/api/v1/messages/{alert}/retry", headers=await headers_for(world.leader))
    assert refused.status_code == 403
    outbox.queued.clear()
    response = await client.post(f"/api/v1/messages/{alert}/retry", headers=admin)
    assert response.status_code == 200, response.text
    assert (response.json()["id"], response.json()["status"], response.json()["error"]) == (alert, "waiting", "")
    assert outbox.queued.is_set()
    row = await Message.select().where(Message.id == alert).first()
    assert (row["status"], row["attempts"], row["failed_at"], row["error"]) == ("pending", 0, None, "")
    [event] = await AuditEvent.select().where(AuditEvent.action == "message_retried")
    details = json.loads(event["details"]) if isinstance(event["details"], str) else event["details"]
    assert (event["actor"], event["participant"], event["office"]) == (world.admin, logged.person["id"], world.office_a)
    assert details == {"message": alert, "message_kind": "absence_alert", "channel": "email"}
    # Not failed any more: refused, naming the message.
    again = await client.post(f"/api/v1/messages/{alert}/retry", headers=admin)
    assert again.status_code == 409 and [e["key"] for e in again.json()["extra"]] == ["message"]
    assert (await client.post("/api/v1/messages/99999999/retry", headers=admin)).status_code == 404


async def test_a_message_whose_text_is_cleared_cannot_be_sent_again(client, world, logged):
    admin = await headers_for(world.admin)
    purged = logged.ids["purged"]
    response = await client.post(f"/api/v1/messages/{purged}/retry", headers={**admin, "Accept-Language": "nb"})
    assert response.status_code == 409, response.text
    assert "30 dager" in response.json()["detail"]
    assert [e["key"] for e in response.json()["extra"]] == ["message"]
    row = await Message.select(Message.status).where(Message.id == purged).first()
    assert row["status"] == "failed"
    assert await AuditEvent.count().where(AuditEvent.action == "message_retried") == 0


# --- export and erasure --------------------------------------------------------------------------


async def test_the_export_lists_the_log_without_texts(client, logged):
    path = f"/api/v1/participants/{logged.person['id']}/export"
    mine = await client.get(path, headers=await headers_for(logged.users["cohort_leader"]))
    assert mine.status_code == 200, mine.text
    out = mine.json()
    assert [m["kind"] for m in out["message_log"]] == [
        "talk_reminder",
        "session_reminder",
        "absence_alert",
        "session_moved",
        "ny_beskjed",
    ]
    assert out["message_log"][2] | {"created_at": None} == {
        "kind": "absence_alert",
        "created_at": None,
        "channel": "email",
        "status": "failed",
        "to_participant": False,
    }
    assert out["messages_withheld"] == 0
    assert BODY not in mine.text and PHONE not in mine.text
    other = (await client.get(path, headers=await headers_for(logged.users["other_leader"]))).json()
    assert (other["message_log"], other["messages_withheld"]) == ([], 5)


async def test_erasing_the_participant_deletes_their_messages(client, world, logged):
    response = await client.request(
        "DELETE",
        f"/api/v1/participants/{logged.person['id']}",
        json={"reason": "Ba om å bli slettet"},
        headers=await headers_for(world.admin),
    )
    assert response.status_code == 204, response.text
    assert await Message.count().where(Message.participant == logged.person["id"]) == 0
    # Another office's digest about no one stays.
    assert [r["id"] for r in await Message.select(Message.id)] == [logged.ids["digest_b"]]
    failed = await client.get("/api/v1/messages/failed", headers=await headers_for(world.admin))
    assert [m["id"] for m in failed.json()] == [logged.ids["digest_b"]]
