"""Who reaches which participant, through the pages and the API routes that
test_access and test_web leave out: a leader of another office finds nothing (404), a
manager is turned away (403) from every page with names and reads the counts only;
an admin reaches every office. Then the policies' scopes themselves, row by row, for
each role."""

from __future__ import annotations

import pytest

from course import clock
from course.accounts.schemas import Role, Staff
from course.cohorts.tables import Cohort
from course.participants import policies
from course.participants.tables import (
    Attendance,
    CategoryChange,
    Consent,
    Enrolment,
    Outcome,
    Participant,
    ParticipantLink,
)
from tests.conftest import csrf_from
from tests.participants.helpers import enrolled, mark, participant, running_cohort

# --- the pages --------------------------------------------------------------------------------


async def office_a(client, world, as_) -> tuple[dict, dict, dict]:
    """A participant of office A enrolled on a cohort of office A that started a week ago."""
    leader = await as_("leader")
    person = await participant(client, leader, world)
    course = await running_cohort(client, world, await as_("admin"))
    return person, course, await enrolled(client, leader, course["id"], person["id"])


def page_forms(person: dict, course: dict, enrolment: dict) -> list[tuple[str, dict]]:
    p, c, e = person["id"], course["id"], enrolment["id"]
    today = clock.today().isoformat()
    return [
        (f"/participants/{p}/edit", {"name": "Ødelagt Navn", "birth_year": "2005", "primary_contact_id": "1"}),
        (
            f"/participants/{p}/consents",
            {"action": "withdrawn", "scopes": "participation", "consent_date": today, "consent_version": "2025-1"},
        ),
        (f"/participants/{p}/category", {"category": "2"}),
        (f"/participants/{p}/link", {}),
        (f"/participants/{p}/link/revoke", {}),
        (f"/cohorts/{c}/enrolments", {"participant_id": str(p)}),
        (f"/enrolments/{e}", {"status": "withdrawn", "reason": "Nei"}),
        (f"/enrolments/{e}/outcome", {"kind": "job", "date": today}),
        (f"/cohorts/{c}/sessions/1/attendance/{p}", {"status": "present"}),
    ]


async def assert_untouched(person: dict, enrolment: dict) -> None:
    row = await Participant.select(Participant.name).where(Participant.id == person["id"]).first()
    assert row["name"] == "Sølvi Åkerø Dæhli"
    assert await Consent.count() == 1 and await CategoryChange.count() == 0 and await ParticipantLink.count() == 0
    status = await Enrolment.select(Enrolment.status).where(Enrolment.id == enrolment["id"]).first()
    assert status["status"] == "enrolled" and await Enrolment.count() == 1
    assert await Outcome.count() == 0 and await Attendance.count() == 0


@pytest.mark.parametrize(("who", "status"), [("leader_b", 404), ("manager", 403), ("manager_b", 403)])
async def test_no_form_about_a_participant_works_for_others(client, world, as_, login_as, who, status):
    person, course, enrolment = await office_a(client, world, as_)
    await login_as(who)
    token = csrf_from((await client.get("/")).text)
    response = await client.get(f"/participants/{person['id']}/edit")
    assert response.status_code == status and "Sølvi" not in response.text
    for path, data in page_forms(person, course, enrolment):
        response = await client.post(path, data={**data, "_csrf_token": token})
        assert response.status_code == status, (path, response.status_code)
        assert "Sølvi" not in response.text, path
    await assert_untouched(person, enrolment)


async def test_the_cohort_pages_answer_404_to_another_office(client, world, as_, login_as):
    _, course, _ = await office_a(client, world, as_)
    await login_as("leader_b")
    for path in (f"/cohorts/{course['id']}", f"/cohorts/{course['id']}/summary"):
        assert (await client.get(path)).status_code == 404, path


async def test_the_list_pages_hold_no_one_of_another_office(client, world, as_, login_as):
    await office_a(client, world, as_)
    await login_as("leader_b")
    listing = await client.get("/participants")
    assert listing.status_code == 200 and "Sølvi" not in listing.text
    assert (await client.get("/participants?q=Sølvi")).status_code == 200
    assert (await client.get("/participants/new")).status_code == 200


async def test_a_manager_may_not_list_or_register_participants(client, world, as_, login_as):
    await office_a(client, world, as_)
    await login_as("manager")
    token = csrf_from((await client.get("/")).text)
    for path in ("/participants", "/participants/new"):
        response = await client.get(path)
        assert response.status_code == 403 and "Sølvi" not in response.text, path
    response = await client.post(
        "/participants/new", data={"name": "Ny Person", "birth_year": "2005", "_csrf_token": token}
    )
    assert response.status_code == 403
    assert await Participant.count() == 1


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader_b", "manager", "manager_b", "admin"])
async def test_warnings_name_no_one_to_others(client, world, as_, who):
    person, course, _ = await office_a(client, world, as_)
    own = await client.get("/api/v1/me/warnings", headers=await as_("leader"))
    assert [(w["cohort_id"], w["participant"]["id"]) for w in own.json()] == [(course["id"], person["id"])]
    response = await client.get("/api/v1/me/warnings", headers=await as_(who))
    assert response.status_code == 200 and response.json() == []


