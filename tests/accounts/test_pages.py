"""Web pages for each role: start pages, admin pages, account page, errors."""

from __future__ import annotations

import pytest

from course.accounts.tables import Office, StaffUser, WebSession
from course.audit.tables import AuditEvent
from tests.conftest import EMAILS, csrf_from, csrf_post, http_client, web_login

ADMIN_PAGES = ["/admin", "/admin/users/new", "/admin/offices/new", "/admin/users/{leader}", "/admin/offices/{office_b}"]


@pytest.mark.parametrize(
    ("role", "location", "heading"),
    [("leader", None, "Mine kurs"), ("manager", None, "Kontoroversikt"), ("admin", "/admin", None)],
)
async def test_each_role_has_its_start_page(client, login_as, role, location, heading):
    await login_as(role)
    response = await client.get("/")
    if location:
        assert response.status_code == 302 and response.headers["location"] == location
        response = await client.get(location)
        assert "Brukere og kontorer" in response.text
    else:
        assert response.status_code == 200
        assert f"<h1>{heading}</h1>" in response.text
    assert response.headers["cache-control"] == "no-store"


async def test_manager_overview_shows_only_their_office(client, login_as):
    await login_as("manager")
    text = (await client.get("/")).text
    assert "Åse Ødegård" in text and "Bjørn Åsheim" in text
    assert "Kjærsti Håland" not in text and "Pål Kværne" not in text


async def test_leader_start_page_lists_only_office_colleagues(client, login_as):
    await login_as("leader")
    text = (await client.get("/")).text
    assert "Åse Ødegård" in text and "Kjærsti Håland" not in text


@pytest.mark.parametrize("path", ADMIN_PAGES)
@pytest.mark.parametrize("role", ["leader", "manager"])
async def test_admin_pages_are_forbidden_to_other_roles(client, world, login_as, role, path):
    await login_as(role)
    response = await client.get(path.format(leader=world.leader, office_b=world.office_b))
    assert response.status_code == 403
    assert "Du har ikke tilgang til denne siden" in response.text


@pytest.mark.parametrize("path", ADMIN_PAGES)
async def test_admin_pages_open_for_admins(client, world, login_as, path):
    await login_as("admin")
    response = await client.get(path.format(leader=world.leader, office_b=world.office_b))
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/admin", "/account", "/"])
async def test_pages_redirect_anonymous_users_to_login(client, path):
    response = await client.get(path)
    assert response.status_code == 302 and response.headers["location"].startswith("/login?next=")


async def test_posting_a_form_as_the_wrong_role_changes_nothing(client, world, login_as):
    await login_as("leader")
    response = await csrf_post(client, "/admin/offices/new", {"code": "asker", "name": "NAV Asker"}, page="/")
    assert response.status_code == 403
    assert await Office.count() == 2


async def test_friendly_404_page(client, login_as):
    await login_as("leader")
    response = await client.get("/finnes/ikke")
    assert response.status_code == 404
    assert "Vi fant ikke siden" in response.text and "Gå til forsiden" in response.text


async def test_friendly_500_page(app, database):
    from litestar import get

    @get("/boom", include_in_schema=False)
    async def boom() -> str:
        raise RuntimeError("kaboom")

    app.register(boom)
    async with http_client(app) as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in response.text
    assert "kaboom" not in response.text


async def test_admin_creates_an_office_and_a_user(client, world, login_as):
    await login_as("admin")
    response = await csrf_post(client, "/admin/offices/new", {"code": "asker", "name": "NAV Asker – Ungdom"})
    assert response.status_code == 303
    office = await Office.select().where(Office.code == "asker").first()
    response = await csrf_post(
        client,
        "/admin/users/new",
        {
            "email": "tor@asker.no",
            "name": "Tor Bråten",
            "role": "leader",
            "office": str(office["id"]),
            "password": "et-langt-passord-1",
        },
    )
    assert response.status_code == 303
    assert "Brukeren er opprettet." in (await client.get("/admin")).text
    text = (await client.get("/admin")).text
    assert "Tor Bråten" in text and "NAV Asker – Ungdom" in text
    actions = [e["action"] for e in await AuditEvent.select(AuditEvent.action).where(AuditEvent.actor == world.admin)]
    assert "office_created" in actions and "user_created" in actions


async def test_admin_form_errors_are_norwegian_and_nothing_is_saved(client, world, login_as):
    await login_as("admin")
    response = await csrf_post(
        client,
        "/admin/users/new",
        {"email": "ugyldig", "name": "", "role": "leader", "office": str(world.office_a), "password": "kort"},
    )
    assert response.status_code == 422
    text = response.text
    assert "Skriv inn en gyldig e-postadresse." in text
    assert "Skriv inn et navn." in text
    assert "Passordet må være minst 12 tegn." in text
    assert 'href="#email"' in text and 'aria-invalid="true"' in text
    assert "kort" not in text.split("<main", 1)[1]  # the password is not echoed back
    assert await StaffUser.count() == 5


