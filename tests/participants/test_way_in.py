"""The way-in report per office and period: counts for managers under the
small-number rule and without names, the names of those over target for leaders and
admins, over the API, its CSV and the page, on both engines."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from course import clock
from tests.participants.helpers import enrolled, error_keys, participant, running_cohort


def day(offset: int) -> str:
    return (clock.today() + timedelta(days=offset)).isoformat()


async def path(client, headers, person_id: int, **steps) -> dict:
    response = await client.patch(f"/api/v1/participants/{person_id}/path", json=steps, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


# Office A's young people: referred, HU and what followed (days from today).
PEOPLE = [
    # name, referred, HU, decision
    ("Åshild Brænne", -26, -23, "accepted"),  # 3 days to HU; started below, 14 days after HU
    ("Bård Løkkå", -30, -21, "accepted"),  # 9 days: late to HU; 21 days since HU, no start: late to start
    ("Cecilie Ødegården", -20, -16, "accepted"),  # 4 days; started below
    ("Dag Sørbø", -12, -10, "not_now"),
    ("Embla Fjærvoll", -8, None, ""),  # waiting for HU, 8 days: late
    ("Fredrik Håøya", -3, None, ""),  # waiting for HU, 3 days
]


async def office_a(client, world, as_) -> dict[str, int]:
    leader = await as_("leader")
    ids = {}
    for name, referred, hu, decision in PEOPLE:
        person = await participant(client, leader, world, name=name)
        steps: dict = {"referred": {"date": day(referred), "by": "OT"}}
        if hu is not None:
            steps["hu"] = {"date": day(hu), "decision": decision, "note": "Merknad om Æ"}
        await path(client, leader, person["id"], **steps)
        ids[name] = person["id"]
    course = await running_cohort(client, world, await as_("admin"), weeks_ago=1)
    for name in ("Åshild Brænne", "Cecilie Ødegården"):
        await enrolled(client, leader, course["id"], ids[name])
    return ids


async def report(client, headers, **params) -> dict:
    response = await client.get("/api/v1/reports/way-in", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_leader_sees_the_offices_figures_and_who_waited_beyond_the_targets(client, world, as_):
    ids = await office_a(client, world, as_)
    got = await report(client, await as_("leader"))
    assert got["names"] is True and (got["hu_target_days"], got["start_target_days"]) == (5, 14)
    [office] = got["offices"]
    assert office["office_id"] == world.office_a and office["participants"] == 6
    counts = office["counts"]
    assert (counts["referred"], counts["hu"], counts["accepted"], counts["not_now"]) == (6, 4, 3, 1)
    assert (counts["started"], counts["waiting"]) == (2, 3)
    assert (counts["late_to_hu"], counts["late_to_start"]) == (2, 1)
    assert office["suppressed"] == []
    # Days from referral to HU: 3, 9, 4, 2.
    assert office["referral_to_hu"] == {"count": 4, "median": 3.5, "q1": 2.75, "q3": 5.25, "min": 2, "max": 9}
    assert office["hu_to_start"]["count"] == 2
    late = {(x["participant"]["name"], x["target"]): (x["days"], x["still_waiting"]) for x in office["late"]}
    assert late == {
        ("Bård Løkkå", "hu"): (9, False),
        ("Bård Løkkå", "start"): (21, True),
        ("Embla Fjærvoll", "hu"): (8, True),
    }
    assert {x["participant"]["id"] for x in office["late"]} == {ids["Bård Løkkå"], ids["Embla Fjærvoll"]}


async def test_a_manager_sees_counts_only_with_no_small_numbers_and_no_names(client, world, as_):
    await office_a(client, world, as_)
    response = await client.get("/api/v1/reports/way-in", headers=await as_("manager"))
    assert response.status_code == 200
    for name, *_ in PEOPLE:
        assert name not in response.text
    got = response.json()
    assert got["names"] is False
    [office] = got["offices"]
    assert office["late"] == [] and office["participants"] == 6
    counts = office["counts"]
    # 6 referred and 4 at HU are shown; accepted 3 is shown only if the small decisions hide three between them.
    assert counts["referred"] == 6 and counts["hu"] == 4 and counts["waiting"] == 3
    assert counts["not_now"] is None and counts["started"] is None and counts["late_to_hu"] is None
    # not_now (1) alone would be the HU count less the rest: accepted goes too.
    assert counts["accepted"] is None and counts["undecided"] == 0 and counts["other_measure"] == 0
    assert set(office["suppressed"]) == {"not_now", "accepted", "started", "late_to_hu", "late_to_start"}
    # The median and quartiles from three paths, never the shortest and longest.
    # From four paths the median, not the quartiles (with them the days of each could be worked back).
    assert office["referral_to_hu"] == {"count": 4, "median": 3.5, "q1": None, "q3": None, "min": None, "max": None}
    assert office["hu_to_start"] == {"count": None, "median": None, "q1": None, "q3": None, "min": None, "max": None}


async def test_a_manager_of_another_office_and_its_leader_see_none_of_office_a(client, world, as_):
    await office_a(client, world, as_)
    for who in ("manager_b", "leader_b"):
        got = await report(client, await as_(who))
        assert got["offices"] == [], who
        # Asking for office A by id selects nothing outside their own office.
        assert (await report(client, await as_(who), office_id=world.office_a))["offices"] == []


async def test_an_admin_sees_every_office_and_may_choose_one(client, world, as_):
    await office_a(client, world, as_)
    leader_b = await as_("leader_b")
    other = await participant(client, leader_b, world, name="Øystein Vågsæter", primary_contact_id=world.leader_b)
    await path(client, leader_b, other["id"], referred={"date": day(-2)})
    admin = await as_("admin")
    got = await report(client, admin)
    assert [o["office_id"] for o in got["offices"]] == [world.office_a, world.office_b]
    assert got["offices"][1]["participants"] == 1 and got["offices"][1]["counts"]["referred"] == 1
    only_b = await report(client, admin, office_id=world.office_b)
    assert [o["office_id"] for o in only_b["offices"]] == [world.office_b]


async def test_the_period_chooses_by_the_day_of_referral(client, world, as_):
    await office_a(client, world, as_)
    leader = await as_("leader")
    got = await report(client, leader, **{"from": day(-25), "to": day(-5)})
    assert got["start"] == day(-25) and got["end"] == day(-5)
    assert got["offices"][0]["participants"] == 3  # referred 20, 12 and 8 days ago
    assert (await report(client, leader, **{"from": day(-400), "to": day(-300)}))["offices"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [({"from": "2027-13-01"}, "from"), ({"to": "i går"}, "to"), ({"from": "2027-09-10", "to": "2027-09-01"}, "to")],
)
async def test_a_bad_period_is_422_naming_the_field(client, world, as_, params, field):
    response = await client.get("/api/v1/reports/way-in", params=params, headers=await as_("manager"))
    assert response.status_code == 422 and error_keys(response) == {field}


async def test_the_csv_has_one_line_per_office_and_no_names_for_anyone(client, world, as_):
    await office_a(client, world, as_)
    for who in ("manager", "leader", "admin"):
        response = await client.get("/api/v1/reports/way-in.csv", headers=await as_(who))
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        for name, *_ in PEOPLE:
            assert name not in response.text
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == 1 and rows[0]["referred"] == "6"
        assert rows[0]["not_now"] == ("" if who == "manager" else "1")


async def test_the_report_needs_a_token(client, world):
    assert (await client.get("/api/v1/reports/way-in")).status_code == 401


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "names"), [("leader", True), ("manager", False), ("admin", True)])
async def test_the_page_shows_names_only_to_those_who_see_people(client, world, as_, login_as, who, names):
    await office_a(client, world, as_)
    await login_as(who)
    page = await client.get("/reports/way-in")
    assert page.status_code == 200
    assert "Veien inn" in page.text and "Henvisning til HU" in page.text
    assert ("Bård Løkkå" in page.text) is names
    assert ("Embla Fjærvoll" in page.text) is names
    assert ("Åshild Brænne" in page.text) is False  # on time: never listed
    if not names:
        assert "færre enn 3" in page.text
    csv_file = await client.get("/reports/way-in.csv")
    assert csv_file.status_code == 200 and "Bård" not in csv_file.text
    bad = await client.get("/reports/way-in", params={"from": "2027-09-10", "to": "2027-09-01"})
    assert bad.status_code == 422 and 'href="#to"' in bad.text


async def test_the_managers_start_page_links_to_the_report(client, world, login_as):
    await login_as("manager")
    assert 'href="/reports/way-in"' in (await client.get("/")).text
