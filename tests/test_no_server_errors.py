"""Inputs that once made a server error, each now a 4xx naming the field (or a page that
says what is wrong with the value), on both engines: ids that are not numbers, dates at
the ends of the calendar, JSON nested too deep, a form sent to the JSON API, a
document saved without its version."""

from __future__ import annotations

import json
import re

import pytest

from course import clock
from tests.cohorts.conftest import TODAY
from tests.cohorts.test_api import body
from tests.conftest import EMAILS, csrf_from, web_login
from tests.documents.conftest import SOLVI, cohort_with

API = "/api/v1"


@pytest.fixture(autouse=True)
def today():
    with clock.starting(TODAY):
        yield TODAY


def keys(response) -> list[str]:
    return [e["key"] for e in response.json().get("extra", [])]


@pytest.mark.parametrize("path", ["/cohorts", "/cohorts/term-plan", "/cohorts/term-plan/accept"])
async def test_leader_ids_that_are_not_numbers_are_named(client, world, api_as, path):
    headers = await api_as("admin")
    for leaders in ([{}], [[]], [{"å": 1}], [world.leader, {}]):
        response = await client.post(API + path, json=body(world, leader_ids=leaders), headers=headers)
        assert response.status_code in (400, 422), response.text
        assert any(k.startswith("leader_ids") for k in keys(response)), response.text


async def test_a_cohort_starting_at_the_end_of_the_calendar_is_refused(client, world, api_as, login_as):
    headers = await api_as("admin")
    for start in ("9999-12-28", "9999-12-30", "0001-01-02", "1999-12-28", "2101-01-04"):
        for path in ("/cohorts", "/cohorts/term-plan", "/cohorts/term-plan/accept"):
            extra = {"start_dates": [start]} if path.endswith("accept") else {}
            response = await client.post(API + path, json={**body(world, start_date=start), **extra}, headers=headers)
            assert response.status_code == 422, (start, path, response.text)
            assert "start_date" in keys(response) or "start_dates" in keys(response), response.text
    await web_login(client, EMAILS["admin"])
    form_page = await client.get("/cohorts/new")
    token = csrf_from(form_page.text)
    form = {
        "title": "Klart jeg kan – Ørsta",
        "variant": "kjk",
        "start_date": "9999-12-28",
        "weekdays": ["1", "3"],
        "start_time": "09:00",
        "end_time": "14:00",
        "location": "Møterom Åsen",
        "leader_ids": [str(world.leader)],
        "capacity": "12",
        "_csrf_token": token,
    }
    for path in ("/cohorts/new", "/cohorts/plan", "/cohorts/plan/accept"):
        extra = {"start_dates": ["9999-12-28"]} if path.endswith("accept") else {}
        page = await client.post(path, data={**form, **extra})
        assert page.status_code == 422, (path, page.status_code)
        assert "9999" in page.text or "2100" in page.text, path


@pytest.mark.parametrize("quarter", ["9999-Q4", "0000-Q1", "1999-Q4", "2101-Q1"])
async def test_a_quarter_at_the_end_of_the_calendar_is_named(client, world, api_as, quarter):
    headers = await api_as("admin")
    for path in ("/reports/evaluations", "/reports/outcomes"):
        response = await client.get(API + path, params={"quarter": quarter}, headers=headers)
        assert response.status_code == 422, (path, response.text)
        assert keys(response) == ["quarter"], response.text
    for when in ({"from": "9999-12-31"}, {"to": "0001-01-01"}):
        response = await client.get(API + "/reports/evaluations", params=when, headers=headers)
        assert response.status_code == 422 and keys(response) == list(when), response.text
    await web_login(client, EMAILS["admin"])
    for path in ("/reports/evaluations", "/reports/evaluations.pdf", "/reports/outcomes", "/reports/outcomes.pdf"):
        page = await client.get(path, params={"quarter": quarter})
        assert page.status_code == 422, (path, page.status_code)
        assert 'href="#quarter"' in page.text or 'id="quarter"' in page.text, path


@pytest.mark.parametrize(
    "params",
    [
        {"view": "month", "date": "9999-12-31"},
        {"view": "week", "date": "0001-01-01"},
        {"view": "week", "date": "9999-12-31"},
        {"view": "month", "date": "0001-01-01"},
        {"view": "day", "date": "9999-12-31"},
    ],
)
async def test_the_schedule_at_the_end_of_the_calendar_is_a_page(client, login_as, params):
    await login_as("leader")
    page = await client.get("/schedule", params=params)
    assert page.status_code == 422, page.status_code
    assert "<code>date</code>: Oppgi en dato mellom årene 2000 og 2100." in page.text


def nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


