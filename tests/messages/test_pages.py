"""The message pages: the "Meldinger" section of the participant page and the whole
log, for each role; the admin's "Meldinger som ikke kom fram" with "Send på nytt"."""

from __future__ import annotations

import re

import pytest

from course.audit.tables import AuditEvent
from course.messages.tables import Message
from tests.conftest import csrf_from, csrf_post, web_login
from tests.messages.test_api import (
    BODY,
    PHONE,
    Logged,
    add,
    make_logged,
    today,  # noqa: F401  (fixture)
)

EMAILS = {
    "cohort_leader": "ase@a.no",
    "primary_contact": "kari@a.no",
    "olas_leader": "ola@a.no",
    "other_leader": "per@a.no",
    "admin": "siv@a.no",
    "manager": "bjorn@a.no",
    "leader_b": "kjaersti@b.no",
}
HX = {"HX-Request": "true"}


@pytest.fixture
async def logged(client, world) -> Logged:
    return await make_logged(client, world)


async def as_user(client, who: str):
    client.cookies.clear()
    response = await web_login(client, EMAILS[who])
    assert response.status_code in (302, 303), response.text
    return client


def rows(html: str) -> int:
    return len(re.findall(r"<tr>", html))


async def test_the_participant_page_fetches_the_messages_section(client, logged):
    await as_user(client, "cohort_leader")
    page = await client.get(f"/participants/{logged.person['id']}")
    assert page.status_code == 200
    assert f'hx-get="/participants/{logged.person["id"]}/messages"' in page.text
    assert "Meldinger" in page.text and "Alle meldinger" in page.text


async def test_the_section_shows_the_latest_ten_with_kinds_in_words_never_the_text(client, logged):
    p = logged.person["id"]
    for n in range(8):
        await add(logged.course["office_id"], "talk_cancelled", key=f"x{n}", participant=p, days_ago=10 + n)
    await as_user(client, "cohort_leader")
    section = await client.get(f"/participants/{p}/messages", headers=HX)
    assert section.status_code == 200
    text = section.text
    assert "<html" not in text and 'id="messages"' in text
    assert rows(text) == 1 + 10  # the head and ten messages (of 13)
    for words in (
        "Påminnelse om samling",
        "Fravær to ganger på rad",
        "Samling flyttet",
        "ny_beskjed",
        "Samtale avlyst",
    ):
        assert words in text, words
    assert "Kari Nørstebø" in text and "deltakeren" in text
    assert "Levert" in text and "Ikke levert" in text and "550 mailbox unavailable" in text and "Venter" in text
    assert f'href="/participants/{p}/messages"' in text and "Alle meldinger" in text
    assert BODY not in text and PHONE not in text and "kari@a.no" not in text


@pytest.mark.parametrize(
    ("who", "status", "sees"),
    [
        ("cohort_leader", 200, 5),
        ("primary_contact", 200, 5),
        ("admin", 200, 5),
        ("olas_leader", 200, 1),
        ("other_leader", 403, 0),
        ("manager", 403, 0),
        ("leader_b", 404, 0),
    ],
)
async def test_who_opens_the_whole_log(client, logged, who, status, sees):
    await as_user(client, who)
    page = await client.get(f"/participants/{logged.person['id']}/messages")
    assert page.status_code == status, page.text
    if status == 200:
        assert "<h1>Meldinger</h1>" in page.text and logged.person["name"] in page.text
        assert rows(page.text) == 1 + sees
        assert BODY not in page.text and PHONE not in page.text
    else:
        assert "Påminnelse om samling" not in page.text


async def test_another_leader_of_the_office_is_told_why_the_section_is_empty(client, logged):
    await as_user(client, "other_leader")
    section = await client.get(f"/participants/{logged.person['id']}/messages", headers=HX)
    assert section.status_code == 200
    assert "Bare kursets ledere, primærkontakten og administratorer" in section.text
    assert "Påminnelse om samling" not in section.text and "Alle meldinger" not in section.text


async def test_without_login_or_with_the_participants_link_there_is_no_log(client, logged):
    path = f"/participants/{logged.person['id']}/messages"
    response = await client.get(path)
    assert response.status_code in (302, 303, 401)
    assert "Påminnelse om samling" not in response.text
    # The participant's own link is no login.
    await as_user(client, "cohort_leader")
    made = await csrf_post(
        client, f"/participants/{logged.person['id']}/link", page=f"/participants/{logged.person['id']}"
    )
    token = re.search(r'id="new-link">[^<]*/p/([^<\s]+)<', made.text).group(1)
    client.cookies.clear()
    own = await client.get(f"/p/{token}")
    assert own.status_code == 200
    assert "550 mailbox" not in own.text
    assert (await client.get(path)).status_code in (302, 303, 401)


