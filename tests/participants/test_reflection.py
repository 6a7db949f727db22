"""Reflection tasks between sessions: the office's task per module (leaders change,
managers read), the participant's private answer on their own page after the
module's session, and who may read it (the cohort's leaders, a substitute, the
primary contact; not the office's other leaders, managers or admins), over HTTP for
every role, with the reads in the audit log and never the text."""

from __future__ import annotations

import json

import pytest

from course.audit import services as audit
from course.audit.tables import AuditEvent
from course.cohorts.schedule import MODULES
from course.cohorts.tables import Session, SessionLeader
from course.participants import reflection
from course.participants.tables import ReflectionAnswer
from tests.conftest import EMAILS, csrf_from, web_login
from tests.participants.helpers import enrolled, error_keys, office_a_leader, participant, running_cohort

SOLVI = "Sølvi Åkerø Dæhli"
ASMUND = "Åsmund Ørnes"
ANSWER = "Jeg fikk til å lage middag for hele familien på søndag. Jeg er tålmodig og flink med hendene."
CONTACT, OTHER, SUBSTITUTE = "torbjorn@a.no", "guro@a.no", "ragnhild@a.no"


async def login(client, email: str) -> None:
    client.cookies.clear()
    response = await web_login(client, email)
    assert response.status_code in (302, 303), response.text