async def test_json_nested_too_deep_is_a_400_naming_the_body_or_the_field(client, world, api_as):
    headers = {**await api_as("admin"), "Content-Type": "application/json"}
    deep_list = nested(5000)
    deep_title = b'{"title":' * 5000 + b"1" + b"}" * 5000
    deep_content = b'{"content":{"about_me":' + nested(5000) + b"}}"
    for path, method in (("/cohorts", "POST"), ("/closures", "POST"), ("/auth/token", "POST"), ("/offices/1", "PATCH")):
        response = await client.request(method, API + path, content=deep_list, headers=headers)
        assert response.status_code == 400 and keys(response) == ["body"], (path, response.text)
    response = await client.post(API + "/cohorts", content=deep_title, headers=headers)
    assert response.status_code == 400 and keys(response) == ["title"], response.text
    response = await client.put(API + "/enrolments/1/cv", content=deep_content, headers=headers)
    assert response.status_code == 400 and keys(response) == ["content.about_me"], response.text


async def test_a_form_sent_to_the_json_api_is_415(client, world, api_as):
    headers = await api_as("admin")
    response = await client.post(API + "/cohorts", data={"title": "Ås", "variant": "kjk"}, headers=headers)
    assert response.status_code == 415, response.text
    assert response.json()["status_code"] == 415 and keys(response) == ["body"]
    as_text = await client.post(
        API + "/cohorts", content=json.dumps(body(world)), headers={**headers, "Content-Type": "text/plain"}
    )
    assert as_text.status_code == 415, as_text.text
    # JSON with its charset is read as JSON.
    fine = await client.post(
        API + "/cohorts",
        content=json.dumps(body(world)).encode(),
        headers={**headers, "Content-Type": "application/json; charset=utf-8"},
    )
    assert fine.status_code == 201, fine.text


# One rule for every timestamp of the API: RFC 3339 in UTC, with Z.
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


async def test_a_document_saved_without_its_version_is_refused(client, world, api_as):
    setup = await cohort_with(client, world, api_as)
    leader = await api_as("leader")
    e = setup.enrolment()
    for kind, content in (("cv", {"about_me": "Kjører truck i Ålesund"}), ("plan", {"main_goal": "Fagbrev på Øra"})):
        missing = await client.put(f"{API}/enrolments/{e}/{kind}", json={"content": content}, headers=leader)
        assert missing.status_code == 422 and keys(missing) == ["version"], missing.text
        first = await client.put(
            f"{API}/enrolments/{e}/{kind}", json={"content": content, "version": 0}, headers=leader
        )
        assert first.status_code == 200 and first.json()["version"] == 1, first.text
        # Still refused once there is a version to clash with; nothing is saved over it.
        again = await client.put(f"{API}/enrolments/{e}/{kind}", json={"content": content}, headers=leader)
        assert again.status_code == 422 and keys(again) == ["version"], again.text
        stale = await client.put(
            f"{API}/enrolments/{e}/{kind}", json={"content": content, "version": 0}, headers=leader
        )
        assert stale.status_code == 409 and keys(stale) == ["version"], stale.text
        read = await client.get(f"{API}/enrolments/{e}/{kind}", headers=leader)
        assert read.json()["version"] == 1


def timestamps(value, found: dict[str, str], where: str = "") -> dict[str, str]:
    """Every field of a JSON answer that holds a date and a time, by its path."""
    if isinstance(value, dict):
        for key, inner in value.items():
            timestamps(inner, found, f"{where}.{key}")
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            timestamps(inner, found, f"{where}.{n}")
    elif isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d", value):
        found[where] = value
    return found


async def test_every_timestamp_is_rfc3339_in_utc(client, world, api_as):
    setup = await cohort_with(client, world, api_as)
    leader = await api_as("leader")
    e, person = setup.enrolment(), setup.people[SOLVI]["id"]
    saved_cv = await client.put(
        f"{API}/enrolments/{e}/cv", json={"content": {"about_me": "Ål"}, "version": 0}, headers=leader
    )
    link = await client.post(f"{API}/participants/{person}/link", headers=leader)
    found: dict[str, str] = {}
    for name, response in (
        ("cv", saved_cv),
        ("link", link),
        ("tokens", await client.get(f"{API}/auth/tokens", headers=leader)),
        ("versions", await client.get(f"{API}/enrolments/{e}/cv/versions", headers=leader)),
        ("participant", await client.get(f"{API}/participants/{person}", headers=leader)),
        ("audit", await client.get(f"{API}/audit", headers=await api_as("admin"))),
    ):
        assert response.status_code in (200, 201), response.text
        timestamps(response.json(), found, name)
    for field in (
        "cv.updated_at",
        "link.expires_at",
        "tokens.0.created_at",
        "tokens.0.last_used_at",
        "versions.0.created_at",
        "audit.events.0.at",
    ):
        assert field in found, sorted(found)
    wrong = {field: value for field, value in found.items() if not RFC3339_UTC.match(value)}
    assert wrong == {}
