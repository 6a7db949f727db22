"""The resource CV and action plan over the JSON API: who may read, save, list and
restore versions, and download PDFs and the cohort's ZIP; what a save keeps and
refuses; versions with their authors; restoring an earlier version."""

from __future__ import annotations

import pytest

from course.documents import content as rules
from course.documents.tables import DocumentVersion
from tests.documents.conftest import KINDS, SOLVI, cohort_with, save, saved, versions
from tests.participants.helpers import (
    enrolled,
    error_keys,
    office_a_leader,
    participant,
)

CV = {
    "about_me": "Jeg heter Sølvi og bor på Årstad.",
    "skills": ["Sykle", "Lage mat"],
    "experience": [{"kind": "work", "what": "Sommerjobb på Bøler bakeri", "where": "Bøler", "when": "2025"}],
}
PLAN = {
    "main_goal": "Få meg læreplass som tømrer i Bærum.",
    "sub_goals": ["Skrive søknad", "Øve på intervju"],
    "measures": [{"what": "Ringe Åsa i Ås", "responsible": "me", "deadline": "2027-02-03"}],
    "follow_up_date": "2027-02-10",
}
CONTENT = {"cv": CV, "plan": PLAN}


def api(enrolment_id: int, kind: str, rest: str = "") -> str:
    return f"/api/v1/enrolments/{enrolment_id}/{kind}{rest}"


async def stored(enrolment_id: int) -> list[tuple[str, int]]:
    rows = (
        await DocumentVersion.select(DocumentVersion.kind, DocumentVersion.number)
        .where(DocumentVersion.enrolment == enrolment_id)
        .order_by(DocumentVersion.id)
    )
    return [(r["kind"], r["number"]) for r in rows]


# --- 1. who may --------------------------------------------------------------------------------


@pytest.fixture
async def people(client, world, as_):
    """Sølvi on a cohort led by the office A leader, with Torbjørn (office A, not a
    leader of the cohort) as her primary contact, and Guro (office A, neither)."""
    contact, contact_headers = await office_a_leader(world, "torbjorn@a.no", "Torbjørn Ås")
    _, other_headers = await office_a_leader(world, "guro@a.no", "Guro Bækkelund")
    setup = await cohort_with(client, world, as_, contacts={SOLVI: contact})
    headers = {who: await as_(who) for who in ("leader", "admin", "manager", "leader_b")}
    headers.update(contact=contact_headers, other=other_headers)
    e = setup.enrolment()
    for kind in KINDS:
        await saved(client, headers["leader"], e, kind, CONTENT[kind])
    return setup, headers


ALLOWED = ("leader", "contact", "admin")
REFUSED = {"other": 403, "manager": 403, "leader_b": 404}


@pytest.mark.parametrize("who", [*ALLOWED, *REFUSED])
async def test_each_role_on_every_route(client, people, who):
    setup, headers = people
    e, h = setup.enrolment(), headers[who]
    expected = 200 if who in ALLOWED else REFUSED[who]
    for kind in KINDS:
        read = await client.get(api(e, kind), headers=h)
        assert read.status_code == expected, (kind, read.text)
        if expected == 200:
            assert read.json()["version"] == 1 and read.json()["participant_name"] == SOLVI
        else:
            assert SOLVI not in read.text and "Årstad" not in read.text

        before = await stored(e)
        put = await save(client, h, e, kind, CONTENT[kind])
        assert put.status_code == expected, (kind, put.text)
        assert len(await stored(e)) == len(before) + (1 if expected == 200 else 0)

        listed = await client.get(api(e, kind, "/versions"), headers=h)
        assert listed.status_code == expected, kind
        one = await client.get(api(e, kind, "/versions/1"), headers=h)
        assert one.status_code == expected, kind
        if expected == 200:
            assert one.json()["version"] == 1 and one.json()["content"] == rules.check(kind, CONTENT[kind])

        before = await stored(e)
        restored = await client.post(api(e, kind, "/versions/1/restore"), headers=h)
        assert restored.status_code == (201 if expected == 200 else expected), (kind, restored.text)
        assert len(await stored(e)) == len(before) + (1 if expected == 200 else 0)

    as_pdf = await client.get(api(e, "plan", ".pdf"), headers=h)
    assert as_pdf.status_code == expected
    if expected == 200:
        assert as_pdf.headers["content-type"].startswith("application/pdf") and as_pdf.content.startswith(b"%PDF-")
        assert as_pdf.headers["content-disposition"].startswith("attachment;")
    else:
        assert not as_pdf.content.startswith(b"%PDF-") and "attachment" not in as_pdf.headers.get(
            "content-disposition", ""
        )

    as_zip = await client.get(f"/api/v1/cohorts/{setup.cohort['id']}/documents.zip", headers=h)
    assert as_zip.status_code == expected, as_zip.text
    if expected == 200:
        assert as_zip.headers["content-type"].startswith("application/zip") and as_zip.content.startswith(b"PK")
    else:
        assert "attachment" not in as_zip.headers.get("content-disposition", "")


