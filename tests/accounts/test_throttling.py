"""Login throttling over HTTP: a guesser is slowed down per account and address and
stopped per address, never locking the account's owner out; forwarded headers only
from a trusted proxy; Retry-After and HSTS."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest

from course import clock
from course.accounts import services
from course.accounts.auth import SESSION_COOKIE
from course.audit.tables import AuditEvent
from tests.conftest import CLIENT_ADDRESS, EMAILS, PASSWORD, web_login

WRONG = "feil-passord-æøå-123"
ATTACKER = "203.0.113.66"
OWNER = "192.0.2.10"


@asynccontextmanager
async def client_from(app, address: str, base_url: str = "http://testserver.local"):
    """A browser at ``address`` (the pool is opened by the ``client`` fixture)."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as c:
        yield c


def make_app(database, tmp_path, base_url="http://testserver.local", **changes):
    from course import db
    from course.app import create_app
    from course.settings import Settings

    engine = db.current_engine()
    app = create_app(Settings(database.url, "s" * 40, base_url, tmp_path, **changes))
    db.use_engine(engine)
    return app


async def token_login(c, email: str, password: str, **headers: str):
    return await c.post("/api/v1/auth/token", json={"email": email, "password": password}, headers=headers)


@pytest.fixture
def still():
    with clock.frozen(clock.now()):
        yield


async def test_a_guesser_elsewhere_does_not_stop_the_right_password(client, app, world, still):
    async with client_from(app, ATTACKER) as attacker:
        codes = [(await web_login(attacker, EMAILS["leader"], WRONG)).status_code for _ in range(20)]
    assert codes == [401] * services.FREE_TRIES + [429] * (20 - services.FREE_TRIES)
    async with client_from(app, OWNER) as owner:
        response = await web_login(owner, EMAILS["leader"])
        assert response.status_code == 302
        assert owner.cookies.get(SESSION_COOKIE)
    assert await AuditEvent.count().where(AuditEvent.action == "login") == 1


async def test_from_the_failing_address_even_the_right_password_waits(client, app, world, still):
    async with client_from(app, ATTACKER) as attacker:
        for _ in range(services.FREE_TRIES):
            assert (await web_login(attacker, EMAILS["leader"], WRONG)).status_code == 401
        response = await web_login(attacker, EMAILS["leader"])
        assert response.status_code == 429
        assert response.headers["retry-after"] == "1"
        assert "Prøv igjen om 1 sekund." in response.text
        assert attacker.cookies.get(SESSION_COOKIE) is None
        # The delay doubles with each further failure, once the last wait is over.
        at, waits = clock.now(), []
        for _ in range(3):
            at += timedelta(seconds=int(response.headers["retry-after"]))
            with clock.frozen(at):
                assert (await web_login(attacker, EMAILS["leader"], WRONG)).status_code == 401
                response = await web_login(attacker, EMAILS["leader"])
                waits.append(int(response.headers["retry-after"]))
        assert waits == [2, 4, 8]
        with clock.frozen(at + timedelta(seconds=7)):
            assert (await web_login(attacker, EMAILS["leader"])).status_code == 429
    # Waiting it out lets the right password in.
    with clock.frozen(at + timedelta(seconds=8)):
        async with client_from(app, ATTACKER) as same_place:
            assert (await web_login(same_place, EMAILS["leader"])).status_code == 302


async def test_the_delay_stops_growing_at_fifteen_minutes(client, world, still):
    now = clock.now()
    await AuditEvent.insert(
        *[
            AuditEvent(
                at=now - timedelta(minutes=i),
                action="login_failed",
                account=EMAILS["leader"],
                address=CLIENT_ADDRESS,
                details={},
            )
            for i in range(40)
        ]
    )
    response = await token_login(client, EMAILS["leader"], PASSWORD)
    assert response.status_code == 429
    assert response.headers["retry-after"] == str(15 * 60)


async def test_a_login_forgets_the_failures_before_it(client, world, still):
    for _ in range(services.FREE_TRIES):
        assert (await web_login(client, EMAILS["leader"], WRONG)).status_code == 401
    with clock.frozen(clock.now() + timedelta(seconds=1)):
        assert (await web_login(client, EMAILS["leader"])).status_code == 302
    with clock.frozen(clock.now() + timedelta(seconds=2)):
        # One typo after the login costs no wait.
        assert (await token_login(client, EMAILS["leader"], WRONG)).status_code == 401
        assert (await token_login(client, EMAILS["leader"], PASSWORD)).status_code == 201