async def test_an_admin_reaches_another_offices_people(client, world, as_):
    leader_b = await as_("leader_b")
    person = await participant(client, leader_b, world, primary_contact_id=world.leader_b)
    course = await running_cohort(
        client, world, await as_("admin"), office_id=world.office_b, leader_ids=[world.leader_b]
    )
    enrolment = await enrolled(client, leader_b, course["id"], person["id"])
    admin = await as_("admin")
    for path in (
        f"/api/v1/participants/{person['id']}",
        f"/api/v1/cohorts/{course['id']}/enrolments",
        f"/api/v1/cohorts/{course['id']}/sessions/1/attendance",
    ):
        response = await client.get(path, headers=admin)
        assert response.status_code == 200 and "Sølvi" in response.text, path
    assert (await mark(client, admin, course["id"], 1, person["id"], "present")).status_code == 200
    response = await client.put(
        f"/api/v1/enrolments/{enrolment['id']}/outcome",
        json={"kind": "job", "date": clock.today().isoformat()},
        headers=admin,
    )
    assert response.status_code == 200 and response.json()["outcome"]["kind"] == "job"
    # The leader of office A still finds none of it.
    leader = await as_("leader")
    assert (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).status_code == 404
    assert (await client.get(f"/api/v1/cohorts/{course['id']}/enrolments", headers=leader)).status_code == 404


# --- the scopes themselves -------------------------------------------------------------------------


def staff(world, who: str) -> Staff:
    role = {"leader": Role.leader, "leader_b": Role.leader, "manager": Role.manager, "admin": Role.admin}[who]
    office = world.office_b if who == "leader_b" else world.office_a
    return Staff(getattr(world, who), f"{who}@example.no", who, role, office, "", "")


async def selected(table, scope) -> set[int]:
    return {r["id"] for r in await table.select(table.id).where(scope)}


async def test_each_scope_selects_the_callers_office_all_for_an_admin_none_for_a_manager(client, world, as_):
    admin = await as_("admin")
    rows = {}
    for office, who, leader_id in (("a", "leader", world.leader), ("b", "leader_b", world.leader_b)):
        headers = await as_(who)
        person = await participant(client, headers, world, primary_contact_id=leader_id)
        course = await running_cohort(
            client, world, admin, office_id=getattr(world, f"office_{office}"), leader_ids=[leader_id]
        )
        enrolment = await enrolled(client, headers, course["id"], person["id"])
        assert (await mark(client, headers, course["id"], 1, person["id"], "present")).status_code == 200
        await client.put(
            f"/api/v1/enrolments/{enrolment['id']}/outcome",
            json={"kind": "job", "date": clock.today().isoformat()},
            headers=headers,
        )
        await client.put(f"/api/v1/participants/{person['id']}/category", json={"category": 2}, headers=headers)
        await client.post(f"/api/v1/participants/{person['id']}/link", json={"days": 30}, headers=headers)
        rows[office] = {
            Participant: {person["id"]},
            Cohort: {course["id"]},
            Enrolment: {enrolment["id"]},
            Attendance: await selected(Attendance, Attendance.participant == person["id"]),
            Outcome: await selected(Outcome, Outcome.enrolment == enrolment["id"]),
            Consent: await selected(Consent, Consent.participant == person["id"]),
            CategoryChange: await selected(CategoryChange, CategoryChange.participant == person["id"]),
            ParticipantLink: await selected(ParticipantLink, ParticipantLink.participant == person["id"]),
        }
    scopes = {
        Participant: policies.participant_scope,
        Cohort: policies.people_cohort_scope,
        Enrolment: policies.enrolment_scope,
        Attendance: policies.attendance_scope,
        Outcome: policies.outcome_scope,
        Consent: policies.consent_scope,
        CategoryChange: policies.category_scope,
        ParticipantLink: policies.link_scope,
    }
    expected = {"leader": ["a"], "leader_b": ["b"], "manager": [], "admin": ["a", "b"]}
    for table, scope in scopes.items():
        assert all(len(rows[o][table]) == 1 for o in "ab"), table
        for who, offices in expected.items():
            want = set().union(*(rows[o][table] for o in offices))
            assert await selected(table, scope(staff(world, who))) == want, (table.__name__, who)


async def test_only_the_primary_contact_or_an_admin_may_hand_the_role_on(client, world, as_):
    person = await participant(client, await as_("leader"), world)
    for who, may in (("leader", True), ("admin", True), ("leader_b", False), ("manager", False)):
        found = await Participant.exists().where(
            policies.handover_scope(staff(world, who)), Participant.id == person["id"]
        )
        assert found is may, who


async def test_a_new_participant_belongs_to_the_callers_office_unless_an_admin_names_one(world):
    assert policies.office_for(staff(world, "leader"), world.office_b) == world.office_a
    assert policies.office_for(staff(world, "admin"), world.office_b) == world.office_b
    assert policies.office_for(staff(world, "admin"), None) == world.office_a
