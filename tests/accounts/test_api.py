"""The JSON API: tokens, /me, offices and users, with every role."""

from __future__ import annotations

import pytest

from course import clock
from course.accounts.tables import ApiToken, Office, StaffUser
from course.audit.tables import AuditEvent
from tests.conftest import EMAILS, PASSWORD, api_token, web_login

ROLES = ["leader", "manager", "admin"]


async def test_token_is_created_and_stored_only_hashed(client, world):
    response = await client.post("/api/v1/auth/token", json={"email": "ASE@a.no ", "password": PASSWORD})
    assert response.status_code == 201
    token = response.json()["token"]
    assert len(token) > 40
    stored = await ApiToken.select(ApiToken.token_hash).first()
    assert token not in stored["token_hash"] and len(stored["token_hash"]) == 64


async def test_me_answers_the_caller(client, world):
    headers = await api_token(client, EMAILS["leader"])
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.json() == {
        "id": world.leader,
        "email": "ase@a.no",
        "name": "Åse Ødegård",
        "role": "leader",
        "office": {"id": world.office_a, "code": "drammen", "name": "NAV Drammen – Ungdomsteamet"},
    }


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer kjk_" + "x" * 43, "Basic abc"])
async def test_api_without_a_valid_token_answers_401(client, world, header):
    headers = {"Authorization": header} if header else {}
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")


async def test_the_api_ignores_the_session_cookie(client, world):
    await web_login(client, EMAILS["admin"])
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_wrong_password_answers_401_and_counts_as_a_failure(client, world):
    response = await client.post("/api/v1/auth/token", json={"email": EMAILS["leader"], "password": "x" * 12})
    assert response.status_code == 401
    assert await AuditEvent.count().where(AuditEvent.action == "login_failed") == 1


async def test_token_login_is_throttled_with_retry_after(client, world):
    with clock.frozen(clock.now()):
        for _ in range(10):
            await client.post("/api/v1/auth/token", json={"email": EMAILS["leader"], "password": "x" * 12})
        response = await client.post("/api/v1/auth/token", json={"email": EMAILS["leader"], "password": PASSWORD})
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 15 * 60


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": PASSWORD}, "email"),
        ({"email": "ase@a.no"}, "password"),
        ({"email": 5, "password": PASSWORD}, "email"),
        ({"email": "ase@a.no", "password": PASSWORD, "admin": True}, "admin"),
    ],
)
async def test_malformed_token_requests_name_the_field(client, world, body, field):
    response = await client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 400
    assert field in response.text


