"""Cohort pages: the form, the detail page, and who sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course import clock
from course.cohorts.tables import Cohort
from tests.cohorts.test_api import next_weekday
from tests.cohorts.test_sessions import created
from tests.conftest import csrf_post


def form(world, **changes) -> dict:
    return {
        "title": "Klart jeg kan – høst",
        "variant": "kjk",
        "start_date": next_weekday(2).isoformat(),
        "weekday_1": "2",
        "weekday_2": "4",
        "start_time": "09:00",
        "end_time": "14:00",
        "location": "Møterom Åsen",
        "capacity": "12",
        "leader_ids": str(world.leader),
        **changes,
    }


async def test_leader_creates_a_cohort_through_the_form(client, world, login_as):
    await login_as("leader")
    response = await csrf_post(client, "/cohorts/new", form(world))
    assert response.status_code in (302, 303), response.text
    page = await client.get(response.headers["location"])
    assert page.status_code == 200
    assert "Klart jeg kan – høst" in page.text and "Ressursavklaring" in page.text and "Ressurs-CV" in page.text
    home = await client.get("/")
    assert "Klart jeg kan – høst" in home.text


async def test_form_errors_are_norwegian_and_nothing_is_saved(client, world, login_as):
    await login_as("leader")
    response = await csrf_post(client, "/cohorts/new", form(world, weekday_2="2", end_time="08:00", capacity="40"))
    assert response.status_code == 422
    assert "Velg to ulike ukedager" in response.text
    assert "Sluttid må være etter starttid." in response.text
    assert "Kapasiteten må være et helt tall fra 1 til 30." in response.text
    assert 'value="Klart jeg kan – høst"' in response.text  # what was typed is kept
    assert await Cohort.count() == 0


async def test_a_clash_is_shown_on_the_form(client, world, login_as):
    await login_as("leader")
    await csrf_post(client, "/cohorts/new", form(world))
    response = await csrf_post(client, "/cohorts/new", form(world, title="Dobbelt", location="Annet rom"))
    assert response.status_code == 409 and "allerede opptatt" in response.text


async def test_moved_dates_are_explained_on_the_page(client, world, login_as, api_as):
    start = next_weekday(2)
    headers = await api_as("leader")
    await client.post(
        "/api/v1/closures",
        json={
            "start_date": (start + timedelta(days=2)).isoformat(),
            "end_date": (start + timedelta(days=2)).isoformat(),
            "reason": "Fagdag",
        },
        headers=headers,
    )
    cohort = await created(client, world, headers)
    await login_as("leader")
    page = await client.get(f"/cohorts/{cohort['id']}")
    assert "Datoer som ble flyttet" in page.text and "Fagdag" in page.text


@pytest.mark.parametrize(("role", "status"), [("manager", 403), ("leader_b", 403)])
async def test_the_form_is_for_leaders(client, world, login_as, role, status):
    await login_as(role)
    if role == "leader_b":
        # A leader of another office may use the form, but not for this office's leaders.
        response = await csrf_post(client, "/cohorts/new", form(world), page="/cohorts/new")
        assert response.status_code == 422 and await Cohort.count() == 0
    else:
        assert (await client.get("/cohorts/new")).status_code == status


async def test_another_office_cannot_open_the_cohort_page(client, world, login_as, api_as):
    cohort = await created(client, world, await api_as("leader"))
    await login_as("leader_b")
    assert (await client.get(f"/cohorts/{cohort['id']}")).status_code == 404
    assert (await client.get(f"/cohorts/{cohort['id']}/calendar.ics")).status_code == 404


async def test_manager_overview_counts_cohorts(client, world, login_as, api_as):
    await created(
        client,
        world,
        await api_as("leader"),
        start_date=clock.today().isoformat(),
        weekdays=[clock.today().isoweekday(), clock.today().isoweekday() % 7 + 1],
    )
    await login_as("manager")
    text = (await client.get("/")).text
    assert "Klart jeg kan – vår" in text


async def test_leader_moves_and_cancels_a_session_through_the_form(client, world, login_as, api_as):
    from tests.cohorts.test_sessions import day

    cohort = await created(client, world, await api_as("leader"))
    await login_as("leader")
    path = f"/cohorts/{cohort['id']}/sessions/2"
    assert "Endre" in (await client.get(f"/cohorts/{cohort['id']}")).text
    new = day(cohort, 2) + timedelta(days=1)
    response = await csrf_post(client, path, {"date": new.isoformat(), "start_time": "10:00", "end_time": "13:00"})
    assert response.status_code in (302, 303)
    text = (await client.get(f"/cohorts/{cohort['id']}")).text
    assert new.strftime("%d.%m.%Y") in text and "10:00–13:00" in text
    bad = await csrf_post(
        client, path, {"date": day(cohort, 4).isoformat(), "start_time": "10:00", "end_time": "13:00"}
    )
    assert bad.status_code == 422 and "Datoen må være etter forrige samling og før neste." in bad.text
    await csrf_post(
        client, path, {"date": new.isoformat(), "start_time": "10:00", "end_time": "13:00", "cancelled": "on"}
    )
    assert "Avlyst" in (await client.get(f"/cohorts/{cohort['id']}")).text


async def test_managers_cannot_open_the_session_form(client, world, login_as, api_as):
    cohort = await created(client, world, await api_as("leader"))
    await login_as("manager")
    assert (await client.get(f"/cohorts/{cohort['id']}/sessions/1")).status_code == 403
    assert "Endre" not in (await client.get(f"/cohorts/{cohort['id']}")).text


async def test_leader_adds_and_removes_a_closed_period(client, world, login_as):
    from course.cohorts.tables import Closure

    await login_as("leader")
    response = await csrf_post(
        client, "/closures", {"start_date": "2027-07-05", "end_date": "2027-08-01", "reason": "Sommerstengt"}
    )
    assert response.status_code in (302, 303)
    page = await client.get("/closures")
    assert "05.07.2027–01.08.2027: Sommerstengt" in page.text
    bad = await csrf_post(client, "/closures", {"start_date": "2027-08-01", "end_date": "2027-07-01", "reason": "Feil"})
    assert bad.status_code == 422 and "Sluttdatoen kan ikke være før startdatoen." in bad.text
    closure_id = (await Closure.select(Closure.id).first())["id"]
    await csrf_post(client, f"/closures/{closure_id}/delete", {"confirm": "1"}, page="/closures")
    assert await Closure.count() == 0


async def test_managers_read_closed_periods_only(client, world, login_as):
    await login_as("manager")
    page = await client.get("/closures")
    assert page.status_code == 200 and "Legg til" not in page.text
    response = await csrf_post(
        client, "/closures", {"start_date": "2027-07-05", "end_date": "2027-08-01", "reason": "x"}, page="/closures"
    )
    assert response.status_code == 403


async def test_leader_plans_a_term_through_the_form(client, world, login_as):
    await login_as("leader")
    page = await client.get("/cohorts/plan")
    assert "Planlegg et semester" in page.text and 'name="count"' in page.text
    proposals = await csrf_post(client, "/cohorts/plan", form(world, count="3"), page="/cohorts/plan")
    assert proposals.status_code == 200, proposals.text
    assert proposals.text.count('name="start_dates"') == 3
    starts = [chunk.split('"')[0] for chunk in proposals.text.split('name="start_dates" value="')[1:]]
    html = proposals.text
    from tests.conftest import csrf_from

    data = (
        [("_csrf_token", csrf_from(html))]
        + [(k, v) for k, v in form(world).items()]
        + [("start_dates", s) for s in starts[:2]]
    )
    from urllib.parse import urlencode

    response = await client.post(
        "/cohorts/plan/accept",
        content=urlencode(data),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code in (302, 303)
    assert await Cohort.count() == 2


async def test_bad_term_form_names_the_field(client, world, login_as):
    await login_as("leader")
    response = await csrf_post(client, "/cohorts/plan", form(world, count="99"), page="/cohorts/plan")
    assert response.status_code == 422 and "Planlegg fra 1 til 12 kurs om gangen." in response.text


async def test_leader_cancels_a_cohort_and_takes_it_back(client, world, login_as, api_as):
    cohort = await created(client, world, await api_as("leader"))
    await login_as("leader")
    path = f"/cohorts/{cohort['id']}"
    await csrf_post(client, f"{path}/cancel", {"cancelled": "1", "confirm": "1"}, page=path)
    assert "Avlyst" in (await client.get(path)).text
    await csrf_post(client, f"{path}/cancel", {"cancelled": "0"}, page=path)
    text = (await client.get(path)).text
    assert "Planlagt" in text and "Avlys kurset" in text
