"""Attendance: the register, marks, rates, and the warning after two missed sessions."""

from __future__ import annotations

import pytest

from course.cohorts.tables import Session
from course.participants.tables import Attendance
from tests.conftest import make_user
from tests.participants.helpers import (
    NAMES,
    enrolled,
    error_keys,
    headers_for,
    mark,
    participant,
    roster,
    row_for,
    running_cohort,
)


@pytest.fixture
async def course(client, world, as_):
    """A cohort under way since last Monday (sessions 1 and 2 are past, 8 ahead),
    with three enrolled participants; answers (headers, cohort, people)."""
    leader = await as_("leader")
    out = await running_cohort(client, world, await as_("admin"))
    people = [await participant(client, leader, world, name=n) for n in NAMES[:3]]
    for p in people:
        await enrolled(client, leader, out["id"], p["id"])
    return leader, out, people


async def test_the_register_holds_those_enrolled_and_nobody_else(client, world, course):
    leader, out, people = course
    invited = await participant(client, leader, world, name="Tåle Invitert")
    await enrolled(client, leader, out["id"], invited["id"], status="invited")
    response = await client.get(f"/api/v1/cohorts/{out['id']}/sessions/1/attendance", headers=leader)
    assert response.status_code == 200, response.text
    sheet = response.json()
    assert sheet["number"] == 1 and sheet["can_register"] is True
    # Sorted the Norwegian way: Bjørg, Dagfinn, Åsmund.
    assert [(r["participant_id"], r["status"]) for r in sheet["rows"]] == [
        (people[1]["id"], None),
        (people[2]["id"], None),
        (people[0]["id"], None),
    ]
    refused = await mark(client, leader, out["id"], 1, invited["id"], "present")
    assert refused.status_code == 404, refused.text


async def test_present_absent_and_excused_are_recorded(client, course):
    leader, out, people = course
    for person, status, note in zip(
        people, ("present", "absent", "excused"), ("", "", "Legetime på Ålgård"), strict=True
    ):
        response = await mark(client, leader, out["id"], 1, person["id"], status, note)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "participant_id": person["id"],
            "name": person["name"],
            "status": status,
            "note": note,
            "reported_by_participant": False,
        }
    sheet = (await client.get(f"/api/v1/cohorts/{out['id']}/sessions/1/attendance", headers=leader)).json()
    assert {r["participant_id"]: (r["status"], r["note"]) for r in sheet["rows"]} == {
        people[0]["id"]: ("present", ""),
        people[1]["id"]: ("absent", ""),
        people[2]["id"]: ("excused", "Legetime på Ålgård"),
    }


async def test_excused_needs_a_note_and_the_status_must_be_known(client, course):
    leader, out, people = course
    for status, note, key in (
        ("excused", "", "note"),
        ("excused", "   ", "note"),
        ("sent", "", "status"),
        ("PRESENT", "", "status"),
    ):
        response = await mark(client, leader, out["id"], 1, people[0]["id"], status, note)
        assert response.status_code == 422, (status, note, response.text)
        assert error_keys(response) == {key}, (status, note, response.text)
    assert await Attendance.count() == 0


async def test_a_session_ahead_cannot_be_registered(client, course):
    leader, out, people = course
    sheet = (await client.get(f"/api/v1/cohorts/{out['id']}/sessions/8/attendance", headers=leader)).json()
    assert sheet["can_register"] is False
    response = await mark(client, leader, out["id"], 8, people[0]["id"], "present")
    assert response.status_code == 422, response.text
    assert error_keys(response) == {"session"}
    assert await Attendance.count() == 0


async def test_saving_again_replaces_the_mark(client, course):
    leader, out, people = course
    assert (await mark(client, leader, out["id"], 2, people[0]["id"], "absent")).status_code == 200
    assert (await mark(client, leader, out["id"], 2, people[0]["id"], "excused", "Syk")).status_code == 200
    assert (await mark(client, leader, out["id"], 2, people[0]["id"], "present")).status_code == 200
    session = await Session.select(Session.id).where(Session.cohort == out["id"], Session.number == 2).first()
    rows = await Attendance.select().where(Attendance.session == session["id"])
    assert [(r["participant"], r["status"], r["note"]) for r in rows] == [(people[0]["id"], "present", "")]


async def test_each_participant_has_an_attendance_rate_on_the_roster(client, world, course):
    leader, out, people = course
    unmarked = await participant(client, leader, world, name="Ørjan Umerket")
    await enrolled(client, leader, out["id"], unmarked["id"])
    for number, marks in ((1, ("present", "present", "excused")), (2, ("present", "absent", "present"))):
        for person, status in zip(people, marks, strict=True):
            assert (await mark(client, leader, out["id"], number, person["id"], status, "Syk")).status_code == 200
    rows = await roster(client, leader, out["id"])
    attendance = [row_for(rows, p["id"])["attendance"] for p in people]
    assert [(a["present"], a["absent"], a["excused"], a["rate"]) for a in attendance] == [
        (2, 0, 0, 1.0),
        (1, 1, 0, 0.5),
        (1, 0, 1, 0.5),
    ]
    assert row_for(rows, unmarked["id"])["attendance"]["rate"] is None


async def test_two_absences_in_a_row_raise_a_warning_on_the_roster(client, course):
    leader, out, people = course
    marks = {
        people[0]["id"]: ("absent", "absent"),
        people[1]["id"]: ("absent", "excused"),
        people[2]["id"]: ("absent", "present"),
    }
    for pid, (first, second) in marks.items():
        await mark(client, leader, out["id"], 1, pid, first, "Syk")
        await mark(client, leader, out["id"], 2, pid, second, "Syk")
    rows = await roster(client, leader, out["id"])
    missed = {r["participant"]["id"] for r in rows if "missed_twice" in {w["code"] for w in r["warnings"]}}
    assert missed == {people[0]["id"]}
    assert row_for(rows, people[0]["id"])["attendance"]["missed_in_a_row"] is True
    assert row_for(rows, people[1]["id"])["attendance"]["missed_in_a_row"] is False


async def test_two_missed_sessions_warn_the_cohort_leader_and_the_primary_contact_only(client, world, as_):
    leader = await as_("leader")
    contact = await make_user("kari@a.no", "leader", world.office_a, "Kari Nørstebø")
    unrelated = await make_user("ola@a.no", "leader", world.office_a, "Ola Bråthen")
    out = await running_cohort(client, world, await as_("admin"))
    mine = await participant(client, leader, world, name="Åsne Fjærli", primary_contact_id=contact)
    other = await participant(client, leader, world, name="Bård Økland")
    for person in (mine, other):
        await enrolled(client, leader, out["id"], person["id"])
        for number in (1, 2):
            assert (await mark(client, leader, out["id"], number, person["id"], "absent")).status_code == 200
    for caller, expected in ((world.leader, {mine["id"], other["id"]}), (contact, {mine["id"]}), (unrelated, set())):
        response = await client.get("/api/v1/me/warnings", headers=await headers_for(caller))
        assert response.status_code == 200, response.text
        warnings = response.json()
        assert {w["participant"]["id"] for w in warnings if w["code"] == "missed_twice"} == expected, caller
        assert all(w["cohort_id"] == out["id"] and w["participant"]["id"] in expected for w in warnings), caller
        assert all(w["text"] == "Missed two sessions in a row." for w in warnings if w["code"] == "missed_twice")
        if not expected:
            assert warnings == []