async def test_without_a_login_every_route_answers_401(client, world, as_):
    setup = await cohort_with(client, world, as_)
    e = setup.enrolment()
    await saved(client, await as_("leader"), e, "cv", CV)
    for kind in KINDS:
        assert (await client.get(api(e, kind))).status_code == 401
        assert (await client.put(api(e, kind), json={"content": CONTENT[kind]})).status_code == 401
        assert (await client.get(api(e, kind, "/versions"))).status_code == 401
        assert (await client.get(api(e, kind, "/versions/1"))).status_code == 401
        assert (await client.post(api(e, kind, "/versions/1/restore"))).status_code == 401
        assert (await client.get(api(e, kind, ".pdf"))).status_code == 401
    assert (await client.get(f"/api/v1/cohorts/{setup.cohort['id']}/documents.zip")).status_code == 401
    assert await stored(e) == [("cv", 1)]


async def test_unknown_enrolments_and_versions_answer_404(client, world, as_):
    setup = await cohort_with(client, world, as_)
    leader = await as_("leader")
    e = setup.enrolment()
    await saved(client, leader, e, "cv", CV)
    assert (await client.get(api(e + 1000, "cv"), headers=leader)).status_code == 404
    assert (await save(client, leader, e + 1000, "cv", CV)).status_code == 404
    assert (await client.get(api(e, "cv", "/versions/2"), headers=leader)).status_code == 404
    assert (
        await client.get(api(e, "plan", "/versions/1"), headers=leader)
    ).status_code == 404  # the CV's, not the plan's
    assert (await client.post(api(e, "cv", "/versions/2/restore"), headers=leader)).status_code == 404
    assert (await client.get(f"/api/v1/enrolments/{e}/letter", headers=leader)).status_code == 404
    assert (
        await client.get(f"/api/v1/cohorts/{setup.cohort['id'] + 1000}/documents.zip", headers=leader)
    ).status_code == 404

    # Someone who withdrew has no CV or plan on this cohort.
    gone_person = await participant(client, leader, world, name="Åsmund Ørnes")
    gone = await enrolled(client, leader, setup.cohort["id"], gone_person["id"])
    changed = await client.patch(
        f"/api/v1/enrolments/{gone['id']}",
        json={"status": "withdrawn", "reason": "Flyttet til Ålesund"},
        headers=leader,
    )
    assert changed.status_code == 200, changed.text
    assert (await client.get(api(gone["id"], "cv"), headers=leader)).status_code == 404
    assert (await save(client, leader, gone["id"], "cv", CV)).status_code == 404
    assert await stored(gone["id"]) == []


# --- 2. saving ---------------------------------------------------------------------------------


async def test_nothing_saved_yet_is_version_0_with_every_section_empty(client, world, as_):
    setup = await cohort_with(client, world, as_)
    leader = await as_("leader")
    for kind in KINDS:
        response = await client.get(api(setup.enrolment(), kind), headers=leader)
        assert response.status_code == 200
        doc = response.json()
        assert doc["version"] == 0 and doc["updated_by"] is None and doc["updated_at"] is None
        assert doc["content"] == rules.empty(kind) and doc["kind"] == kind
        assert doc["cohort_title"] == setup.cohort["title"] and doc["participant_name"] == SOLVI
        assert await versions(client, leader, setup.enrolment(), kind) == []