async def test_the_log_pages_through_older_messages(client, logged):
    await as_user(client, "primary_contact")
    first = await client.get(f"/participants/{logged.person['id']}/messages?limit=2")
    assert rows(first.text) == 1 + 2 and "ny_beskjed" in first.text
    following = re.search(r'href="([^"]+)" rel="next"', first.text).group(1).replace("&amp;", "&")
    second = await client.get(following)
    assert second.status_code == 200 and rows(second.text) == 1 + 2
    assert "Fravær to ganger på rad" in second.text and "ny_beskjed" not in second.text


# --- the admin's list and "Send på nytt" -------------------------------------------------------


async def test_the_admin_index_links_to_the_messages_that_did_not_get_through(client, logged):
    await as_user(client, "admin")
    index = await client.get("/admin")
    assert 'href="/admin/messages"' in index.text and "Meldinger som ikke kom fram" in index.text
    page = await client.get("/admin/messages")
    assert page.status_code == 200
    assert "Meldinger som ikke kom fram" in page.text
    assert rows(page.text) == 1 + 3  # the alert, the purged reminder, office B's digest
    assert page.text.count(">Send på nytt</button>") == 2 and "Teksten er slettet" in page.text
    assert "NAV Lier – Ungteam" in page.text and "Kari Nørstebø" in page.text
    assert f'action="/admin/messages/{logged.ids["alert"]}/retry"' in page.text
    assert f'action="/admin/messages/{logged.ids["purged"]}/retry"' not in page.text
    assert BODY not in page.text and PHONE not in page.text


@pytest.mark.parametrize("who", ["cohort_leader", "manager"])
async def test_only_admins_have_the_list(client, logged, who):
    await as_user(client, who)
    assert (await client.get("/admin/messages")).status_code == 403
    token = csrf_from((await client.get("/account")).text)
    response = await client.post(f"/admin/messages/{logged.ids['alert']}/retry", data={"_csrf_token": token})
    assert response.status_code == 403
    assert (await Message.select(Message.status).where(Message.id == logged.ids["alert"]).first())["status"] == "failed"


async def test_send_again_puts_the_message_back_in_the_outbox_audited(client, world, logged):
    await as_user(client, "admin")
    alert = logged.ids["alert"]
    response = await csrf_post(client, f"/admin/messages/{alert}/retry", page="/admin/messages")
    assert response.status_code == 303 and response.headers["location"] == "/admin/messages"
    after = await client.get("/admin/messages")
    assert "Meldingen sendes på nytt." in after.text
    assert f'action="/admin/messages/{alert}/retry"' not in after.text
    row = await Message.select().where(Message.id == alert).first()
    assert (row["status"], row["attempts"], row["failed_at"], row["error"]) == ("pending", 0, None, "")
    [event] = await AuditEvent.select().where(AuditEvent.action == "message_retried")
    assert (event["actor"], event["participant"]) == (world.admin, logged.person["id"])
    audit_page = await client.get("/admin/audit")
    assert "Sendte en melding på nytt" in audit_page.text
    # In the participant's log it waits now: only the one whose text is cleared is still not delivered.
    log = await client.get(f"/participants/{logged.person['id']}/messages")
    assert log.text.count("Ikke levert") == 1 and log.text.count("Venter") == 2


async def test_send_again_refuses_a_message_whose_text_is_cleared_saying_why(client, logged):
    await as_user(client, "admin")
    purged = logged.ids["purged"]
    response = await csrf_post(client, f"/admin/messages/{purged}/retry", page="/admin/messages")
    assert response.status_code == 409
    assert "30 dager" in response.text and "kan ikke sendes på nytt" in response.text
    assert (await Message.select(Message.status).where(Message.id == purged).first())["status"] == "failed"
    assert await AuditEvent.count().where(AuditEvent.action == "message_retried") == 0
    missing = await csrf_post(client, "/admin/messages/99999999/retry", page="/admin/messages")
    assert missing.status_code == 404


async def test_erasing_from_the_page_takes_the_log_with_it(client, logged):
    await as_user(client, "primary_contact")
    path = f"/participants/{logged.person['id']}/erase"
    done = await csrf_post(client, path, {"reason": "Ønsket å bli slettet"})
    assert done.status_code in (302, 303), done.text
    assert await Message.count().where(Message.participant == logged.person["id"]) == 0
    assert (await client.get(f"/participants/{logged.person['id']}/messages")).status_code == 404
