"""Who reaches which cohort's evaluation, where the other files here leave off: the
scopes in course/evaluations/policies.py select the right rows for each role; every
cohort route of the API answers 404 to a leader of another office and 403 to a
manager, with nothing changed behind it; a comment of another office answers as one
that does not exist; an admin reaches another office's evaluation, which the first
office's leaders do not; a report never sums a cohort out of the caller's scope,
whatever the filter asks for."""

from __future__ import annotations

import pytest

from course.accounts.tables import StaffUser
from course.accounts.users import USER_COLUMNS, staff_of
from course.cohorts.tables import Cohort
from course.evaluations import policies
from course.evaluations.tables import (
    Evaluation,
    EvaluationPending,
    EvaluationRemark,
    EvaluationResponse,
    EvaluationTicket,
)
from tests.conftest import EMAILS, web_login
from tests.evaluations.helpers import SCORES, close, cohort_with, open_evaluation, token_of
from tests.participants.helpers import enrolled, office_a_leader, participant, running_cohort

REPORT = "/api/v1/reports/evaluations"
# Each cohort route of the API, with a body that would change something.
ROUTES = [
    ("GET", "", None),
    ("POST", "", {"named": True}),
    ("POST", "/slips", None),
    ("PATCH", "", {"closed": True}),
    ("POST", "/paper", {"scores": SCORES}),
    ("GET", "/comments", None),
]


async def staff(user_id: int):
    return staff_of(await StaffUser.select(*USER_COLUMNS).where(StaffUser.id == user_id).first())


async def snapshot() -> tuple:
    """Everything a refused request could have changed."""
    rows = await Evaluation.select(
        Evaluation.cohort, Evaluation.closes_on, Evaluation.closed_at, Evaluation.invited
    ).order_by(Evaluation.cohort)
    remarks = await EvaluationRemark.select(EvaluationRemark.ref, EvaluationRemark.status).order_by(
        EvaluationRemark.ref
    )
    return (
        rows,
        remarks,
        await EvaluationTicket.count(),
        await EvaluationPending.count(),
        await EvaluationResponse.count(),
    )


async def say(client, link: dict, comment: str) -> None:
    response = await client.post(f"/api/v1/evaluations/{token_of(link)}", json={"scores": SCORES, "comment": comment})
    assert response.status_code == 201, response.text


@pytest.fixture
async def two(client, world, as_):
    """Office A: a cohort led by its leader, closed with three answers and comments
    (Guro, another leader of office A, leads none). Office B: a cohort led by its
    leader with the evaluation open and one answer."""
    leader, admin, leader_b = await as_("leader"), await as_("admin"), await as_("leader_b")
    other, other_headers = await office_a_leader(world, "guro@a.no", "Guro Bækkelund")
    course_a, _ = await cohort_with(client, world, leader, admin, people=3)
    opened = await open_evaluation(client, leader, course_a["id"])
    for n, link in enumerate(opened["links"]):
        await say(client, link, f"Takk for kurset på Åsen, nummer {n}!")
    await close(client, leader, course_a["id"])
    course_b = await running_cohort(
        client, world, admin, office_id=world.office_b, leader_ids=[world.leader_b], title="Høstkurs på Lier"
    )
    for name in ("Pål Ærø", "Siri Løkke", "Tore Ås"):
        person = await participant(client, leader_b, world, name=name, primary_contact_id=world.leader_b)
        await enrolled(client, leader_b, course_b["id"], person["id"])
    opened_b = await open_evaluation(client, leader_b, course_b["id"])
    await say(client, opened_b["links"][0], "Fint på Lier.")
    return course_a, course_b, {"other": other}, {"other": other_headers}


# --- the scopes themselves ------------------------------------------------------------------


