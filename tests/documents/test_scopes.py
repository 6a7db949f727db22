"""Who reaches which enrolment's documents, where the other files here leave off: the
scopes in course/documents/policies.py select the right rows for each role; an
enrolment of another office answers exactly as one that does not exist; another
office's manager is refused; an admin reaches another office's documents, which that
office's neighbours do not."""

from __future__ import annotations

import pytest

from course.accounts.tables import StaffUser
from course.accounts.users import USER_COLUMNS, staff_of
from course.documents import policies
from course.documents.tables import DocumentVersion
from course.participants.tables import Enrolment
from tests.conftest import EMAILS
from tests.documents.conftest import KINDS, SOLVI, cohort_with, login, saved, zip_through_pages
from tests.participants.helpers import enrolled, office_a_leader, participant, running_cohort

CV = {"about_me": "Jeg heter Sølvi og bor på Årstad.", "skills": ["Sykle"]}
PLAN = {"main_goal": "Få meg læreplass som tømrer i Bærum."}
CONTENT = {"cv": CV, "plan": PLAN}


def api(enrolment_id: int, kind: str, rest: str = "") -> str:
    return f"/api/v1/enrolments/{enrolment_id}/{kind}{rest}"


async def staff(user_id: int):
    return staff_of(await StaffUser.select(*USER_COLUMNS).where(StaffUser.id == user_id).first())


async def selected(scope) -> list[int]:
    return sorted(r["id"] for r in await Enrolment.select(Enrolment.id).where(scope))


async def stored() -> int:
    return await DocumentVersion.count()


@pytest.fixture
async def people(client, world, as_):
    """Sølvi on a cohort of office A led by its leader, with Torbjørn (office A) as
    primary contact, Guro (office A) neither; and Pål Ærø on a cohort of office B."""
    contact, contact_headers = await office_a_leader(world, "torbjorn@a.no", "Torbjørn Ås")
    other, other_headers = await office_a_leader(world, "guro@a.no", "Guro Bækkelund")
    setup = await cohort_with(client, world, as_, contacts={SOLVI: contact})
    admin, leader_b = await as_("admin"), await as_("leader_b")
    course_b = await running_cohort(
        client, world, admin, office_id=world.office_b, leader_ids=[world.leader_b], title="Høstkurs på Lier"
    )
    person_b = await participant(client, leader_b, world, name="Pål Ærø", primary_contact_id=world.leader_b)
    enrolment_b = (await enrolled(client, leader_b, course_b["id"], person_b["id"]))["id"]
    for kind in KINDS:
        await saved(client, await as_("leader"), setup.enrolment(), kind, CONTENT[kind])
        await saved(client, leader_b, enrolment_b, kind, CONTENT[kind])
    ids = {"contact": contact, "other": other}
    headers = {"contact": contact_headers, "other": other_headers}
    return setup, enrolment_b, ids, headers


# --- the scopes themselves ------------------------------------------------------------------


async def test_each_scope_selects_the_rows_of_the_callers_office_and_edit_rule(world, people):
    setup, enrolment_b, ids, _ = people
    a = setup.enrolment()
    # (who, enrolments reached at all, enrolments whose documents they read and write)
    expected = {
        "leader": ([a], [a]),  # leads the cohort
        "contact": ([a], [a]),  # Sølvi's primary contact
        "other": ([a], []),  # of the office, neither: refused, not hidden
        "admin": (sorted([a, enrolment_b]), sorted([a, enrolment_b])),
        "manager": ([], []),
        "leader_b": ([enrolment_b], [enrolment_b]),
        "manager_b": ([], []),
    }
    for who, (reached, edited) in expected.items():
        caller = await staff(ids.get(who) or getattr(world, who))
        assert await selected(policies.enrolment_scope(caller)) == reached, who
        assert await selected(policies.document_scope(caller)) == edited, who
    assert await selected(policies.own_scope(setup.people[SOLVI]["id"])) == [a]
    assert await selected(policies.own_scope(None)) == []


# --- the API ----------------------------------------------------------------------------------


