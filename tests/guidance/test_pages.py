"""Guidance talk pages: the cohort's talks and booking, the planner, one talk with
its private note, the leader's times for talks, and who may open them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from course import clock
from course.audit.tables import AuditEvent
from course.guidance.tables import Availability, AvailabilityException, Talk
from tests.conftest import EMAILS, csrf_post, make_user, web_login
from tests.participants.helpers import cohort, enrolled, participant

NOTE = "Snakket om skole og ønsker for høsten."


async def setup(client, world, api_as, name: str = "Sølvi Åkerø Dæhli") -> tuple[dict, dict]:
    """A coming cohort led by the office A leader, with one enrolled participant."""
    headers = await api_as("leader")
    course = await cohort(client, world, headers)
    person = await participant(client, headers, world, name=name)
    await enrolled(client, headers, course["id"], person["id"])
    return course, person


def session_day(course: dict, number: int = 1) -> str:
    """A day of the course that is never a holiday or a closure (sessions avoid them)."""
    return course["sessions"][number - 1]["date"]


def booking(course: dict, person: dict, world, **changes) -> dict:
    # After the session (09:00–14:00), so neither the leader nor the participant is busy.
    return {
        "participant_id": str(person["id"]),
        "leader_id": str(world.leader),
        "date": session_day(course),
        "start_time": "15:00",
        "end_time": "15:45",
        "location": "",
        **changes,
    }


async def booked(client, world, api_as, course, person, **changes) -> dict:
    response = await client.post(
        f"/api/v1/cohorts/{course['id']}/talks",
        headers=await api_as("leader"),
        json={
            "participant_id": person["id"],
            "leader_id": world.leader,
            "date": session_day(course),
            "start_time": "15:00",
            "end_time": "15:45",
            **changes,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def switch_to(client, email: str) -> None:
    assert (await csrf_post(client, "/logout", page="/")).status_code in (302, 303)
    assert (await web_login(client, email)).status_code in (302, 303)


def weekly_form(times: dict[int, tuple[str, str]]) -> dict:
    """The weekly form as a browser posts it: one row per weekday, empty when away."""
    data = {}
    for index, day in enumerate(range(1, 8)):
        start, end = times.get(day, ("", ""))
        data |= {f"weekday_{index}": str(day), f"start_{index}": start, f"end_{index}": end}
    return data


# --- who may open the pages -----------------------------------------------------------------


async def test_the_pages_load_for_a_leader(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    talk = await booked(client, world, api_as, course, person)
    await login_as("leader")
    page = await client.get(f"/cohorts/{course['id']}/talks")
    assert page.status_code == 200, page.text
    assert person["name"] in page.text
    assert f'<option value="{person["id"]}">' in page.text  # the booking form offers the participant
    assert f'<option value="{world.leader}" selected>' in page.text  # and the signed-in leader
    assert f'action="/cohorts/{course["id"]}/talks/plan"' in page.text
    assert f'href="/talks/{talk["id"]}"' in page.text
    assert "15:00–15:45" in page.text
    assert 'name="_csrf_token"' in page.text
    assert (await client.get(f"/talks/{talk['id']}")).status_code == 200
    assert (await client.get("/availability")).status_code == 200


async def test_a_manager_is_refused(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    talk = await booked(client, world, api_as, course, person)
    await login_as("manager")
    for path in (f"/cohorts/{course['id']}/talks", f"/talks/{talk['id']}", "/availability"):
        assert (await client.get(path)).status_code == 403, path


async def test_a_leader_of_another_office_finds_nothing(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    talk = await booked(client, world, api_as, course, person)
    await login_as("leader_b")
    assert (await client.get(f"/cohorts/{course['id']}/talks")).status_code == 404
    assert (await client.get(f"/talks/{talk['id']}")).status_code == 404
    # The forms are refused too; the token comes from a page the leader may open.
    response = await csrf_post(
        client, f"/cohorts/{course['id']}/talks", booking(course, person, world), page="/availability"
    )
    assert response.status_code == 404
    response = await csrf_post(
        client, f"/cohorts/{course['id']}/talks/plan", {"length_minutes": "45"}, page="/availability"
    )
    assert response.status_code == 404
    response = await csrf_post(client, f"/talks/{talk['id']}", {"status": "cancelled"}, page="/availability")
    assert response.status_code == 404
    assert await Talk.count() == 1 and (await Talk.select(Talk.status).first())["status"] == "planned"


# --- booking ---------------------------------------------------------------------------------


async def test_leader_books_a_talk_through_the_form(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    await login_as("leader")
    path = f"/cohorts/{course['id']}/talks"
    response = await csrf_post(client, path, booking(course, person, world))
    assert response.status_code == 303, response.text
    assert response.headers["location"] == path
    talk = await Talk.select().first()
    assert talk["participant"] == person["id"] and talk["leader"] == world.leader
    assert talk["location"] == "Møterom Åsen"  # empty means the cohort's place
    page = await client.get(path)
    assert f'href="/talks/{talk["id"]}"' in page.text
    assert "15:00–15:45" in page.text and date.fromisoformat(session_day(course)).strftime("%d.%m.%Y") in page.text


async def test_an_invalid_booking_is_shown_with_the_typed_values(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    await login_as("leader")
    response = await csrf_post(
        client,
        f"/cohorts/{course['id']}/talks",
        booking(course, person, world, start_time="15:00", end_time="14:00", location="Kantina"),
    )
    assert response.status_code == 422
    assert 'class="error-summary' in response.text and 'href="#end_time"' in response.text
    assert 'value="Kantina"' in response.text and 'aria-invalid="true"' in response.text
    assert await Talk.count() == 0


async def test_a_clash_is_shown_with_409(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    await login_as("leader")
    path = f"/cohorts/{course['id']}/talks"
    assert (await csrf_post(client, path, booking(course, person, world))).status_code == 303
    response = await csrf_post(client, path, booking(course, person, world, start_time="15:30", end_time="16:15"))
    assert response.status_code == 409
    assert "er opptatt" in response.text and 'href="#leader_id"' in response.text
    assert await Talk.count() == 1


async def test_the_counts_and_the_warning_follow_the_talks(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    await login_as("leader")
    page = await client.get(f"/cohorts/{course['id']}/talks")
    assert 'class="talk-warning"' in page.text  # none of four booked
    for number in range(1, 5):
        await booked(client, world, api_as, course, person, date=session_day(course, 2 * number - 1))
    page = await client.get(f"/cohorts/{course['id']}/talks")
    assert 'class="talk-warning"' not in page.text
    assert page.text.count('href="/talks/') == 4


# --- planning ----------------------------------------------------------------------------------


async def test_propose_and_accept_the_cohorts_talks(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    await login_as("leader")
    saved = await csrf_post(client, "/availability", weekly_form({d: ("08:00", "16:00") for d in range(1, 6)}))
    assert saved.status_code == 303, saved.text
    talks_page = f"/cohorts/{course['id']}/talks"
    proposal = await csrf_post(client, f"{talks_page}/plan", {"length_minutes": "60"}, page=talks_page)
    assert proposal.status_code == 200, proposal.text
    assert person["name"] in proposal.text
    fields = dict.fromkeys(("participant_id", "leader_id", "date", "start_time", "end_time"))
    for name in fields:
        fields[name] = re.findall(rf'name="{name}" value="([^"]*)"', proposal.text)
    assert len(fields["participant_id"]) == 4 and set(fields["participant_id"]) == {str(person["id"])}
    assert all(
        (int(end[:2]) * 60 + int(end[3:])) - (int(start[:2]) * 60 + int(start[3:])) == 60
        for start, end in zip(fields["start_time"], fields["end_time"], strict=True)
    )
    token = re.search(r'name="_csrf_token" value="([^"]+)"', proposal.text).group(1)
    accepted = await client.post(
        f"{talks_page}/plan/accept", data={**fields, "length_minutes": "60", "_csrf_token": token}
    )
    assert accepted.status_code == 303, accepted.text
    assert accepted.headers["location"] == talks_page
    assert await Talk.count() == 4
    # Accepting the same talks again clashes with the ones just booked: shown, nothing saved.
    again = await client.post(
        f"{talks_page}/plan/accept", data={**fields, "length_minutes": "60", "_csrf_token": token}
    )
    assert again.status_code == 409
    assert "er opptatt" in again.text and 'class="error-summary' in again.text
    assert await Talk.count() == 4


async def test_a_bad_talk_length_is_shown_on_the_talks_page(client, world, login_as, api_as):
    course, _ = await setup(client, world, api_as)
    await login_as("leader")
    talks_page = f"/cohorts/{course['id']}/talks"
    response = await csrf_post(client, f"{talks_page}/plan", {"length_minutes": "50"}, page=talks_page)
    assert response.status_code == 422 and 'href="#length_minutes"' in response.text


async def test_without_times_for_talks_nobody_is_placed(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    await login_as("leader")
    talks_page = f"/cohorts/{course['id']}/talks"
    proposal = await csrf_post(client, f"{talks_page}/plan", {"length_minutes": "45"}, page=talks_page)
    assert proposal.status_code == 200
    assert person["name"] in proposal.text and 'class="card notice-card"' in proposal.text
    assert "/plan/accept" not in proposal.text
    assert "%(" not in proposal.text  # the reasons have their numbers filled in


# --- one talk and its private note ----------------------------------------------------------------


async def test_leader_moves_and_cancels_a_talk(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    talk = await booked(client, world, api_as, course, person)
    await login_as("leader")
    page = await client.get(f"/talks/{talk['id']}")
    assert 'name="note"' in page.text  # the cohort's leader may write the note
    data = {
        "date": session_day(course, 2),
        "start_time": "15:00",
        "end_time": "16:00",
        "leader_id": str(world.leader),
        "location": "Møterom Åsen",
        "status": "cancelled",
        "note": "",
    }
    response = await csrf_post(client, f"/talks/{talk['id']}", data)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/cohorts/{course['id']}/talks"
    row = await Talk.select().first()
    assert row["status"] == "cancelled" and row["date"].isoformat() == session_day(course, 2)
    assert row["end_time"].strftime("%H:%M") == "16:00" and row["note"] == ""
    # An empty note box on a talk without a note is no write.
    assert await AuditEvent.count().where(AuditEvent.action == "talk_note_written") == 0


async def test_an_invalid_change_is_shown(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    talk = await booked(client, world, api_as, course, person)
    await login_as("leader")
    far = (date.fromisoformat(session_day(course)) + timedelta(weeks=8)).isoformat()
    response = await csrf_post(client, f"/talks/{talk['id']}", {"date": far, "status": "held"})
    assert response.status_code == 422
    assert 'href="#date"' in response.text and 'href="#status"' in response.text
    assert f'value="{far}"' in response.text
    assert (await Talk.select(Talk.status).first())["status"] == "planned"


async def test_the_note_is_for_the_cohort_leader_only(client, world, login_as, api_as):
    course, person = await setup(client, world, api_as)
    talk = await booked(client, world, api_as, course, person)
    await login_as("leader")
    form = {
        "date": session_day(course),
        "start_time": "15:00",
        "end_time": "15:45",
        "leader_id": str(world.leader),
        "location": "Møterom Åsen",
        "status": "planned",
        "note": NOTE,
    }
    response = await csrf_post(client, f"/talks/{talk['id']}", form)
    assert response.status_code == 303, response.text
    assert await AuditEvent.count().where(AuditEvent.action == "talk_note_written") == 1
    page = await client.get(f"/talks/{talk['id']}")
    assert NOTE in page.text
    reads = await AuditEvent.select().where(AuditEvent.action == "talk_note_read")
    assert len(reads) == 1 and reads[0]["actor"] == world.leader
    # Another leader of the same office sees the talk, but not the note, and cannot write one.
    await make_user("kari@a.no", "leader", world.office_a, "Kari Nordmann")
    await switch_to(client, "kari@a.no")
    page = await client.get(f"/talks/{talk['id']}")
    assert page.status_code == 200
    assert NOTE not in page.text and 'name="note"' not in page.text
    response = await csrf_post(client, f"/talks/{talk['id']}", {**form, "note": "Overskrevet"})
    assert response.status_code == 303
    assert (await Talk.select(Talk.note).first())["note"] == NOTE
    assert await AuditEvent.count().where(AuditEvent.action == "talk_note_read") == 1
    # The talks list never shows the note.
    assert NOTE not in (await client.get(f"/cohorts/{course['id']}/talks")).text


# --- the leader's times for talks ----------------------------------------------------------------


async def test_the_weekly_times_are_saved_and_shown(client, world, login_as):
    await login_as("leader")
    response = await csrf_post(client, "/availability", weekly_form({1: ("09:00", "12:00"), 3: ("12:30", "15:30")}))
    assert response.status_code == 303 and response.headers["location"] == "/availability"
    rows = await Availability.select().where(Availability.leader == world.leader).order_by(Availability.weekday)
    assert [(r["weekday"], r["start_time"].strftime("%H:%M"), r["end_time"].strftime("%H:%M")) for r in rows] == [
        (1, "09:00", "12:00"),
        (3, "12:30", "15:30"),
    ]
    page = await client.get("/availability")
    assert 'value="09:00"' in page.text and 'value="12:00"' in page.text and 'value="15:30"' in page.text
    # Saving again replaces them all.
    await csrf_post(client, "/availability", weekly_form({5: ("10:00", "11:00")}))
    rows = await Availability.select().where(Availability.leader == world.leader)
    assert [(r["weekday"], r["start_time"].strftime("%H:%M")) for r in rows] == [(5, "10:00")]


async def test_an_invalid_weekly_time_is_shown_on_its_day(client, world, login_as):
    await login_as("leader")
    await csrf_post(client, "/availability", weekly_form({1: ("09:00", "12:00")}))
    response = await csrf_post(client, "/availability", weekly_form({2: ("14:00", "13:00"), 4: ("10:00", "")}))
    assert response.status_code == 422
    assert 'href="#end_1"' in response.text and 'href="#end_3"' in response.text
    assert 'value="14:00"' in response.text
    assert await Availability.count() == 1  # nothing replaced


async def test_days_away_and_extra_time(client, world, login_as):
    await login_as("leader")
    day = (clock.today() + timedelta(days=10)).isoformat()
    response = await csrf_post(
        client,
        "/availability/exceptions",
        {"date": day, "start_time": "", "end_time": "", "available": "0", "reason": "Kurs i Oslo"},
        page="/availability",
    )
    assert response.status_code == 303, response.text
    response = await csrf_post(
        client,
        "/availability/exceptions",
        {"date": day, "start_time": "", "end_time": "", "available": "1", "reason": ""},
        page="/availability",
    )
    assert response.status_code == 422 and 'href="#start_time"' in response.text
    page = await client.get("/availability")
    assert "Kurs i Oslo" in page.text
    exception = await AvailabilityException.select().first()
    assert f'action="/availability/exceptions/{exception["id"]}/delete"' in page.text
    response = await csrf_post(client, f"/availability/exceptions/{exception['id']}/delete", page="/availability")
    assert response.status_code == 303
    assert await AvailabilityException.count() == 0
    assert "Kurs i Oslo" not in (await client.get("/availability")).text


@pytest.mark.parametrize("role", ["leader_b", "admin"])
async def test_one_cannot_remove_someone_elses_day(client, world, login_as, role):
    await login_as("leader")
    day = (clock.today() + timedelta(days=10)).isoformat()
    await csrf_post(
        client, "/availability/exceptions", {"date": day, "available": "0", "reason": "Ferie"}, page="/availability"
    )
    exception = await AvailabilityException.select().first()
    await switch_to(client, EMAILS[role])
    response = await csrf_post(client, f"/availability/exceptions/{exception['id']}/delete", page="/availability")
    assert response.status_code == 404
    assert await AvailabilityException.count() == 1