async def test_each_scope_selects_the_rows_of_the_callers_office(world, two):
    course_a, course_b, ids, _ = two
    a, b = course_a["id"], course_b["id"]
    # (who, evaluations worked with, cohorts with comments readable, reviewable, cohorts reported on)
    expected = {
        "leader": ([a], [a], [a], [a]),
        "other": ([a], [a], [], []),  # of the office, but leads no cohort
        "admin": ([a, b], [a], [a], [a, b]),
        "manager": ([], [], [], [a]),
        "leader_b": ([b], [], [], [b]),
        "manager_b": ([], [], [], [b]),
    }
    for who, (evaluations, remarks, reviewed, reported) in expected.items():
        caller = await staff(ids.get(who) or getattr(world, who))
        found = await Evaluation.select(Evaluation.cohort).where(policies.evaluation_scope(caller))
        assert sorted(r["cohort"] for r in found) == evaluations, who
        found = await EvaluationRemark.select(EvaluationRemark.cohort).where(policies.remark_scope(caller))
        assert sorted({r["cohort"] for r in found}) == remarks, who
        found = await EvaluationRemark.select(EvaluationRemark.cohort).where(policies.review_scope(caller))
        assert sorted({r["cohort"] for r in found}) == reviewed, who
        found = await EvaluationResponse.select(EvaluationResponse.cohort).where(policies.response_scope(caller))
        assert sorted({r["cohort"] for r in found}) == remarks, who  # only A's evaluation has closed
        found = await Cohort.select(Cohort.id).where(policies.report_scope(caller))
        assert sorted(r["id"] for r in found) == reported, who


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("leader_b", 404), ("manager", 403), ("manager_b", 403)])
async def test_every_cohort_route_refuses_another_office_and_managers(client, two, as_, who, status):
    course_a, _, _, _ = two
    headers = await as_(who)
    before = await snapshot()
    for method, rest, body in ROUTES:
        response = await client.request(
            method, f"/api/v1/cohorts/{course_a['id']}/evaluation{rest}", json=body, headers=headers
        )
        assert response.status_code == status, (method, rest, response.text)
        assert "Åsen" not in response.text and course_a["title"] not in response.text, (method, rest)
    assert await snapshot() == before


async def test_another_offices_comment_answers_as_one_that_does_not_exist(client, two, as_):
    course_a, _, _, headers = two
    comments = (
        await client.get(f"/api/v1/cohorts/{course_a['id']}/evaluation/comments", headers=await as_("leader"))
    ).json()
    ref = comments[0]["id"]
    unknown = "A" * 16 if ref != "A" * 16 else "B" * 16
    before = await snapshot()
    leader_b = await as_("leader_b")
    out_of_scope = await client.patch(f"/api/v1/evaluation-comments/{ref}", json={"status": "shown"}, headers=leader_b)
    missing = await client.patch(f"/api/v1/evaluation-comments/{unknown}", json={"status": "shown"}, headers=leader_b)
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()
    # A leader of the same office who does not lead the cohort is refused, not kept in the dark.
    refused = await client.patch(
        f"/api/v1/evaluation-comments/{ref}", json={"status": "shown"}, headers=headers["other"]
    )
    assert refused.status_code == 403 and "Åsen" not in refused.text
    assert await snapshot() == before


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("leader", 404), ("other", 404)])
async def test_an_admin_reaches_another_offices_evaluation_and_its_neighbours_do_not(client, two, as_, who, status):
    _, course_b, _, headers = two
    h = headers.get(who) or await as_(who)
    path = f"/api/v1/cohorts/{course_b['id']}/evaluation"
    read = await client.get(path, headers=h)
    assert read.status_code == status, read.text
    if status == 200:
        assert read.json()["answered"] == 1 and read.json()["invited"] == 3
    before = await snapshot()
    slip = await client.post(f"{path}/slips", headers=h)
    assert slip.status_code == (201 if status == 200 else status), slip.text
    assert await snapshot() != before if status == 200 else await snapshot() == before
    assert (await client.get(f"{path}/comments", headers=h)).status_code == status


async def test_the_leader_page_of_another_offices_cohort(client, world, two):
    _, course_b, _, _ = two
    for who, status in (("admin", 200), ("leader", 404), ("manager", 403), ("manager_b", 403)):
        client.cookies.clear()
        assert (await web_login(client, EMAILS[who])).status_code in (302, 303)
        for page in ("", "/paper", "/comments"):
            response = await client.get(f"/cohorts/{course_b['id']}/evaluation{page}")
            assert response.status_code == status, (who, page)
            assert (course_b["title"] in response.text) == (status == 200), (who, page)


# --- reports ----------------------------------------------------------------------------------


async def test_a_report_sums_no_cohort_out_of_the_callers_scope_whatever_the_filter(client, world, two, as_):
    course_a, _, _, headers = two
    a = course_a["id"]
    for who, params in (
        ("other", {}),  # a leader of the office sees the cohorts they lead
        ("other", {"cohort_id": a}),
        ("other", {"leader_id": world.leader}),
        ("leader_b", {"cohort_id": a}),
        ("leader_b", {"office_id": world.office_a}),
        ("manager_b", {"cohort_id": a}),
        ("manager_b", {"office_id": world.office_a}),
    ):
        report = await client.get(REPORT, params=params, headers=headers.get(who) or await as_(who))
        assert report.status_code == 200, report.text
        body = report.json()
        assert body["responses"] == 0 and body["cohorts"] == [] and body["comments"] == [], (who, params)
        assert body["cohorts_left_out"]["count"] == 0, (who, params)
    for who in ("leader", "manager", "admin"):
        report = (await client.get(REPORT, params={"cohort_id": a}, headers=await as_(who))).json()
        assert report["responses"] == 3 and [c["key"] for c in report["cohorts"]] == [str(a)], who
