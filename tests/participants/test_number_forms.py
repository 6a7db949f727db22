"""Rates, averages, phone numbers and dates on the pages as Norwegian readers write
them: 2 of 3 is 67 % (not 66 %), no talks is 0 (not 0.0), a mobile number 912 34 567,
and a link that works until a day and a time."""

from __future__ import annotations

import re

from course.web.formats import NBSP
from tests.participants.helpers import enrolled, mark, participant, running_cohort


async def test_two_of_three_is_sixty_seven_percent_and_no_talks_is_zero(client, world, as_, login_as):
    leader = await as_("leader")
    course = await running_cohort(client, world, await as_("admin"), weeks_ago=2)
    person = await participant(client, leader, world, name="Ørjan Kjærstad")
    await enrolled(client, leader, course["id"], person["id"])
    for number, status in ((1, "present"), (2, "present"), (3, "absent")):
        assert (await mark(client, leader, course["id"], number, person["id"], status)).status_code == 200
    await login_as("leader")
    cohort_page = (await client.get(f"/cohorts/{course['id']}")).text
    assert f"67{NBSP}%" in cohort_page and "66 %" not in cohort_page
    summary = (await client.get(f"/cohorts/{course['id']}/summary")).text
    assert f"67{NBSP}%" in summary
    assert '<span class="stat-number">0</span> <span class="stat-label">samtaler' in summary
    assert "0.0" not in summary


async def test_a_phone_number_is_grouped_as_norwegians_write_it(client, world, as_, login_as):
    leader = await as_("leader")
    person = await participant(client, leader, world, name="Åse Brønstad", phone="91234567")
    abroad = await participant(client, leader, world, name="Bjørn Sæther", phone="+46701234567")
    await login_as("leader")
    page = (await client.get(f"/participants/{person['id']}")).text
    assert f"912{NBSP}34{NBSP}567" in page and "+4791234567" not in page
    page = (await client.get(f"/participants/{abroad['id']}")).text
    assert f"+46{NBSP}70{NBSP}123{NBSP}45{NBSP}67" in page


async def test_the_personal_link_says_plainly_until_when_it_works(client, world, as_, login_as):
    leader = await as_("leader")
    person = await participant(client, leader, world, name="Kåre Nærø")
    assert (await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)).status_code == 201
    await login_as("leader")
    page = " ".join((await client.get(f"/participants/{person['id']}")).text.split())
    # 90 days from 15 September 2027 at noon in Oslo, after the change to winter time.
    assert re.search(r"Lenken virker til 14\. desember 2027 kl\. 1[01]:\d\d\.", page), page
    assert "En lenke virker til" not in page
