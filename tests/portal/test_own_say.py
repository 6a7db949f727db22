"""The participant's own say on their page: "I cannot come" to a session (and taking it
back), and for a guidance talk "Confirm" or "Ask for another time" among the leader's
free times. Over HTTP, with the personal link as the only key."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from course import clock
from course.audit.tables import AuditEvent
from course.cohorts.tables import Session
from course.guidance.tables import Talk
from course.messages.tables import Message
from course.participants.tables import Attendance
from tests.conftest import csrf_from, web_login
from tests.participants.conftest import TODAY
from tests.participants.helpers import booked, cohort, enrolled, office_a_leader, participant, running_cohort

# TODAY is Wednesday 15 September 2027; a cohort that started last week runs on Mondays
# and Wednesdays 09:00–14:00 until the first days of October.
THURSDAY = date(2027, 9, 16)
NEXT_THURSDAY = date(2027, 9, 23)
TUESDAY = date(2027, 9, 21)


async def link_for(client, headers, person_id: int) -> str:
    response = await client.post(f"/api/v1/participants/{person_id}/link", headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()["url"].rsplit("/p/", 1)[1]


async def say_post(client, token: str, path: str, data: dict | None = None):
    """POST a form of the participant's pages as a browser does, with the CSRF token from
    one of their forms: "I cannot come" to the last session of her first cohort, which
    no test reports."""
    last = await Session.select(Session.id).where(Session.number == 8).order_by(Session.id).first()
    html = (await client.get(f"/p/{token}/say/sessions/{last['id']}")).text
    return await client.post(path, data={**(data or {}), "_csrf_token": csrf_from(html)})


async def sessions_of(cohort_id: int) -> dict[int, dict]:
    rows = await Session.select().where(Session.cohort == cohort_id)
    return {r["number"]: r for r in rows}


@pytest.fixture
async def say(client, world, as_):
    """Sølvi on a cohort starting in a couple of weeks, with her link; Åsmund on another."""
    leader = await as_("leader")
    ahead = await cohort(client, world, leader)
    second, _ = await office_a_leader(world, "torgeir@a.no", "Torgeir Løkkå")
    other = await cohort(
        client, world, leader, title="Klart jeg kan – høst", leader_ids=[second], location="Møterom Ørnes"
    )
    person = await participant(client, leader, world)
    someone = await participant(client, leader, world, name="Åsmund Ørnes", phone="+47 913 45 678")
    await enrolled(client, leader, ahead["id"], person["id"])
    await enrolled(client, leader, other["id"], someone["id"])
    return {
        "leader": leader,
        "cohort": ahead,
        "other": other,
        "person": person["id"],
        "someone": someone["id"],
        "token": await link_for(client, leader, person["id"]),
    }


async def test_reporting_an_absence_marks_it_excused_and_tells_the_leaders(client, world, say):
    token, person = say["token"], say["person"]
    session = (await sessions_of(say["cohort"]["id"]))[2]
    own = await client.get(f"/p/{token}")
    assert f'href="/p/{token}/say"' in own.text and "Si fra hvis du ikke kan komme" in own.text
    page = await client.get(f"/p/{token}/say")
    assert page.status_code == 200 and "Jeg kan ikke komme" in page.text
    assert f'href="/p/{token}/say/sessions/{session["id"]}"' in page.text

    form = await client.get(f"/p/{token}/say/sessions/{session['id']}")
    assert form.status_code == 200 and 'name="reason"' in form.text
    reason = "Tannlege på Ørnes"
    answer = await client.post(
        f"/p/{token}/say/sessions/{session['id']}", data={"reason": reason, "_csrf_token": csrf_from(form.text)}
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/p/{token}/say"
    assert "Takk for at du sa fra." in (await client.get(answer.headers["location"])).text

    marks = await Attendance.select().where(Attendance.participant == person)
    assert len(marks) == 1
    mark = marks[0]
    assert (mark["session"], mark["status"], mark["note"], mark["source"], mark["recorded_by"]) == (
        session["id"],
        "excused",
        reason,
        "participant",
        None,
    )
    # The leaders are told, without the reason.
    messages = await Message.select().where(Message.kind == "absence_reported")
    assert [(m["staff"], m["participant"], m["cohort"], m["channel"]) for m in messages] == [
        (world.leader, person, say["cohort"]["id"], "email")
    ]
    assert "Sølvi Åkerø Dæhli" in messages[0]["subject"] and reason not in messages[0]["body"]
    assert f"[[side:/cohorts/{say['cohort']['id']}/sessions/2/attendance]]" in messages[0]["body"]
    # Audited, without the reason.
    events = await AuditEvent.select().where(AuditEvent.action == "absence_reported")
    assert [(e["participant"], e["actor"]) for e in events] == [(person, None)]
    assert reason not in str(events[0]["details"])

    # The register shows it to staff, excused, with the reason.
    register = await client.get(f"/api/v1/cohorts/{say['cohort']['id']}/sessions/2/attendance", headers=say["leader"])
    row = next(r for r in register.json()["rows"] if r["participant_id"] == person)
    assert (row["status"], row["note"], row["reported_by_participant"]) == ("excused", reason, True)
    await web_login(client, "ase@a.no")
    html = (await client.get(f"/cohorts/{say['cohort']['id']}/sessions/2/attendance")).text
    assert "Meldt forfall" in html and "Grunn: Tannlege på Ørnes" in html

    # Saying it again changes nothing and tells no one again.
    again = await say_post(client, token, f"/p/{token}/say/sessions/{session['id']}", {"reason": "Noe annet"})
    assert again.status_code == 303
    assert len(await Attendance.select().where(Attendance.participant == person)) == 1
    assert (await Attendance.select(Attendance.note).first())["note"] == reason
    assert await Message.count().where(Message.kind == "absence_reported") == 1


async def test_staff_can_still_record_something_else(client, world, say, as_):
    token, person = say["token"], say["person"]
    session = (await sessions_of(say["cohort"]["id"]))[1]
    await say_post(client, token, f"/p/{token}/say/sessions/{session['id']}", {"reason": ""})
    # On the session's day, before it starts, the leader marks her present.
    with clock.frozen(datetime.combine(session["date"], time(8, 30), clock.OSLO)):
        marked = await client.put(
            f"/api/v1/cohorts/{say['cohort']['id']}/sessions/1/attendance/{person}",
            json={"status": "present", "note": ""},
            headers=say["leader"],
        )
        assert marked.status_code == 200, marked.text
        assert marked.json()["reported_by_participant"] is False
        mark = await Attendance.select().first()
        assert (mark["status"], mark["source"], mark["recorded_by"]) == ("present", "staff", world.leader)
        # Her say about it is over: no taking back, no new report.
        page = (await client.get(f"/p/{token}/say")).text
        assert "Kurslederne har allerede ført oppmøtet ditt." in page
        back = await say_post(client, token, f"/p/{token}/say/sessions/{session['id']}/withdraw")
        assert back.status_code == 422 and "allerede ført oppmøtet ditt" in back.text
        assert (await Attendance.select(Attendance.status).first())["status"] == "present"


async def test_the_reason_is_checked_and_named(client, world, say):
    token = say["token"]
    session = (await sessions_of(say["cohort"]["id"]))[3]
    answer = await say_post(client, token, f"/p/{token}/say/sessions/{session['id']}", {"reason": "å" * 201})
    assert answer.status_code == 422
    assert "Hvorfor du ikke kan komme (hvis du vil): Begrunnelsen kan være på høyst 200 tegn." in answer.text
    assert 'id="reason-error"' in answer.text
    assert await Attendance.count() == 0 and await Message.count() == 0


async def test_taking_it_back_until_the_session_starts(client, world, say):
    token, person = say["token"], say["person"]
    session = (await sessions_of(say["cohort"]["id"]))[1]
    await say_post(client, token, f"/p/{token}/say/sessions/{session['id']}", {"reason": "Syk"})
    page = (await client.get(f"/p/{token}/say")).text
    assert "Du har sagt fra at du ikke kommer." in page and "Jeg kommer likevel" in page

    back = await say_post(client, token, f"/p/{token}/say/sessions/{session['id']}/withdraw")
    assert back.status_code == 303
    assert "Så fint at du kommer!" in (await client.get(back.headers["location"])).text
    assert await Attendance.count().where(Attendance.participant == person) == 0
    assert await AuditEvent.count().where(AuditEvent.action == "absence_withdrawn") == 1

    # Reported again, and the session starts: too late to take it back, or to report.
    await say_post(client, token, f"/p/{token}/say/sessions/{session['id']}", {"reason": "Syk"})
    start = datetime.combine(session["date"], session["start_time"], clock.OSLO)
    with clock.frozen(start):
        assert f"/say/sessions/{session['id']}" not in (await client.get(f"/p/{token}/say")).text
        back = await say_post(client, token, f"/p/{token}/say/sessions/{session['id']}/withdraw")
        assert back.status_code == 404
    assert await Attendance.count().where(Attendance.participant == person) == 1


async def test_a_session_that_has_begun_is_refused(client, world, say, as_):
    admin = await as_("admin")
    running = await running_cohort(client, world, admin, title="Klart jeg kan – nå")
    await enrolled(client, say["leader"], running["id"], say["person"])
    token = say["token"]
    sessions = await sessions_of(running["id"])
    past = next(s for s in sessions.values() if s["date"] < TODAY)
    assert (await client.get(f"/p/{token}/say/sessions/{past['id']}")).status_code == 404
    answer = await say_post(client, token, f"/p/{token}/say/sessions/{past['id']}", {"reason": ""})
    assert answer.status_code == 404 and "Lenken virker ikke" in answer.text
    # Today's, 09:00–14:00, began this morning.
    today = next(s for s in sessions.values() if s["date"] == TODAY)
    answer = await say_post(client, token, f"/p/{token}/say/sessions/{today['id']}", {"reason": ""})
    assert answer.status_code == 404
    assert await Attendance.count() == 0 and await Message.count().where(Message.kind == "absence_reported") == 0


async def test_another_persons_session_is_not_found(client, world, say):
    token = say["token"]
    theirs = (await sessions_of(say["other"]["id"]))[1]
    assert (await client.get(f"/p/{token}/say/sessions/{theirs['id']}")).status_code == 404
    answer = await say_post(client, token, f"/p/{token}/say/sessions/{theirs['id']}", {"reason": ""})
    assert answer.status_code == 404
    assert await Attendance.count() == 0


async def test_a_revoked_link_is_gone(client, world, say):
    token = say["token"]
    session = (await sessions_of(say["cohort"]["id"]))[1]
    html = (await client.get(f"/p/{token}/say/sessions/{session['id']}")).text
    await client.delete(f"/api/v1/participants/{say['person']}/link", headers=say["leader"])
    gone = await client.get(f"/p/{token}/say")
    assert gone.status_code == 410 and "Lenken virker ikke lenger" in gone.text
    post = await client.post(f"/p/{token}/say/sessions/{session['id']}", data={"_csrf_token": csrf_from(html)})
    assert post.status_code == 410
    assert await Attendance.count() == 0


async def test_the_link_opens_no_staff_page(client, world, say):
    token, cohort_id = say["token"], say["cohort"]["id"]
    await client.get(f"/p/{token}/say")
    register = await client.get(f"/cohorts/{cohort_id}/sessions/1/attendance")
    assert register.status_code in (302, 303, 401) and "Meldt forfall" not in register.text
    api = await client.get(
        f"/api/v1/cohorts/{cohort_id}/sessions/1/attendance", headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status_code == 401
    assert (await client.get(f"/p/{token}/cohorts/{cohort_id}/talks")).status_code == 404


# --- guidance talks ----------------------------------------------------------------------------


@pytest.fixture
async def talk(client, world, as_, say):
    """Sølvi on a running cohort with a talk next Tuesday 10:00–10:45; the leader holds
    talks on Tuesdays and Thursdays 10:00–11:30."""
    admin = await as_("admin")
    running = await running_cohort(client, world, admin, title="Klart jeg kan – nå")
    await enrolled(client, say["leader"], running["id"], say["person"])
    await enrolled(client, say["leader"], running["id"], say["someone"])
    windows = [{"weekday": d, "start_time": "10:00", "end_time": "11:30"} for d in (2, 4)]
    response = await client.put("/api/v1/me/availability", json={"weekly": windows}, headers=say["leader"])
    assert response.status_code == 200, response.text
    out = await booked(client, say["leader"], running["id"], say["person"], world.leader, TUESDAY)
    return {**say, "running": running, "talk": out["id"]}


async def test_confirming_a_talk(client, world, talk, login_as):
    token = talk["token"]
    page = (await client.get(f"/p/{token}/say")).text
    assert "Veiledningssamtale med Åse Ødegård" in page and "Bekreft" in page and "Be om ny tid" in page
    answer = await say_post(client, token, f"/p/{token}/say/talks/{talk['talk']}/confirm")
    assert answer.status_code == 303
    assert "Takk! Samtalen er bekreftet." in (await client.get(answer.headers["location"])).text
    row = await Talk.select(Talk.confirmed_at).where(Talk.id == talk["talk"]).first()
    assert row["confirmed_at"] is not None
    sent = await Message.select().where(Message.kind == "talk_confirmed")
    assert [(m["staff"], m["participant"]) for m in sent] == [(world.leader, talk["person"])]
    assert await AuditEvent.count().where(AuditEvent.action == "talk_confirmed") == 1
    # Confirmed again: nothing new.
    await say_post(client, token, f"/p/{token}/say/talks/{talk['talk']}/confirm")
    assert await Message.count().where(Message.kind == "talk_confirmed") == 1
    # Staff see it.
    await login_as("leader")
    html = (await client.get(f"/cohorts/{talk['running']['id']}/talks")).text
    assert "Bekreftet" in html
    # Staff moving the talk clears the confirmation.
    moved = await client.patch(
        f"/api/v1/talks/{talk['talk']}", json={"start_time": "11:00", "end_time": "11:30"}, headers=talk["leader"]
    )
    assert moved.status_code == 200, moved.text
    assert (await Talk.select(Talk.confirmed_at).where(Talk.id == talk["talk"]).first())["confirmed_at"] is None


async def test_moving_a_talk_to_a_free_time(client, world, talk):
    token = talk["token"]
    form = await client.get(f"/p/{token}/say/talks/{talk['talk']}/move")
    assert form.status_code == 200
    # The leader's free times: Thursday and Tuesday 10:00 and 10:45, not the talk's own.
    assert 'value="2027-09-16T10:00"' in form.text and 'value="2027-09-16T10:45"' in form.text
    assert 'value="2027-09-21T10:00"' not in form.text and 'value="2027-09-21T10:45"' in form.text
    answer = await client.post(
        f"/p/{token}/say/talks/{talk['talk']}/move",
        data={"time": "2027-09-16T10:45", "_csrf_token": csrf_from(form.text)},
    )
    assert answer.status_code == 303
    assert "Samtalen er flyttet." in (await client.get(answer.headers["location"])).text
    row = await Talk.select().where(Talk.id == talk["talk"]).first()
    assert (row["date"], row["start_time"], row["end_time"]) == (THURSDAY, time(10, 45), time(11, 30))
    assert row["confirmed_at"] is not None
    sent = await Message.select().where(Message.kind == "talk_move_requested")
    assert [(m["staff"], m["participant"], m["channel"]) for m in sent] == [(world.leader, talk["person"], "email")]
    assert "torsdag 16. september" in sent[0]["subject"] and "tirsdag 21. september" in sent[0]["body"]
    events = await AuditEvent.select().where(AuditEvent.action == "talk_moved_by_participant")
    assert [(e["participant"], e["actor"]) for e in events] == [(talk["person"], None)]


async def test_a_time_just_taken_is_refused_and_nothing_changes(client, world, talk):
    token = talk["token"]
    form = await client.get(f"/p/{token}/say/talks/{talk['talk']}/move")
    assert 'value="2027-09-23T10:00"' in form.text
    # Meanwhile the leader books Åsmund then.
    await booked(client, talk["leader"], talk["running"]["id"], talk["someone"], world.leader, NEXT_THURSDAY)
    answer = await client.post(
        f"/p/{token}/say/talks/{talk['talk']}/move",
        data={"time": "2027-09-23T10:00", "_csrf_token": csrf_from(form.text)},
    )
    assert answer.status_code == 409
    assert "Noen andre tok akkurat den tiden. Velg en annen." in answer.text
    assert 'value="2027-09-23T10:00"' not in answer.text and 'value="2027-09-16T10:00"' in answer.text
    row = await Talk.select().where(Talk.id == talk["talk"]).first()
    assert (row["date"], row["start_time"], row["confirmed_at"]) == (TUESDAY, time(10, 0), None)
    assert await Message.count().where(Message.kind == "talk_move_requested") == 0
    # A time that was never offered, or no time at all, is refused too.
    for value in ("2027-09-16T13:00", "i morgen"):
        answer = await client.post(
            f"/p/{token}/say/talks/{talk['talk']}/move", data={"time": value, "_csrf_token": csrf_from(form.text)}
        )
        assert answer.status_code in (409, 422) and 'id="time-error"' in answer.text


async def test_another_persons_talk_is_not_found(client, world, talk):
    theirs = await booked(client, talk["leader"], talk["running"]["id"], talk["someone"], world.leader, THURSDAY)
    token = talk["token"]
    assert (await client.get(f"/p/{token}/say/talks/{theirs['id']}/move")).status_code == 404
    answer = await say_post(client, token, f"/p/{token}/say/talks/{theirs['id']}/confirm")
    assert answer.status_code == 404
    assert (await Talk.select(Talk.confirmed_at).where(Talk.id == theirs["id"]).first())["confirmed_at"] is None
