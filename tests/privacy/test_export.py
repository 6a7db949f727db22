"""Access and portability: everything held about a participant, as JSON and as a PDF
to hand over, for the office's leaders and admins (each domain's own rule still
holding inside it), never for managers; every export is audited."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import timedelta

import pytest

from course import clock
from course.audit.tables import AuditEvent
from course.participants.tables import FollowUp, ReflectionAnswer
from tests.conftest import web_login
from tests.participants.helpers import (
    booked,
    enrolled,
    free_day,
    mark,
    office_a_leader,
    participant,
    running_cohort,
)

NAME = "Sølvi Åkerø Dæhli"
NOTE = "Snakket om å begynne på skole i Ålesund"
CV = ("Første utkast: liker å sykle", "Jobbet på Bærums Verk kafé")
PLAN = "Søke lærlingplass som røkter"
REFERRED_BY = "Helsesøster på Åssiden skole"
FOLLOW_UP = "Går på Tangen vgs. i Ål"
REFLECTION = "Jeg er flink til å lytte til søsteren min"
STATEMENT_EN = "Answers to the course evaluation are not included"
STATEMENT_NB = "Svarene på kursevalueringen er ikke med"


@dataclass
class Setup:
    person: dict
    enrolment: int
    talk: int


@pytest.fixture
async def setup(client, world, as_) -> Setup:
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin, weeks_ago=2)
    person = await participant(client, leader, world, name=NAME, email="solvi@eksempel.no")
    enrolment = (await enrolled(client, leader, course["id"], person["id"]))["id"]
    held = [s["number"] for s in course["sessions"] if s["date"] <= clock.today().isoformat()]
    assert (await mark(client, leader, course["id"], held[0], person["id"], "excused", "Syk")).status_code == 200
    assert (await mark(client, leader, course["id"], held[1], person["id"], "present")).status_code == 200
    talk = await booked(client, leader, course["id"], person["id"], world.leader, free_day(course, 2))
    noted = await client.patch(f"/api/v1/talks/{talk['id']}", json={"note": NOTE}, headers=leader)
    assert noted.status_code == 200, noted.text
    for kind, content, version in (
        ("cv", {"about_me": CV[0]}, 0),
        ("cv", {"about_me": CV[1]}, 1),
        ("plan", {"main_goal": PLAN}, 0),
    ):
        saved = await client.put(
            f"/api/v1/enrolments/{enrolment}/{kind}", json={"content": content, "version": version}, headers=leader
        )
        assert saved.status_code == 200, saved.text
    category = await client.put(f"/api/v1/participants/{person['id']}/category", json={"category": 2}, headers=leader)
    assert category.status_code == 200
    outcome = await client.put(
        f"/api/v1/enrolments/{enrolment}/outcome",
        json={"kind": "school", "date": clock.today().isoformat(), "note": "Starter i januar"},
        headers=leader,
    )
    assert outcome.status_code == 200, outcome.text
    referred = {"referred": {"date": (clock.today() - timedelta(days=30)).isoformat(), "by": REFERRED_BY}}
    path = await client.patch(f"/api/v1/participants/{person['id']}/path", json=referred, headers=leader)
    assert path.status_code == 200, path.text
    # Written as rows: a follow-up is for a cohort that has ended, an answer comes from the own page.
    await FollowUp.insert(
        FollowUp(
            enrolment=enrolment,
            point="3m",
            kind="school",
            date=clock.today() + timedelta(days=100),
            note=FOLLOW_UP,
            changed_by=world.leader,
            changed_at=clock.utc_now(),
        )
    )
    await ReflectionAnswer.insert(
        ReflectionAnswer(enrolment=enrolment, module=1, text=REFLECTION, changed_at=clock.utc_now())
    )
    return Setup(person, enrolment, talk["id"])


def export_of(client, person_id: int, headers: dict, **extra):
    return client.get(f"/api/v1/participants/{person_id}/export", headers={**headers, **extra})


async def test_the_export_holds_every_section_and_says_why_evaluation_answers_are_not_in_it(client, world, as_, setup):
    until = (clock.today() + timedelta(days=400)).isoformat()
    kept = await client.post(
        f"/api/v1/participants/{setup.person['id']}/retention",
        json={"until": until, "reason": "Venter på skoleplass på Hønefoss"},
        headers=await as_("leader"),
    )
    assert kept.status_code == 201, kept.text
    response = await export_of(client, setup.person["id"], await as_("leader"))
    assert response.status_code == 200, response.text
    out = response.json()
    extension = out["retention"]["extension"]
    assert (extension["until"], extension["reason"]) == (until, "Venter på skoleplass på Hønefoss")
    assert next(iter(out)) == "evaluation_answers" and out["evaluation_answers"].startswith(STATEMENT_EN)
    assert out["participant"]["name"] == NAME and out["participant"]["email"] == "solvi@eksempel.no"
    assert out["participant"]["preferred_channel"] == "sms"
    assert out["participant"]["office_name"] == "NAV Drammen – Ungdomsteamet"
    assert [c["scopes"] for c in out["consents"]] == [["participation", "sharing", "evaluation"]]
    assert [c["category"] for c in out["categories"]] == [2]
    [enrolment] = out["enrolments"]
    assert enrolment["id"] == setup.enrolment and len(enrolment["attendance"]) == 8
    assert [(a["status"], a["note"]) for a in enrolment["attendance"][:2]] == [("excused", "Syk"), ("present", "")]
    assert (enrolment["outcome"]["kind"], enrolment["outcome"]["note"]) == ("school", "Starter i januar")
    assert [(t["id"], t["note"]) for t in out["talks"]] == [(setup.talk, NOTE)] and out["notes_withheld"] == 0
    documents = {d["kind"]: [v["content"] for v in d["versions"]] for d in out["documents"]}
    assert [v["about_me"] for v in documents["cv"]] == [CV[1], CV[0]]  # newest first
    assert documents["plan"][0]["main_goal"] == PLAN and out["documents_withheld"] == 0
    assert out["path"]["referred"]["by"] == REFERRED_BY
    [extras] = out["enrolment_extras"]
    assert extras["enrolment_id"] == setup.enrolment
    assert [(f["point"], f["kind"], f["note"]) for f in extras["follow_ups"]] == [("3m", "school", FOLLOW_UP)]
    assert [(r["module"], r["text"]) for r in extras["reflections"]] == [(1, REFLECTION)]
    assert out["reflections_withheld"] == 0
    norwegian = await export_of(client, setup.person["id"], await as_("leader"), **{"Accept-Language": "nb"})
    assert norwegian.json()["evaluation_answers"].startswith(STATEMENT_NB)
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.actor).where(
        AuditEvent.participant == setup.person["id"], AuditEvent.action == "participant_exported"
    )
    assert events == [{"action": "participant_exported", "actor": world.leader}] * 2


async def test_managers_are_refused_other_offices_see_nothing_and_each_rule_inside_holds(client, world, as_, setup):
    person_id = setup.person["id"]
    assert (await export_of(client, person_id, await as_("manager"))).status_code == 403
    assert (await export_of(client, person_id, await as_("leader_b"))).status_code == 404
    assert (await export_of(client, person_id, {})).status_code == 401
    # An admin: the documents, not the private note (only the cohort's leaders and the primary contact read it).
    admin = (await export_of(client, person_id, await as_("admin"))).json()
    assert [(t["note"], t["has_note"]) for t in admin["talks"]] == [(None, True)] and admin["notes_withheld"] == 1
    assert len(admin["documents"]) == 2
    # Another leader of the office: neither, each counted.
    colleague_id, colleague = await office_a_leader(world, "tone@a.no", "Tone Ødegård")
    other = (await export_of(client, person_id, colleague)).json()
    assert other["participant"]["name"] == NAME
    assert (other["notes_withheld"], other["documents"], other["documents_withheld"]) == (1, [], 2)
    assert other["reflections_withheld"] == 1 and admin["reflections_withheld"] == 1
    for secret in (NOTE, CV[1], REFLECTION):
        assert secret not in json.dumps(other, ensure_ascii=False)
    assert NOTE not in json.dumps(admin, ensure_ascii=False) and REFLECTION not in json.dumps(admin, ensure_ascii=False)
    reads = await AuditEvent.select(AuditEvent.actor).where(
        AuditEvent.participant == person_id, AuditEvent.action == "participant_exported"
    )
    assert sorted(r["actor"] for r in reads) == sorted([world.admin, colleague_id])


def text_of(body: bytes) -> str:
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True)
        return " ".join(done.stdout.decode().split())
    from tests.documents.conftest import pdf_text

    return pdf_text(body)


async def test_the_pdf_is_readable_in_norwegian_for_the_same_people(client, world, as_, setup):
    path = f"/participants/{setup.person['id']}/export.pdf"
    assert (await web_login(client, "ase@a.no")).status_code in (302, 303)
    response = await client.get(path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "innsyn.pdf" in response.headers["content-disposition"]
    text = text_of(response.content)
    for expected in (
        NAME,
        STATEMENT_NB,
        "Ressurs-CV",
        CV[0],
        CV[1],
        PLAN,
        NOTE,
        "Veiledningssamtaler",
        "Samtykke",
        "lagres",
        REFERRED_BY,
        FOLLOW_UP,
        REFLECTION,
    ):
        assert expected in text, expected
    client.cookies.clear()
    assert (await web_login(client, "bjorn@a.no")).status_code in (302, 303)
    assert (await client.get(path)).status_code == 403
    client.cookies.clear()
    assert (await web_login(client, "kjaersti@b.no")).status_code in (302, 303)
    assert (await client.get(path)).status_code == 404
    events = await AuditEvent.select(AuditEvent.details).where(
        AuditEvent.participant == setup.person["id"], AuditEvent.action == "participant_exported"
    )
    assert [json.loads(e["details"]) for e in events] == [{"format": "pdf"}]
