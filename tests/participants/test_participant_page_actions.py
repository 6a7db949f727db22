"""The participant page does what it says: enrolment on one of the office's current or
planned cohorts from there, the link revoked only after a confirmation, and every
change answered by a message on the next page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course import clock
from course.participants.tables import Enrolment, ParticipantLink
from tests.cohorts.test_api import next_weekday
from tests.conftest import csrf_post
from tests.participants.helpers import NAMES, cohort, enrolled, participant, running_cohort


def options(html: str) -> list[str]:
    """The cohorts offered in the enrolment form, by their text."""
    select = html.split('<select id="cohort_id"', 1)[1].split("</select>", 1)[0]
    return [o.split(">", 1)[1].split("</option>", 1)[0] for o in select.split("<option")[2:]]


async def test_the_page_offers_the_offices_current_and_planned_cohorts(client, world, as_, login_as):
    leader, admin = await as_("leader"), await as_("admin")
    planned = await cohort(client, world, leader, title="Høstkurset på Åsen")
    running = await running_cohort(client, world, admin, title="Kurset som går nå", location="Rom Ø")
    finished = await running_cohort(client, world, admin, weeks_ago=9, title="Ferdig kurs", location="Rom Æ")
    later = next_weekday(2, after=clock.today() + timedelta(weeks=6)).isoformat()
    cancelled = await cohort(client, world, leader, title="Avlyst kurs", location="Rom Å", start_date=later)
    await client.patch(f"/api/v1/cohorts/{cancelled['id']}", json={"cancelled": True}, headers=leader)
    other_office = await cohort(client, world, await as_("leader_b"), title="Lier-kurset", leader_ids=[world.leader_b])
    person = await participant(client, leader, world)
    await login_as("leader")
    page = await client.get(f"/participants/{person['id']}")
    assert "Meld på fra kursets side" not in page.text
    offered = options(page.text)
    assert [o.split(" · ")[0] for o in offered] == ["Kurset som går nå", "Høstkurset på Åsen"]
    assert offered[0].endswith("· Pågår") and offered[1].endswith("· Planlagt")
    assert all(c["title"] not in page.text for c in (finished, cancelled, other_office))
    assert f'value="{planned["id"]}"' in page.text and f'value="{running["id"]}"' in page.text
    # Once on a cohort, it is no longer offered.
    await enrolled(client, leader, planned["id"], person["id"])
    again = options((await client.get(f"/participants/{person['id']}")).text)
    assert [o.split(" · ")[0] for o in again] == ["Kurset som går nå"]


async def test_enrolling_from_the_participant_page(client, world, as_, login_as):
    leader = await as_("leader")
    course = await cohort(client, world, leader, title="Høstkurset på Åsen")
    person = await participant(client, leader, world)
    await login_as("leader")
    path = f"/participants/{person['id']}"
    response = await csrf_post(
        client, f"{path}/enrolments", {"cohort_id": str(course["id"]), "status": "enrolled"}, page=path
    )
    assert response.status_code == 303 and response.headers["location"] == f"{path}#enrolments"
    row = await Enrolment.select(Enrolment.cohort, Enrolment.status).first()
    assert row == {"cohort": course["id"], "status": "enrolled"}
    page = await client.get(path)
    assert "Deltakeren er meldt på." in page.text
    assert f'<a href="/cohorts/{course["id"]}">Høstkurset på Åsen</a>' in page.text
    assert "Deltakeren er meldt på." not in (await client.get(path)).text


async def test_invited_and_the_waiting_list_are_told_as_such(client, world, as_, login_as):
    leader = await as_("leader")
    course = await cohort(client, world, leader, capacity=1)
    first = await participant(client, leader, world, name=NAMES[0])
    second = await participant(client, leader, world, name=NAMES[1])
    await login_as("leader")
    await csrf_post(
        client,
        f"/participants/{first['id']}/enrolments",
        {"cohort_id": str(course["id"]), "status": "invited"},
        page="/",
    )
    assert "Deltakeren er invitert." in (await client.get(f"/participants/{first['id']}")).text
    await csrf_post(
        client,
        f"/participants/{second['id']}/enrolments",
        {"cohort_id": str(course["id"]), "status": "enrolled"},
        page="/",
    )
    page = await client.get(f"/participants/{second['id']}")
    assert "Kurset er fullt: deltakeren står på ventelisten." in page.text
    statuses = {r["participant"]: r["status"] for r in await Enrolment.select(Enrolment.participant, Enrolment.status)}
    assert statuses == {first["id"]: "invited", second["id"]: "waiting"}


async def test_the_enrolment_rules_hold_and_the_errors_name_the_cohort_field(client, world, as_, login_as):
    leader, admin = await as_("leader"), await as_("admin")
    course = await cohort(client, world, leader)
    overlapping = await cohort(
        client, world, admin, title="Samtidig kurs", location="Annet rom", leader_ids=[world.admin]
    )
    person = await participant(client, leader, world)
    await enrolled(client, leader, course["id"], person["id"])
    await login_as("leader")
    path = f"/participants/{person['id']}"
    # Already on it: the rule of the service, told by the field.
    twice = await csrf_post(client, f"{path}/enrolments", {"cohort_id": str(course["id"])}, page=path)
    assert twice.status_code == 409 and "Deltakeren er allerede på dette kurset." in twice.text
    assert 'href="#cohort_id"' in twice.text and 'aria-invalid="true"' in twice.text
    clash = await csrf_post(client, f"{path}/enrolments", {"cohort_id": str(overlapping["id"])}, page=path)
    assert clash.status_code == 409 and "samtidig" in clash.text
    for bad in ("", "abc", "999999", "-1"):
        response = await csrf_post(client, f"{path}/enrolments", {"cohort_id": bad}, page=path)
        assert response.status_code == 422, bad
        assert "Velg et kurs." in response.text and 'href="#cohort_id"' in response.text
    # Another office's cohort is not there to choose.
    lier = await cohort(client, world, await as_("leader_b"), title="Lier-kurset", leader_ids=[world.leader_b])
    response = await csrf_post(client, f"{path}/enrolments", {"cohort_id": str(lier["id"])}, page=path)
    assert response.status_code == 422 and "Lier-kurset" not in response.text
    assert await Enrolment.count() == 1


async def test_no_consent_no_form_and_no_enrolment(client, world, as_, login_as):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    person = await participant(client, leader, world, consent=None)
    await login_as("leader")
    path = f"/participants/{person['id']}"
    page = await client.get(path)
    assert 'action="' + path + '/enrolments"' not in page.text
    assert "Registrer samtykke til å delta først" in page.text
    response = await csrf_post(client, f"{path}/enrolments", {"cohort_id": str(course["id"])}, page=path)
    assert response.status_code == 422 and "ikke samtykket" in response.text
    assert await Enrolment.count() == 0


async def test_an_age_warning_is_shown_on_the_participant_page(client, world, as_, login_as):
    leader = await as_("leader")
    course = await cohort(client, world, leader, variant="ny_retning", title="Ny retning – høst")
    person = await participant(client, leader, world, birth_year=clock.today().year - 22)
    await login_as("leader")
    path = f"/participants/{person['id']}"
    response = await csrf_post(client, f"{path}/enrolments", {"cohort_id": str(course["id"])}, page=path)
    assert response.status_code == 303 and "?warned=" in response.headers["location"]
    page = await client.get(response.headers["location"])
    assert "Se på dette" in page.text and "Ny retning er for alderen 16 til 18 år." in page.text
    assert "Deltakeren er meldt på." in page.text


@pytest.mark.parametrize(("who", "status"), [("leader_b", 404), ("manager", 403)])
async def test_nobody_else_enrols_from_the_page(client, world, as_, login_as, who, status):
    leader = await as_("leader")
    course = await cohort(client, world, leader)
    person = await participant(client, leader, world)
    await login_as(who)
    response = await csrf_post(
        client, f"/participants/{person['id']}/enrolments", {"cohort_id": str(course["id"])}, page="/schedule"
    )
    assert response.status_code == status and "Sølvi" not in response.text
    assert await Enrolment.count() == 0


# --- the personal link ---------------------------------------------------------------------


async def active_links(person) -> int:
    return await ParticipantLink.count().where(
        ParticipantLink.participant == person["id"], ParticipantLink.revoked_at.is_null()
    )


async def test_revoking_the_link_asks_first(client, world, as_, login_as):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    await login_as("leader")
    path = f"/participants/{person['id']}"
    await csrf_post(client, f"{path}/link", page=path)
    assert await active_links(person) == 1
    asked = await csrf_post(client, f"{path}/link/revoke", page=path)
    assert asked.status_code == 200
    assert "Trekke tilbake den personlige lenken?" in asked.text
    assert "Den personlige lenken til Sølvi Åkerø Dæhli slutter å virke med en gang." in asked.text
    assert "Ja, trekk tilbake lenken" in asked.text and f'href="{path}#link">Avbryt</a>' in asked.text
    assert await active_links(person) == 1
    done = await csrf_post(client, f"{path}/link/revoke", {"confirm": "1"}, page=path)
    assert done.status_code == 303 and done.headers["location"] == f"{path}#link"
    assert await active_links(person) == 0
    page = await client.get(path)
    assert "Lenken er trukket tilbake." in page.text and "Ingen aktiv lenke." in page.text


async def test_without_a_link_there_is_nothing_to_confirm(client, world, as_, login_as):
    person = await participant(client, await as_("leader"), world)
    await login_as("leader")
    path = f"/participants/{person['id']}"
    response = await csrf_post(client, f"{path}/link/revoke", page=path)
    assert response.status_code in (302, 303) and response.headers["location"] == f"{path}#link"


async def test_another_offices_leader_is_not_asked_about_the_link(client, world, as_, login_as):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)
    await login_as("leader_b")
    response = await csrf_post(client, f"/participants/{person['id']}/link/revoke", page="/")
    assert response.status_code == 404 and "Sølvi" not in response.text


# --- what the next page says -----------------------------------------------------------------


async def message_after(client, response) -> str:
    """The page the change led to; its message is shown once (not on the next load)."""
    assert response.status_code == 303, response.text
    page = await client.get(response.headers["location"])
    again = await client.get(response.headers["location"])
    return "".join(line for line in page.text.splitlines() if line not in again.text)


async def test_each_change_on_the_participant_pages_says_so(client, world, as_, login_as):
    leader, admin = await as_("leader"), await as_("admin")
    person = await participant(client, leader, world)
    course = await running_cohort(client, world, admin)
    await login_as("leader")
    path = f"/participants/{person['id']}"
    today = clock.today().isoformat()
    new = await csrf_post(
        client,
        "/participants/new",
        {
            "name": "Øyvind Ærø Lånke",
            "birth_year": str(clock.today().year - 19),
            "primary_contact_id": str(world.leader),
            "scopes": "participation",
            "consent_date": today,
            "consent_version": "2026-1",
        },
    )
    assert "Deltakeren er registrert." in await message_after(client, new)
    edited = await csrf_post(
        client,
        f"{path}/edit",
        {
            "name": "Sølvi Åkerø Dæhli",
            "birth_year": str(clock.today().year - 20),
            "primary_contact_id": str(world.leader),
        },
    )
    assert "Opplysningene er lagret." in await message_after(client, edited)
    category = await csrf_post(client, f"{path}/category", {"category": "3"}, page=path)
    assert "Oppfølgingskategorien er lagret." in await message_after(client, category)
    consent = await csrf_post(
        client,
        f"{path}/consents",
        {"action": "given", "scopes": "participation", "consent_date": today, "consent_version": "2026-1"},
        page=path,
    )
    assert "Samtykket er registrert." in await message_after(client, consent)
    enrol = await csrf_post(
        client, f"/cohorts/{course['id']}/enrolments", {"participant_id": str(person["id"])}, page=path
    )
    assert "Deltakeren er meldt på." in await message_after(client, enrol)
    enrolment = (await Enrolment.select(Enrolment.id).first())["id"]
    mark = await csrf_post(
        client, f"/cohorts/{course['id']}/sessions/1/attendance/{person['id']}", {"status": "present"}, page=path
    )
    assert "Oppmøtet er lagret." in await message_after(client, mark)
    outcome = await csrf_post(
        client, f"/enrolments/{enrolment}/outcome", {"kind": "job", "date": today}, page=f"/enrolments/{enrolment}"
    )
    assert "Resultatet er registrert." in await message_after(client, outcome)
    change = await csrf_post(
        client, f"/enrolments/{enrolment}", {"status": "withdrawn", "reason": "Flyttet til Tromsø"}, page=path
    )
    assert "Påmeldingen er endret." in await message_after(client, change)


async def test_inviting_from_the_waiting_list_says_so(client, world, as_, login_as):
    leader = await as_("leader")
    course = await cohort(client, world, leader, capacity=1)
    people = [await participant(client, leader, world, name=n) for n in NAMES[:2]]
    for person in people:
        await enrolled(client, leader, course["id"], person["id"])
    await client.patch(f"/api/v1/cohorts/{course['id']}", json={"capacity": 2}, headers=leader)
    await login_as("leader")
    path = f"/cohorts/{course['id']}"
    response = await csrf_post(client, f"{path}/waiting-list/invite", page=path)
    assert "De som kunne få plass, er invitert." in await message_after(client, response)
