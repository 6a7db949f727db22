"""The participant list a page at a time, in Norwegian order, and the person picker
that adds a participant to a cohort by searching instead of listing the office."""

from __future__ import annotations

from course import clock
from course.participants.tables import Participant
from course.validation import nb_sort_key
from tests.conftest import csrf_from
from tests.participants.helpers import cohort, enrolled, headers_for, participant

FIRST = ["Åse", "Ørjan", "Ærle", "Bjørn", "Kåre", "Siv", "Dag", "Øystein", "Ane", "Zara"]


async def _many(office: int, contact: int, count: int, prefix: str = "") -> None:
    now = clock.now()
    people = [f"{prefix}{FIRST[n % len(FIRST)]} Nærø {n:03d}" for n in range(count)]
    await Participant.insert(
        *[
            Participant(
                office=office,
                name=name,
                sort_name=nb_sort_key(name),
                birth_year=2005,
                primary_contact=contact,
                created_at=now,
            )
            for name in people
        ]
    )


async def test_the_api_pages_through_everyone_once_in_norwegian_order(client, world):
    await _many(world.office_a, world.leader, 130)
    await _many(world.office_b, world.leader_b, 20, prefix="Lier ")
    leader = await headers_for(world.leader)
    names: list[str] = []
    url = "/api/v1/participants?limit=50"
    while url:
        response = await client.get(url, headers=leader)
        assert response.status_code == 200, response.text
        assert response.headers["x-total-count"] == "130"
        assert len(response.json()) <= 50
        names += [p["name"] for p in response.json()]
        url = response.links.get("next", {}).get("url")
    assert len(names) == 130 and len(set(names)) == 130
    assert names == sorted(names, key=nb_sort_key)
    assert not any(n.startswith("Lier") for n in names)
    # Æ, Ø, Å after Z, in that order.
    firsts = list(dict.fromkeys(n.split()[0] for n in names))
    assert firsts[-5:] == ["Zara", "Ærle", "Ørjan", "Øystein", "Åse"]
    # The default page is 50, and the way back from page two is page one.
    first = await client.get("/api/v1/participants", headers=leader)
    assert len(first.json()) == 50 and "prev" not in first.links
    second = await client.get(first.links["next"]["url"], headers=leader)
    back = await client.get(second.links["prev"]["url"], headers=leader)
    assert back.json() == first.json()


async def test_a_search_matches_any_part_of_the_name_in_any_case_and_no_wildcard(client, world):
    await _many(world.office_a, world.leader, 30)
    leader = await headers_for(world.leader)
    found = await client.get("/api/v1/participants", params={"q": "øRJAN"}, headers=leader)
    assert {p["name"].split()[0] for p in found.json()} == {"Ørjan"}
    assert found.headers["x-total-count"] == "3"
    for wildcard in ("%", "_", "\\"):
        response = await client.get("/api/v1/participants", params={"q": wildcard}, headers=leader)
        assert response.status_code == 200 and response.json() == []


async def test_the_page_shows_a_count_and_the_next_and_previous_pages(client, world, login_as):
    await _many(world.office_a, world.leader, 60)
    web = await login_as("leader")
    page = await web.get("/participants")
    assert "60 deltakere" in page.text and 'rel="next"' in page.text and 'rel="prev"' not in page.text
    assert page.text.count('href="/participants/') >= 50
    next_url = page.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = await web.get(next_url)
    assert second.status_code == 200 and 'rel="prev"' in second.text and 'rel="next"' not in second.text
    bad = await web.get("/participants?cursor=%25%25")
    assert bad.status_code in (400, 422)


async def test_the_picker_finds_by_name_with_birth_year_and_never_lists_the_office(client, world, login_as):
    leader = await headers_for(world.leader)
    on = await participant(client, leader, world, name="Åsmund Ørnes")
    free = await participant(client, leader, world, name="Åshild Ørnes", birth_year=2004)
    await participant(client, leader, world, name="Bjørg Ækre")
    other = await participant(
        client, await headers_for(world.leader_b), world, name="Åse Ørnes Lier", primary_contact_id=world.leader_b
    )
    course = await cohort(client, world, leader)
    await enrolled(client, leader, course["id"], on["id"])
    web = await login_as("leader")
    htmx = {"HX-Request": "true"}
    # Nothing until something is searched for.
    page = await web.get(f"/cohorts/{course['id']}")
    assert "Åshild Ørnes" not in page.text and "Bjørg Ækre" not in page.text and 'id="find"' in page.text
    found = await web.get(f"/cohorts/{course['id']}/candidates", params={"find": "ørnes"}, headers=htmx)
    assert found.status_code == 200
    assert "Åshild Ørnes" in found.text and "født 2004" in found.text
    assert "Åsmund Ørnes" not in found.text  # already on the cohort
    assert "Lier" not in found.text and f'value="{other["id"]}"' not in found.text  # another office
    assert "<html" not in found.text  # a fragment for htmx
    # Without script the search is the cohort's page with the same results.
    plain = await web.get(f"/cohorts/{course['id']}/candidates", params={"find": "ørnes"})
    assert plain.status_code in (302, 303)
    shown = await web.get(plain.headers["location"])
    assert "Åshild Ørnes" in shown.text and "Bjørg Ækre" not in shown.text
    # A press on "Meld på" enrols the person.
    token = csrf_from(shown.text)
    added = await web.post(
        f"/cohorts/{course['id']}/enrolments",
        data={"participant_id": str(free["id"]), "status": "enrolled", "_csrf_token": token},
    )
    assert added.status_code in (302, 303)
    again = await web.get(f"/cohorts/{course['id']}/candidates", params={"find": "ørnes"}, headers=htmx)
    assert "Åshild Ørnes" not in again.text


async def test_the_picker_is_for_those_who_see_people(client, world, login_as):
    leader = await headers_for(world.leader)
    course = await cohort(client, world, leader)
    manager = await login_as("manager")
    response = await manager.get(
        f"/cohorts/{course['id']}/candidates", params={"find": "å"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403


async def test_the_new_participant_form_chooses_no_primary_contact_for_the_user(client, world, login_as):
    web = await login_as("leader")
    page = await web.get("/participants/new")
    select = page.text.split('id="primary_contact_id"', 1)[1].split("</select>", 1)[0]
    assert "Åse Ødegård" in select and " selected" not in select
    token = csrf_from(page.text)
    response = await web.post(
        "/participants/new",
        data={"name": "Kåre Nærø", "birth_year": "2005", "primary_contact_id": "", "_csrf_token": token},
    )
    assert response.status_code == 422 and 'id="primary_contact_id-error"' in response.text


async def test_a_page_names_the_bad_value_in_its_address(client, world, login_as):
    web = await login_as("leader")
    bad_cursor = await web.get("/participants?cursor=%25%25")
    assert bad_cursor.status_code == 422
    assert "<code>cursor</code>" in bad_cursor.text and "markøren" in bad_cursor.text
    bad_limit = await web.get("/participants?limit=999")
    assert bad_limit.status_code == 400 and "<code>limit</code>" in bad_limit.text
