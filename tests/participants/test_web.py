"""The participant pages, the attendance register and the participant's own page, over HTTP."""

from __future__ import annotations

import json

import pytest

from course import clock
from course.audit.tables import AuditEvent
from course.participants.tables import Attendance, Participant, ParticipantLink
from tests.conftest import csrf_from, csrf_post
from tests.participants.helpers import enrolled, participant, running_cohort


async def test_leader_registers_a_participant_through_the_form(client, world, login_as):
    await login_as("leader")
    response = await csrf_post(
        client,
        "/participants/new",
        {
            "name": "Øyvind Ærø Lånke",
            "birth_year": str(clock.today().year - 19),
            "phone": "912 34 567",
            "email": "",
            "primary_contact_id": str(world.leader),
            "referral_date": "",
            "scopes": "participation",
            "consent_date": clock.today().isoformat(),
            "consent_version": "2026-1",
        },
    )
    assert response.status_code == 303, response.text
    page = await client.get(response.headers["location"])
    assert "Øyvind Ærø Lånke" in page.text and "912\xa034\xa0567" in page.text  # kept on one line
    listed = await client.get("/participants", params={"q": "ærø"})
    assert "Øyvind Ærø Lånke" in listed.text
    none = await client.get("/participants", params={"q": "Åsmund"})
    assert "Øyvind" not in none.text and "Ingen treff" in none.text


async def test_the_registration_form_starts_with_no_consent_ticked(client, world, login_as):
    await login_as("leader")
    page = await client.get("/participants/new")
    assert page.status_code == 200
    boxes = [line for line in page.text.splitlines() if 'name="scopes"' in line]
    assert len(boxes) == 5 and not any("checked" in line for line in boxes)


async def test_the_form_names_each_bad_field_and_keeps_what_was_typed(client, world, login_as):
    await login_as("leader")
    response = await csrf_post(
        client,
        "/participants/new",
        {
            "name": "Kåre Bø",
            "birth_year": "1890",
            "phone": "12",
            "email": "ikke-en-adresse",
            "primary_contact_id": str(world.leader_b),
            "consent_date": clock.today().isoformat(),
            "consent_version": "2026-1",
        },
    )
    assert response.status_code == 422
    text = response.text
    for anchor in ('href="#birth_year"', 'href="#phone"', 'href="#email"', 'href="#primary_contact_id"'):
        assert anchor in text, anchor
    assert 'value="Kåre Bø"' in text
    assert await Participant.count() == 0


async def test_a_withdrawal_through_the_page_ends_the_link(client, world, login_as, api_as):
    leader = await api_as("leader")
    person = await participant(client, leader, world)
    link = await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)
    path = "/p/" + link.json()["url"].rsplit("/p/", 1)[1]
    assert (await client.get(path)).status_code == 200
    await login_as("leader")
    response = await csrf_post(
        client,
        f"/participants/{person['id']}/consents",
        {
            "action": "withdrawn",
            "scopes": "participation",
            "consent_date": clock.today().isoformat(),
            "consent_version": "2026-1",
        },
        page=f"/participants/{person['id']}",
    )
    assert response.status_code == 303, response.text
    gone = await client.get(path)
    assert gone.status_code == 410 and "Lenken virker ikke lenger" in gone.text
    detail = await client.get(f"/participants/{person['id']}")
    assert "kan ikke meldes på" in detail.text