async def personal_token(client, headers, participant_id: int) -> str:
    response = await client.post(f"/api/v1/participants/{participant_id}/link", headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["url"].rsplit("/p/", 1)[1]


async def answer(client, token: str, enrolment_id: int, module: int, text: str):
    """The participant writes on their own page, as a browser does (with the form's CSRF token)."""
    form = await client.get(f"/p/{token}/reflections/{enrolment_id}/{module}")
    assert form.status_code == 200, form.text
    return await client.post(
        f"/p/{token}/reflections/{enrolment_id}/{module}", data={"text": text, "_csrf_token": csrf_from(form.text)}
    )


@pytest.fixture
async def people(client, world, as_):
    """A cohort that began last Monday (sessions Monday and Wednesday, 09–14; today is
    Wednesday at noon, so the tasks of modules 1–3 are open and not that of module 4),
    led by the office A leader. Sølvi has Torbjørn as primary contact; Guro is another
    leader of the office; Ragnhild stood in for one session. Sølvi answered module 1."""
    leader, admin = await as_("leader"), await as_("admin")
    contact, _ = await office_a_leader(world, CONTACT, "Torbjørn Ås")
    await office_a_leader(world, OTHER, "Guro Bækkelund")
    substitute, _ = await office_a_leader(world, SUBSTITUTE, "Ragnhild Øverås")
    course = await running_cohort(client, world, admin)
    solvi = await participant(client, leader, world, name=SOLVI, primary_contact_id=contact)
    asmund = await participant(client, leader, world, name=ASMUND)
    e_solvi = (await enrolled(client, leader, course["id"], solvi["id"]))["id"]
    e_asmund = (await enrolled(client, leader, course["id"], asmund["id"]))["id"]
    session = await Session.select(Session.id).where(Session.cohort == course["id"], Session.number == 2).first()
    await SessionLeader.insert(SessionLeader(session=session["id"], leader=substitute))
    token = await personal_token(client, leader, solvi["id"])
    response = await answer(client, token, e_solvi, 1, ANSWER)
    assert response.status_code in (302, 303), response.text
    return {
        "cohort": course,
        "solvi": solvi["id"],
        "asmund": asmund["id"],
        "enrolment": e_solvi,
        "asmund_enrolment": e_asmund,
        "token": token,
        "contact": contact,
        "substitute": substitute,
    }


EMAIL = {"contact": CONTACT, "other": OTHER, "substitute": SUBSTITUTE}


# --- the office's tasks -------------------------------------------------------------------------


async def test_every_module_has_a_default_task_in_norwegian(client, world, as_):
    response = await client.get("/api/v1/reflection-tasks", headers=await as_("leader"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["office_id"] == world.office_a and body["may_edit"] is True
    assert [t["module"] for t in body["tasks"]] == list(range(1, len(MODULES) + 1))
    assert all(t["suggested"] and t["text"] and t["changed_at"] is None for t in body["tasks"])
    assert body["tasks"][0]["text"] == reflection.DEFAULT_TASKS[1] and "få" in body["tasks"][0]["text"]


@pytest.mark.parametrize(
    "who,read,write", [("leader", 200, 200), ("admin", 200, 200), ("manager", 200, 403), ("leader_b", 200, 200)]
)
async def test_who_reads_and_changes_the_tasks(client, world, as_, who, read, write):
    headers = await as_(who)
    text = "Skriv ned én styrke du brukte denne uka – og hvem som så den."
    response = await client.put("/api/v1/reflection-tasks/3", json={"text": text}, headers=headers)
    assert response.status_code == write, response.text
    own = await client.get("/api/v1/reflection-tasks/3", headers=headers)
    assert own.status_code == read
    assert (own.json()["text"] == text) == (write == 200)
    if write == 200:
        assert own.json()["suggested"] is False and own.json()["changed_by"]
        # The change is recorded with the module only.
        event = await AuditEvent.select().where(AuditEvent.action == audit.REFLECTION_TASK_CHANGED).first()
        assert event["actor"] == getattr(world, who) and text not in json.dumps(event["details"])
    # The task is the office's own: office A's is unchanged by office B.
    a = await client.get("/api/v1/reflection-tasks/3", headers=await as_("manager"))
    assert (a.json()["text"] == text) == (write == 200 and who != "leader_b")


async def test_another_office_is_not_found_except_for_admins(client, world, as_):
    text = "Hva fikk du til i dag?"
    for who in ("leader", "manager"):
        other = await client.get(
            "/api/v1/reflection-tasks", params={"office_id": world.office_b}, headers=await as_(who)
        )
        assert other.status_code == 404
    refused = await client.put(
        "/api/v1/reflection-tasks/1", json={"text": text, "office_id": world.office_b}, headers=await as_("leader")
    )
    assert refused.status_code == 404
    admin = await as_("admin")
    saved = await client.put(
        "/api/v1/reflection-tasks/1", json={"text": text, "office_id": world.office_b}, headers=admin
    )
    assert saved.status_code == 200, saved.text
    b = await client.get("/api/v1/reflection-tasks/1", headers=await as_("leader_b"))
    assert b.json()["text"] == text
    a = await client.get("/api/v1/reflection-tasks/1", headers=await as_("leader"))
    assert a.json()["suggested"] is True


@pytest.mark.parametrize(
    "body,key",
    [
        ({"text": ""}, "text"),
        ({"text": "   \n "}, "text"),
        ({"text": "å" * 1001}, "text"),
        ({"text": "a\x00b"}, "text"),
    ],
)
async def test_a_bad_task_answers_422_naming_the_field(client, as_, body, key):
    response = await client.put("/api/v1/reflection-tasks/2", json=body, headers=await as_("leader"))
    assert response.status_code == 422, response.text
    assert error_keys(response) == {key}


async def test_an_unknown_module_or_field_is_refused(client, as_):
    headers = await as_("leader")
    assert (await client.put("/api/v1/reflection-tasks/0", json={"text": "x"}, headers=headers)).status_code == 400
    over = len(MODULES) + 1
    assert (await client.get(f"/api/v1/reflection-tasks/{over}", headers=headers)).status_code == 400
    extra = await client.put("/api/v1/reflection-tasks/2", json={"text": "x", "note": "y"}, headers=headers)
    assert extra.status_code == 400


async def test_the_tasks_page_for_leaders_and_managers(client, world, login_as):
    await login_as("leader")
    page = await client.get("/reflection-tasks")
    assert page.status_code == 200
    assert "Refleksjonsoppgaver" in page.text and reflection.DEFAULT_TASKS[7][:30] in page.text
    assert page.text.count("<textarea") == len(MODULES)
    text = "Tenk på én person som heier på deg. Hva ville hen si at du er god til?"
    saved = await client.post("/reflection-tasks/7", data={"text": text, "_csrf_token": csrf_from(page.text)})
    assert saved.status_code in (302, 303)
    after = await client.get(saved.headers["location"])
    assert text in after.text and 'action="/reflection-tasks/7/suggestion"' in after.text
    back = await client.post("/reflection-tasks/7/suggestion", data={"_csrf_token": csrf_from(after.text)})
    assert back.status_code in (302, 303)
    assert text not in (await client.get(back.headers["location"])).text
    saved = await client.post("/reflection-tasks/7", data={"text": text, "_csrf_token": csrf_from(page.text)})
    bad = await client.post("/reflection-tasks/7", data={"text": "", "_csrf_token": csrf_from(page.text)})
    assert bad.status_code == 422 and "error-summary" in bad.text and 'href="#text-7"' in bad.text
    no_token = await client.post("/reflection-tasks/7", data={"text": "Uten nøkkel"})
    assert no_token.status_code == 403

    client.cookies.clear()
    await login_as("manager")
    read = await client.get("/reflection-tasks")
    assert read.status_code == 200 and text in read.text and "<textarea" not in read.text
    refused = await client.post("/reflection-tasks/7", data={"text": "Leder", "_csrf_token": csrf_from(read.text)})
    assert refused.status_code == 403
    reset = await client.post("/reflection-tasks/7/suggestion", data={"_csrf_token": csrf_from(read.text)})
    assert reset.status_code == 403 and text in (await client.get("/reflection-tasks")).text


# --- the participant's own page -----------------------------------------------------------------


async def test_the_participant_sees_the_tasks_of_the_sessions_held_and_answers_privately(client, people):
    token, e = people["token"], people["enrolment"]
    page = await client.get(f"/p/{token}")
    assert page.status_code == 200
    assert "Refleksjonsoppgaver" in page.text
    for module in (1, 2, 3):
        assert f"/p/{token}/reflections/{e}/{module}" in page.text
    # Module 4's session is today, 09–14, and it is noon: its task is not open yet.
    assert f"/p/{token}/reflections/{e}/4" not in page.text
    assert (await client.get(f"/p/{token}/reflections/{e}/4")).status_code == 404
    form = await client.get(f"/p/{token}/reflections/{e}/1")
    assert ANSWER in form.text and reflection.DEFAULT_TASKS[1][:40] in form.text

    changed = "Jeg lagde middag. Jeg er tålmodig."
    response = await answer(client, token, e, 1, changed)
    assert response.status_code in (302, 303)
    assert "saved=1" in response.headers["location"]
    rows = await ReflectionAnswer.select().where(ReflectionAnswer.enrolment == e)
    assert [(r["module"], r["text"]) for r in rows] == [(1, changed)]
    # Each write is recorded without the text.
    events = await AuditEvent.select().where(AuditEvent.action == audit.REFLECTION_ANSWERED)
    assert len(events) == 2 and all(ev["participant"] == people["solvi"] and ev["actor"] is None for ev in events)
    assert all("middag" not in json.dumps(ev["details"]) for ev in events)

    # An empty answer removes it.
    cleared = await answer(client, token, e, 1, "  ")
    assert cleared.status_code in (302, 303)
    assert not await ReflectionAnswer.exists().where(ReflectionAnswer.enrolment == e)


async def test_the_answer_has_a_limit_and_needs_the_forms_token(client, people):
    token, e = people["token"], people["enrolment"]
    too_long = await answer(client, token, e, 2, "å" * 4001)
    assert too_long.status_code == 422
    assert "error-summary" in too_long.text and "4000" in too_long.text
    without = await client.post(f"/p/{token}/reflections/{e}/2", data={"text": "Uten skjemaets nøkkel"})
    assert without.status_code == 403
    assert not await ReflectionAnswer.exists().where(ReflectionAnswer.module == 2)
    fits = await answer(client, token, e, 2, "ø" * 4000)
    assert fits.status_code in (302, 303)


async def test_a_link_opens_only_its_own_enrolments(client, people, as_):
    other = await personal_token(client, await as_("leader"), people["asmund"])
    e = people["enrolment"]
    assert (await client.get(f"/p/{other}/reflections/{e}/1")).status_code == 404
    form = await client.get(f"/p/{other}/reflections/{people['asmund_enrolment']}/1")
    posted = await client.post(
        f"/p/{other}/reflections/{e}/1", data={"text": "Ikke mitt", "_csrf_token": csrf_from(form.text)}
    )
    assert posted.status_code == 404
    assert ANSWER not in (await client.get(f"/p/{other}")).text
    assert (await client.get(f"/p/ukjent-lenke/reflections/{e}/1")).status_code == 404


async def test_a_withdrawn_participant_has_no_tasks(client, people, as_):
    leader = await as_("leader")
    response = await client.patch(
        f"/api/v1/enrolments/{people['enrolment']}",
        json={"status": "withdrawn", "reason": "Flyttet til Tromsø"},
        headers=leader,
    )
    assert response.status_code == 200, response.text
    token, e = people["token"], people["enrolment"]
    assert f"/reflections/{e}/" not in (await client.get(f"/p/{token}")).text
    assert (await client.get(f"/p/{token}/reflections/{e}/1")).status_code == 404


# --- who reads the answer -----------------------------------------------------------------------

READERS = [
    ("leader", 200, True),
    ("contact", 200, True),
    ("substitute", 200, True),
    ("other", 200, False),
    ("admin", 200, False),
    ("manager", 403, False),
    ("leader_b", 404, False),
]


async def _headers(as_, people, who: str):
    from tests.participants.helpers import headers_for

    if who in ("contact", "substitute"):
        return await headers_for(people[who])
    if who == "other":
        from course.accounts.tables import StaffUser

        row = await StaffUser.select(StaffUser.id).where(StaffUser.email == OTHER).first()
        return await headers_for(row["id"])
    return await as_(who)


@pytest.mark.parametrize("who,status,reads", READERS)
async def test_who_reads_the_answers_through_the_api(client, people, as_, who, status, reads):
    e = people["enrolment"]
    response = await client.get(f"/api/v1/enrolments/{e}/reflections", headers=await _headers(as_, people, who))
    assert response.status_code == status, response.text
    events = await AuditEvent.select().where(AuditEvent.action == audit.REFLECTION_READ)
    if status != 200:
        assert ANSWER not in response.text and events == []
        return
    body = response.json()
    assert body["may_read"] is reads and body["participant"]["name"] == SOLVI
    modules = {m["module"]: m for m in body["modules"]}
    assert list(modules) == list(range(1, 9))
    assert modules[1]["answered"] is True and modules[1]["opened_on"]
    assert modules[2]["answered"] is False and modules[4]["opened_on"] is None
    assert modules[1]["task"] == reflection.DEFAULT_TASKS[1]
    assert (modules[1]["text"] == ANSWER) is reads
    assert all(m["text"] is None for n, m in modules.items() if n != 1)
    # A read of the text is one event naming the enrolment and the modules, never the text.
    assert len(events) == (1 if reads else 0)
    for event in events:
        assert event["participant"] == people["solvi"]
        assert json.loads(event["details"]) if isinstance(event["details"], str) else event["details"]
        assert "middag" not in json.dumps(event["details"])


@pytest.mark.parametrize("who,status,reads", READERS)
async def test_who_reads_the_answers_on_the_pages(client, people, who, status, reads):
    await login(client, EMAIL.get(who) or EMAILS[who])
    e = people["enrolment"]
    page = await client.get(f"/enrolments/{e}/reflections")
    assert page.status_code == status
    assert (ANSWER in page.text) is reads
    overview = await client.get(f"/cohorts/{people['cohort']['id']}/reflections")
    assert overview.status_code == status
    assert ANSWER not in overview.text
    if status == 200:
        assert SOLVI in overview.text and "✓" in overview.text


async def test_the_cohort_overview_counts_and_ticks(client, people, as_):
    token, e = people["token"], people["enrolment"]
    assert (await answer(client, token, e, 3, "Jeg snudde en vond tanke på bussen.")).status_code in (302, 303)
    response = await client.get(f"/api/v1/cohorts/{people['cohort']['id']}/reflections", headers=await as_("leader"))
    assert response.status_code == 200, response.text
    body = response.json()
    counts = {m["module"]: (m["answered"], m["of"]) for m in body["modules"]}
    assert counts[1] == (1, 2) and counts[2] == (0, 2) and counts[3] == (1, 2)
    rows = {r["participant"]["name"]: r for r in body["rows"]}
    assert rows[SOLVI]["answered"] == [1, 3] and rows[ASMUND]["answered"] == []
    assert rows[SOLVI]["may_read"] is True
    assert "text" not in json.dumps(body) or ANSWER not in json.dumps(body)
    # The cohort page itself records no read.
    assert not await AuditEvent.exists().where(AuditEvent.action == audit.REFLECTION_READ)


async def test_the_enrolment_page_links_to_the_tasks(client, people, login_as):
    await login_as("leader")
    page = await client.get(f"/enrolments/{people['enrolment']}")
    assert f"/enrolments/{people['enrolment']}/reflections" in page.text


async def test_an_answer_stays_in_sight_when_its_session_is_cancelled_later(client, world, as_, people):
    leader = await as_("leader")
    cancelled = await client.patch(
        f"/api/v1/cohorts/{people['cohort']['id']}/sessions/1", json={"cancelled": True}, headers=leader
    )
    assert cancelled.status_code == 200, cancelled.text
    reflections = await client.get(f"/api/v1/enrolments/{people['enrolment']}/reflections", headers=leader)
    assert [(m["module"], m["text"]) for m in reflections.json()["modules"] if m["answered"]] == [(1, ANSWER)]
    exported = await client.get(f"/api/v1/participants/{people['solvi']}/export", headers=leader)
    assert [(r["module"], r["text"]) for r in exported.json()["enrolment_extras"][0]["reflections"]] == [(1, ANSWER)]
    own = await client.get(f"/p/{people['token']}/reflections/{people['enrolment']}/1")
    assert own.status_code == 200 and ANSWER in own.text


@pytest.mark.parametrize("who,status", [("leader", 200), ("admin", 200), ("manager", 403)])
async def test_an_office_goes_back_to_the_suggested_task(client, world, as_, who, status):
    leader = await as_("leader")
    own = "Hva fikk du til i dag som du ikke trodde du kunne? Skriv to setninger."
    assert (await client.put("/api/v1/reflection-tasks/2", json={"text": own}, headers=leader)).status_code == 200
    response = await client.delete("/api/v1/reflection-tasks/2", headers=await as_(who))
    assert response.status_code == status, response.text
    task = (await client.get("/api/v1/reflection-tasks/2", headers=leader)).json()
    if status == 200:
        assert task["suggested"] is True and task["text"] == reflection.DEFAULT_TASKS[2]
        events = await AuditEvent.select(AuditEvent.details).where(AuditEvent.action == "reflection_task_changed")
        assert [json.loads(e["details"]) for e in events][-1] == {"module": 2, "suggestion": True}
    else:
        assert task["text"] == own
    # A leader of another office resets their own office's task, never this one's.
    assert (await client.put("/api/v1/reflection-tasks/2", json={"text": own}, headers=leader)).status_code == 200
    other = await client.delete("/api/v1/reflection-tasks/2", headers=await as_("leader_b"))
    assert other.status_code == 200
    assert (await client.get("/api/v1/reflection-tasks/2", headers=leader)).json()["text"] == own
