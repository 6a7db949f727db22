"""Cancelling a cohort and removing a closed period ask first: the unconfirmed post
answers a page that says what happens and changes nothing; only the confirmed one acts.
A cancelled cohort's sessions say so, except those held before it was cancelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from course import clock
from course.cohorts.loading import session_status
from course.cohorts.tables import Closure
from course.participants.tables import Enrolment
from tests.cohorts.test_scopes import a_closure, cancelled_at
from tests.cohorts.test_sessions import created
from tests.conftest import csrf_post
from tests.participants.helpers import NAMES, enrolled, participant, running_cohort


def statuses(html: str) -> list[str]:
    """The status cell of each row of the sessions table."""
    table = html.split('id="sessions-title"', 1)[1].split("</table>", 1)[0]
    return [cell.split(">", 1)[1].split("<", 1)[0] for cell in table.split('data-label="Status"')[1:]]


async def full_cohort(client, world, headers, people: int, **changes) -> dict:
    cohort = await created(client, world, headers, **changes)
    for name in NAMES[:people]:
        person = await participant(client, headers, world, name=name)
        await enrolled(client, headers, cohort["id"], person["id"])
    return cohort


async def test_the_unconfirmed_cancellation_asks_and_changes_nothing(client, world, login_as, api_as):
    cohort = await full_cohort(client, world, await api_as("leader"), 11)
    await login_as("leader")
    path = f"/cohorts/{cohort['id']}"
    page = await client.get(path)
    assert "Avlys kurset" in page.text
    response = await csrf_post(client, f"{path}/cancel", {"cancelled": "1"}, page=path)
    assert response.status_code == 200
    assert "Avlyse kurset?" in response.text
    assert "Kurset «Klart jeg kan – vår» med 11 deltakere avlyses." in response.text
    assert "Alle 8 samlinger avlyses." in response.text
    assert "Ingen får beskjed automatisk" in response.text
    assert "Ja, avlys kurset" in response.text and f'href="{path}">Avbryt</a>' in response.text
    assert 'name="confirm" value="1"' in response.text
    assert await cancelled_at(cohort) is None
    assert statuses((await client.get(path)).text) == ["Planlagt"] * 8


async def test_the_confirmed_cancellation_acts_and_says_so(client, world, login_as, api_as):
    cohort = await full_cohort(client, world, await api_as("leader"), 2)
    await login_as("leader")
    path = f"/cohorts/{cohort['id']}"
    response = await csrf_post(client, f"{path}/cancel", {"cancelled": "1", "confirm": "1"}, page=path)
    assert response.status_code == 303 and response.headers["location"] == path
    assert await cancelled_at(cohort) is not None
    page = await client.get(path)
    assert "Kurset er avlyst." in page.text
    assert statuses(page.text) == ["Avlyst"] * 8
    assert "Planlagt" not in page.text.split('id="sessions-title"', 1)[1].split("</table>", 1)[0]
    # The enrolments stay as they were, as the page said.
    assert {r["status"] for r in await Enrolment.select(Enrolment.status)} == {"enrolled"}
    # Taken back: no question, the sessions are planned again.
    back = await csrf_post(client, f"{path}/cancel", {"cancelled": "0"}, page=path)
    assert back.status_code == 303 and await cancelled_at(cohort) is None
    page = await client.get(path)
    assert "Avlysningen er angret." in page.text and statuses(page.text) == ["Planlagt"] * 8


async def test_a_running_cohort_keeps_the_sessions_it_held(client, world, login_as, api_as):
    admin = await api_as("admin")
    # Mondays and Wednesdays from two weeks back: five held before today, a Wednesday,
    # whose session (09:00–14:00) has not ended at noon.
    cohort = await running_cohort(client, world, admin, weeks_ago=2)
    person = await participant(client, admin, world, name="Åsmund Ørnes")
    await enrolled(client, admin, cohort["id"], person["id"])
    await login_as("leader")
    path = f"/cohorts/{cohort['id']}"
    asked = await csrf_post(client, f"{path}/cancel", {"cancelled": "1"}, page=path)
    assert "med 1 deltaker avlyses." in asked.text
    assert "De 3 samlingene som ikke er holdt ennå, avlyses" in asked.text
    await csrf_post(client, f"{path}/cancel", {"cancelled": "1", "confirm": "1"}, page=path)
    assert statuses((await client.get(path)).text) == ["Holdt"] * 5 + ["Avlyst"] * 3
    # The API reads the same statuses.
    api = (await client.get(f"/api/v1/cohorts/{cohort['id']}", headers=admin)).json()
    assert [s["status"] for s in api["sessions"]] == ["held"] * 5 + ["cancelled"] * 3
    # And weeks later, the cancelled ones are still cancelled, not held.
    with clock.frozen(date.fromisoformat(api["sessions"][-1]["date"]).replace(year=2028)):
        later = (await client.get(f"/api/v1/cohorts/{cohort['id']}", headers=admin)).json()
    assert [s["status"] for s in later["sessions"]] == ["held"] * 5 + ["cancelled"] * 3


async def test_the_api_cancels_without_a_question(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    response = await client.patch(f"/api/v1/cohorts/{cohort['id']}", json={"cancelled": True}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    assert {s["status"] for s in response.json()["sessions"]} == {"cancelled"}


@pytest.mark.parametrize("confirm", [{}, {"confirm": "1"}])
async def test_another_office_gets_no_question_either(client, world, login_as, api_as, confirm):
    cohort = await created(client, world, await api_as("leader"))
    await login_as("leader_b")
    response = await csrf_post(client, f"/cohorts/{cohort['id']}/cancel", {"cancelled": "1", **confirm}, page="/")
    assert response.status_code == 404 and "Klart jeg kan – vår" not in response.text
    assert await cancelled_at(cohort) is None


async def test_an_already_cancelled_cohort_is_not_asked_about_again(client, world, login_as, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    await client.patch(f"/api/v1/cohorts/{cohort['id']}", json={"cancelled": True}, headers=headers)
    before = await cancelled_at(cohort)
    await login_as("leader")
    path = f"/cohorts/{cohort['id']}"
    response = await csrf_post(client, f"{path}/cancel", {"cancelled": "1"}, page=path)
    assert response.status_code in (302, 303) and response.headers["location"] == path
    assert await cancelled_at(cohort) == before


async def test_removing_a_closed_period_asks_first(client, world, login_as):
    closure_id = await a_closure(world)
    await login_as("leader")
    response = await csrf_post(client, f"/closures/{closure_id}/delete", page="/closures")
    assert response.status_code == 200
    assert "Fjerne den stengte perioden?" in response.text
    assert "Den stengte perioden 05.07.2027–01.08.2027 («Sommerstengt») fjernes." in response.text
    assert "Ja, fjern perioden" in response.text and 'href="/closures">Avbryt</a>' in response.text
    assert await Closure.count() == 1
    done = await csrf_post(client, f"/closures/{closure_id}/delete", {"confirm": "1"}, page="/closures")
    assert done.status_code == 303 and done.headers["location"] == "/closures"
    assert await Closure.count() == 0
    page = await client.get("/closures")
    assert "Den stengte perioden er fjernet." in page.text
    # Shown once: the next page has no message.
    assert "Den stengte perioden er fjernet." not in (await client.get("/closures")).text


async def test_another_offices_closure_is_not_found_to_confirm(client, world, login_as):
    closure_id = await a_closure(world)
    await login_as("leader_b")
    response = await csrf_post(client, f"/closures/{closure_id}/delete", page="/closures")
    assert response.status_code == 404 and "Sommerstengt" not in response.text
    assert await Closure.count() == 1


# --- the status of a session --------------------------------------------------------------

CANCELLED_AT = datetime(2027, 9, 8, 10, 0, tzinfo=UTC)  # 12:00 in Oslo


@pytest.mark.parametrize(
    ("day", "end", "expected"),
    [
        (date(2027, 9, 6), time(14), "held"),  # before the cancellation
        (date(2027, 9, 8), time(11), "held"),  # ended that morning, before it
        (date(2027, 9, 8), time(14), "cancelled"),  # still to end when it came
        (date(2027, 9, 9), time(14), "cancelled"),
    ],
)
def test_a_cohorts_cancellation_reaches_the_sessions_not_ended(day, end, expected):
    assert session_status(day, end, None, CANCELLED_AT, date(2027, 12, 1)) == expected


def test_a_session_without_a_cancelled_cohort_is_planned_held_or_cancelled():
    today = date(2027, 9, 8)
    assert session_status(date(2027, 9, 9), time(14), None, None, today) == "planned"
    assert session_status(date(2027, 9, 8), time(14), None, None, today) == "planned"
    assert session_status(date(2027, 9, 7), time(14), None, None, today) == "held"
    assert session_status(date(2027, 9, 9), time(14), CANCELLED_AT, None, today) == "cancelled"
    # A naive moment (as a driver may hand one back) is UTC: this one ended before it.
    naive = CANCELLED_AT.replace(tzinfo=None)
    assert session_status(date(2027, 9, 8), time(11), None, naive, date(2027, 9, 9)) == "held"
    assert session_status(date(2027, 9, 8), time(13), None, naive, date(2027, 9, 9)) == "cancelled"