async def test_another_offices_enrolment_answers_as_one_that_does_not_exist(client, people, as_):
    """The 404 for an enrolment out of scope says no more than the one for an unknown id."""
    setup, enrolment_b, _, _ = people
    leader, leader_b = await as_("leader"), await as_("leader_b")
    unknown = max(setup.enrolment(), enrolment_b) + 1000
    before = await stored()
    for headers, theirs in ((leader, enrolment_b), (leader_b, setup.enrolment())):
        for method, rest, body in (
            ("GET", "", None),
            ("PUT", "", "content"),
            ("GET", "/versions", None),
            ("GET", "/versions/1", None),
            ("POST", "/versions/1/restore", None),
            ("GET", ".pdf", None),
        ):
            for kind in KINDS:
                json = {"content": CONTENT[kind], "version": 1} if body else None
                out_of_scope = await client.request(method, api(theirs, kind, rest), json=json, headers=headers)
                missing = await client.request(method, api(unknown, kind, rest), json=json, headers=headers)
                assert out_of_scope.status_code == missing.status_code == 404, (method, rest, kind)
                assert out_of_scope.json() == missing.json(), (method, rest, kind)
                assert SOLVI not in out_of_scope.text and "Pål Ærø" not in out_of_scope.text
    assert await stored() == before


async def test_another_offices_manager_is_refused_every_route(client, people, as_):
    setup, _, _, _ = people
    e, manager_b = setup.enrolment(), await as_("manager_b")
    before = await stored()
    for kind in KINDS:
        assert (await client.get(api(e, kind), headers=manager_b)).status_code == 403
        put = await client.put(api(e, kind), json={"content": CONTENT[kind], "version": 1}, headers=manager_b)
        assert put.status_code == 403
        assert (await client.get(api(e, kind, "/versions"), headers=manager_b)).status_code == 403
        assert (await client.get(api(e, kind, "/versions/1"), headers=manager_b)).status_code == 403
        assert (await client.post(api(e, kind, "/versions/1/restore"), headers=manager_b)).status_code == 403
        assert (await client.get(api(e, kind, ".pdf"), headers=manager_b)).status_code == 403
    zipped = await client.get(f"/api/v1/cohorts/{setup.cohort['id']}/documents.zip", headers=manager_b)
    assert zipped.status_code == 403
    assert await stored() == before


@pytest.mark.parametrize(("who", "expected"), [("admin", 200), ("leader", 404), ("other", 404), ("manager", 403)])
async def test_an_admin_reaches_another_offices_documents_and_its_neighbours_do_not(client, people, as_, who, expected):
    _, enrolment_b, _, headers = people
    h = headers.get(who) or await as_(who)
    before = await stored()
    for kind in KINDS:
        read = await client.get(api(enrolment_b, kind), headers=h)
        assert read.status_code == expected, (kind, read.text)
        assert ("Pål Ærø" in read.text) == (expected == 200)
        put = await client.put(api(enrolment_b, kind), json={"content": CONTENT[kind], "version": 1}, headers=h)
        assert put.status_code == expected, kind
    assert await stored() == before + (2 if expected == 200 else 0)
    course_b = (await Enrolment.select(Enrolment.cohort).where(Enrolment.id == enrolment_b).first())["cohort"]
    zipped = await client.get(f"/api/v1/cohorts/{course_b}/documents.zip", headers=h)
    assert zipped.status_code == expected
    assert zipped.content.startswith(b"PK") == (expected == 200)


# --- the pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), [("admin", 200), ("leader", 404), ("manager_b", 403)])
async def test_the_pages_of_another_offices_documents(client, people, who, expected):
    _, enrolment_b, _, _ = people
    course_b = (await Enrolment.select(Enrolment.cohort).where(Enrolment.id == enrolment_b).first())["cohort"]
    await login(client, EMAILS[who])
    for kind in KINDS:
        form = await client.get(f"/enrolments/{enrolment_b}/{kind}")
        assert form.status_code == expected, kind
        assert ("Pål Ærø" in form.text) == (expected == 200)
        assert (await client.get(f"/enrolments/{enrolment_b}/{kind}/versions")).status_code == expected
    assert (await client.get(f"/enrolments/{enrolment_b}/plan.pdf")).status_code == expected
    assert (await zip_through_pages(client, course_b)).status_code == expected
