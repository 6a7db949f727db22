"""The talks page puts its two actions first, and every change on the guidance pages
says so on the next page (once)."""

from __future__ import annotations

import re
from datetime import timedelta

from course import clock
from course.guidance.tables import AvailabilityException
from tests.conftest import csrf_post
from tests.guidance.test_pages import booked, booking, setup, weekly_form
from tests.participants.helpers import NAMES, enrolled, participant


async def shown_once(client, response, message: str) -> None:
    assert response.status_code == 303, response.text
    assert message in (await client.get(response.headers["location"])).text
    assert message not in (await client.get(response.headers["location"])).text


async def test_the_two_actions_stand_before_the_list(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    headers = await api_as("leader")
    for name in NAMES[:11]:  # a full cohort: twelve people, each with a card
        other = await participant(client, headers, world, name=name)
        await enrolled(client, headers, course["id"], other["id"])
    await login_as("leader")
    page = (await client.get(f"/cohorts/{course['id']}/talks")).text
    propose = page.index(f'action="/cohorts/{course["id"]}/talks/plan"')
    book = page.index(f'action="/cohorts/{course["id"]}/talks"')
    first_card = page.index(f'id="participant-{person["id"]}"')
    assert propose < first_card and book < first_card
    # The booking form folds away until asked for, so the list starts soon on a phone.
    assert re.search(r'<details id="book">\s*<summary><h2 id="book-title">Book en samtale</h2></summary>', page)


async def test_a_booking_with_errors_shows_the_form_open(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    await login_as("leader")
    path = f"/cohorts/{course['id']}/talks"
    response = await csrf_post(client, path, booking(course, person, world, start_time="16:00", end_time="15:00"))
    assert response.status_code == 422
    assert '<details id="book" open>' in response.text and 'href="#end_time"' in response.text


async def test_booking_and_changing_a_talk_say_so(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    await login_as("leader")
    path = f"/cohorts/{course['id']}/talks"
    await shown_once(client, await csrf_post(client, path, booking(course, person, world)), "Samtalen er booket.")
    talk = await booked(client, world, api_as, course, person, start_time="16:00", end_time="16:45")
    changed = await csrf_post(client, f"/talks/{talk['id']}", {"location": "Kantina på Åsen"})
    await shown_once(client, changed, "Samtalen er lagret.")


async def test_accepting_the_proposal_says_so(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    await login_as("leader")
    await csrf_post(client, "/availability", weekly_form({d: ("08:00", "16:00") for d in range(1, 6)}))
    path = f"/cohorts/{course['id']}/talks"
    proposal = await csrf_post(client, f"{path}/plan", {"length_minutes": "45"}, page=path)
    fields = {
        name: re.findall(rf'name="{name}" value="([^"]*)"', proposal.text)
        for name in ("participant_id", "leader_id", "date", "start_time", "end_time")
    }
    token = re.search(r'name="_csrf_token" value="([^"]+)"', proposal.text).group(1)
    accepted = await client.post(f"{path}/plan/accept", data={**fields, "length_minutes": "45", "_csrf_token": token})
    await shown_once(client, accepted, "De foreslåtte samtalene er booket.")


async def test_the_times_for_talks_say_so(client, world, login_as):
    await login_as("leader")
    saved = await csrf_post(client, "/availability", weekly_form({2: ("09:00", "12:00")}))
    await shown_once(client, saved, "De faste tidene dine er lagret.")
    day = (clock.today() + timedelta(days=10)).isoformat()
    added = await csrf_post(
        client,
        "/availability/exceptions",
        {"date": day, "available": "0", "reason": "Kurs på Ås"},
        page="/availability",
    )
    await shown_once(client, added, "Dagen er lagt til.")
    exception = await AvailabilityException.select(AvailabilityException.id).first()
    removed = await csrf_post(client, f"/availability/exceptions/{exception['id']}/delete", page="/availability")
    await shown_once(client, removed, "Dagen er fjernet.")
