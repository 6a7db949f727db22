"""Users and offices a page at a time, with the way on in the Link header."""

from __future__ import annotations

from tests.conftest import make_office, make_user


async def _walk(client, url: str, headers) -> tuple[list[dict], int]:
    seen, pages = [], 0
    while url:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        seen += response.json()
        pages += 1
        url = response.links.get("next", {}).get("url")
    return seen, pages


async def test_users_and_offices_page_through_everything_once(client, world, api_as):
    for n in range(3):
        await make_user(f"kaare{n}@a.no", "leader", world.office_a, f"Kåre Ødegård {n}")
    for code in ("hol", "aal", "gol"):
        await make_office(code, f"NAV {code.title()} – Ungdom på Ål")
    admin = await api_as("admin")
    users, pages = await _walk(client, "/api/v1/users?limit=2", admin)
    assert (pages, len({u["id"] for u in users}), len(users)) == (4, 8, 8)
    office_users, _ = await _walk(client, f"/api/v1/users?limit=2&office_id={world.office_b}", admin)
    assert {u["email"] for u in office_users} == {"kjaersti@b.no", "pal@b.no"}
    offices, pages = await _walk(client, "/api/v1/offices?limit=2", admin)
    assert pages == 3 and len({o["id"] for o in offices}) == 5
    # A leader sees their own office, on one page.
    leader = await api_as("leader")
    own, pages = await _walk(client, "/api/v1/users?limit=200", leader)
    assert pages == 1 and {u["email"] for u in own} >= {"ase@a.no", "kaare0@a.no"}
    assert "kjaersti@b.no" not in {u["email"] for u in own}
    bad = await client.get("/api/v1/offices?cursor=eyJhIjpbMV19", headers=admin)
    assert bad.status_code == 422 and "cursor" in bad.text
