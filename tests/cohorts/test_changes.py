"""Changing a cohort after it is created, substitutes, guest leaders, the history of
changes and the calendars that follow them; on both engines."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, time, timedelta

import pytest

from course import clock
from course.audit.tables import AuditEvent
from course.cohorts.tables import CohortChange, Session, SessionLeader
from tests.cohorts.test_api import body, next_weekday
from tests.conftest import csrf_post, make_user, web_login
from tests.participants.helpers import NAMES, enrolled, headers_for, participant, running_cohort


async def created(client, world, headers, **changes) -> dict:
    response = await client.post("/api/v1/cohorts", json=body(world, **changes), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def keys(response) -> list[str]:
    return [e["key"] for e in response.json()["extra"]]


@pytest.mark.parametrize(("role", "status"), [("leader", 200), ("admin", 200), ("manager", 403), ("leader_b", 404)])
async def test_who_may_change_a_cohort(client, world, api_as, role, status):
    cohort = await created(client, world, await api_as("leader"))
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}", json={"title": "Klart jeg kan – høst"}, headers=await api_as(role)
    )
    assert response.status_code == status, response.text
    changed = await CohortChange.count()
    assert changed == (1 if status == 200 else 0)
    if status == 200:
        assert response.json()["title"] == "Klart jeg kan – høst"


async def test_cancelled_alone_works_as_before(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    response = await client.patch(f"/api/v1/cohorts/{cohort['id']}", json={"cancelled": True}, headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    # Every session's calendar event gets a new version, so calendars show it cancelled.
    assert {s["sequence"] for s in response.json()["sessions"]} == {1}
    back = await client.patch(f"/api/v1/cohorts/{cohort['id']}", json={"cancelled": False}, headers=headers)
    assert back.json()["status"] == "planned"


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({}, 422, "fields"),
        ({"title": "  "}, 422, "title"),
        ({"location": ""}, 422, "location"),
        ({"end_time": "08:00"}, 422, "end_time"),
        ({"start_time": "9"}, 422, "start_time"),
        ({"leader_ids": [99999]}, 422, "leader_ids"),
        ({"capacity": 0}, 400, "capacity"),
        ({"leader_ids": [1, 2, 3]}, 400, "leader_ids"),
        ({"room": "Åsen"}, 400, "room"),
    ],
)
async def test_bad_changes_name_the_field_and_change_nothing(client, world, api_as, payload, status, field):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    response = await client.patch(f"/api/v1/cohorts/{cohort['id']}", json=payload, headers=headers)
    assert response.status_code == status, response.text
    assert field in keys(response)
    assert await CohortChange.count() == 0


async def test_a_leader_of_another_office_cannot_lead_it(client, world, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}", json={"leader_ids": [world.leader_b]}, headers=headers
    )
    assert response.status_code == 422 and keys(response) == ["leader_ids"]


async def test_room_times_and_leaders_change_on_sessions_not_yet_held(client, world, api_as):
    admin = await api_as("admin")
    colleague = await make_user("tor@a.no", "leader", world.office_a, "Tor Ødegård")
    cohort = await running_cohort(client, world, admin)
    held = [s for s in cohort["sessions"] if s["date"] < clock.today().isoformat()]
    assert held, "the cohort has sessions already held"
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}",
        json={"location": "Kantina, Bragernes", "start_time": "10:00", "end_time": "13:30", "leader_ids": [colleague]},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["leader_ids"] == [colleague] and out["location"] == "Kantina, Bragernes"
    for s in out["sessions"]:
        if s["date"] < clock.today().isoformat():
            # History unchanged: the room, the times and who led it.
            assert (s["location"], s["start_time"], s["sequence"]) == ("Møterom Åsen", "09:00", 0)
            assert s["substitute_ids"] == [world.leader]
        else:
            assert (s["location"], s["start_time"], s["end_time"]) == ("Kantina, Bragernes", "10:00", "13:30")
            assert s["substitute_ids"] == [] and s["sequence"] == 1 and s["modified_at"]
    changes = (await client.get(f"/api/v1/cohorts/{cohort['id']}/changes", headers=admin)).json()
    assert changes["next_before"] is None
    [change] = changes["changes"]
    assert change["session_number"] is None and change["changed_by"] == world.admin
    assert change["changes"]["leader_ids"] == [[world.leader], [colleague]]
    assert change["changes"]["start_time"] == ["09:00", "10:00"]
    assert change["changes"]["location"] == ["Møterom Åsen", "Kantina, Bragernes"]
    event = await AuditEvent.select().where(AuditEvent.action == "cohort_changed").first()
    details = json.loads(event["details"]) if isinstance(event["details"], str) else event["details"]
    assert details["fields"] == ["end_time", "leader_ids", "location", "start_time"]
    assert "Kantina" not in str(details)


async def test_a_session_that_ended_earlier_today_keeps_its_room(client, world, api_as):
    admin = await api_as("admin")
    cohort = await running_cohort(client, world, admin)
    today = clock.today().isoformat()
    [session] = [s for s in cohort["sessions"] if s["date"] == today]
    assert session["end_time"] == "14:00"
    with clock.starting(datetime.combine(clock.today(), time(15))):
        response = await client.patch(
            f"/api/v1/cohorts/{cohort['id']}", json={"location": "Kantina, Bragernes"}, headers=admin
        )
    assert response.status_code == 200, response.text
    by_number = {s["number"]: s for s in response.json()["sessions"]}
    assert (by_number[session["number"]]["location"], by_number[session["number"]]["sequence"]) == ("Møterom Åsen", 0)
    assert by_number[session["number"] + 1]["location"] == "Kantina, Bragernes"


async def test_the_new_room_must_be_free(client, world, api_as):
    headers = await api_as("leader")
    colleague = await make_user("tor@a.no", "leader", world.office_a, "Tor Ødegård")
    await created(client, world, headers, location="Storsalen")
    other = await created(client, world, headers, leader_ids=[colleague], location="Lillesalen")
    response = await client.patch(f"/api/v1/cohorts/{other['id']}", json={"location": "storsalen"}, headers=headers)
    assert response.status_code == 409, response.text
    assert response.json()["extra"][0]["key"] == "location"
    busy = await client.patch(f"/api/v1/cohorts/{other['id']}", json={"leader_ids": [world.leader]}, headers=headers)
    assert busy.status_code == 409 and busy.json()["extra"][0]["key"] == "leader_ids"
    assert await CohortChange.count() == 0


async def test_capacity_not_below_the_places_taken_and_the_waiting_list_offer(client, world, api_as):
    leader = await api_as("leader")
    cohort = await created(client, world, leader, capacity=2)
    people = [await participant(client, leader, world, name=n) for n in NAMES[:5]]
    places = [await enrolled(client, leader, cohort["id"], p["id"]) for p in people]
    assert [p["status"] for p in places] == ["enrolled", "enrolled", "waiting", "waiting", "waiting"]
    path = f"/api/v1/cohorts/{cohort['id']}"
    low = await client.patch(path, json={"capacity": 1}, headers=leader)
    assert low.status_code == 422 and keys(low) == ["capacity"]
    raised = await client.patch(path, json={"capacity": 4}, headers=leader)
    assert raised.status_code == 200 and raised.json()["waiting_list_offer"] == 2
    # Nobody is invited until the leader confirms.
    assert (await client.get(f"/api/v1/cohorts/{cohort['id']}/enrolments", headers=leader)).json()[2][
        "status"
    ] == "waiting"
    manager = await client.post(f"{path}/waiting-list/invite", headers=await api_as("manager"))
    assert manager.status_code == 403
    other = await client.post(f"{path}/waiting-list/invite", headers=await api_as("leader_b"))
    assert other.status_code == 404
    invited = await client.post(f"{path}/waiting-list/invite", headers=leader)
    assert invited.status_code == 200, invited.text
    assert invited.json()["invited"] == [places[2]["id"], places[3]["id"]]
    assert invited.json()["places_left"] == 0
    statuses = {r["enrolment_id"]: r["status"] for r in (await client.get(f"{path}/enrolments", headers=leader)).json()}
    assert [statuses[p["id"]] for p in places] == ["enrolled", "enrolled", "invited", "invited", "waiting"]
    again = await client.patch(path, json={"capacity": 4}, headers=leader)
    assert again.json()["waiting_list_offer"] == 0


async def test_one_session_gets_a_room_a_substitute_and_a_guest_leader(client, world, api_as):
    leader = await api_as("leader")
    colleague = await make_user("tor@a.no", "leader", world.office_a, "Tor Ødegård")
    cohort = await created(client, world, leader)
    path = f"/api/v1/cohorts/{cohort['id']}/sessions/3"
    response = await client.patch(
        path,
        json={"location": "Karrieresenteret, Åssiden", "leader_ids": [colleague], "guest_leader": "Åse Li, NAV Øvre"},
        headers=leader,
    )
    assert response.status_code == 200, response.text
    session = response.json()["sessions"][2]
    assert session["location"] == "Karrieresenteret, Åssiden" and session["substitute_ids"] == [colleague]
    assert session["guest_leader"] == "Åse Li, NAV Øvre" and session["sequence"] == 1
    assert response.json()["sessions"][3]["sequence"] == 0
    [change] = (await client.get(f"/api/v1/cohorts/{cohort['id']}/changes", headers=leader)).json()["changes"]
    assert change["session_number"] == 3
    assert change["changes"]["leader_ids"] == [[world.leader], [colleague]]
    back = await client.patch(path, json={"leader_ids": []}, headers=leader)
    assert back.json()["sessions"][2]["substitute_ids"] == [] and back.json()["sessions"][2]["sequence"] == 2
    assert await SessionLeader.count() == 0
    for bad, field in (({"guest_leader": "x" * 201}, "guest_leader"), ({"leader_ids": [world.leader_b]}, "leader_ids")):
        refused = await client.patch(path, json=bad, headers=leader)
        assert refused.status_code == 422 and keys(refused) == [field]
    assert (await client.patch(path, json={"location": "Åsen"}, headers=await api_as("leader_b"))).status_code == 404
    assert (await client.patch(path, json={"location": "Åsen"}, headers=await api_as("manager"))).status_code == 403


async def test_the_participants_page_and_calendar_follow_a_changed_session(client, world, api_as):
    leader = await api_as("leader")
    cohort = await created(client, world, leader)
    person = await participant(client, leader, world, name="Åshild Kværnø")
    await enrolled(client, leader, cohort["id"], person["id"])
    link = await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)
    own = "/p/" + link.json()["url"].rsplit("/p/", 1)[1]
    changed = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/7",
        json={"location": "Karrieresenteret, Åssiden", "guest_leader": "Åse Li, Oppfølgingstjenesten"},
        headers=leader,
    )
    assert changed.status_code == 200, changed.text
    page = (await client.get(own)).text
    assert "Gjesteleder: Åse Li, Oppfølgingstjenesten" in page and "Karrieresenteret, Åssiden" in page
    ics = (await client.get(own + "/calendar.ics")).text.replace("\r\n ", "")
    event = next(e for e in ics.split("BEGIN:VEVENT") if f"kjk-cohort-{cohort['id']}-session-7@" in e)
    assert "SEQUENCE:1" in event and "LAST-MODIFIED:" in event and "Oppfølgingstjenesten" in event
    untouched = next(e for e in ics.split("BEGIN:VEVENT") if f"kjk-cohort-{cohort['id']}-session-6@" in e)
    assert "SEQUENCE:0" in untouched and "LAST-MODIFIED:" not in untouched


async def test_a_substitute_who_is_busy_is_refused(client, world, api_as):
    leader = await api_as("leader")
    colleague = await make_user("tor@a.no", "leader", world.office_a, "Tor Ødegård")
    mine = await created(client, world, leader)
    await created(client, world, leader, leader_ids=[colleague], location="Lillesalen")
    response = await client.patch(
        f"/api/v1/cohorts/{mine['id']}/sessions/1", json={"leader_ids": [colleague]}, headers=leader
    )
    assert response.status_code == 409 and response.json()["extra"][0]["key"] == "leader_ids"
    period = await client.post(
        f"/api/v1/cohorts/{mine['id']}/substitutes",
        json={
            "from": mine["start_date"],
            "to": mine["end_date"],
            "absent_id": world.leader,
            "substitute_id": colleague,
        },
        headers=leader,
    )
    assert period.status_code == 409


async def test_a_substitute_for_a_period_and_the_calendars(client, world, api_as):
    leader = await api_as("leader")
    colleague = await make_user("tor@a.no", "leader", world.office_a, "Tor Ødegård")
    cohort = await created(client, world, leader)
    first, last = cohort["sessions"][2]["date"], cohort["sessions"][4]["date"]
    response = await client.post(
        f"/api/v1/cohorts/{cohort['id']}/substitutes",
        json={"from": first, "to": last, "absent_id": world.leader, "substitute_id": colleague},
        headers=leader,
    )
    assert response.status_code == 200, response.text
    subs = [s["substitute_ids"] for s in response.json()["sessions"]]
    assert subs == [[], [], [colleague], [colleague], [colleague], [], [], []]
    assert len((await client.get(f"/api/v1/cohorts/{cohort['id']}/changes", headers=leader)).json()["changes"]) == 3
    # The substitute's feed has those three sessions; the absent leader's has the other five.
    mine = (await client.post("/api/v1/me/calendar-feed", headers=leader)).json()["url"]
    theirs = (await client.post("/api/v1/me/calendar-feed", headers=await headers_for(colleague))).json()["url"]
    mine_ics = (await client.get(mine.removeprefix("http://testserver.local"))).text
    theirs_ics = (await client.get(theirs.removeprefix("http://testserver.local"))).text
    assert theirs_ics.count("BEGIN:VEVENT") == 3 and mine_ics.count("BEGIN:VEVENT") == 5
    assert "session-3@" in theirs_ics and "session-3@" not in mine_ics
    assert "SEQUENCE:1" in theirs_ics and "LAST-MODIFIED:" in theirs_ics
    assert "SEQUENCE:0" in mine_ics
    bad = await client.post(
        f"/api/v1/cohorts/{cohort['id']}/substitutes",
        json={"from": last, "to": first, "absent_id": world.leader, "substitute_id": world.leader},
        headers=leader,
    )
    assert bad.status_code == 422 and set(keys(bad)) == {"to", "substitute_id"}
    nobody = await client.post(
        f"/api/v1/cohorts/{cohort['id']}/substitutes",
        json={"from": first, "to": last, "absent_id": world.admin, "substitute_id": colleague},
        headers=leader,
    )
    assert nobody.status_code == 422 and keys(nobody) == ["absent_id"]


async def test_a_substitute_finds_the_cohort_on_their_start_page_with_its_attendance_lists(client, world, api_as):
    leader = await api_as("leader")
    colleague = await make_user("tor@a.no", "leader", world.office_a, "Tor Ødegård")
    cohort = await created(client, world, leader, title="Klart jeg kan – Åssiden")
    assert (await web_login(client, "tor@a.no")).status_code in (302, 303)
    assert "Klart jeg kan – Åssiden" not in (await client.get("/")).text
    response = await client.patch(
        f"/api/v1/cohorts/{cohort['id']}/sessions/6", json={"leader_ids": [colleague]}, headers=leader
    )
    assert response.status_code == 200, response.text
    assert "Klart jeg kan – Åssiden" in (await client.get("/")).text
    page = (await client.get(f"/cohorts/{cohort['id']}")).text
    assert f"/attendance/export.pdf?cohort_id={cohort['id']}" in page


async def test_a_change_made_meanwhile_is_not_overwritten(client, world, api_as, monkeypatch):
    from course.cohorts import editing

    leader = await api_as("leader")
    colleague = await make_user("tor@a.no", "leader", world.office_a, "Tor Ødegård")
    cohort = await created(client, world, leader)
    taken = editing.lock

    async def another_writer_first(*keys):
        # Someone else's change lands between this request's reading and its lock.
        await taken(*keys)
        await Session.update({Session.location: "Lillesalen"}).where(
            Session.cohort == cohort["id"], Session.number == 8
        )

    monkeypatch.setattr(editing, "lock", another_writer_first)
    response = await client.patch(f"/api/v1/cohorts/{cohort['id']}", json={"leader_ids": [colleague]}, headers=leader)
    assert response.status_code == 409, response.text
    monkeypatch.undo()
    again = await client.get(f"/api/v1/cohorts/{cohort['id']}", headers=leader)
    assert again.json()["leader_ids"] == [world.leader] and again.json()["sessions"][7]["location"] != "Lillesalen"
    assert await CohortChange.count() == 0


async def test_moving_a_session_raises_its_calendar_version(client, world, api_as):
    leader = await api_as("leader")
    cohort = await created(client, world, leader)
    path = f"/api/v1/cohorts/{cohort['id']}/sessions/1"
    await client.patch(path, json={"start_time": "10:00"}, headers=leader)
    await client.patch(path, json={"cancelled": True}, headers=leader)
    ics = (await client.get(f"/api/v1/cohorts/{cohort['id']}/calendar.ics", headers=leader)).text
    first = ics.split("BEGIN:VEVENT")[1]
    assert "SEQUENCE:2" in first and "LAST-MODIFIED:" in first and "STATUS:CANCELLED" in first
    assert (await Session.select(Session.sequence).where(Session.number == 2).first())["sequence"] == 0


async def test_the_page_shows_the_history_newest_first_with_names(client, world, api_as, login_as):
    leader = await api_as("leader")
    colleague = await make_user("tor@a.no", "leader", world.office_a, "Tor Ødegård")
    cohort = await created(client, world, leader)
    path = f"/api/v1/cohorts/{cohort['id']}"
    await client.patch(path, json={"leader_ids": [world.leader, colleague]}, headers=leader)
    for n in range(12):
        await client.patch(path, json={"title": f"Kurs nummer {n}"}, headers=leader)
    await login_as("manager")
    page = (await client.get(f"/cohorts/{cohort['id']}")).text
    assert "Endringer" in page
    assert "Kurs nummer 11" in page and "Kurs nummer 10 → Kurs nummer 11" in page
    assert "Kurs nummer 0 →" not in page  # bounded: the latest ten only
    assert page.index("Kurs nummer 11") < page.index("Kurs nummer 9 →")
    assert f"/cohorts/{cohort['id']}/changes" in page
    everything = (await client.get(f"/cohorts/{cohort['id']}/changes")).text
    assert "Åse Ødegård og Tor Ødegård" in everything and "Kurs nummer 0 →" in everything
    other = await client.get(f"/api/v1/cohorts/{cohort['id']}/changes", headers=await api_as("leader_b"))
    assert other.status_code == 404
    oldest = await client.get(f"{path}/changes?limit=5", headers=leader)
    assert len(oldest.json()["changes"]) == 5 and oldest.json()["next_before"]
    rest = await client.get(f"{path}/changes?limit=100&before={oldest.json()['next_before']}", headers=leader)
    assert len(rest.json()["changes"]) == 8 and rest.json()["next_before"] is None


async def test_changing_a_cohort_through_its_form(client, world, api_as, login_as):
    leader = await api_as("leader")
    cohort = await created(client, world, leader)
    await login_as("leader")
    form = f"/cohorts/{cohort['id']}/edit"
    values = {
        "title": "Klart jeg kan – Åsen",
        "capacity": "14",
        "location": "Møterom Ørnen",
        "start_time": "09:00",
        "end_time": "14:00",
        "leader_ids": str(world.leader),
    }
    response = await csrf_post(client, form, values)
    assert response.status_code in (302, 303), response.text
    page = (await client.get(f"/cohorts/{cohort['id']}")).text
    assert "Klart jeg kan – Åsen" in page and "Møterom Ørnen" in page
    bad = await csrf_post(client, form, {**values, "capacity": "0"})
    assert bad.status_code == 422 and "1 til 30" in bad.text


@pytest.mark.parametrize("path", ["edit", "substitute"])
async def test_managers_cannot_open_the_change_forms(client, world, login_as, api_as, path):
    cohort = await created(client, world, await api_as("leader"))
    await login_as("manager")
    assert (await client.get(f"/cohorts/{cohort['id']}/{path}")).status_code == 403


async def test_ny_retning_has_career_guidance_and_asks_for_guest_leaders(client, world, api_as, login_as):
    leader = await api_as("leader")
    cohort = await created(client, world, leader, variant="ny_retning")
    assert [s["module"] for s in cohort["sessions"]] == [1, 2, 3, 4, 8, 9, 9, 10]
    assert cohort["sessions"][5]["module_name"] == "Career guidance"
    assert cohort["sessions"][7]["module_name"] == "Job-seeker course"
    await login_as("leader")
    page = (await client.get(f"/cohorts/{cohort['id']}")).text
    assert "Karriereveiledning" in page and "Jobbsøkerkurs" in page
    assert "Gjesteledere for siste tredel" in page
    for number in (6, 7, 8):
        await client.patch(
            f"/api/v1/cohorts/{cohort['id']}/sessions/{number}",
            json={"guest_leader": "Øystein Å, Oppfølgingstjenesten"},
            headers=leader,
        )
    page = (await client.get(f"/cohorts/{cohort['id']}")).text
    assert "Gjesteledere for siste tredel" not in page and "Øystein Å, Oppfølgingstjenesten" in page
    ics = (await client.get(f"/cohorts/{cohort['id']}/calendar.ics")).text
    assert "Gjesteleder: Øystein Å\\, Oppfølgingstjenesten" in ics
    kjk = await created(
        client, world, leader, start_date=next_weekday(2, clock.today() + timedelta(weeks=6)).isoformat()
    )
    assert [s["module"] for s in kjk["sessions"]] == list(range(1, 9))


async def test_the_term_planner_defaults_for_ny_retning(client, world, api_as):
    leader = await api_as("leader")
    plan = body(world, variant="ny_retning")
    plan.pop("capacity")
    response = await client.post("/api/v1/cohorts/term-plan", json=plan, headers=leader)
    assert response.status_code == 200, response.text
    starts = [p["start_date"] for p in response.json()]
    assert len(starts) == 3
    days = [date.fromisoformat(s) for s in starts]
    assert all(16 * 7 <= (b - a).days <= 19 * 7 for a, b in itertools.pairwise(days)), days
    accepted = await client.post(
        "/api/v1/cohorts/term-plan/accept", json={**plan, "start_dates": starts[:1]}, headers=leader
    )
    assert accepted.status_code == 201 and accepted.json()[0]["capacity"] == 10
    kjk = body(world)
    kjk.pop("capacity")
    four = await client.post("/api/v1/cohorts/term-plan", json=kjk, headers=leader)
    assert len(four.json()) == 4
