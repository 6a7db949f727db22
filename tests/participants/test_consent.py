"""Consent: given, withdrawn, and what withdrawing consent to take part does at once."""

from __future__ import annotations

from datetime import date, timedelta

from course import clock
from course.participants.tables import ParticipantLink
from tests.conftest import csrf_post
from tests.participants.helpers import (
    booked,
    cohort,
    consent,
    enrolled,
    error_keys,
    free_day,
    participant,
    roster,
    row_for,
    running_cohort,
)


async def test_consent_is_given_then_withdrawn_with_the_history_kept(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world, consent=None)
    assert person["consent"]["participation"] is False
    given = await consent(
        client, leader, person["id"], "given", ["participation", "evaluation"], clock.today() - timedelta(days=2)
    )
    assert given.status_code == 201, given.text
    state = given.json()["consent"]
    assert (state["participation"], state["sharing"], state["evaluation"]) == (True, False, True)
    assert state["text_version"] == "2026-1"
    withdrawn = await consent(client, leader, person["id"], "withdrawn", ["evaluation"])
    assert withdrawn.status_code == 201, withdrawn.text
    out = withdrawn.json()
    assert (out["consent"]["participation"], out["consent"]["evaluation"]) == (True, False)
    assert out["consent"]["since"] == clock.today().isoformat()
    assert [(c["action"], c["scopes"]) for c in out["consents"]] == [
        ("given", ["participation", "evaluation"]),
        ("withdrawn", ["evaluation"]),
    ]
    assert all(c["recorded_by"]["name"] == "Åse Ødegård" for c in out["consents"])


