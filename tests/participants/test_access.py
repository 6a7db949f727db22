"""Who reaches participants, enrolments, attendance and talks: leaders and admins
of the office; managers read the summary only; another office sees nothing; and
nobody without a key."""

from __future__ import annotations

import pytest

from course import clock
from tests.participants.helpers import booked, cohort, enrolled, free_day, participant

# What each caller gets everywhere, and the few places that differ.
EXPECTED = {
    "manager": (403, {"summary": 200}),
    "leader_b": (404, {"list participants": 200, "my availability": 200}),
    "anonymous": (401, {}),
}


def endpoints(person: dict, course: dict, enrolment: dict, talk: dict) -> list[tuple[str, str, str, dict | None]]:
    p, c, e, t = person["id"], course["id"], enrolment["id"], talk["id"]
    today = clock.today().isoformat()
    return [
        ("list participants", "GET", "/api/v1/participants", None),
        ("read participant", "GET", f"/api/v1/participants/{p}", None),
        ("change participant", "PATCH", f"/api/v1/participants/{p}", {"name": "Ødelagt Navn"}),
        (
            "record consent",
            "POST",
            f"/api/v1/participants/{p}/consents",
            {"action": "withdrawn", "scopes": ["participation"], "date": today},
        ),
        ("set category", "PUT", f"/api/v1/participants/{p}/category", {"category": 2}),
        ("issue link", "POST", f"/api/v1/participants/{p}/link", None),
        ("revoke link", "DELETE", f"/api/v1/participants/{p}/link", None),
        ("roster", "GET", f"/api/v1/cohorts/{c}/enrolments", None),
        ("enrol", "POST", f"/api/v1/cohorts/{c}/enrolments", {"participant_id": p}),
        ("change enrolment", "PATCH", f"/api/v1/enrolments/{e}", {"status": "withdrawn", "reason": "Nei"}),
        ("set outcome", "PUT", f"/api/v1/enrolments/{e}/outcome", {"kind": "job", "date": today}),
        ("register", "GET", f"/api/v1/cohorts/{c}/sessions/1/attendance", None),
        ("mark attendance", "PUT", f"/api/v1/cohorts/{c}/sessions/1/attendance/{p}", {"status": "present"}),
        ("list talks", "GET", f"/api/v1/cohorts/{c}/talks", None),
        (
            "book talk",
            "POST",
            f"/api/v1/cohorts/{c}/talks",
            {
                "participant_id": p,
                "leader_id": talk["leader"]["id"],
                "date": talk["date"],
                "start_time": "12:00",
                "end_time": "12:45",
            },
        ),
        ("read talk", "GET", f"/api/v1/talks/{t}", None),
        ("change talk", "PATCH", f"/api/v1/talks/{t}", {"note": "Ikke din å skrive"}),
        ("plan talks", "POST", f"/api/v1/cohorts/{c}/talk-plan", {}),
        (
            "accept talks",
            "POST",
            f"/api/v1/cohorts/{c}/talk-plan/accept",
            {
                "talks": [
                    {
                        "participant_id": p,
                        "leader_id": talk["leader"]["id"],
                        "date": talk["date"],
                        "start_time": "13:00",
                        "end_time": "13:45",
                    }
                ]
            },
        ),
        ("my availability", "GET", "/api/v1/me/availability", None),
        ("summary", "GET", f"/api/v1/cohorts/{c}/summary", None),
    ]


@pytest.mark.parametrize("who", sorted(EXPECTED))
async def test_people_endpoints_answer_by_role_and_office(client, world, as_, who):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    course = await cohort(client, world, leader)
    enrolment = await enrolled(client, leader, course["id"], person["id"])
    talk = await booked(client, leader, course["id"], person["id"], world.leader, free_day(course, 0))
    await client.patch(f"/api/v1/talks/{talk['id']}", json={"note": "Privat"}, headers=leader)
    headers = {} if who == "anonymous" else await as_(who)
    default, special = EXPECTED[who]
    for name, method, path, body in endpoints(person, course, enrolment, talk):
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == special.get(name, default), (name, response.status_code, response.text)
        assert "Privat" not in response.text, name
        if response.status_code == 200 and name != "my availability":
            assert "Sølvi" not in response.text, name
    # Nothing changed behind the refusals.
    out = (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()
    assert (out["name"], len(out["consents"]), out["category"], out["link"]) == ("Sølvi Åkerø Dæhli", 1, None, None)
    assert [e["status"] for e in out["enrolments"]] == ["enrolled"]
    talks = (await client.get(f"/api/v1/cohorts/{course['id']}/talks", headers=leader)).json()
    assert [(t["id"], t["status"]) for t in talks] == [(talk["id"], "planned")]
