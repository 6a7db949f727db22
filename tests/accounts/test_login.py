"""Web login, sessions, CSRF, throttling and the headers every page gets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course import clock
from course.accounts import services
from course.accounts.auth import SESSION_COOKIE
from course.accounts.tables import WebSession
from course.audit.tables import AuditEvent
from tests.conftest import CLIENT_ADDRESS, EMAILS, PASSWORD, csrf_from, csrf_post, http_client, web_login


async def test_login_page_is_norwegian_and_has_a_csrf_field(client):
    response = await client.get("/login")
    assert response.status_code == 200
    assert '<html lang="nb">' in response.text
    assert "Logg inn" in response.text
    assert csrf_from(response.text)


async def test_pages_redirect_to_login_without_a_session(client):
    response = await client.get("/admin")
    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=%2Fadmin"


async def test_login_succeeds_and_sets_a_safe_session_cookie(client, world):
    response = await web_login(client, EMAILS["leader"])
    assert response.status_code == 302
    assert response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in tests; see the https test
    home = await client.get("/")
    assert home.status_code == 200
    assert "Mine kurs" in home.text and "Åse Ødegård" in home.text
    events = await AuditEvent.select().where(AuditEvent.action == "login")
    assert [e["actor"] for e in events] == [world.leader]


async def test_session_cookie_is_secure_behind_https(database, world, tmp_path):
    from course.app import create_app
    from course.settings import Settings

    settings = Settings(database.url, "s" * 40, "https://kurs.nav.example", tmp_path)
    async with http_client(create_app(settings), base_url="https://testserver.local") as client:
        response = await web_login(client, EMAILS["leader"])
        cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
        assert "Secure" in cookie


async def test_wrong_password_and_unknown_email_answer_alike(client, world):
    wrong = await web_login(client, EMAILS["leader"], "feil-passord-123456")
    unknown = await web_login(client, "finnes.ikke@a.no", "feil-passord-123456")
    assert wrong.status_code == unknown.status_code == 401
    assert "Feil e-postadresse eller passord." in wrong.text

    def message(r):
        start = r.text.index('class="error-summary')
        return r.text[start : r.text.index("</ul>", start)]

    assert message(wrong) == message(unknown)
    assert SESSION_COOKIE not in (wrong.headers.get("set-cookie") or "")
    failed = await AuditEvent.select(AuditEvent.account).where(AuditEvent.action == "login_failed")
    assert sorted(e["account"] for e in failed) == ["ase@a.no", "finnes.ikke@a.no"]


async def test_unknown_email_costs_a_password_verification(client, world, monkeypatch):
    calls = []
    real = services.passwords.verify_password

    async def counting(password_hash, password):
        calls.append(password_hash)
        return await real(password_hash, password)

    monkeypatch.setattr(services.passwords, "verify_password", counting)
    await web_login(client, "finnes.ikke@a.no", "feil-passord-123456")
    assert calls == [None]  # the dummy hash is verified: same work as a real account


async def test_empty_fields_are_named_in_norwegian(client):
    page = await client.get("/login")
    response = await client.post("/login", data={"email": "", "password": "", "_csrf_token": csrf_from(page.text)})
    assert response.status_code == 422
    assert 'href="#email"' in response.text and "Skriv inn e-postadressen din." in response.text
    assert 'href="#password"' in response.text and "Skriv inn passordet ditt." in response.text


async def test_login_without_csrf_token_is_rejected(client, world):
    await client.get("/login")
    response = await client.post("/login", data={"email": EMAILS["leader"], "password": PASSWORD})
    assert response.status_code == 403
    assert await WebSession.count() == 0


async def test_login_with_a_forged_csrf_token_is_rejected(client, world):
    await client.get("/login")
    response = await client.post(
        "/login", data={"email": EMAILS["leader"], "password": PASSWORD, "_csrf_token": "forged" * 10}
    )
    assert response.status_code == 403
    assert "Du har ikke tilgang" in response.text


async def test_logout_needs_csrf_and_ends_the_session(client, world):
    await web_login(client, EMAILS["leader"])
    refused = await client.post("/logout")
    assert refused.status_code == 403
    assert (await client.get("/")).status_code == 200
    response = await csrf_post(client, "/logout", page="/")
    assert response.status_code == 302
    assert await WebSession.count() == 0
    assert (await client.get("/")).status_code == 302
    assert await AuditEvent.count().where(AuditEvent.action == "logout") == 1


async def test_session_id_rotates_at_login(client, world):
    await web_login(client, EMAILS["leader"])
    first = client.cookies.get(SESSION_COOKIE)
    # A second login from the same browser (a stale tab), with the form's token.
    token = csrf_from((await client.get("/")).text)
    await client.post("/login", data={"email": EMAILS["manager"], "password": PASSWORD, "_csrf_token": token})
    second = client.cookies.get(SESSION_COOKIE)
    assert first and second and first != second
    # The id from before the second login is no longer a session.
    assert await services.resolve_session(first) is None
    assert (await services.resolve_session(second)).email == EMAILS["manager"]
    assert await WebSession.count() == 1


async def test_login_drops_a_csrf_cookie_planted_before_it(client, world):
    response = await web_login(client, EMAILS["leader"])
    assert any(c.startswith("kjk_csrf=") and "Max-Age=0" in c for c in response.headers.get_list("set-cookie"))
    assert csrf_from((await client.get("/")).text)


async def test_a_planted_session_id_is_not_adopted(client, world):
    client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver.local")
    await web_login(client, EMAILS["leader"])
    assert client.cookies.get(SESSION_COOKIE) != "planted-by-an-attacker"
    assert await services.resolve_session("planted-by-an-attacker") is None


@pytest.mark.parametrize(
    ("field", "age"),
    [("last_seen_at", timedelta(minutes=31)), ("created_at", timedelta(hours=12, minutes=1))],
)
async def test_sessions_expire_when_idle_and_absolutely(client, world, field, age):
    await web_login(client, EMAILS["leader"])
    assert (await client.get("/")).status_code == 200
    past = clock.now() - age
    await WebSession.update({getattr(WebSession, field): past}).where(WebSession.id.is_not_null())
    response = await client.get("/")
    assert response.status_code == 302 and response.headers["location"].startswith("/login")
    assert await WebSession.count() == 0


async def test_an_active_session_is_kept_alive(client, world):
    await web_login(client, EMAILS["leader"])
    past = clock.now() - timedelta(minutes=25)
    await WebSession.update({WebSession.last_seen_at: past}).where(WebSession.id.is_not_null())
    assert (await client.get("/")).status_code == 200
    row = await WebSession.select(WebSession.last_seen_at).first()
    assert clock.now() - row["last_seen_at"] < timedelta(minutes=1)


async def test_failures_make_further_tries_from_that_address_wait(client, world):
    with clock.frozen(clock.now()):
        for _ in range(services.FREE_TRIES):
            response = await web_login(client, EMAILS["leader"], "feil-passord-123456")
            assert response.status_code == 401
        # Even the right password now waits, and says so in Norwegian.
        response = await web_login(client, EMAILS["leader"])
        assert response.status_code == 429
        assert "For mange mislykkede forsøk" in response.text
        assert response.headers["retry-after"] == "1"
        assert client.cookies.get(SESSION_COOKIE) is None
        # Another account from the same address (a shared course room) is not slowed down.
        assert (await web_login(client, EMAILS["manager"])).status_code == 302
    assert await AuditEvent.count().where(AuditEvent.action == "login_throttled") == 1


async def test_throttling_does_not_reveal_whether_an_email_exists(client, world):
    with clock.frozen(clock.now()):
        for email in (EMAILS["leader"], "finnes.ikke@a.no"):
            for _ in range(services.FREE_TRIES):
                await web_login(client, email, "feil-passord-123456")
        known = await web_login(client, EMAILS["leader"], "feil-passord-123456")
        unknown = await web_login(client, "finnes.ikke@a.no", "feil-passord-123456")
    assert known.status_code == unknown.status_code == 429
    assert known.headers["retry-after"] == unknown.headers["retry-after"]


async def test_address_failures_older_than_the_window_do_not_count(client, world):
    old = clock.now() - timedelta(minutes=16)
    await AuditEvent.insert(
        *[
            AuditEvent(at=old, action="login_failed", account=f"x{i}@a.no", address=CLIENT_ADDRESS, details={})
            for i in range(services.THROTTLE_PER_ADDRESS)
        ]
    )
    assert (await web_login(client, EMAILS["leader"])).status_code == 302


async def test_many_failures_from_one_address_throttle_that_address(client, world):
    now = clock.now()
    await AuditEvent.insert(
        *[
            AuditEvent(at=now, action="login_failed", account=f"x{i}@a.no", address=CLIENT_ADDRESS, details={})
            for i in range(services.THROTTLE_PER_ADDRESS)
        ]
    )
    assert (await web_login(client, EMAILS["leader"])).status_code == 429


async def test_login_only_follows_local_next_targets(client, world):
    page = await client.get("/login?next=//evil.example/x")
    assert 'value="/"' in page.text
    response = await client.post(
        "/login",
        data={
            "email": EMAILS["leader"],
            "password": PASSWORD,
            "next": "https://evil.example",
            "_csrf_token": csrf_from(page.text),
        },
    )
    assert response.headers["location"] == "/"


async def test_login_returns_to_the_page_asked_for(client, world):
    page = await client.get("/login?next=/account")
    response = await client.post(
        "/login",
        data={"email": EMAILS["leader"], "password": PASSWORD, "next": "/account", "_csrf_token": csrf_from(page.text)},
    )
    assert response.headers["location"] == "/account"


async def test_deactivated_users_cannot_log_in(client, world):
    from course.accounts.tables import StaffUser

    await StaffUser.update({StaffUser.active: False}).where(StaffUser.id == world.leader)
    assert (await web_login(client, EMAILS["leader"])).status_code == 401


@pytest.mark.parametrize("path", ["/login", "/", "/api/v1/me", "/does-not-exist", "/static/css/app.css"])
async def test_security_headers_on_every_response(client, world, path):
    await web_login(client, EMAILS["leader"])
    response = await client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    if path.startswith("/static/"):
        assert "no-store" not in response.headers.get("cache-control", "")
    else:
        assert response.headers["cache-control"] == "no-store"
