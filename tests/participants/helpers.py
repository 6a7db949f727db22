"""Builders for participant and guidance-talk tests: a participant with consent, a
cohort ahead or under way, extra course leaders, talks, and reading error bodies."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import pytest

from course import clock
from course.accounts.services import TOKEN_PREFIX
from course.accounts.tables import ApiToken
from course.cohorts.schedule import blocked_by
from course.tokens import digest
from tests.cohorts.test_api import body
from tests.conftest import make_user

# Twelve young people, enough for a full cohort; every name has æ, ø or å.
NAMES = [
    "Åsmund Ørnes",
    "Bjørg Ækre",
    "Dagfinn Sæther",
    "Eirin Løvås",
    "Frøydis Haugå",
    "Gunnhild Bråten",
    "Håkon Strømme",
    "Ingrid Kværnå",
    "Jørgen Fjæra",
    "Kåre Nærø",
    "Liv Østgård",
    "Mads Ødegaard",
]


async def participant(client, headers, world, name: str = "Sølvi Åkerø Dæhli", **changes) -> dict:
    data = {
        "name": name,
        "birth_year": clock.today().year - 20,
        "primary_contact_id": world.leader,
        "phone": "+47 912 34 567",
        "consent": {"scopes": ["participation", "sharing", "evaluation"], "date": clock.today().isoformat()},
        **changes,
    }
    response = await client.post("/api/v1/participants", json=data, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def cohort(client, world, headers, **changes) -> dict:
    """A cohort starting on a Tuesday at least two weeks ahead, Tuesdays and
    Thursdays 09:00–14:00, led by the office A leader (``body`` in the cohort tests)."""
    response = await client.post("/api/v1/cohorts", json=body(world, **changes), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def monday_weeks_ago(weeks: int) -> date:
    today = clock.today()
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks)


async def running_cohort(client, world, admin_headers, weeks_ago: int = 1, **changes) -> dict:
    """A cohort that started ``weeks_ago`` weeks back (only an admin may backdate),
    on Mondays and Wednesdays, led by the office A leader."""
    start = monday_weeks_ago(weeks_ago)
    return await cohort(client, world, admin_headers, start_date=start.isoformat(), weekdays=[1, 3], **changes)


async def enrolled(client, headers, cohort_id: int, participant_id: int, status: str = "enrolled") -> dict:
    response = await client.post(
        f"/api/v1/cohorts/{cohort_id}/enrolments",
        json={"participant_id": participant_id, "status": status},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


# --- staff and their API keys -----------------------------------------------------------


async def headers_for(user_id: int) -> dict[str, str]:
    """Bearer headers for a user, from an API key written straight into the table:
    the same key a login would issue, without an argon2 hash per test (logging in
    itself is tested in tests/accounts)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await ApiToken.insert(ApiToken(user=user_id, token_hash=digest(token), name="test", created_at=clock.now()))
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def as_(world):
    """``await as_("leader")``: headers for a role of the world (or a user id)."""

    async def headers(who: str | int) -> dict[str, str]:
        return await headers_for(who if isinstance(who, int) else getattr(world, who))

    return headers


async def office_a_leader(world, email: str, name: str) -> tuple[int, dict[str, str]]:
    """A further course leader in office A, with API headers."""
    user_id = await make_user(email, "leader", world.office_a, name)
    return user_id, await headers_for(user_id)


# --- reading answers ------------------------------------------------------------------


def error_keys(response) -> set[str]:
    """The fields named in a 400/409/422 answer."""
    return {e.get("key") for e in response.json().get("extra", [])}


def session_dates(cohort_out: dict) -> set[date]:
    return {date.fromisoformat(s["date"]) for s in cohort_out["sessions"] if s["status"] != "cancelled"}


def course_monday(cohort_out: dict) -> date:
    start = date.fromisoformat(cohort_out["start_date"])
    return start - timedelta(days=start.weekday())


def free_day(cohort_out: dict, week: int = 0) -> date:
    """A weekday in the given course week (0-based) with no session and no holiday."""
    monday = course_monday(cohort_out) + timedelta(weeks=week)
    sessions = session_dates(cohort_out)
    for offset in range(5):
        day = monday + timedelta(days=offset)
        if day not in sessions and not blocked_by(day):
            return day
    raise AssertionError(f"no free weekday in course week {week + 1}")


def session_day(cohort_out: dict, number: int) -> date:
    return next(date.fromisoformat(s["date"]) for s in cohort_out["sessions"] if s["number"] == number)


async def book(
    client,
    headers,
    cohort_id: int,
    participant_id: int,
    leader_id: int,
    day: date,
    start: str = "10:00",
    end: str = "10:45",
    **extra,
):
    return await client.post(
        f"/api/v1/cohorts/{cohort_id}/talks",
        json={
            "participant_id": participant_id,
            "leader_id": leader_id,
            "date": day.isoformat(),
            "start_time": start,
            "end_time": end,
            **extra,
        },
        headers=headers,
    )


async def booked(
    client,
    headers,
    cohort_id: int,
    participant_id: int,
    leader_id: int,
    day: date,
    start: str = "10:00",
    end: str = "10:45",
) -> dict:
    response = await book(client, headers, cohort_id, participant_id, leader_id, day, start, end)
    assert response.status_code == 201, response.text
    return response.json()


async def consent(client, headers, participant_id: int, action: str, scopes: list[str], day: date | None = None):
    return await client.post(
        f"/api/v1/participants/{participant_id}/consents",
        json={"action": action, "scopes": scopes, "date": (day or clock.today()).isoformat()},
        headers=headers,
    )


async def mark(client, headers, cohort_id: int, number: int, participant_id: int, status: str, note: str = ""):
    return await client.put(
        f"/api/v1/cohorts/{cohort_id}/sessions/{number}/attendance/{participant_id}",
        json={"status": status, "note": note},
        headers=headers,
    )


async def roster(client, headers, cohort_id: int) -> list[dict]:
    response = await client.get(f"/api/v1/cohorts/{cohort_id}/enrolments", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def row_for(rows: list[dict], participant_id: int) -> dict:
    return next(r for r in rows if r["participant"]["id"] == participant_id)
