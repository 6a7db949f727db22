"""The cohort list page (/cohorts): each role sees the cohorts its scope holds, current
and upcoming first, by status on request, a page at a time; bad input is named."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course import clock
from tests.cohorts.test_listing import _cohort
from tests.participants.helpers import headers_for, monday_weeks_ago


async def _world_of_cohorts(client, world) -> dict[str, dict]:
    admin = await headers_for(world.admin)
    today = clock.today()
    ahead = today + timedelta(days=(7 - today.weekday()) % 7 + 14)
    made = {
        "finished": await _cohort(client, world, admin, 0, monday_weeks_ago(9)),
        "running": await _cohort(client, world, admin, 1, monday_weeks_ago(1)),
        "planned": await _cohort(client, world, admin, 2, ahead),
    }
    leader_b = await headers_for(world.leader_b)
    other = {
        "title": "Lier-kurset – Ørsta",
        "variant": "kjk",
        "start_date": ahead.isoformat(),
        "weekdays": [1, 3],
        "start_time": "09:00",
        "end_time": "12:00",
        "location": "Lier, møterom Ås",
        "leader_ids": [world.leader_b],
    }
    response = await client.post("/api/v1/cohorts", json=other, headers=leader_b)
    assert response.status_code == 201, response.text
    made["other_office"] = response.json()
    return made


@pytest.mark.parametrize("role", ["leader", "manager", "admin"])
async def test_each_role_sees_its_own_scope_current_and_upcoming_first(client, world, login_as, role):
    made = await _world_of_cohorts(client, world)
    await login_as(role)
    page = await client.get("/cohorts")
    assert page.status_code == 200
    text = page.text
    assert '<a href="/cohorts?status=current" aria-current="page">' in text
    assert "Kull 1 – Ærøy" in text and "Kull 2 – Ærøy" in text and "Kull 0 – Ærøy" not in text
    assert text.index("Kull 1 – Ærøy") < text.index("Kull 2 – Ærøy")
    assert "Åse Ødegård" in text  # the leaders by name
    if role == "admin":
        assert "Lier-kurset – Ørsta" in text and "NAV Lier – Ungteam" in text
    else:
        assert "Lier-kurset – Ørsta" not in text and "NAV Lier – Ungteam" not in text
    assert ("Nytt kurs" in text) == (role != "manager")
    finished = (await client.get("/cohorts?status=finished")).text
    assert "Kull 0 – Ærøy" in finished and "Kull 1 – Ærøy" not in finished
    assert made["finished"]["id"] and f'href="/cohorts/{made["finished"]["id"]}"' in finished


async def test_the_list_pages_and_bad_input_is_named(client, world, login_as):
    await _world_of_cohorts(client, world)
    await login_as("admin")
    first = await client.get("/cohorts?limit=1")
    assert first.status_code == 200 and "3 kurs" in first.text and 'rel="next"' in first.text
    bad = await client.get("/cohorts?status=someday")
    assert bad.status_code in (400, 422) and "status" in bad.text and "Traceback" not in bad.text
    assert (await client.get("/cohorts?cursor=%C3%A6%C3%B8%C3%A5")).status_code in (400, 422)


@pytest.mark.parametrize("role", ["leader", "manager", "admin"])
async def test_the_menu_leads_to_the_list_for_every_role(client, world, login_as, role):
    await login_as(role)
    assert '<a href="/cohorts">Kurs</a>' in (await client.get("/account")).text
