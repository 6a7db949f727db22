"""A session moved by hand says who moved it, from when to when and why; and every form
that changes a cohort says on the next page what happened."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from course.cohorts.tables import CohortChange
from course.web import flash
from tests.cohorts.test_api import next_weekday
from tests.cohorts.test_sessions import created, day
from tests.conftest import csrf_post, make_user

REASON = "Rommet er opptatt til eksamen – Ørnes"


def said(html: str) -> str:
    return " ".join(html.split())


async def test_a_move_by_hand_says_who_when_from_to_and_why(client, world, api_as, login_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    old = day(cohort, 3)
    new = old + timedelta(days=1)
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/3",
        json={"date": new.isoformat(), "reason": f"  {REASON}  "},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    changes = (await client.get(f"/api/v1/cohorts/{cohort['id']}/changes", headers=headers)).json()["changes"]
    assert changes[0]["reason"] == REASON and changes[0]["session_number"] == 3

    await login_as("leader")
    page = said((await client.get(f"/cohorts/{cohort['id']}")).text)
    assert "En tidligere samling ble flyttet" not in page
    assert (
        f"Åse Ødegård flyttet samling 3 fra {weekday(old)} til {weekday(new)} den 8. september 2027. "
        f"Begrunnelse: {REASON}"
    ) in page
    history = said((await client.get(f"/cohorts/{cohort['id']}/changes")).text)
    assert f"Begrunnelse: {REASON}" in history


NB_WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
NB_MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober"]
NB_MONTHS += ["november", "desember"]


def weekday(value: date) -> str:
    return f"{NB_WEEKDAYS[value.weekday()]} {value.day}. {NB_MONTHS[value.month - 1]}"


async def test_a_move_without_a_reason_says_none_was_given(client, world, api_as, login_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    new = day(cohort, 2) + timedelta(days=1)
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/2", json={"date": new.isoformat()}, headers=headers
    )
    assert response.status_code == 200, response.text
    await login_as("leader")
    page = said((await client.get(f"/cohorts/{cohort['id']}")).text)
    assert f"Åse Ødegård flyttet samling 2 fra {weekday(day(cohort, 2))} til {weekday(new)}" in page
    assert "Ingen begrunnelse er oppgitt." in page


@pytest.mark.parametrize("reason", ["Ringte\x07 Åse", "ø" * 201, "null\x00byte"])
async def test_a_bad_reason_is_refused_naming_the_field(client, world, api_as, reason):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    new = day(cohort, 2) + timedelta(days=1)
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/2", json={"date": new.isoformat(), "reason": reason}, headers=headers
    )
    assert response.status_code == 422, response.text
    assert [e["key"] for e in response.json()["extra"]] == ["reason"]
    assert await CohortChange.count() == 0


async def test_a_reason_of_another_type_is_refused_naming_the_field(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    response = await client.patch(f"/api/v1/cohorts/{cohort['id']}/sessions/2", json={"reason": 7}, headers=headers)
    assert response.status_code == 400 and "reason" in response.text


async def test_the_session_form_takes_a_reason_and_says_the_session_is_moved(client, world, api_as, login_as):
    cohort = await created(client, world, await api_as("leader"))
    await login_as("leader")
    path = f"/cohorts/{cohort['id']}/sessions/4"
    new = day(cohort, 4) + timedelta(days=1)
    values = {"date": new.isoformat(), "start_time": "09:00", "end_time": "14:00", "location": "Møterom Åsen"}
    bad = await csrf_post(client, path, {**values, "reason": "Syk\x1b kursleder"})
    assert bad.status_code == 422
    assert "Begrunnelse for endringen: Begrunnelsen inneholder tegn som ikke er tillatt." in said(bad.text)

    moved = await csrf_post(client, path, {**values, "reason": "Kurslederen er på fagdag"})
    assert moved.status_code in (302, 303) and moved.headers["location"] == f"/cohorts/{cohort['id']}"
    page = await client.get(moved.headers["location"])
    assert "Samlingen er flyttet." in page.text
    assert "Begrunnelse: Kurslederen er på fagdag" in said(page.text)
    client.cookies.delete(flash.FLASH_COOKIE)
    assert "Samlingen er flyttet." not in (await client.get(f"/cohorts/{cohort['id']}")).text

    cancelled = await csrf_post(client, path, {**values, "cancelled": "on"})
    assert "Samlingen er avlyst." in (await client.get(cancelled.headers["location"])).text
    client.cookies.delete(flash.FLASH_COOKIE)
    saved = await csrf_post(client, path, {**values, "location": "Møterom Ørnen"})
    assert "Avlysningen er angret." in (await client.get(saved.headers["location"])).text
    client.cookies.delete(flash.FLASH_COOKIE)
    saved = await csrf_post(client, path, {**values, "location": "Møterom Ørnen", "start_time": "10:00"})
    assert "Samlingen er lagret." in (await client.get(saved.headers["location"])).text


async def test_each_cohort_form_says_what_happened_on_the_next_page(client, world, api_as, login_as):
    colleague = await make_user("tor@a.no", "leader", world.office_a, "Tor Åsvang")
    await login_as("leader")
    start = next_weekday(2)
    new = await csrf_post(
        client,
        "/cohorts/new",
        {
            "title": "Klart jeg kan – høst",
            "variant": "kjk",
            "start_date": start.isoformat(),
            "weekday_1": "2",
            "weekday_2": "4",
            "start_time": "09:00",
            "end_time": "14:00",
            "location": "Møterom Åsen",
            "capacity": "12",
            "leader_ids": str(world.leader),
        },
    )
    path = new.headers["location"]
    assert "Kurset er opprettet." in (await client.get(path)).text

    edited = await csrf_post(
        client,
        f"{path}/edit",
        {
            "title": "Klart jeg kan – Åsen",
            "capacity": "14",
            "location": "Møterom Åsen",
            "start_time": "09:00",
            "end_time": "14:00",
            "leader_ids": str(world.leader),
        },
    )
    assert "Kurset er lagret." in (await client.get(edited.headers["location"])).text

    substitute = await csrf_post(
        client,
        f"{path}/substitute",
        {
            "from": start.isoformat(),
            "to": (start + timedelta(days=2)).isoformat(),
            "absent_id": str(world.leader),
            "substitute_id": str(colleague),
        },
    )
    assert substitute.status_code in (302, 303), substitute.text
    assert "Vikaren er lagret." in (await client.get(substitute.headers["location"])).text

    closed = start + timedelta(weeks=8)
    closure = await csrf_post(
        client, "/closures", {"start_date": closed.isoformat(), "end_date": closed.isoformat(), "reason": "Fagdag"}
    )
    assert closure.status_code in (302, 303), closure.text
    assert "Den stengte perioden er lagt til." in (await client.get("/closures")).text