async def test_the_new_link_is_shown_once_and_opens_the_own_page(client, world, login_as, api_as):
    leader, admin = await api_as("leader"), await api_as("admin")
    person = await participant(client, leader, world, name="Sølvi Åkerø Dæhli")
    cohort = await running_cohort(client, world, admin)
    await enrolled(client, leader, cohort["id"], person["id"])
    await login_as("leader")
    shown = await csrf_post(client, f"/participants/{person['id']}/link", page=f"/participants/{person['id']}")
    assert shown.status_code == 200
    assert 'id="new-link"' in shown.text
    token = shown.text.split('id="new-link">', 1)[1].split("<", 1)[0].rsplit("/p/", 1)[1]
    assert len(token) >= 43  # 256 bits in URL-safe base64
    again = await client.get(f"/participants/{person['id']}")
    assert token not in again.text and 'id="new-link"' not in again.text

    client.cookies.clear()
    own = await client.get(f"/p/{token}")
    assert own.status_code == 200
    assert "Hei, Sølvi!" in own.text and "Samling 1: Ressursavklaring" in own.text
    assert "Dæhli" not in own.text  # the first name is enough
    ics = await client.get(f"/p/{token}/calendar.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.count("BEGIN:VEVENT") == 8
    assert (await client.get("/p/" + "A" * 43)).status_code == 404


async def test_an_expired_link_answers_410(client, world, api_as):
    leader = await api_as("leader")
    person = await participant(client, leader, world)
    link = await client.post(f"/api/v1/participants/{person['id']}/link", json={"days": 1}, headers=leader)
    token = link.json()["url"].rsplit("/p/", 1)[1]
    await ParticipantLink.update({ParticipantLink.expires_at: ParticipantLink.created_at}).where(
        ParticipantLink.participant == person["id"]
    )
    assert (await client.get(f"/p/{token}")).status_code == 410
    assert (await client.get(f"/p/{token}/calendar.ics")).status_code == 404


async def test_register_saves_one_tap_and_answers_the_row_to_htmx(client, world, login_as, api_as):
    leader, admin = await api_as("leader"), await api_as("admin")
    person = await participant(client, leader, world, name="Jørgen Bråten")
    cohort = await running_cohort(client, world, admin)
    await enrolled(client, leader, cohort["id"], person["id"])
    await login_as("leader")
    register = f"/cohorts/{cohort['id']}/sessions/1/attendance"
    page = await client.get(register)
    assert page.status_code == 200 and "Jørgen Bråten" in page.text
    token = csrf_from(page.text)
    row = await client.post(
        f"{register}/{person['id']}", data={"status": "absent", "_csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert row.status_code == 200
    assert row.text.lstrip().startswith("<li") and "Lagret" in row.text and "<html" not in row.text
    excused = await client.post(
        f"{register}/{person['id']}", data={"status": "excused", "_csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert excused.status_code == 422 and "Skriv hvorfor fraværet er gyldig." in excused.text
    plain = await client.post(
        f"{register}/{person['id']}", data={"status": "excused", "note": "Tannlege på Åssiden", "_csrf_token": token}
    )
    assert plain.status_code == 303 and plain.headers["location"].endswith(f"#p{person['id']}")
    rows = await Attendance.select(Attendance.status, Attendance.note)
    assert rows == [{"status": "excused", "note": "Tannlege på Åssiden"}]


async def test_the_cohort_page_lists_participants_for_the_leader(client, world, login_as, api_as):
    leader, admin = await api_as("leader"), await api_as("admin")
    person = await participant(client, leader, world)
    cohort = await running_cohort(client, world, admin)
    await enrolled(client, leader, cohort["id"], person["id"])
    await login_as("leader")
    page = await client.get(f"/cohorts/{cohort['id']}")
    assert f"<title>{cohort['title']} · Klart jeg kan</title>" in page.text
    section = page.text.split('id="participants"', 1)[1]
    assert "Sølvi Åkerø Dæhli" in section and "Påmeldt" in section
    assert "Bare 0 av 4 veiledningssamtaler booket." in section
    home = await client.get("/")
    assert "Trenger oppfølging" in home.text and "Bare 0 av 4 veiledningssamtaler booket." in home.text


@pytest.mark.parametrize("who, status", [("manager", 403), ("leader_b", 404)])
async def test_others_cannot_open_participant_pages(client, world, login_as, api_as, who, status):
    leader, admin = await api_as("leader"), await api_as("admin")
    person = await participant(client, leader, world)
    cohort = await running_cohort(client, world, admin)
    enrolment = await enrolled(client, leader, cohort["id"], person["id"])
    await login_as(who)
    for path in (
        f"/participants/{person['id']}",
        f"/enrolments/{enrolment['id']}",
        f"/cohorts/{cohort['id']}/sessions/1/attendance",
    ):
        response = await client.get(path)
        assert response.status_code == status, path
        assert "Sølvi" not in response.text


async def test_the_manager_sees_the_summary_without_names(client, world, login_as, api_as):
    leader, admin = await api_as("leader"), await api_as("admin")
    person = await participant(client, leader, world)
    cohort = await running_cohort(client, world, admin)
    enrolment = await enrolled(client, leader, cohort["id"], person["id"])
    await client.put(
        f"/api/v1/enrolments/{enrolment['id']}/outcome",
        json={"kind": "work_practice", "date": clock.today().isoformat()},
        headers=leader,
    )
    await login_as("manager")
    for path in (f"/cohorts/{cohort['id']}", f"/cohorts/{cohort['id']}/summary"):
        page = await client.get(path)
        assert page.status_code == 200 and "Sølvi" not in page.text, path
    summary = await client.get(f"/cohorts/{cohort['id']}/summary")
    assert "Praksisplass" in summary.text


async def test_outcome_through_the_enrolment_page_is_audited(client, world, login_as, api_as):
    leader, admin = await api_as("leader"), await api_as("admin")
    person = await participant(client, leader, world)
    cohort = await running_cohort(client, world, admin)
    enrolment = await enrolled(client, leader, cohort["id"], person["id"])
    await login_as("leader")
    path = f"/enrolments/{enrolment['id']}"
    response = await csrf_post(
        client,
        f"{path}/outcome",
        {"kind": "school", "date": clock.today().isoformat(), "note": "Begynner på Åssiden vgs."},
        page=path,
    )
    assert response.status_code == 303
    assert await AuditEvent.count().where(AuditEvent.action == "outcome_set") == 1
    bad = await csrf_post(client, f"{path}/outcome", {"kind": "lottery", "date": "i går"}, page=path)
    assert bad.status_code == 422 and 'href="#kind"' in bad.text and 'href="#date"' in bad.text


async def test_only_the_primary_contact_hands_the_role_on(client, world, api_as):
    """The primary contact reads the talks' private notes, so no leader can make themselves one."""
    from course.audit.tables import AuditEvent
    from tests.participants.helpers import office_a_leader

    leader = await api_as("leader")
    person = await participant(client, leader, world)  # Åse is the primary contact
    other_id, other = await office_a_leader(world, "torbjorn@a.no", "Torbjørn Ås")
    taken = await client.patch(
        f"/api/v1/participants/{person['id']}", json={"primary_contact_id": other_id}, headers=other
    )
    assert taken.status_code == 422
    assert [e["key"] for e in taken.json()["extra"]] == ["primary_contact_id"]
    handed = await client.patch(
        f"/api/v1/participants/{person['id']}", json={"primary_contact_id": other_id}, headers=leader
    )
    assert handed.status_code == 200 and handed.json()["primary_contact"]["id"] == other_id
    event = await AuditEvent.select(AuditEvent.details).where(AuditEvent.action == "participant_updated").first()
    details = event["details"] if isinstance(event["details"], dict) else json.loads(event["details"])
    assert details["primary_contact"] == {"from": world.leader, "to": other_id}


async def test_the_staff_form_sets_and_shows_the_preferred_channel(client, world, login_as, api_as):
    leader = await api_as("leader")
    person = await participant(client, leader, world, name="Åshild Kvæl")
    await login_as("leader")
    path = f"/participants/{person['id']}"
    assert "Påminnelser og beskjeder på</dt><dd>SMS</dd>" in (await client.get(path)).text
    form = await client.get(f"{path}/edit")
    assert '<option value="sms" selected>SMS</option>' in form.text
    values = {
        "name": "Åshild Kvæl",
        "birth_year": person["birth_year"],
        "phone": "912 34 567",
        "email": "ashild@eksempel.no",
        "primary_contact_id": str(world.leader),
        "referral_date": "",
    }
    bad = await csrf_post(client, f"{path}/edit", {**values, "preferred_channel": "brevdue"})
    assert bad.status_code == 422 and 'href="#preferred_channel"' in bad.text and "Velg SMS eller e-post." in bad.text
    saved = await csrf_post(client, f"{path}/edit", {**values, "preferred_channel": "email"})
    assert saved.status_code == 303, saved.text
    assert "Påminnelser og beskjeder på</dt><dd>E-post</dd>" in (await client.get(path)).text
    # A form without the field (an older page) leaves the channel as it was.
    kept = await csrf_post(client, f"{path}/edit", values)
    assert kept.status_code == 303
    assert (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()[
        "preferred_channel"
    ] == "email"
    new = await client.get("/participants/new")
    assert '<option value="sms" selected>SMS</option>' in new.text