async def test_a_later_consent_replaces_the_scopes_given_before(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    response = await consent(client, leader, person["id"], "given", ["participation"])
    state = response.json()["consent"]
    assert (state["participation"], state["sharing"], state["evaluation"]) == (True, False, False)


async def test_bad_consent_records_are_refused_naming_the_field(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    for body, status, key in (
        ({"action": "kanskje", "scopes": ["participation"]}, 422, "action"),
        ({"action": "withdrawn", "scopes": ["evaluation", "evaluation"]}, 422, "scopes"),
        (
            {
                "action": "withdrawn",
                "scopes": ["participation"],
                "date": (clock.today() + timedelta(days=2)).isoformat(),
            },
            422,
            "date",
        ),
        ({"action": "withdrawn", "scopes": ["alt"]}, 400, "scopes.0"),
        ({"action": "withdrawn", "scopes": []}, 400, "scopes"),
        ({"action": "withdrawn", "scopes": "participation"}, 400, "scopes"),
    ):
        response = await client.post(
            f"/api/v1/participants/{person['id']}/consents",
            json={"date": clock.today().isoformat(), **body},
            headers=leader,
        )
        assert response.status_code == status, (body, response.text)
        assert key in error_keys(response), (body, response.text)
    out = (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()
    assert len(out["consents"]) == 1 and out["consent"]["participation"] is True


async def test_withdrawing_participation_ends_enrolments_talks_and_the_link_at_once(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    course = await cohort(client, world, leader)
    enrolment = await enrolled(client, leader, course["id"], person["id"])
    talk = await booked(client, leader, course["id"], person["id"], world.leader, free_day(course, 1))
    link = await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)
    assert link.status_code == 201, link.text
    page = link.json()["url"].split("testserver.local", 1)[1]
    assert (await client.get(page)).status_code == 200
    assert (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()["link"] is not None

    response = await consent(client, leader, person["id"], "withdrawn", ["participation"])
    assert response.status_code == 201, response.text
    out = response.json()
    assert out["consent_to_take_part"] is False
    assert [(e["id"], e["status"]) for e in out["enrolments"]] == [(enrolment["id"], "withdrawn")]
    assert out["link"] is None
    assert (await client.get(f"/api/v1/talks/{talk['id']}", headers=leader)).json()["status"] == "cancelled"
    links = await ParticipantLink.select().where(ParticipantLink.participant == person["id"])
    assert len(links) == 1 and links[0]["revoked_at"] is not None
    assert (await client.get(page)).status_code in (404, 410)


async def test_withdrawing_participation_leaves_past_talks_alone(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    course = await running_cohort(client, world, await as_("admin"))
    await enrolled(client, leader, course["id"], person["id"])
    past = await booked(client, leader, course["id"], person["id"], world.leader, free_day(course, 0))
    ahead = await booked(client, leader, course["id"], person["id"], world.leader, free_day(course, 2))
    await consent(client, leader, person["id"], "withdrawn", ["participation"])
    talks = (await client.get(f"/api/v1/cohorts/{course['id']}/talks", headers=leader)).json()
    assert {t["id"]: t["status"] for t in talks} == {past["id"]: "planned", ahead["id"]: "cancelled"}


async def test_after_withdrawal_no_new_enrolment_or_link_is_made(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    course = await cohort(client, world, leader)
    await consent(client, leader, person["id"], "withdrawn", ["participation"])
    response = await client.post(
        f"/api/v1/cohorts/{course['id']}/enrolments", json={"participant_id": person["id"]}, headers=leader
    )
    assert response.status_code == 422, response.text
    assert error_keys(response) == {"participant_id"}
    link = await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)
    assert link.status_code == 422, link.text
    assert (await client.get(f"/api/v1/cohorts/{course['id']}/enrolments", headers=leader)).json() == []


async def test_withdrawing_only_sharing_leaves_the_enrolment_alone(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    course = await cohort(client, world, leader)
    await enrolled(client, leader, course["id"], person["id"])
    out = (await consent(client, leader, person["id"], "withdrawn", ["sharing"])).json()
    assert out["consent"]["participation"] is True and out["consent"]["sharing"] is False
    assert [e["status"] for e in out["enrolments"]] == ["enrolled"]


async def test_a_new_consent_after_withdrawal_allows_enrolling_again(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    course = await cohort(client, world, leader)
    first = await enrolled(client, leader, course["id"], person["id"])
    await consent(client, leader, person["id"], "withdrawn", ["participation"])
    await consent(client, leader, person["id"], "given", ["participation", "sharing"])
    again = await enrolled(client, leader, course["id"], person["id"])
    assert again["id"] == first["id"] and again["status"] == "enrolled"


async def test_an_enrolment_ended_by_withdrawn_consent_cannot_be_patched_back(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    course = await cohort(client, world, leader)
    enrolment = await enrolled(client, leader, course["id"], person["id"])
    await consent(client, leader, person["id"], "withdrawn", ["participation"])
    response = await client.patch(f"/api/v1/enrolments/{enrolment['id']}", json={"status": "enrolled"}, headers=leader)
    assert response.status_code == 422, response.text


async def test_withdrawing_consent_after_the_cohort_finished_invites_nobody(client, world, as_):
    leader = await as_("leader")
    course = await running_cohort(client, world, await as_("admin"), capacity=1)
    first = await participant(client, leader, world, name="Åsne Fjærli")
    second = await participant(client, leader, world, name="Bård Økland")
    await enrolled(client, leader, course["id"], first["id"])
    assert (await enrolled(client, leader, course["id"], second["id"]))["status"] == "waiting"
    # The rest of the sessions are cancelled, so the cohort ended with its last session held.
    for session in course["sessions"]:
        if date.fromisoformat(session["date"]) >= clock.today():
            response = await client.patch(
                f"/api/v1/cohorts/{course['id']}/sessions/{session['number']}", json={"cancelled": True}, headers=leader
            )
            assert response.status_code == 200, response.text
    assert (await client.get(f"/api/v1/cohorts/{course['id']}", headers=leader)).json()["status"] == "finished"
    await consent(client, leader, first["id"], "withdrawn", ["participation"])
    assert row_for(await roster(client, leader, course["id"]), second["id"])["status"] == "waiting"


async def test_consent_to_sms_and_e_mail_is_given_and_withdrawn_per_scope(client, world, as_):
    for who in ("leader", "admin"):
        headers = await as_(who)
        person = await participant(client, headers, world, name=f"Ådne Østerås {who}", consent=None)
        assert (person["consent"]["contact_sms"], person["consent"]["contact_email"]) == (False, False)
        given = await consent(client, headers, person["id"], "given", ["participation", "contact_sms", "contact_email"])
        assert given.status_code == 201, given.text
        state = given.json()["consent"]
        assert (state["participation"], state["contact_sms"], state["contact_email"]) == (True, True, True)
        # Withdrawing one channel leaves the other, and taking part, as they were.
        withdrawn = await consent(client, headers, person["id"], "withdrawn", ["contact_email"])
        assert withdrawn.status_code == 201, withdrawn.text
        out = withdrawn.json()
        assert (out["consent"]["participation"], out["consent"]["contact_sms"], out["consent"]["contact_email"]) == (
            True,
            True,
            False,
        )
        assert [(c["action"], c["scopes"]) for c in out["consents"]] == [
            ("given", ["participation", "contact_sms", "contact_email"]),
            ("withdrawn", ["contact_email"]),
        ]
        assert out["enrolments"] == [] and out["consent"]["since"] == clock.today().isoformat()


async def test_a_client_sending_only_the_first_scopes_is_served_as_before(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)  # participation, sharing, evaluation
    state = person["consent"]
    assert (state["participation"], state["sharing"], state["evaluation"]) == (True, True, True)
    assert (state["contact_sms"], state["contact_email"]) == (False, False)
    assert person["consents"][0]["scopes"] == ["participation", "sharing", "evaluation"]
    for scopes, status in (
        (["contact_sms", "contact_sms"], 422),
        (["participation", "sharing", "evaluation", "contact_sms", "contact_email", "contact_sms"], 400),
        (["contact_fax"], 400),
    ):
        response = await consent(client, leader, person["id"], "given", scopes)
        assert response.status_code == status, (scopes, response.text)
        assert any(key.startswith("scopes") for key in error_keys(response)), response.text


async def test_contact_consent_through_the_page_for_leaders_and_admins(client, world, as_, login_as):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    path = f"/participants/{person['id']}"
    for who, scopes, action, expected in (
        ("leader", ["participation", "contact_sms"], "given", (True, False)),
        ("admin", ["contact_sms"], "withdrawn", (False, False)),
        ("admin", ["participation", "contact_email"], "given", (False, True)),
    ):
        client.cookies.clear()
        await login_as(who)
        page = await client.get(path)
        assert 'value="contact_sms"' in page.text and 'value="contact_email"' in page.text
        assert 'id="scope-contact-text"' in page.text  # the text in force, once beside both boxes
        response = await csrf_post(
            client,
            f"{path}/consents",
            {
                "action": action,
                "scopes": scopes,
                "consent_date": clock.today().isoformat(),
                "consent_version": "2026-1",
            },
            page=path,
        )
        assert response.status_code == 303, response.text
        out = (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()["consent"]
        assert (out["contact_sms"], out["contact_email"]) == expected, who
    page = (await client.get(path)).text
    assert "Å få påminnelser og beskjeder på SMS: <strong>Nei</strong>" in page
    assert "Å få påminnelser og beskjeder på e-post: <strong>Ja</strong>" in page
    # The history names the channels.
    assert "Å få påminnelser og beskjeder på SMS, " in page or "(Å få påminnelser og beskjeder på SMS;" in page