async def test_content_round_trips_tidied(client, world, as_):
    setup = await cohort_with(client, world, as_)
    leader, e = await as_("leader"), setup.enrolment()
    cv = await saved(
        client,
        leader,
        e,
        "cv",
        {
            "about_me": "  Jeg   heter Sølvi.\r\n\r\n\r\n\r\nJeg liker å gå tur på  Ørnes.  ",
            "skills": ["  Sykle  ", "", "   ", "Lage \t mat"],
            "experience": [
                {"kind": "volunteering", "what": " Dugnad  i Åsen IL ", "where": "", "when": "2024"},
                {},
                {"what": "", "where": "", "when": "", "kind": ""},
            ],
            "network": [{"name": "Mormor  Ågot", "relation": "mormor", "support": "Hører på meg"}],
            "driving_licence": "  Klasse   B  ",
        },
        version=0,
    )
    assert cv["version"] == 1 and cv["updated_by"] == "Åse Ødegård"
    expected_cv = {
        **rules.empty("cv"),
        "about_me": "Jeg heter Sølvi.\n\nJeg liker å gå tur på Ørnes.",
        "skills": ["Sykle", "Lage mat"],
        "experience": [{"kind": "volunteering", "what": "Dugnad i Åsen IL", "where": "", "when": "2024"}],
        "network": [{"name": "Mormor Ågot", "relation": "mormor", "support": "Hører på meg"}],
        "driving_licence": "Klasse B",
    }
    assert cv["content"] == expected_cv
    assert (await client.get(api(e, "cv"), headers=leader)).json()["content"] == expected_cv

    plan = await saved(
        client,
        leader,
        e,
        "plan",
        {
            "main_goal": " Få  læreplass ",
            "measures": [
                {"what": " Ringe  Åsa \r\n\r\n\r\n  og  Åge\r\n"},
                {"what": "", "responsible": "", "deadline": ""},
                {"what": "Møte på Nav  Bærum", "responsible": "nav", "deadline": "2027-02-03", "status": "in_progress"},
            ],
            "agreed_date": "2027-01-15",
        },
    )
    assert plan["version"] == 1  # each document counts its own versions
    assert plan["content"]["main_goal"] == "Få læreplass"
    assert plan["content"]["measures"] == [
        # A measure keeps its lines, tidied as "About me" is.
        {
            "what": "Ringe Åsa\n\nog Åge",
            "responsible": None,
            "responsible_other": "",
            "deadline": None,
            "status": "planned",
        },
        {
            "what": "Møte på Nav Bærum",
            "responsible": "nav",
            "responsible_other": "",
            "deadline": "2027-02-03",
            "status": "in_progress",
        },
    ]
    assert (await client.get(api(e, "plan"), headers=leader)).json()["content"] == plan["content"]


# Well-formed content that breaks a rule: 422, naming the field within the content.
BAD = {
    "cv": [
        ({"skills": ["Sykle", "å" * 301]}, "skills.1"),
        ({"driving_licence": "B" * 301}, "driving_licence"),
        ({"about_me": "ø" * 4001}, "about_me"),
    ],
    "plan": [
        (
            {"measures": [{"what": "Ringe"}, {"what": "Skrive"}, {"what": "Møte", "deadline": "2027-02-30"}]},
            "measures.2.deadline",
        ),
        ({"measures": [{"what": "Ringe Åsa\n" + "ø" * 1000}]}, "measures.0.what"),
        ({"follow_up_date": "10.02.2027"}, "follow_up_date"),
        ({"measures": [{"deadline": "2027-02-03"}]}, "measures.0.what"),
        ({"main_goal": "å" * 4001}, "main_goal"),
        ({"sub_goals": ["x" * 301]}, "sub_goals.0"),
    ],
}
# Content off the schema (a section or column that does not exist, a choice not offered, a wrong
# JSON type): 400, naming the field in the body.
MALFORMED = {
    "cv": [
        ({"hobbies": ["Fotball"]}, "content.hobbies"),
        ({"experience": [{"what": "Sommerjobb", "salary": "120 kr"}]}, "content.experience.0.salary"),
        ({"experience": [{"what": "Dugnad", "kind": "job"}]}, "content.experience.0.kind"),
        ({"skills": "Sykle"}, "content.skills"),
        ({"skills": ["Sykle"] * 101}, "content.skills"),
    ],
    "plan": [
        ({"measures": [{"what": "Møte", "status": "ferdig"}]}, "content.measures.0.status"),
        ({"measures": [{"what": "Møte", "responsible": "Åse"}]}, "content.measures.0.responsible"),
        ({"measures": ["Møte"]}, "content.measures.0"),
        ({"main_goal": ["Læreplass"]}, "content.main_goal"),
    ],
}