async def test_admin_deactivates_a_user_and_their_session_ends(app, client, world, login_as):
    async with http_client(app) as leader:
        await web_login(leader, EMAILS["leader"])
        assert (await leader.get("/")).status_code == 200
        await login_as("admin")
        page = await client.get(f"/admin/users/{world.leader}")
        response = await client.post(
            f"/admin/users/{world.leader}",
            data={
                "name": "Åse Ødegård",
                "role": "leader",
                "office": str(world.office_a),
                "_csrf_token": csrf_from(page.text),
            },  # active unchecked
        )
        assert response.status_code == 303
        assert (await leader.get("/")).status_code == 302
    event = await AuditEvent.select().where(AuditEvent.action == "user_updated").output(load_json=True).first()
    assert event["actor"] == world.admin and event["target_user"] == world.leader
    assert event["details"] == {"active": ["True", "False"]}


async def test_admin_moves_a_user_to_another_office(client, world, login_as):
    await login_as("admin")
    page = await client.get(f"/admin/users/{world.leader}")
    await client.post(
        f"/admin/users/{world.leader}",
        data={
            "name": "Åse Ødegård",
            "role": "manager",
            "office": str(world.office_b),
            "active": "on",
            "_csrf_token": csrf_from(page.text),
        },
    )
    row = await StaffUser.select(StaffUser.office, StaffUser.role).where(StaffUser.id == world.leader).first()
    assert row == {"office": world.office_b, "role": "manager"}


async def test_user_changes_own_password(client, world, login_as):
    await login_as("leader")
    response = await csrf_post(
        client,
        "/account/password",
        {
            "current_password": "riktig-hest-batteri-stift",
            "new_password": "et-nytt-langt-passord",
            "repeat_password": "et-nytt-langt-passord",
        },
        page="/account",
    )
    assert response.status_code == 200 and "Passordet ditt er endret." in response.text
    assert (await client.get("/account")).status_code == 200  # still logged in, on a fresh session
    assert await WebSession.count() == 1
    actions = [e["action"] for e in await AuditEvent.select(AuditEvent.action).where(AuditEvent.actor == world.leader)]
    assert actions.count("login") == 1 and "password_changed" in actions


async def test_wrong_current_password_is_refused(client, world, login_as):
    await login_as("leader")
    response = await csrf_post(
        client,
        "/account/password",
        {
            "current_password": "feil-passord-xyz",
            "new_password": "et-nytt-langt-passord",
            "repeat_password": "et-nytt-langt-passord",
        },
        page="/account",
    )
    assert response.status_code == 422 and "Nåværende passord er feil." in response.text


async def test_api_key_is_shown_once_and_can_be_revoked(client, world, login_as):
    await login_as("manager")
    response = await csrf_post(client, "/account/tokens", {"name": "Rapportverktøy"}, page="/account")
    token = response.text.split('<code class="token">')[1].split("</code>")[0]
    assert token.startswith("kjk_")
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == EMAILS["manager"]
    assert token not in (await client.get("/account")).text
    from course.accounts.tables import ApiToken

    token_id = (await ApiToken.select(ApiToken.id).first())["id"]
    await csrf_post(client, f"/account/tokens/{token_id}/revoke", page="/account")
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


async def test_the_admin_gives_an_office_its_phone_number(client, world, login_as, api_as):
    await login_as("admin")
    path = f"/admin/offices/{world.office_b}"
    form = {"name": "NAV Lier – Ungteam", "retention_months": "12", "audit_months": "24"}
    for phone in ("12", "+47 22 12 34 5", "ring meg", "9" * 31):
        bad = await csrf_post(client, path, {**form, "phone": phone})
        assert bad.status_code == 422 and 'href="#phone"' in bad.text, phone
        assert "Oppgi et gyldig telefonnummer" in bad.text
    assert (await Office.select(Office.phone).where(Office.id == world.office_b).first())["phone"] == ""
    saved = await csrf_post(client, path, {**form, "phone": "32 21 00 00"})
    assert saved.status_code == 303, saved.text
    assert (await Office.select(Office.phone).where(Office.id == world.office_b).first())["phone"] == "+4732210000"
    assert 'value="32\xa021\xa000\xa000"' in (await client.get(path)).text
    # A form without the field keeps the number; an empty one removes it.
    assert (await csrf_post(client, path, form)).status_code == 303
    admin = await api_as("admin")
    office = (await client.get(f"/api/v1/offices/{world.office_b}", headers=admin)).json()
    assert office["phone"] == "+4732210000"
    assert (await csrf_post(client, path, {**form, "phone": ""})).status_code == 303
    assert (await Office.select(Office.phone).where(Office.id == world.office_b).first())["phone"] == ""
    # The same over the API, with the field named when it is wrong.
    changed = await client.patch(f"/api/v1/offices/{world.office_b}", json={"phone": "+46 70 123 45 67"}, headers=admin)
    assert changed.status_code == 200 and changed.json()["phone"] == "+46701234567"
    refused = await client.patch(f"/api/v1/offices/{world.office_b}", json={"phone": "123"}, headers=admin)
    assert refused.status_code == 422 and "phone" in refused.text
    made = await csrf_post(client, "/admin/offices/new", {"code": "asker", "name": "NAV Asker", "phone": "66 85 00 00"})
    assert made.status_code == 303
    assert (await Office.select(Office.phone).where(Office.code == "asker").first())["phone"] == "+4766850000"
