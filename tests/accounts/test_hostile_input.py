"""Bad and hostile input: parallel guessing, NUL bytes, huge ids, races.
Each answers 4xx with nothing half-written, on both engines."""

from __future__ import annotations

import asyncio

import pytest

from course import clock
from course.accounts.services import FREE_TRIES
from course.accounts.tables import Office, StaffUser
from course.audit.tables import AuditEvent
from tests.conftest import EMAILS, PASSWORD, csrf_from, csrf_post, web_login

BIG = 2**31


async def test_parallel_guesses_cannot_slip_past_the_throttle(client, world):
    async def guess(password):
        return await client.post("/api/v1/auth/token", json={"email": EMAILS["leader"], "password": password})

    with clock.frozen(clock.now()):
        answers = await asyncio.gather(*[guess(f"gjetning-nummer-{i}") for i in range(30)])
        codes = [a.status_code for a in answers]
        assert codes.count(401) == FREE_TRIES and codes.count(429) == 30 - FREE_TRIES
        assert (await guess(PASSWORD)).status_code == 429
    # One throttling note for the window, not one per refused try.
    assert await AuditEvent.count().where(AuditEvent.action == "login_throttled") == 1


async def test_a_confirmed_password_leaves_no_failure_behind(client, world, login_as):
    await login_as("leader")
    await csrf_post(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "et-nytt-langt-passord", "repeat_password": "nei"},
        page="/account",
    )
    assert await AuditEvent.count().where(AuditEvent.action == "login_failed") == 0


@pytest.mark.parametrize("email", ["ase\x00@a.no", "a\x00", "\x00"])
async def test_nul_bytes_in_a_login_are_a_wrong_login(client, world, email):
    assert (await web_login(client, email)).status_code == 401
    response = await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 401


async def test_nul_bytes_in_names_are_refused(client, world, api_as):
    headers = await api_as("admin")
    office = await client.post("/api/v1/offices", json={"code": "nul", "name": "N\x00"}, headers=headers)
    assert office.status_code == 422 and office.json()["extra"][0]["key"] == "name"
    user = await client.post(
        "/api/v1/users",
        json={
            "email": "n@a.no",
            "name": "Ås\x00e",
            "role": "leader",
            "office_id": world.office_a,
            "password": PASSWORD,
        },
        headers=headers,
    )
    assert user.status_code == 422 and user.json()["extra"][0]["key"] == "name"
    assert await Office.count() == 2 and await StaffUser.count() == 5


async def test_nul_bytes_in_a_key_name_are_refused(client, world, login_as):
    await login_as("leader")
    response = await csrf_post(client, "/account/tokens", {"name": "nøkkel\x00"}, page="/account")
    assert response.status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/users/{BIG}",
        f"/api/v1/offices/{BIG}",
        f"/api/v1/users?office_id={BIG}",
        "/api/v1/users/99999999999999999999999",
    ],
)
async def test_ids_beyond_32_bits_are_bad_input(client, world, api_as, path):
    response = await client.get(path, headers=await api_as("admin"))
    assert response.status_code == 400


async def test_huge_ids_in_pages_and_forms_are_not_server_errors(client, world, login_as):
    await login_as("admin")
    assert (await client.get(f"/admin/users/{BIG}")).status_code == 400
    response = await csrf_post(
        client,
        "/admin/users/new",
        {"email": "ny@a.no", "name": "Ny", "role": "leader", "office": str(BIG), "password": PASSWORD},
    )
    assert response.status_code == 422 and "Velg et kontor som finnes." in response.text


async def test_parallel_creates_of_one_office_give_one_office(client, world, api_as):
    headers = await api_as("admin")
    answers = await asyncio.gather(
        *[
            client.post("/api/v1/offices", json={"code": "kapplop", "name": f"NAV {i}"}, headers=headers)
            for i in range(6)
        ]
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [422] * 5
    assert await Office.count().where(Office.code == "kapplop") == 1


async def test_an_empty_new_password_is_refused(client, world, api_as):
    response = await client.patch(f"/api/v1/users/{world.leader}", json={"password": ""}, headers=await api_as("admin"))
    assert response.status_code == 422 and response.json()["extra"][0]["key"] == "password"


async def test_a_too_long_token_name_is_refused_before_logging_in(client, world):
    response = await client.post(
        "/api/v1/auth/token", json={"email": EMAILS["leader"], "password": PASSWORD, "name": "x" * 101}
    )
    assert response.status_code == 400
    assert await AuditEvent.count().where(AuditEvent.action == "login") == 0


async def test_csrf_token_is_in_every_form(client, world, login_as):
    await login_as("admin")
    for path in ("/admin/users/new", "/admin/offices/new", "/account", "/admin"):
        html = (await client.get(path)).text
        assert html.count("<form") == html.count('name="_csrf_token"'), path
        assert csrf_from(html)