async def test_failures_older_than_a_day_are_forgotten(client, world, still):
    old = clock.now() - services.PAIR_MEMORY - timedelta(minutes=1)
    await AuditEvent.insert(
        *[
            AuditEvent(at=old, action="login_failed", account=EMAILS["leader"], address=CLIENT_ADDRESS, details={})
            for _ in range(20)
        ]
    )
    assert (await web_login(client, EMAILS["leader"])).status_code == 302


async def test_an_address_that_fails_too_often_is_stopped_for_every_account(client, app, world, still):
    # A guesser spreading tries over many accounts meets the hard limit per address.
    now = clock.now()
    await AuditEvent.insert(
        *[
            AuditEvent(
                at=now - timedelta(seconds=1),
                action="login_failed",
                account=f"gjetning{i}@a.no",
                address=ATTACKER,
                details={},
            )
            for i in range(services.THROTTLE_PER_ADDRESS - 1)
        ]
    )
    async with client_from(app, ATTACKER) as attacker:
        assert (await web_login(attacker, "ørjan.ærlig@a.no", WRONG)).status_code == 401
        for email in (EMAILS["leader"], EMAILS["manager"]):
            response = await web_login(attacker, email)
            assert response.status_code == 429
            assert 14 * 60 < int(response.headers["retry-after"]) <= 15 * 60
            assert "For mange mislykkede forsøk. Prøv igjen om 15 minutter." in response.text
    # Another address is not stopped.
    async with client_from(app, OWNER) as owner:
        assert (await web_login(owner, EMAILS["leader"])).status_code == 302


async def test_a_changed_forwarded_for_from_loopback_is_the_same_address(client, database, world, tmp_path, still):
    # No proxy configured: not even loopback is believed.
    app = make_app(database, tmp_path)
    async with client_from(app, "127.0.0.1") as local:
        codes = []
        for i in range(services.FREE_TRIES + 2):
            response = await token_login(local, EMAILS["leader"], WRONG, **{"X-Forwarded-For": f"198.18.0.{i}"})
            codes.append(response.status_code)
    assert codes == [401] * services.FREE_TRIES + [429, 429]
    addresses = await AuditEvent.select(AuditEvent.address).where(AuditEvent.action == "login_failed")
    assert {a["address"] for a in addresses} == {"127.0.0.1"}


async def test_forwarded_for_is_believed_only_from_a_trusted_proxy(client, database, world, tmp_path, still):
    app = make_app(database, tmp_path, trusted_proxies=("10.0.0.0/8",))
    async with client_from(app, "10.1.2.3") as proxy:
        for _ in range(services.FREE_TRIES):
            response = await token_login(proxy, EMAILS["leader"], WRONG, **{"X-Forwarded-For": ATTACKER})
            assert response.status_code == 401
        assert (
            await token_login(proxy, EMAILS["leader"], PASSWORD, **{"X-Forwarded-For": ATTACKER})
        ).status_code == 429
        # A client's own X-Forwarded-For before the proxy's entry does not move it.
        spoofed = {"X-Forwarded-For": f"{OWNER}, {ATTACKER}"}
        assert (await token_login(proxy, EMAILS["leader"], PASSWORD, **spoofed)).status_code == 429
        # Another client behind the proxy is someone else.
        assert (await token_login(proxy, EMAILS["leader"], PASSWORD, **{"X-Forwarded-For": OWNER})).status_code == 201
    # A peer outside the trusted list is its own address, whatever it forwards.
    async with client_from(app, ATTACKER) as direct:
        response = await token_login(direct, EMAILS["leader"], PASSWORD, **{"X-Forwarded-For": OWNER})
        assert response.status_code == 429
    addresses = await AuditEvent.select(AuditEvent.address).where(AuditEvent.action == "login_failed")
    assert {a["address"] for a in addresses} == {ATTACKER}


async def test_hsts_only_when_the_public_address_is_https(client, database, world, tmp_path):
    plain = await client.get("/login")
    assert "strict-transport-security" not in plain.headers
    secure = make_app(database, tmp_path, base_url="https://kurs.nav.example")
    async with client_from(secure, CLIENT_ADDRESS, base_url="https://testserver.local") as c:
        for path in ("/login", "/api/v1/me", "/static/css/app.css"):
            response = await c.get(path)
            assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
