"""Follow-ups at 3 and 6 months after the course: recorded per enrolment and point,
audited without their content, and the leader's list of those due."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from course import clock
from course.audit.tables import AuditEvent
from course.participants.follow_up_rules import due_day
from course.participants.tables import FollowUp
from tests.conftest import csrf_post
from tests.participants.conftest import TODAY
from tests.participants.helpers import NAMES, enrolled, error_keys, participant, running_cohort


async def ended_cohort(client, world, as_, weeks_ago: int = 22, people: int = 1, **changes):
    """A cohort of office A that started ``weeks_ago`` weeks before today (so it has
    ended), with ``people`` enrolled while it ran. Answers the cohort and the enrolments."""
    admin, leader = await as_("admin"), await as_("leader")
    with clock.starting(TODAY - timedelta(weeks=weeks_ago)):
        course = await running_cohort(client, world, admin, **changes)
        enrolments = []
        for name in NAMES[:people]:
            person = await participant(client, leader, world, name=name)
            enrolments.append(await enrolled(client, leader, course["id"], person["id"]))
    response = await client.get(f"/api/v1/cohorts/{course['id']}", headers=leader)
    return response.json(), enrolments


def put(client, headers, enrolment_id, point, **body):
    return client.put(f"/api/v1/enrolments/{enrolment_id}/follow-ups/{point}", json=body, headers=headers)


async def test_a_follow_up_is_recorded_changed_and_removed_with_its_author(client, world, as_):
    leader = await as_("leader")
    course, [enrolment] = await ended_cohort(client, world, as_)
    end = date.fromisoformat(course["end_date"])
    url = f"/api/v1/enrolments/{enrolment['id']}/follow-ups"
    first = (await client.get(url, headers=leader)).json()
    assert first["follow_ups"] == [] and first["may_follow_up"] is True
    assert first["cohort_end"] == end.isoformat()
    assert first["due"]["point"] == "3m" and first["due"]["due_on"] == due_day(end, "3m").isoformat()

    response = await put(
        client,
        leader,
        enrolment["id"],
        "3m",
        kind="work_practice",
        date=TODAY.isoformat(),
        note="Praksis på Bærum sykehus",
    )
    assert response.status_code == 200, response.text
    body = response.json()
    [saved] = body["follow_ups"]
    assert (saved["point"], saved["kind"], saved["note"]) == ("3m", "work_practice", "Praksis på Bærum sykehus")
    assert saved["changed_by"] == {"id": world.leader, "name": "Åse Ødegård"}
    assert body["due"] is None

    response = await put(client, leader, enrolment["id"], "3m", kind="school", date=TODAY.isoformat())
    assert response.status_code == 200
    assert [(f["point"], f["kind"], f["note"]) for f in response.json()["follow_ups"]] == [("3m", "school", "")]
    assert await FollowUp.count() == 1

    response = await client.delete(f"{url}/3m", headers=leader)
    assert response.status_code == 204
    assert await FollowUp.count() == 0
    assert (await client.delete(f"{url}/3m", headers=leader)).status_code == 404


async def test_changes_are_audited_with_ids_and_field_names_only(client, world, as_):
    leader = await as_("leader")
    _, [enrolment] = await ended_cohort(client, world, as_)
    await put(
        client,
        leader,
        enrolment["id"],
        "3m",
        kind="treatment",
        date=TODAY.isoformat(),
        note="Rusbehandling på Østmarka",
    )
    await put(client, leader, enrolment["id"], "3m", kind="treatment", date=TODAY.isoformat(), note="Ny merknad")
    await client.get(f"/api/v1/enrolments/{enrolment['id']}/follow-ups", headers=leader)
    await client.delete(f"/api/v1/enrolments/{enrolment['id']}/follow-ups/3m", headers=leader)
    events = await AuditEvent.select().where(AuditEvent.action.like("follow_up%")).order_by(AuditEvent.id)
    assert [(e["action"], json.loads(e["details"])) for e in events] == [
        ("follow_up_set", {"enrolment": enrolment["id"], "point": "3m", "fields": ["date", "kind", "note"]}),
        ("follow_up_set", {"enrolment": enrolment["id"], "point": "3m", "fields": ["note"]}),
        ("follow_ups_read", {"enrolment": enrolment["id"]}),
        ("follow_up_deleted", {"enrolment": enrolment["id"], "point": "3m"}),
    ]
    assert all(e["participant"] == enrolment["participant"]["id"] and e["actor"] == world.leader for e in events)
    text = str(events)
    assert "treatment" not in text and "Østmarka" not in text and "merknad" not in text


async def test_bad_follow_ups_are_refused_naming_the_field(client, world, as_):
    leader = await as_("leader")
    course, [enrolment] = await ended_cohort(client, world, as_)
    end = date.fromisoformat(course["end_date"])
    today = TODAY.isoformat()
    for body, key in (
        ({"kind": "jobb", "date": today}, "kind"),
        ({"kind": "job", "date": (end - timedelta(days=1)).isoformat()}, "date"),
        ({"kind": "job", "date": (TODAY + timedelta(days=1)).isoformat()}, "date"),
        ({"kind": "job", "date": "15.09.2027"}, "date"),
        ({"kind": "job", "date": today, "note": "x" * 2001}, "note"),
        ({"kind": "job", "date": today, "note": "bell\x07"}, "note"),
    ):
        response = await put(client, leader, enrolment["id"], "3m", **body)
        assert response.status_code == 422, (body, response.text)
        assert error_keys(response) == {key}, body
    response = await put(client, leader, enrolment["id"], "3m", kind="job", date=today, colour="blå")
    assert response.status_code == 400 and "colour" in error_keys(response)
    response = await put(client, leader, enrolment["id"], "9m", kind="job", date=today)
    assert response.status_code in (400, 404)
    assert await FollowUp.count() == 0


async def test_only_those_who_took_part_in_an_ended_cohort_are_followed_up(client, world, as_):
    leader = await as_("leader")
    # A cohort still running: the date would be before its end.
    course = await running_cohort(client, world, await as_("admin"))
    enrolment = await enrolled(client, leader, course["id"], (await participant(client, leader, world))["id"])
    state = (await client.get(f"/api/v1/enrolments/{enrolment['id']}/follow-ups", headers=leader)).json()
    assert state["may_follow_up"] is False and state["due"] is None
    response = await put(client, leader, enrolment["id"], "3m", kind="job", date=TODAY.isoformat())
    assert response.status_code == 422 and error_keys(response) == {"date"}
    # Someone who withdrew did not take part.
    _, [gone] = await ended_cohort(client, world, as_)
    with clock.starting(TODAY - timedelta(weeks=21)):
        changed = await client.patch(
            f"/api/v1/enrolments/{gone['id']}", json={"status": "withdrawn", "reason": "Flyttet"}, headers=leader
        )
        assert changed.status_code == 200, changed.text
    response = await put(client, leader, gone["id"], "3m", kind="moved", date=TODAY.isoformat())
    assert response.status_code == 422 and error_keys(response) == {"kind"}


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [("leader", 200, 200), ("admin", 200, 200), ("leader_b", 404, 404), ("manager", 403, 403), ("manager_b", 403, 403)],
)
async def test_who_reads_and_writes_follow_ups(client, world, as_, role, read, write):
    _, [enrolment] = await ended_cohort(client, world, as_)
    headers = await as_(role)
    url = f"/api/v1/enrolments/{enrolment['id']}/follow-ups"
    assert (await client.get(url, headers=headers)).status_code == read
    response = await put(client, headers, enrolment["id"], "6m", kind="job", date=TODAY.isoformat())
    assert response.status_code == write
    assert await FollowUp.count() == (1 if write == 200 else 0)
    if write != 200:
        await put(client, await as_("leader"), enrolment["id"], "6m", kind="job", date=TODAY.isoformat())
    assert (await client.delete(f"{url}/6m", headers=headers)).status_code == (204 if write == 200 else write)
    assert (await client.get("/api/v1/follow-ups/due", headers=headers)).status_code == (
        403 if role.startswith("manager") else 200
    )


async def test_the_due_list_holds_the_office_s_follow_ups_due_longest_first(client, world, as_):
    leader, leader_b = await as_("leader"), await as_("leader_b")
    older, [a] = await ended_cohort(client, world, as_, weeks_ago=30)  # ended about 6 months ago
    newer, [b, c] = await ended_cohort(client, world, as_, weeks_ago=19, people=2)  # about 3 months ago
    recent, _ = await ended_cohort(client, world, as_, weeks_ago=8)  # ended a month ago: nothing due
    ancient, _ = await ended_cohort(client, world, as_, weeks_ago=60)  # long over: given up
    due = (await client.get("/api/v1/follow-ups/due", headers=leader)).json()
    listed = [(d["enrolment_id"], d["point"]) for d in due["follow_ups"]]
    # The 3-month points fell due in August, the 6-month point in September.
    assert listed[-1] == (a["id"], "6m")
    assert {e for e, _ in listed[:2]} == {b["id"], c["id"]} and {p for _, p in listed[:2]} == {"3m"}
    assert (due["total"], due["more"]) == (3, 0)
    assert due["follow_ups"][1]["participant"]["name"] in NAMES
    assert [d["due_on"] for d in due["follow_ups"]] == sorted(d["due_on"] for d in due["follow_ups"])
    # Recording one takes it off the list; another office sees none of it.
    await put(client, leader, b["id"], "3m", kind="education", date=TODAY.isoformat())
    due = (await client.get("/api/v1/follow-ups/due", headers=leader)).json()
    assert b["id"] not in [d["enrolment_id"] for d in due["follow_ups"]] and due["total"] == 2
    assert (await client.get("/api/v1/follow-ups/due", headers=leader_b)).json() == {
        "follow_ups": [],
        "total": 0,
        "more": 0,
    }


async def test_the_enrolment_page_fetches_the_follow_ups_and_its_forms_save_them(client, world, as_, login_as):
    course, [enrolment] = await ended_cohort(client, world, as_)
    await login_as("leader")
    page = (await client.get(f"/enrolments/{enrolment['id']}")).text
    assert f'hx-get="/enrolments/{enrolment["id"]}/follow-ups"' in page
    fragment = await client.get(f"/enrolments/{enrolment['id']}/follow-ups", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Oppfølging etter kurset" in fragment.text and "3 måneder etter" in fragment.text
    full = await client.get(f"/enrolments/{enrolment['id']}/follow-ups")
    assert "<html" in full.text and course["title"] in full.text
    url = f"/enrolments/{enrolment['id']}/follow-ups/3m"
    page = f"/enrolments/{enrolment['id']}/follow-ups"
    response = await csrf_post(client, url, {"kind": "job", "date": "2027-13-01", "note": ""}, page=page)
    assert response.status_code == 422 and 'id="fu-3m-date-error"' in response.text
    response = await csrf_post(
        client, url, {"kind": "job", "date": TODAY.isoformat(), "note": "Fast jobb på Ås"}, page=page
    )
    assert response.status_code in (302, 303), response.text
    shown = (await client.get(page)).text
    assert "Ordinær jobb" in shown or "Fast jobb på Ås" in shown
    response = await csrf_post(client, f"{url}/delete", {}, page=page)
    assert response.status_code in (302, 303) and await FollowUp.count() == 0


async def test_the_leaders_start_page_lists_the_follow_ups_due(client, world, as_, login_as):
    _, [enrolment] = await ended_cohort(client, world, as_, weeks_ago=19)
    await login_as("leader")
    home = (await client.get("/")).text
    assert "Oppfølging som forfaller" in home and f"/enrolments/{enrolment['id']}#follow-ups" in home
    assert NAMES[0] in home
