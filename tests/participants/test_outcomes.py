"""Outcomes after the course, and the cohort summary that counts them."""

from __future__ import annotations

from datetime import date, timedelta

from course import clock
from course.participants.tables import Outcome
from tests.participants.helpers import (
    NAMES,
    booked,
    enrolled,
    error_keys,
    free_day,
    mark,
    participant,
    roster,
    running_cohort,
)

# Ny retning's results, then Ungteam's distribution after follow-up (the report's two tables).
KINDS = ["job", "school", "nav_measure", "work_practice", "sheltered_work", "on_the_way", "did_not_show", "moved"]
KINDS += ["work", "education", "benefits", "treatment", "assessment", "lost_contact"]


async def test_every_outcome_kind_is_recorded_and_can_be_changed_later(client, world, as_):
    leader = await as_("leader")
    course = await running_cohort(client, world, await as_("admin"))
    enrolment = await enrolled(client, leader, course["id"], (await participant(client, leader, world))["id"])
    for kind in KINDS:
        note = f"Nå: {kind} på Løten"
        response = await client.put(
            f"/api/v1/enrolments/{enrolment['id']}/outcome",
            json={"kind": kind, "date": clock.today().isoformat(), "note": note},
            headers=leader,
        )
        assert response.status_code == 200, (kind, response.text)
        outcome = response.json()["outcome"]
        assert (outcome["kind"], outcome["note"]) == (kind, note)
        assert outcome["changed_by"] == {"id": world.leader, "name": "Åse Ødegård"}
    assert await Outcome.count() == 1
    [row] = await roster(client, leader, course["id"])
    assert (row["outcome"], row["outcome_date"]) == ("lost_contact", clock.today().isoformat())


async def test_the_outcome_form_and_summary_use_the_reports_words_in_its_two_lists(client, world, as_, login_as):
    leader = await as_("leader")
    course = await running_cohort(client, world, await as_("admin"))
    enrolment = await enrolled(client, leader, course["id"], (await participant(client, leader, world))["id"])
    await login_as("leader")
    for page in (f"/enrolments/{enrolment['id']}", f"/cohorts/{course['id']}/summary"):
        html = (await client.get(page)).text
        words = [
            "Som i Ny retning",
            "Reetablert forhold til videregående opplæring",
            "Arbeidsmarkedstiltak i NAV-regi",
            "På vei ut i tiltak",
            "Flyttet ut av fylket",
            "Som i Klart jeg kan",
            "Arbeidslinje",
            "AAP/trygd",
            "Mottaker til avklaring",
            "Mistet kontakt",
        ]
        places = [html.find(w) for w in words]
        assert -1 not in places and places == sorted(places), (page, dict(zip(words, places)))


async def test_bad_outcomes_are_refused_naming_the_field(client, world, as_):
    leader = await as_("leader")
    course = await running_cohort(client, world, await as_("admin"), capacity=1)
    first = await enrolled(client, leader, course["id"], (await participant(client, leader, world))["id"])
    waiting = await enrolled(
        client, leader, course["id"], (await participant(client, leader, world, name="Bjørg Ækre"))["id"]
    )
    assert waiting["status"] == "waiting"
    before_start = (date.fromisoformat(course["start_date"]) - timedelta(days=1)).isoformat()
    today = clock.today().isoformat()
    for enrolment, body, key in (
        (first, {"kind": "jobb", "date": today}, "kind"),
        (first, {"kind": "", "date": today}, "kind"),
        (first, {"kind": "job", "date": before_start}, "date"),
        (first, {"kind": "job", "date": "i går"}, "date"),
        (waiting, {"kind": "job", "date": today}, "kind"),
    ):
        response = await client.put(f"/api/v1/enrolments/{enrolment['id']}/outcome", json=body, headers=leader)
        assert response.status_code == 422, (body, response.text)
        assert error_keys(response) == {key}, (body, response.text)
    assert await Outcome.count() == 0


async def test_the_summary_counts_and_rates_without_names(client, world, as_):
    leader = await as_("leader")
    course = await running_cohort(client, world, await as_("admin"))
    people = [await participant(client, leader, world, name=n) for n in NAMES[:4]]
    places = [await enrolled(client, leader, course["id"], p["id"]) for p in people]
    for person, marks in zip(people[:2], (("present", "present"), ("present", "absent")), strict=True):
        for number, status in enumerate(marks, start=1):
            assert (await mark(client, leader, course["id"], number, person["id"], status)).status_code == 200
    talk = await booked(client, leader, course["id"], people[0]["id"], world.leader, free_day(course, 0))
    assert (
        await client.patch(f"/api/v1/talks/{talk['id']}", json={"status": "held"}, headers=leader)
    ).status_code == 200
    changes = [(places[2], {"status": "no_show"}), (places[3], {"status": "withdrawn", "reason": "Flyttet"})]
    for place, change in changes:
        assert (await client.patch(f"/api/v1/enrolments/{place['id']}", json=change, headers=leader)).status_code == 200
    for place, kind in ((places[0], "job"), (places[1], "school"), (places[2], "did_not_show")):
        response = await client.put(
            f"/api/v1/enrolments/{place['id']}/outcome",
            json={"kind": kind, "date": clock.today().isoformat()},
            headers=leader,
        )
        assert response.status_code == 200, response.text

    response = await client.get(f"/api/v1/cohorts/{course['id']}/summary", headers=await as_("manager"))
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["statuses"] == {
        "invited": 0,
        "enrolled": 2,
        "waiting": 0,
        "completed": 0,
        "dropped_out": 0,
        "no_show": 1,
        "withdrawn": 1,
    }
    assert summary["participants"] == 2
    assert summary["attendance_rate"] == 0.75
    assert (summary["talks_held"], summary["talks_per_participant"]) == (1, 0.5)
    assert summary["outcomes"] == {**{k: 0 for k in KINDS}, "job": 1, "school": 1, "did_not_show": 1, "none": 0}
    for person in people:
        for part in person["name"].split():
            assert part not in response.text