@pytest.mark.parametrize("kind", KINDS)
async def test_bad_content_names_the_field_and_stores_nothing(client, world, as_, kind):
    setup = await cohort_with(client, world, as_)
    leader, e = await as_("leader"), setup.enrolment()
    first = await saved(client, leader, e, kind, CONTENT[kind])
    history = await versions(client, leader, e, kind)
    for status, cases in ((422, BAD[kind]), (400, MALFORMED[kind])):
        for content, key in cases:
            for version in (None, 1):
                response = await save(client, leader, e, kind, {**CONTENT[kind], **content}, version=version)
                assert response.status_code == status, (content, response.text)
                assert error_keys(response) == {key}, content
        assert await versions(client, leader, e, kind) == history, content
        assert (await client.get(api(e, kind), headers=leader)).json()["content"] == first["content"]
    assert await stored(e) == [(kind, 1)]


async def test_a_badly_formed_request_stores_nothing(client, world, as_):
    setup = await cohort_with(client, world, as_)
    leader, e = await as_("leader"), setup.enrolment()
    for body, key in (
        ({"content": ["about_me"]}, "content"),
        ({"content": CV, "version": "0"}, "version"),
        ({"content": CV, "version": True}, "version"),
        ({"content": CV, "version": 1.5}, "version"),
        ({"content": CV, "version": -1}, "version"),
        ({"content": CV, "extra": 1}, "extra"),
        ({"version": 0}, "content"),
    ):
        response = await client.put(api(e, "cv"), json=body, headers=leader)
        assert response.status_code == 400, (body, response.text)
        assert error_keys(response) == {key}, body
    response = await client.put(api(e, "cv"), json=[CV], headers=leader)
    assert response.status_code == 400, response.text
    assert await stored(e) == []


async def test_a_save_from_an_older_version_is_refused_and_stores_nothing(client, world, as_):
    setup = await cohort_with(client, world, as_)
    leader, admin, e = await as_("leader"), await as_("admin"), setup.enrolment()
    await saved(client, leader, e, "plan", PLAN, version=0)
    second = await saved(client, admin, e, "plan", {**PLAN, "main_goal": "Fullføre videregående på Ås."}, version=1)
    assert second["version"] == 2

    for stale in (0, 1, 3):
        response = await save(client, leader, e, "plan", {**PLAN, "main_goal": "Bli snekker."}, version=stale)
        assert response.status_code == 409, (stale, response.text)
        assert error_keys(response) == {"version"}
    assert [v["number"] for v in await versions(client, leader, e, "plan")] == [2, 1]
    current = (await client.get(api(e, "plan"), headers=leader)).json()
    assert current["version"] == 2 and current["content"]["main_goal"] == "Fullføre videregående på Ås."

    # A stale restore is refused the same way.
    refused = await client.post(api(e, "plan", "/versions/1/restore"), json={"version": 1}, headers=leader)
    assert refused.status_code == 409
    assert await stored(e) == [("plan", 1), ("plan", 2)]
    # The plan's version says nothing about the CV's.
    assert (await save(client, leader, e, "cv", CV, version=0)).status_code == 200


async def test_every_save_is_a_version_with_its_author(client, world, as_):
    contact, contact_headers = await office_a_leader(world, "torbjorn@a.no", "Torbjørn Ås")
    setup = await cohort_with(client, world, as_, contacts={SOLVI: contact})
    e = setup.enrolment()
    authors = [("leader", "Åse Ødegård"), ("admin", "Siv Øyen"), (contact_headers, "Torbjørn Ås")]
    for number, (who, name) in enumerate(authors, start=1):
        headers = who if isinstance(who, dict) else await as_(who)
        doc = await saved(client, headers, e, "cv", {**CV, "skills": [f"Ferdighet {number}"]})
        assert doc["version"] == number and doc["updated_by"] == name and doc["updated_at"]
    listed = await versions(client, await as_("leader"), e, "cv")
    assert [(v["number"], v["author"], v["restored_from"]) for v in listed] == [
        (3, "Torbjørn Ås", None),
        (2, "Siv Øyen", None),
        (1, "Åse Ødegård", None),
    ]
    assert listed[0]["created_at"] >= listed[1]["created_at"] >= listed[2]["created_at"]
    for v in listed:
        shown = (await client.get(api(e, "cv", f"/versions/{v['number']}"), headers=contact_headers)).json()
        assert shown["content"]["skills"] == [f"Ferdighet {v['number']}"] and shown["updated_by"] == v["author"]


