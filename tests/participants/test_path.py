"""The way in for one participant: referral, HU, intake talk, information meeting and
start, over the API and the pages, for each role; the referral date kept as HU's."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from course import clock
from course.audit.tables import AuditEvent
from course.participants.tables import Participant, PathStep
from tests.conftest import csrf_from, csrf_post
from tests.participants.helpers import enrolled, error_keys, participant, running_cohort


def day(offset: int) -> str:
    return (clock.today() + timedelta(days=offset)).isoformat()


async def change(client, headers, person_id: int, **steps):
    return await client.patch(f"/api/v1/participants/{person_id}/path", json=steps, headers=headers)


async def test_a_leader_records_every_step_and_reads_the_path_back(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    response = await change(
        client,
        leader,
        person["id"],
        referred={"date": day(-10), "by": "Oppfølgingstjenesten (OT) på Åssiden"},
        hu={"date": day(-6), "decision": "accepted", "note": "Ønsker å prøve kurset før sommeren."},
        intake={"date": day(-4), "by_id": world.leader},
        info_meeting={"date": day(3)},
    )
    assert response.status_code == 200, response.text
    path = response.json()
    assert path["referred"]["by"] == "Oppfølgingstjenesten (OT) på Åssiden"
    assert (path["hu"]["date"], path["hu"]["decision"]) == (day(-6), "accepted")
    assert path["hu"]["changed_by"] == {"id": world.leader, "name": "Åse Ødegård"}
    assert path["intake"]["by"] == {"id": world.leader, "name": "Åse Ødegård"}
    assert path["info_meeting"]["date"] == day(3)
    assert path["start"] is None
    # Accepted six days ago, no start yet: waiting for a place, within the 14 days.
    assert (path["next_step"], path["waiting_since"], path["days_waiting"]) == ("start", day(-6), 6)
    assert path["over_target"] is False
    assert (path["days_referral_to_hu"], path["days_hu_to_start"]) == (4, None)
    # The HU date is the participant's referral committee date.
    details = (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()
    assert details["referral_date"] == day(-6)
    assert details["path"]["hu"]["decision"] == "accepted"
    read = await client.get(f"/api/v1/participants/{person['id']}/path", headers=leader)
    assert read.status_code == 200 and read.json() == path


async def test_the_start_is_the_first_cohort_with_a_place_after_the_referral(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin, weeks_ago=1)
    person = await participant(client, leader, world)
    start = course["start_date"]
    referred = (clock.today() - timedelta(days=40)).isoformat()
    hu = (clock.today() - timedelta(days=30)).isoformat()
    await change(client, leader, person["id"], referred={"date": referred}, hu={"date": hu, "decision": "accepted"})
    await enrolled(client, leader, course["id"], person["id"])
    path = (await client.get(f"/api/v1/participants/{person['id']}/path", headers=leader)).json()
    assert path["start"]["cohort_id"] == course["id"] and path["start"]["date"] == start
    assert path["next_step"] is None and path["days_waiting"] is None
    assert path["days_hu_to_start"] == (date.fromisoformat(start) - date.fromisoformat(hu)).days
    assert path["days_referral_to_hu"] == 10


async def test_a_step_is_changed_and_cleared_and_each_change_is_audited_without_its_content(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    note = "Sårbar situasjon hjemme; trenger tett oppfølging."
    await change(client, leader, person["id"], referred={"date": day(-8), "by": "Skolen"})
    await change(client, leader, person["id"], hu={"date": day(-2), "decision": "not_now", "note": note})
    response = await change(client, leader, person["id"], referred=None)
    assert response.status_code == 200
    path = response.json()
    assert path["referred"] is None and path["hu"]["decision"] == "not_now"
    # HU said not now: there is nothing to wait for.
    assert path["next_step"] is None
    cleared = await change(client, leader, person["id"], hu=None)
    assert cleared.json()["hu"] is None
    assert (await Participant.select(Participant.referral_date).first())["referral_date"] is None
    assert await PathStep.count() == 0
    events = await AuditEvent.select().where(AuditEvent.action == "path_changed").order_by(AuditEvent.id)
    for e in events:
        e["details"] = json.loads(e["details"]) if isinstance(e["details"], str) else e["details"]
    assert [e["details"]["steps"] for e in events] == [["referred"], ["hu"], [], []]
    assert [e["details"]["cleared"] for e in events] == [[], [], ["referred"], ["hu"]]
    assert all(e["participant"] == person["id"] and e["actor"] == world.leader for e in events)
    dumped = json.dumps([e["details"] for e in events], ensure_ascii=False)
    assert "Sårbar" not in dumped and "not_now" not in dumped and "Skolen" not in dumped


async def test_reading_the_path_is_audited(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    await client.get(f"/api/v1/participants/{person['id']}/path", headers=leader)
    [event] = await AuditEvent.select().where(AuditEvent.action == "path_read")
    assert (event["participant"], event["actor"], event["office"]) == (person["id"], world.leader, world.office_a)


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [("leader", 200, 200), ("admin", 200, 200), ("manager", 403, 403), ("leader_b", 404, 404), ("manager_b", 403, 403)],
)
async def test_who_may_read_and_write_a_path(client, world, as_, who, read, write):
    person = await participant(client, await as_("leader"), world)
    headers = await as_(who)
    got = await client.get(f"/api/v1/participants/{person['id']}/path", headers=headers)
    assert got.status_code == read, got.text
    changed = await change(client, headers, person["id"], referred={"date": day(-1)})
    assert changed.status_code == write, changed.text
    assert await PathStep.count() == (1 if write == 200 else 0)
    if read != 200:
        assert "Sølvi" not in got.text


async def test_no_token_is_401(client, world, as_):
    person = await participant(client, await as_("leader"), world)
    assert (await client.get(f"/api/v1/participants/{person['id']}/path")).status_code == 401


# Each case as (steps, the field named), with the dates as days from today (the
# clock is set per test, so the dates are made inside it).
CASES = [
    ({"referred": {"date": -3}, "hu": {"date": -5}}, "hu.date"),
    ({"referred": {"date": 1}}, "referred.date"),
    ({"hu": {"date": 1}}, "hu.date"),
    ({"intake": {"date": 91}}, "intake.date"),
    ({"info_meeting": {"date": 91}}, "info_meeting.date"),
    ({"hu": {"date": -2}, "info_meeting": {"date": -3}}, "info_meeting.date"),
    ({"referred": {"date": -2}, "intake": {"date": -3}}, "intake.date"),
    ({"hu": {"date": "15.09.2027"}}, "hu.date"),
    ({"hu": {"date": -1, "decision": "maybe"}}, "hu.decision"),
    ({"hu": {"date": -1, "note": "x" * 501}}, "hu.note"),
    ({"referred": {"date": -1, "by": "a\x00b"}}, "referred.by"),
]


def dated(steps: dict) -> dict:
    return {
        step: {k: day(v) if k == "date" and isinstance(v, int) else v for k, v in fields.items()}
        for step, fields in steps.items()
    }


@pytest.mark.parametrize(("steps", "field"), CASES)
async def test_a_step_that_breaks_a_rule_is_422_naming_the_field(client, world, as_, steps, field):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    response = await change(client, leader, person["id"], **dated(steps))
    assert response.status_code == 422, response.text
    assert error_keys(response) == {field}
    assert await PathStep.count() == 0


async def test_a_clash_with_a_step_already_recorded_names_the_step_being_changed(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    await change(client, leader, person["id"], hu={"date": day(-5)}, info_meeting={"date": day(2)})
    late_referral = await change(client, leader, person["id"], referred={"date": day(-1)})
    assert late_referral.status_code == 422 and error_keys(late_referral) == {"referred.date"}
    late_hu = await change(client, leader, person["id"], hu={"date": day(-1)}, info_meeting={"date": day(-2)})
    assert error_keys(late_hu) == {"info_meeting.date"}
    hu_after_meeting = await change(client, leader, person["id"], hu={"date": day(-1)})
    assert hu_after_meeting.status_code == 200
    hu_after_meeting = await change(client, leader, person["id"], info_meeting={"date": day(-3)})
    assert error_keys(hu_after_meeting) == {"info_meeting.date"}


async def test_the_intake_is_held_by_someone_of_the_participants_office(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    for other in (world.leader_b, world.manager, 999_999):
        response = await change(client, leader, person["id"], intake={"date": day(-1), "by_id": other})
        assert response.status_code == 422 and error_keys(response) == {"intake.by_id"}, other
    assert (await change(client, leader, person["id"], intake={"date": day(-1)})).json()["intake"]["by"] is None


async def test_a_body_of_the_wrong_shape_is_400(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    response = await change(client, leader, person["id"], hu={"date": day(-1), "verdict": "accepted"})
    assert response.status_code == 400
    response = await change(client, leader, person["id"], start={"date": day(-1)})
    assert response.status_code == 400


async def test_the_referral_date_and_the_hu_date_are_one(client, world, as_):
    leader = await as_("leader")
    registered = await participant(client, leader, world, referral_date=day(-4))
    assert registered["path"]["hu"] == {
        "date": day(-4),
        "decision": None,
        "note": "",
        "changed_by": {"id": world.leader, "name": "Åse Ødegård"},
        "changed_at": registered["path"]["hu"]["changed_at"],
    }
    pid = registered["id"]
    await change(client, leader, pid, hu={"date": day(-3), "decision": "accepted", "note": "Klar."})
    moved = await client.patch(f"/api/v1/participants/{pid}", json={"referral_date": day(-2)}, headers=leader)
    assert moved.status_code == 200 and moved.json()["referral_date"] == day(-2)
    # The decision and note stay; only the date moves.
    assert (moved.json()["path"]["hu"]["date"], moved.json()["path"]["hu"]["decision"]) == (day(-2), "accepted")
    await change(client, leader, pid, referred={"date": day(-3)})
    early = await client.patch(f"/api/v1/participants/{pid}", json={"referral_date": day(-5)}, headers=leader)
    assert early.status_code == 422 and error_keys(early) == {"referral_date"}
    cleared = await client.patch(f"/api/v1/participants/{pid}", json={"referral_date": ""}, headers=leader)
    assert cleared.json()["referral_date"] is None and cleared.json()["path"]["hu"] is None


async def test_a_referral_date_from_before_the_steps_reads_as_hu_without_a_decision(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    await Participant.update({Participant.referral_date: clock.today() - timedelta(days=9)}).where(
        Participant.id == person["id"]
    )
    path = (await client.get(f"/api/v1/participants/{person['id']}/path", headers=leader)).json()
    assert path["hu"]["date"] == day(-9) and path["hu"]["decision"] is None and path["hu"]["changed_by"] is None
    assert path["next_step"] == "hu"


# --- the pages ----------------------------------------------------------------------------


async def test_the_participant_page_shows_the_path_and_records_the_next_step(client, world, as_, login_as):
    leader = await as_("leader")
    person = await participant(client, leader, world, name="Tørris Ålgård")
    await login_as("leader")
    page = await client.get(f"/participants/{person['id']}")
    assert "Veien inn" in page.text and "Henvist" in page.text
    response = await client.post(
        f"/participants/{person['id']}/path",
        data={
            "step": "referred",
            "back": "participant",
            "referred.date": day(-7),
            "referred.by": "Barnevernet i Øvre Eiker",
            "_csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 303 and response.headers["location"] == f"/participants/{person['id']}#path"
    assert "Veien inn er lagret." in (await client.get(response.headers["location"])).text
    page = await client.get(f"/participants/{person['id']}")
    assert "Barnevernet i Øvre Eiker" in page.text
    # Seven days without HU: over the five-day target, and the next form is HU's.
    assert "Over målet" in page.text and 'name="hu.date"' in page.text


async def test_the_path_page_names_the_field_in_error_and_keeps_what_was_typed(client, world, as_, login_as):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    await change(client, leader, person["id"], referred={"date": day(-3)})
    await login_as("leader")
    page = f"/participants/{person['id']}/path"
    response = await csrf_post(
        client,
        page,
        {"step": "hu", "hu.date": day(-5), "hu.decision": "accepted", "hu.note": "Møtte med mor"},
    )
    assert response.status_code == 422
    assert 'href="#hu.date"' in response.text and "Møtte med mor" in response.text
    ok = await csrf_post(client, page, {"step": "intake", "intake.date": day(2), "intake.by_id": str(world.leader)})
    assert ok.status_code == 303 and ok.headers["location"] == page
    cleared = await csrf_post(client, page, {"step": "intake", "action": "clear"})
    assert cleared.status_code == 303
    assert await PathStep.count().where(PathStep.step == "intake") == 0
    assert await AuditEvent.count().where(AuditEvent.action == "path_read") >= 1


@pytest.mark.parametrize(("who", "status"), [("manager", 403), ("leader_b", 404), ("admin", 200)])
async def test_the_path_page_for_other_roles(client, world, as_, login_as, who, status):
    person = await participant(client, await as_("leader"), world)
    await login_as(who)
    response = await client.get(f"/participants/{person['id']}/path")
    assert response.status_code == status
    if status != 200:
        assert "Sølvi" not in response.text


# --- the leader's start page ---------------------------------------------------------------


async def test_the_start_page_lists_who_waits_longest_first_and_bounded(client, world, as_, login_as):
    leader = await as_("leader")
    ids = {}
    for offset, name in ((-9, "Åsta Bøe"), (-2, "Ørnulf Li"), (-20, "Gørild Næss")):
        person = await participant(client, leader, world, name=name)
        await change(client, leader, person["id"], referred={"date": day(offset)})
        ids[name] = person["id"]
    # Accepted 16 days ago, no start: over the fourteen days.
    accepted = await participant(client, leader, world, name="Kåre Vågå")
    await change(client, leader, accepted["id"], hu={"date": day(-16), "decision": "accepted"})
    # Referred a year ago: outside the window the start page reads.
    old = await participant(client, leader, world, name="Gammel Sæter")
    await change(client, leader, old["id"], referred={"date": day(-365)})
    # Another office's participant never shows.
    leader_b = await as_("leader_b")
    other = await participant(client, leader_b, world, name="Bente Lierå", primary_contact_id=world.leader_b)
    await change(client, leader_b, other["id"], referred={"date": day(-30)})
    await login_as("leader")
    html = (await client.get("/")).text
    order = [html.index(n) for n in ("Gørild Næss", "Kåre Vågå", "Åsta Bøe", "Ørnulf Li")]
    assert order == sorted(order)
    assert "Gammel Sæter" not in html and "Bente Lierå" not in html
    assert f'href="/participants/{ids["Åsta Bøe"]}#path"' in html
