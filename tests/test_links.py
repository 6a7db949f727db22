"""Absolute links (personal links, evaluation slips, calendar feeds) name the address the
request came to, unless KJK_BASE_URL names the public one; cookies are Secure under https."""

from __future__ import annotations

import os
import re
from contextlib import asynccontextmanager
from datetime import date

import httpx
import pytest

from course import clock, db
from course.accounts.auth import SESSION_COOKIE
from course.settings import Settings, get_settings
from tests.conftest import csrf_post, web_login
from tests.participants.helpers import enrolled, headers_for, participant, running_cohort

NEW_LINK = re.compile(r'id="new-link">([^<]+)<')


@pytest.fixture(autouse=True)
def today():
    with clock.starting(date(2027, 9, 15)):
        yield


def make_app(database, tmp_path, base_url: str | None):
    from course.app import create_app

    engine = db.current_engine()
    # The proxy in front of it is at 127.0.0.1 (KJK_TRUSTED_PROXIES).
    settings = Settings(database.url, os.environ["KJK_SECRET_KEY"], base_url, tmp_path / "var", ("127.0.0.1",))
    app = create_app(settings)
    db.use_engine(engine)  # the test's engine, shared with its own queries
    return app


@asynccontextmanager
async def client_at(app, address: str, peer: str = "198.51.100.7", headers: dict | None = None):
    """A client that reaches the app at ``address`` (scheme, host and port) from ``peer``."""
    engine = db.current_engine()
    await db.open_pool(engine)
    transport = httpx.ASGITransport(app=app, client=(peer, 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url=address, headers=headers or {}) as client:
            yield client
    finally:
        await db.close_pool(engine)


async def issued_links(client, world) -> dict[str, str]:
    """Every kind of absolute link, issued through the API and the pages."""
    leader, admin = await headers_for(world.leader), await headers_for(world.admin)
    person = await participant(client, leader, world, name="Sølvi Åkerø Dæhli")
    cohort = await running_cohort(client, world, admin)
    await enrolled(client, leader, cohort["id"], person["id"])
    links = {
        "own (API)": (await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)).json()["url"],
        "feed (API)": (await client.post("/api/v1/me/calendar-feed", headers=leader)).json()["url"],
    }
    opened = await client.post(f"/api/v1/cohorts/{cohort['id']}/evaluation", headers=leader)
    links["slip (API)"] = opened.json()["links"][0]["url"]
    assert (await web_login(client, "ase@a.no")).status_code in (302, 303)
    detail = f"/participants/{person['id']}"
    shown = await csrf_post(client, f"{detail}/link", page=detail)
    links["own (page)"] = NEW_LINK.search(shown.text).group(1)
    feed = await csrf_post(client, "/account/calendar-feed", page="/account")
    links["feed (page)"] = re.search(r'<code class="token">([^<]+)</code>', feed.text).group(1)
    slip = await csrf_post(
        client, f"/cohorts/{cohort['id']}/evaluation/slips", page=f"/cohorts/{cohort['id']}/evaluation"
    )
    links["slip (page)"] = re.search(r'<p class="slip-url">([^<]+)</p>', slip.text).group(1)
    return links


async def test_links_name_the_host_and_port_the_request_came_to(database, world, tmp_path):
    app = make_app(database, tmp_path, None)
    async with client_at(app, "http://kurs.example:8123") as client:
        links = await issued_links(client, world)
    assert len(links) == 6
    for kind, url in links.items():
        assert url.startswith("http://kurs.example:8123/"), (kind, url)
        assert "127.0.0.1" not in url and "testserver" not in url, (kind, url)


async def test_behind_a_trusted_proxy_links_are_https_and_others_cannot_pretend(database, world, tmp_path):
    app = make_app(database, tmp_path, None)
    leader = await headers_for(world.leader)
    https = {"X-Forwarded-Proto": "https"}
    async with client_at(app, "http://kurs.nav.example", peer="127.0.0.1", headers=https) as proxied:
        url = (await proxied.post("/api/v1/me/calendar-feed", headers=leader)).json()["url"]
        assert url.startswith("https://kurs.nav.example/calendar/")
    async with client_at(app, "http://kurs.nav.example", peer="203.0.113.9", headers=https) as stranger:
        url = (await stranger.post("/api/v1/me/calendar-feed", headers=leader)).json()["url"]
        assert url.startswith("http://kurs.nav.example/calendar/")


async def test_kjk_base_url_wins_over_the_request(database, world, tmp_path):
    app = make_app(database, tmp_path, "https://kurs.nav.example/ung")
    async with client_at(app, "https://10.0.0.5:8123") as client:
        links = await issued_links(client, world)
    for kind, url in links.items():
        assert url.startswith("https://kurs.nav.example/ung/"), (kind, url)


@pytest.mark.parametrize(
    ("base_url", "address", "secure"),
    [
        (None, "http://kurs.example:8123", False),
        (None, "https://kurs.example", True),
        ("http://kurs.example", "https://kurs.example", True),
    ],
)
async def test_the_session_cookie_is_secure_under_https(database, world, tmp_path, base_url, address, secure):
    app = make_app(database, tmp_path, base_url)
    async with client_at(app, address) as client:
        response = await web_login(client, "ase@a.no")
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert ("Secure" in cookie) is secure


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("https://kurs.nav.no/", "https://kurs.nav.no"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
    ],
)
def test_kjk_base_url_is_optional(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("KJK_BASE_URL", raising=False)
    else:
        monkeypatch.setenv("KJK_BASE_URL", value)
    assert get_settings().base_url == expected
