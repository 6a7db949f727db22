"""An unknown personal link answers the participant's own page: it says what to do,
offers no way into the staff's pages, answers 404 and keeps the token out of the log."""

from __future__ import annotations

import logging
import secrets

import pytest

from course.web.access_log import AccessLogFilter
from tests.participants.helpers import participant


def assert_participant_404(response, token: str) -> None:
    assert response.status_code == 404
    text = response.text
    assert "<h1>Lenken virker ikke</h1>" in text
    assert "Be kurslederen eller primærkontakten din om en ny lenke" in text
    # Nothing of the staff's: no menu, no login, no start page, no staff error page.
    assert 'href="/login' not in text and 'href="/"' not in text and "Logg inn" not in text
    assert "main-nav" not in text and "Gå til forsiden" not in text and "Feil 404" not in text
    assert token not in text


@pytest.mark.parametrize(
    "tail",
    ["", "/evaluation/1", "/documents/1/cv", "/documents/1/plan", "/documents/1/cv/employer", "/reflections/1/1"],
)
async def test_an_unknown_link_answers_the_participants_own_404(client, world, tail):
    token = secrets.token_urlsafe(32)
    assert_participant_404(await client.get(f"/p/{token}{tail}"), token)


async def test_a_known_link_to_a_page_it_does_not_have_says_the_same(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    url = (await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)).json()["url"]
    token = url.rsplit("/", 1)[1]
    assert (await client.get(f"/p/{token}")).status_code == 200
    assert_participant_404(await client.get(f"/p/{token}/documents/999/cv"), token)


async def test_a_revoked_link_still_says_it_no_longer_works(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    url = (await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)).json()["url"]
    token = url.rsplit("/", 1)[1]
    assert (await client.delete(f"/api/v1/participants/{person['id']}/link", headers=leader)).status_code in (200, 204)
    gone = await client.get(f"/p/{token}")
    assert gone.status_code == 410 and "Lenken virker ikke lenger" in gone.text


async def test_the_staff_404_is_unchanged_elsewhere(client, world):
    response = await client.get("/finnes-ikke")
    assert response.status_code == 404 and "Lenken virker ikke" not in response.text


async def test_no_token_reaches_the_log(client, world, caplog):
    token = secrets.token_urlsafe(32)
    with caplog.at_level(logging.DEBUG):
        response = await client.get(f"/p/{token}")
    assert response.status_code == 404
    # The test's own client logs what it asked for; the app logs nothing with the token.
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert all(token not in record.getMessage() for record in server)
    # And the server's access log line for it, as uvicorn writes it, loses the token.
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("203.0.113.9:5000", "GET", f"/p/{token}", "1.1", 404),
        None,
    )
    AccessLogFilter().filter(record)
    assert token not in record.getMessage() and "/p/…" in record.getMessage()
