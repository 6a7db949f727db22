"""Builders for participant tests: a participant with consent, a cohort under way."""

from __future__ import annotations

from datetime import date, timedelta

from tests.cohorts.test_api import body


async def participant(client, headers, world, name: str = "Sølvi Åkerø Dæhli", **changes) -> dict:
    data = {
        "name": name,
        "birth_year": date.today().year - 20,
        "primary_contact_id": world.leader,
        "phone": "+47 912 34 567",
        "consent": {"scopes": ["participation", "sharing", "evaluation"], "date": date.today().isoformat()},
        **changes,
    }
    response = await client.post("/api/v1/participants", json=data, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def cohort(client, world, headers, **changes) -> dict:
    response = await client.post("/api/v1/cohorts", json=body(world, **changes), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def monday_weeks_ago(weeks: int) -> date:
    today = date.today()
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks)


async def running_cohort(client, world, admin_headers, weeks_ago: int = 1, **changes) -> dict:
    """A cohort that started ``weeks_ago`` weeks back (only an admin may backdate),
    on Mondays and Wednesdays, led by the office A leader."""
    start = monday_weeks_ago(weeks_ago)
    return await cohort(client, world, admin_headers, start_date=start.isoformat(), weekdays=[1, 3], **changes)


async def enrolled(client, headers, cohort_id: int, participant_id: int, status: str = "enrolled") -> dict:
    response = await client.post(
        f"/api/v1/cohorts/{cohort_id}/enrolments", json={"participant_id": participant_id, "status": status},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()