async def test_not_json_at_all_is_400(client, world):
    response = await client.post(
        "/api/v1/auth/token", content=b"email=ase", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


async def test_revoking_the_current_token(client, world):
    headers = await api_token(client, EMAILS["leader"])
    assert (await client.delete("/api/v1/auth/token", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    assert await AuditEvent.count().where(AuditEvent.action == "token_revoked") == 1


async def test_listing_and_revoking_own_tokens_only(client, world):
    mine = await api_token(client, EMAILS["leader"])
    other = await api_token(client, EMAILS["manager"])
    listed = (await client.get("/api/v1/auth/tokens", headers=mine)).json()
    assert len(listed) == 1 and listed[0]["revoked"] is False
    other_id = (await client.get("/api/v1/auth/tokens", headers=other)).json()[0]["id"]
    assert (await client.delete(f"/api/v1/auth/tokens/{other_id}", headers=mine)).status_code == 404
    assert (await client.get("/api/v1/me", headers=other)).status_code == 200


async def test_deactivating_a_user_revokes_their_tokens(client, world):
    leader = await api_token(client, EMAILS["leader"])
    admin = await api_token(client, EMAILS["admin"])
    response = await client.patch(f"/api/v1/users/{world.leader}", json={"active": False}, headers=admin)
    assert response.status_code == 200 and response.json()["active"] is False
    assert (await client.get("/api/v1/me", headers=leader)).status_code == 401


# --- office isolation ---------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "manager"])
async def test_staff_see_only_their_own_office(client, world, api_as, role):
    headers = await api_as(role)
    offices = (await client.get("/api/v1/offices", headers=headers)).json()
    assert [o["code"] for o in offices] == ["drammen"]
    users = (await client.get("/api/v1/users", headers=headers)).json()
    assert {u["email"] for u in users} == {"ase@a.no", "bjorn@a.no", "siv@a.no"}
    assert (await client.get(f"/api/v1/users/{world.leader_b}", headers=headers)).status_code == 404
    assert (await client.get(f"/api/v1/offices/{world.office_b}", headers=headers)).status_code == 404
    filtered = (await client.get(f"/api/v1/users?office_id={world.office_b}", headers=headers)).json()
    assert filtered == []


async def test_admins_see_every_office(client, world, api_as):
    headers = await api_as("admin")
    assert len((await client.get("/api/v1/offices", headers=headers)).json()) == 2
    assert (await client.get(f"/api/v1/users/{world.leader_b}", headers=headers)).status_code == 200
    only_b = (await client.get(f"/api/v1/users?office_id={world.office_b}", headers=headers)).json()
    assert {u["email"] for u in only_b} == {"kjaersti@b.no", "pal@b.no"}


# --- who may change accounts ----------------------------------------------------

WRITES = [
    ("post", "/api/v1/offices", {"code": "asker", "name": "NAV Asker"}),
    ("patch", "/api/v1/offices/{office_a}", {"name": "Nytt navn"}),
    (
        "post",
        "/api/v1/users",
        {"email": "ny@a.no", "name": "Ny Bruker", "role": "leader", "office_id": 1, "password": PASSWORD},
    ),
    ("patch", "/api/v1/users/{leader}", {"name": "Endret Navn"}),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
@pytest.mark.parametrize("role", ["leader", "manager"])
async def test_only_admins_change_accounts(client, world, api_as, role, method, path, body):
    headers = await api_as(role)
    url = path.format(office_a=world.office_a, leader=world.leader)
    before = (await StaffUser.select(StaffUser.name), await Office.select(Office.name))
    response = await getattr(client, method)(url, json=body, headers=headers)
    assert response.status_code == 403
    assert (await StaffUser.select(StaffUser.name), await Office.select(Office.name)) == before


async def test_admin_creates_a_user_and_it_is_audited(client, world, api_as):
    headers = await api_as("admin")
    body = {
        "email": "Øystein@B.no",
        "name": "Øystein Ås",
        "role": "manager",
        "office_id": world.office_b,
        "password": "et-langt-passord",
    }
    response = await client.post("/api/v1/users", json=body, headers=headers)
    assert response.status_code == 201
    created = response.json()
    assert created["email"] == "øystein@b.no" and created["office"]["code"] == "lier"
    event = await AuditEvent.select().where(AuditEvent.action == "user_created").first()
    assert event["actor"] == world.admin and event["target_user"] == created["id"]
    assert await api_token(client, "øystein@b.no", "et-langt-passord")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"name": "   "}, "name"),
        ({"password": "kort"}, "password"),
        ({"office_id": 9999}, "office"),
        ({"email": "ase@a.no"}, "email"),  # taken
    ],
)
async def test_invalid_users_are_422_naming_the_field_and_nothing_is_saved(client, world, api_as, body, field):
    headers = await api_as("admin")
    base = {
        "email": "ny@a.no",
        "name": "Ny Bruker",
        "role": "leader",
        "office_id": world.office_a,
        "password": PASSWORD,
    }
    before = await StaffUser.count()
    response = await client.post("/api/v1/users", json={**base, **body}, headers=headers)
    assert response.status_code == 422, response.text
    assert [e["key"] for e in response.json()["extra"]] == [field]
    assert await StaffUser.count() == before
    assert await AuditEvent.count().where(AuditEvent.action == "user_created") == 0


async def test_unknown_role_is_400_naming_the_field(client, world, api_as):
    headers = await api_as("admin")
    body = {"email": "ny@a.no", "name": "Ny", "role": "boss", "office_id": world.office_a, "password": PASSWORD}
    response = await client.post("/api/v1/users", json=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "role"


async def test_an_admin_cannot_lock_themselves_out(client, world, api_as):
    headers = await api_as("admin")
    response = await client.patch(f"/api/v1/users/{world.admin}", json={"role": "leader"}, headers=headers)
    assert response.status_code == 422
    assert (await client.get("/api/v1/me", headers=headers)).json()["role"] == "admin"


async def test_a_bad_password_in_an_update_changes_nothing(client, world, api_as):
    headers = await api_as("admin")
    response = await client.patch(
        f"/api/v1/users/{world.leader}", json={"name": "Nytt Navn", "password": "kort"}, headers=headers
    )
    assert response.status_code == 422
    row = await StaffUser.select(StaffUser.name).where(StaffUser.id == world.leader).first()
    assert row["name"] == "Åse Ødegård"


async def test_unknown_api_routes_are_404_json(client, world, api_as):
    headers = await api_as("leader")
    response = await client.get("/api/v1/nothing-here", headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


async def test_openapi_schema_lists_the_api(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/users", "/api/v1/offices"):
        assert path in paths
    assert not any(p.startswith("/admin") or p == "/login" for p in paths)