# --- 3. restoring ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_restoring_version_1_makes_version_3_with_its_content(client, world, as_, kind):
    setup = await cohort_with(client, world, as_)
    leader, admin, e = await as_("leader"), await as_("admin"), setup.enrolment()
    v1 = await saved(client, leader, e, kind, CONTENT[kind], version=0)
    changed = {
        "cv": {"about_me": "Noe helt annet om Ørjan.", "skills": ["Strikke"]},
        "plan": {"main_goal": "Bli elektriker i Ålesund.", "measures": []},
    }[kind]
    v2 = await saved(client, admin, e, kind, {**CONTENT[kind], **changed}, version=1)
    assert v2["content"] != v1["content"]

    response = await client.post(api(e, kind, "/versions/1/restore"), json={"version": 2}, headers=leader)
    assert response.status_code == 201, response.text
    v3 = response.json()
    assert v3["version"] == 3 and v3["content"] == v1["content"] and v3["updated_by"] == "Åse Ødegård"
    assert (await client.get(api(e, kind), headers=leader)).json()["content"] == v1["content"]
    listed = await versions(client, leader, e, kind)
    assert [(v["number"], v["restored_from"]) for v in listed] == [(3, 1), (2, None), (1, None)]
    # Nothing is lost: version 2 is still there as it was.
    assert (await client.get(api(e, kind, "/versions/2"), headers=leader)).json()["content"] == v2["content"]

    # Without a version in the body the restore goes on top of the newest.
    again = await client.post(api(e, kind, "/versions/2/restore"), headers=leader)
    assert again.status_code == 201 and again.json()["version"] == 4
    assert again.json()["content"] == v2["content"]


async def test_two_saves_from_the_same_version_at_once_store_one(client, world, as_):
    import asyncio

    setup = await cohort_with(client, world, as_)
    leader, admin, e = await as_("leader"), await as_("admin"), setup.enrolment()
    await saved(client, leader, e, "plan", PLAN, version=0)
    first, second = await asyncio.gather(
        save(client, leader, e, "plan", {**PLAN, "main_goal": "Åses versjon."}, version=1),
        save(client, admin, e, "plan", {**PLAN, "main_goal": "Sivs versjon."}, version=1),
    )
    assert sorted((first.status_code, second.status_code)) == [200, 409], (first.text, second.text)
    assert [v["number"] for v in await versions(client, leader, e, "plan")] == [2, 1]
    winner = first if first.status_code == 200 else second
    current = (await client.get(api(e, "plan"), headers=leader)).json()
    assert current["content"]["main_goal"] == winner.json()["content"]["main_goal"]


async def test_saves_and_restores_are_logged_without_the_content(client, world, as_):
    import json

    from course.audit.tables import AuditEvent

    setup = await cohort_with(client, world, as_)
    leader, e = await as_("leader"), setup.enrolment()
    await saved(client, leader, e, "cv", CV)
    await saved(client, await as_("admin"), e, "cv", {"about_me": "Noe annet om Ørjan."})
    assert (await client.post(api(e, "cv", "/versions/1/restore"), headers=leader)).status_code == 201
    rows = (
        await AuditEvent.select(AuditEvent.action, AuditEvent.actor, AuditEvent.office, AuditEvent.details)
        .where(AuditEvent.action.is_in(["document_saved", "document_restored"]))
        .order_by(AuditEvent.id)
    )
    logged = [
        (
            r["action"],
            r["actor"],
            r["office"],
            json.loads(r["details"]) if isinstance(r["details"], str) else r["details"],
        )
        for r in rows
    ]
    assert [(a, actor, office, d["kind"], d["version"], d["enrolment"], d["by"]) for a, actor, office, d in logged] == [
        ("document_saved", world.leader, world.office_a, "cv", 1, e, "staff"),
        ("document_saved", world.admin, world.office_a, "cv", 2, e, "staff"),
        ("document_restored", world.leader, world.office_a, "cv", 3, e, "staff"),
    ]
    assert "Årstad" not in str(logged) and "Ørjan" not in str(logged)
