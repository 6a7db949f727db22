"""The words of the cohort forms: an empty date says which date to fill in, and the
error summary lists the mistakes in the order of the fields."""

from __future__ import annotations

import re

from tests.cohorts.test_sessions import created
from tests.conftest import csrf_post


def summary(html: str) -> list[str]:
    block = html.split('class="error-summary', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


async def test_the_error_summary_follows_the_form_and_an_empty_date_says_which(client, world, login_as):
    await login_as("leader")
    response = await csrf_post(
        client,
        "/cohorts/new",
        {
            "title": "Klart jeg kan – Ørnes",
            "variant": "kjk",
            "start_date": "",
            "weekday_1": "2",
            "weekday_2": "4",
            "start_time": "09:00",
            "end_time": "08:00",
            "location": "",
            "capacity": "40",
            "leader_ids": str(world.leader),
        },
    )
    assert response.status_code == 422
    assert summary(response.text) == [
        "Første samling: Fyll inn startdatoen.",
        "Slutter: Sluttid må være etter starttid.",
        "Sted: Skriv inn hvor samlingene holdes.",
        "Plasser: Kapasiteten må være et helt tall fra 1 til 30.",
    ]
    assert "ÅÅÅÅ-MM-DD" not in response.text


async def test_an_empty_period_names_its_first_and_last_day(client, world, api_as, login_as):
    cohort = await created(client, world, await api_as("leader"))
    await login_as("leader")
    response = await csrf_post(
        client,
        f"/cohorts/{cohort['id']}/substitute",
        {"from": "", "to": "", "absent_id": str(world.leader), "substitute_id": str(world.leader)},
    )
    assert response.status_code == 422
    assert "Fyll inn første dag i perioden." in response.text and "Fyll inn siste dag i perioden." in response.text
    moved = await csrf_post(
        client,
        f"/cohorts/{cohort['id']}/sessions/2",
        {"date": "", "start_time": "09:00", "end_time": "14:00", "location": "Møterom Åsen"},
    )
    assert moved.status_code == 422 and "Dato: Fyll inn datoen." in summary(moved.text)
