"""Registering participants, finding them, changing their details and their
follow-up category, over the API on both engines."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from course import clock
from tests.participants.conftest import TODAY as DAY  # the frozen day; the parameters below are made at import
from tests.participants.helpers import error_keys, participant

YEAR = DAY.year


async def test_a_participant_is_registered_with_the_least_data(client, world, as_):
    leader = await as_("leader")
    response = await client.post(
        "/api/v1/participants",
        json={"name": "Øyvind Kværnø", "birth_year": YEAR - 19, "primary_contact_id": world.leader},
        headers=leader,
    )
    assert response.status_code == 201, response.text
    person = response.json()
    assert person["name"] == "Øyvind Kværnø"
    assert person["birth_year"] == YEAR - 19
    assert person["office_id"] == world.office_a
    assert person["primary_contact"] == {"id": world.leader, "name": "Åse Ødegård"}
    assert person["phone"] == "" and person["email"] == "" and person["referral_date"] is None
    assert person["consent_to_take_part"] is False and person["consents"] == []
    again = await client.get(f"/api/v1/participants/{person['id']}", headers=leader)
    assert again.status_code == 200 and again.json()["name"] == "Øyvind Kværnø"


async def test_registration_keeps_contact_details_referral_and_consent(client, world, as_):
    leader = await as_("leader")
    referral = clock.today() - timedelta(days=10)
    person = await participant(
        client, leader, world, name="Mari Sæbø", email="Mari.Saebo@Eksempel.NO", referral_date=referral.isoformat()
    )
    assert person["phone"] == "+4791234567"
    assert person["email"] == "mari.saebo@eksempel.no"
    assert person["referral_date"] == referral.isoformat()
    assert person["consent"]["participation"] and person["consent"]["sharing"] and person["consent"]["evaluation"]
    [given] = person["consents"]
    assert given["action"] == "given" and given["recorded_by"] == {"id": world.leader, "name": "Åse Ødegård"}


async def test_no_national_identity_number_is_accepted(client, world, as_):
    leader = await as_("leader")
    for field in ("fodselsnummer", "national_id", "personnummer"):
        response = await client.post(
            "/api/v1/participants",
            json={
                "name": "Øyvind Kværnø",
                "birth_year": YEAR - 19,
                "primary_contact_id": world.leader,
                field: "01020312345",
            },
            headers=leader,
        )
        assert response.status_code in (400, 422), response.text
        assert field in response.text
    assert (await client.get("/api/v1/participants", headers=leader)).json() == []


BAD_DETAILS = [
    ("name", ["", "   ", "Åse\x00Ødegård", "Æ" * 201]),
    ("birth_year", [YEAR - 13, YEAR - 36, 1899]),
    ("phone", ["12345", "tolv-tretti", "+47 912 34 567 890 123 4"]),
    ("email", ["ase.odegard", "åse@", "to ord@nav.no"]),
    ("referral_date", [(DAY + timedelta(days=2)).isoformat(), "01.02.2026", "2026-02-30"]),
]
# Off the schema: a wrong JSON type.
MALFORMED_DETAILS = [
    ("name", [None, 5]),
    ("birth_year", ["tjue", str(YEAR - 19), None, True, 2006.5]),
    ("phone", [91234567]),
    ("referral_date", [20260201]),
]


async def test_bad_details_are_refused_naming_the_field(client, world, as_):
    leader = await as_("leader")
    good = {"name": "Øyvind Kværnø", "birth_year": YEAR - 19, "primary_contact_id": world.leader}
    for status, details in ((422, BAD_DETAILS), (400, MALFORMED_DETAILS)):
        for field, bad_values in details:
            for value in bad_values:
                response = await client.post("/api/v1/participants", json={**good, field: value}, headers=leader)
                assert response.status_code == status, (field, value, response.text)
                assert error_keys(response) == {field}, (field, value, response.text)
    assert (await client.get("/api/v1/participants", headers=leader)).json() == []


async def test_the_primary_contact_must_be_staff_of_the_participants_office(client, world, as_):
    leader = await as_("leader")
    good = {"name": "Øyvind Kværnø", "birth_year": YEAR - 19}
    for contact, status in ((world.leader_b, 422), (world.manager, 422), (99999, 422), ("Åse", 400), (0, 400)):
        response = await client.post(
            "/api/v1/participants", json={**good, "primary_contact_id": contact}, headers=leader
        )
        assert response.status_code == status, (contact, response.text)
        assert error_keys(response) == {"primary_contact_id"}, (contact, response.text)


TODAY = DAY.isoformat()
BAD_CONSENTS = [
    ({"scopes": ["sharing", "sharing"], "date": TODAY}, 422, "consent.scopes"),
    ({"scopes": ["participation"], "date": (DAY + timedelta(days=2)).isoformat()}, 422, "consent.date"),
    ({"scopes": ["participation"], "date": "i dag"}, 422, "consent.date"),
    ({"scopes": ["participation"], "date": TODAY, "action": "withdrawn"}, 422, "consent.action"),
    ({"scopes": ["participation"], "date": TODAY, "text_version": " "}, 422, "consent.text_version"),
    ({"scopes": [], "date": TODAY}, 400, "consent.scopes"),
    ({"scopes": ["participation", "alt"], "date": TODAY}, 400, "consent.scopes.1"),
    ({"scopes": ["participation"]}, 400, "consent.date"),
]


async def test_bad_consent_at_registration_is_refused_naming_the_field(client, world, as_):
    leader = await as_("leader")
    for consent, status, key in BAD_CONSENTS:
        response = await client.post(
            "/api/v1/participants",
            json={
                "name": "Øyvind Kværnø",
                "birth_year": YEAR - 19,
                "primary_contact_id": world.leader,
                "consent": consent,
            },
            headers=leader,
        )
        assert response.status_code == status, (consent, response.text)
        assert error_keys(response) == {key}, (consent, response.text)
    assert (await client.get("/api/v1/participants", headers=leader)).json() == []


async def test_a_leader_registers_in_their_own_office_whatever_office_id_says(client, world, as_):
    person = await participant(client, await as_("leader"), world, office_id=world.office_b)
    assert person["office_id"] == world.office_a


async def test_search_is_case_insensitive_with_norwegian_letters(client, world, as_):
    leader = await as_("leader")
    ids = {}
    for name in ("Åse Ødegård", "Pål Ærøy", "Ola Nordmann"):
        ids[name] = (await participant(client, leader, world, name=name))["id"]

    async def found(q: str) -> list[str]:
        response = await client.get("/api/v1/participants", params={"q": q}, headers=leader)
        assert response.status_code == 200, response.text
        return [p["name"] for p in response.json()]

    assert await found("ØDE") == ["Åse Ødegård"]
    assert await found("ødegÅrd") == ["Åse Ødegård"]
    assert await found("æRØ") == ["Pål Ærøy"]
    assert await found("pål ærøy") == ["Pål Ærøy"]
    assert await found("nord") == ["Ola Nordmann"]
    assert await found("Kværnø") == []
    assert len(await found("")) == 3


async def test_search_finds_a_name_pasted_in_decomposed_form(client, world, as_):
    leader = await as_("leader")
    await participant(client, leader, world, name=unicodedata.normalize("NFD", "Kjærsti Håland"))
    response = await client.get("/api/v1/participants", params={"q": "håland"}, headers=leader)
    assert len(response.json()) == 1


async def test_the_list_is_sorted_the_norwegian_way(client, world, as_):
    leader = await as_("leader")
    for name in ("Åge Lie", "Øystein Berg", "Ærlend Moe", "Zara Holm", "Anders Dahl"):
        await participant(client, leader, world, name=name)
    listed = (await client.get("/api/v1/participants", headers=leader)).json()
    assert [p["name"] for p in listed] == ["Anders Dahl", "Zara Holm", "Ærlend Moe", "Øystein Berg", "Åge Lie"]
    assert all(p["consent_to_take_part"] is True for p in listed)
    assert "phone" not in listed[0]


async def test_details_are_changed_with_patch(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    referral = (clock.today() - timedelta(days=3)).isoformat()
    response = await client.patch(
        f"/api/v1/participants/{person['id']}",
        json={
            "name": "Sølvi Åkerø",
            "phone": "90 00 00 00",
            "email": "solvi@eksempel.no",
            "referral_date": referral,
            "birth_year": YEAR - 25,
        },
        headers=leader,
    )
    assert response.status_code == 200, response.text
    again = (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()
    assert (again["name"], again["phone"], again["email"], again["referral_date"], again["birth_year"]) == (
        "Sølvi Åkerø",
        "90000000",
        "solvi@eksempel.no",
        referral,
        YEAR - 25,
    )


async def test_patch_leaves_out_fields_alone_and_refuses_bad_ones(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    for change, key in (
        ({"name": " "}, "name"),
        ({"birth_year": YEAR}, "birth_year"),
        ({"phone": "123"}, "phone"),
        ({"primary_contact_id": world.leader_b}, "primary_contact_id"),
        ({"referral_date": (clock.today() + timedelta(days=2)).isoformat()}, "referral_date"),
    ):
        response = await client.patch(f"/api/v1/participants/{person['id']}", json=change, headers=leader)
        assert response.status_code == 422, (change, response.text)
        assert error_keys(response) == {key}, (change, response.text)
    unknown = await client.patch(f"/api/v1/participants/{person['id']}", json={"fodselsnummer": "1"}, headers=leader)
    assert unknown.status_code in (400, 422)
    again = (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()
    assert again["name"] == "Sølvi Åkerø Dæhli" and again["phone"] == "+4791234567"


async def test_the_category_history_keeps_who_and_when(client, world, as_):
    leader = await as_("leader")
    admin = await as_("admin")
    person = await participant(client, leader, world)
    assert person["category"] is None and person["categories"] == []
    before = clock.now() - timedelta(seconds=5)
    first = await client.put(f"/api/v1/participants/{person['id']}/category", json={"category": 2}, headers=leader)
    assert first.status_code == 200, first.text
    second = await client.put(f"/api/v1/participants/{person['id']}/category", json={"category": 4}, headers=admin)
    assert second.status_code == 200, second.text
    out = (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()
    assert out["category"] == 4
    assert [(c["category"], c["changed_by"]) for c in out["categories"]] == [
        (2, {"id": world.leader, "name": "Åse Ødegård"}),
        (4, {"id": world.admin, "name": "Siv Øyen"}),
    ]
    times = [datetime.fromisoformat(c["changed_at"].replace("Z", "+00:00")) for c in out["categories"]]
    assert before <= times[0] <= times[1] <= clock.now() + timedelta(seconds=5)
    listed = (await client.get("/api/v1/participants", headers=leader)).json()
    assert listed[0]["category"] == 4


async def test_categories_one_to_four_are_accepted(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    for category in (1, 2, 3, 4, 3):
        response = await client.put(
            f"/api/v1/participants/{person['id']}/category", json={"category": category}, headers=leader
        )
        assert response.status_code == 200, response.text
        assert response.json()["category"] == category
    assert len(response.json()["categories"]) == 5


async def test_a_category_outside_one_to_four_is_refused(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world)
    # Out of the schema's range or of the wrong JSON type: 400, naming the field.
    for category in (0, 5, "x", "3", -1, True, None, 2.5):
        response = await client.put(
            f"/api/v1/participants/{person['id']}/category", json={"category": category}, headers=leader
        )
        assert response.status_code == 400, (category, response.text)
        assert error_keys(response) == {"category"}
    out = (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()
    assert out["category"] is None and out["categories"] == []


async def test_the_preferred_channel_is_sms_unless_chosen_and_checked(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world, name="Tuva Åsland")
    assert person["preferred_channel"] == "sms"
    by_mail = await participant(
        client, leader, world, name="Øystein Bæk", email="oystein@eksempel.no", preferred_channel="email"
    )
    assert by_mail["preferred_channel"] == "email"
    changed = await client.patch(
        f"/api/v1/participants/{person['id']}", json={"preferred_channel": "email"}, headers=leader
    )
    assert changed.status_code == 200 and changed.json()["preferred_channel"] == "email"
    kept = await client.patch(f"/api/v1/participants/{person['id']}", json={"name": "Tuva Åsland Bø"}, headers=leader)
    assert kept.json()["preferred_channel"] == "email"
    for body in ({"preferred_channel": "brevdue"}, {"preferred_channel": ""}, {"preferred_channel": 1}):
        refused = await client.patch(f"/api/v1/participants/{person['id']}", json=body, headers=leader)
        assert refused.status_code == 400 and error_keys(refused) == {"preferred_channel"}, refused.text
    refused = await client.post(
        "/api/v1/participants",
        json={
            "name": "Kåre Nærø",
            "birth_year": YEAR - 20,
            "primary_contact_id": world.leader,
            "preferred_channel": "post",
        },
        headers=leader,
    )
    assert refused.status_code == 400 and error_keys(refused) == {"preferred_channel"}, refused.text
