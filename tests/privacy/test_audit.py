"""Every staff read of a participant's record, talk notes, CV and plan leaves an event
naming the staff member, the participant and the address; lists of names do not; no
event holds the data itself; and the participant's own page shows who at NAV read or
changed their CV and plan (innsyn)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from course import clock
from course.audit.tables import AuditEvent
from tests.conftest import CLIENT_ADDRESS, EMAILS, csrf_from, web_login
from tests.participants.helpers import booked, enrolled, free_day, mark, participant, running_cohort

NAME = "Sølvi Åkerø Dæhli"
OTHER = "Åsmund Ørnes"
EMAIL = "solvi.daehli@eksempel.no"
PHONE = "91234567"  # registered as +47 912 34 567
CV_TEXT = "Jobbet tre somre på Bærums Verk kafé"
PLAN_GOAL = "Læreplass som tømrer i Ålesund"
NOTE = "Snakket om søvn, og om at mor er bekymret"
REASON = "Flytter til Ålesund med familien"
OUTCOME_NOTE = "Begynner på Åssiden vgs. i august"


@dataclass
class Scene:
    person: int
    other: int
    cohort: int
    enrolment: int
    talk: int
    leader: dict
    admin: dict


async def scene(client, world, as_) -> Scene:
    """Sølvi on a running cohort led by Åse Ødegård, with a CV, a plan, a talk with a
    private note, a category and an outcome; Åsmund withdrawn from it with a reason."""
    leader, admin = await as_("leader"), await as_("admin")
    person = (await participant(client, leader, world, name=NAME, email=EMAIL))["id"]
    other = (await participant(client, leader, world, name=OTHER))["id"]
    course = await running_cohort(client, world, admin)
    e = (await enrolled(client, leader, course["id"], person))["id"]
    for kind, content in (("cv", {"about_me": CV_TEXT}), ("plan", {"main_goal": PLAN_GOAL})):
        saved = await client.put(
            f"/api/v1/enrolments/{e}/{kind}", json={"content": content, "version": 0}, headers=leader
        )
        assert saved.status_code == 200, saved.text
    talk = (await booked(client, leader, course["id"], person, world.leader, free_day(course, 1)))["id"]
    for response in (
        await client.patch(f"/api/v1/talks/{talk}", json={"note": NOTE}, headers=leader),
        await client.put(f"/api/v1/participants/{person}/category", json={"category": 3}, headers=leader),
        await client.put(
            f"/api/v1/enrolments/{e}/outcome",
            json={"kind": "school", "date": clock.today().isoformat(), "note": OUTCOME_NOTE},
            headers=leader,
        ),
        await client.post(
            f"/api/v1/participants/{person}/consents",
            json={"action": "withdrawn", "scopes": ["sharing"], "date": clock.today().isoformat()},
            headers=leader,
        ),
    ):
        assert response.status_code in (200, 201), response.text
    marked = await mark(client, leader, course["id"], 1, person, "excused", NOTE)
    assert marked.status_code == 200, marked.text
    gone = (await enrolled(client, leader, course["id"], other))["id"]
    withdrawn = await client.patch(
        f"/api/v1/enrolments/{gone}", json={"status": "withdrawn", "reason": REASON}, headers=leader
    )
    assert withdrawn.status_code == 200, withdrawn.text
    return Scene(person, other, course["id"], e, talk, leader, admin)


async def events() -> list[dict]:
    rows = await AuditEvent.select().order_by(AuditEvent.id)
    for row in rows:
        row["details"] = json.loads(row["details"]) if isinstance(row["details"], str) else row["details"]
    return rows


async def test_each_read_of_a_person_is_logged_lists_are_not_and_no_event_holds_their_data(client, world, as_):
    s = await scene(client, world, as_)
    base = f"/api/v1/enrolments/{s.enrolment}"
    await web_login(client, EMAILS["leader"])
    # Lists of names: nothing recorded.
    before = len(await events())
    for path in ("/participants", f"/cohorts/{s.cohort}"):
        assert (await client.get(path)).status_code == 200, path
    listed = await client.get("/api/v1/participants", headers=s.leader)
    assert listed.status_code == 200 and NAME in listed.text
    assert len(await events()) == before
    # The roster handed to another program: one event for each person on it.
    roster = await client.get(f"/api/v1/cohorts/{s.cohort}/enrolments", headers=s.leader)
    assert roster.status_code == 200 and NAME in roster.text
    exported = (await events())[before:]
    assert sorted(r["participant"] for r in exported) == sorted([s.person, s.other])
    assert {(r["action"], r["actor"], r["address"]) for r in exported} == {
        ("roster_exported", world.leader, CLIENT_ADDRESS)
    }
    before = len(await events())

    # A person's record and documents, on pages and in the API: one event for each.
    reads = [
        ("participant_read", client.get(f"/participants/{s.person}")),
        ("participant_read", client.get(f"/api/v1/participants/{s.person}", headers=s.leader)),
        ("enrolment_read", client.get(f"/enrolments/{s.enrolment}")),
        ("talk_note_read", client.get(f"/api/v1/talks/{s.talk}", headers=s.leader)),
        ("document_read", client.get(f"/enrolments/{s.enrolment}/cv")),
        ("document_read", client.get(f"{base}/plan", headers=s.leader)),
        ("document_pdf_read", client.get(f"{base}/cv.pdf", headers=s.leader)),
        ("document_versions_read", client.get(f"{base}/plan/versions", headers=s.leader)),
        ("document_version_read", client.get(f"{base}/cv/versions/1", headers=s.leader)),
        ("documents_zipped", client.get(f"/api/v1/cohorts/{s.cohort}/documents.zip", headers=s.leader)),
    ]
    for action, request in reads:
        response = await request
        assert response.status_code == 200, (action, response.text)
        last = (await events())[-1]
        assert (last["action"], last["actor"], last["participant"], last["address"]) == (
            action,
            world.leader,
            s.person,
            CLIENT_ADDRESS,
        ), last
    # Åsmund, withdrawn, is not in the ZIP: one event, for Sølvi.
    assert len(await events()) == before + len(reads)

    logged = await events()
    # Changes name the participant too, in their own column.
    changes = {r["action"] for r in logged if r["participant"] == s.person and r["actor"] == world.leader}
    assert {
        "participant_created",
        "enrolment_created",
        "document_saved",
        "talk_booked",
        "talk_note_written",
        "category_changed",
        "outcome_set",
        "attendance_marked",
        "consent_withdrawn",
    } <= changes
    assert any(r["action"] == "enrolment_changed" and r["participant"] == s.other for r in logged)

    # Nothing of what is held about them, anywhere in the log.
    text = json.dumps(logged, default=str, ensure_ascii=False)
    for secret in (NAME, "Sølvi", OTHER, EMAIL, PHONE, CV_TEXT, PLAN_GOAL, NOTE, REASON, OUTCOME_NOTE, "school"):
        assert secret not in text, secret
    assert not any({"category", "scopes", "status", "from", "to", "reason"} & set(r["details"]) for r in logged)


def innsyn_rows(html: str) -> list[tuple[str, ...]]:
    """The rows of the own page's innsyn section: (when, who, what, document)."""
    match = re.search(r'id="innsyn-title".*?</section>', html, re.S)
    assert match, "no innsyn section on the own page"
    return [
        tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
        for row in re.findall(r"<tr>\s*<td.*?</tr>", match.group(0), re.S)
    ]


async def test_the_own_page_shows_who_at_nav_read_or_changed_the_cv_and_plan(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    person = (await participant(client, leader, world, name=NAME))["id"]
    course = await running_cohort(client, world, admin)
    e = (await enrolled(client, leader, course["id"], person))["id"]
    link = await client.post(f"/api/v1/participants/{person}/link", headers=leader)
    token = link.json()["url"].rsplit("/p/", 1)[1]

    own = await client.get(f"/p/{token}")
    assert "Hvem har sett på CV-en og planen din" in own.text and innsyn_rows(own.text) == []

    # The participant writes their CV on their own page: their own doing, not listed.
    form = await client.get(f"/p/{token}/documents/{e}/cv")
    saved = await client.post(
        f"/p/{token}/documents/{e}/cv",
        data={"about_me": CV_TEXT, "version": "0", "_csrf_token": csrf_from(form.text)},
    )
    assert saved.status_code in (302, 303), saved.text
    # The leader opens it on the CV page and changes the plan; the admin opens the
    # participant page and the talk list: not about the CV and plan, not listed.
    await web_login(client, EMAILS["leader"])
    assert (await client.get(f"/enrolments/{e}/cv")).status_code == 200
    plan = await client.put(
        f"/api/v1/enrolments/{e}/plan", json={"content": {"main_goal": PLAN_GOAL}, "version": 0}, headers=leader
    )
    assert plan.status_code == 200
    assert (await client.get(f"/api/v1/participants/{person}", headers=admin)).status_code == 200

    rows = innsyn_rows((await client.get(f"/p/{token}")).text)
    assert [row[1:] for row in rows] == [
        ("Åse Ødegård", "endret", "handlingsplan"),
        ("Åse Ødegård", "lest", "CV"),
    ]
    assert all(re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", row[0]) for row in rows)

    # An export holds the CV and plan: the participant sees that too.
    assert (await client.get(f"/api/v1/participants/{person}/export", headers=leader)).status_code == 200
    rows = innsyn_rows((await client.get(f"/p/{token}")).text)
    assert [row[1:] for row in rows[:2]] == [("Åse Ødegård", "lest", "CV"), ("Åse Ødegård", "lest", "handlingsplan")]

    own_save = [r for r in await events() if r["action"] == "document_saved" and r["actor"] is None]
    assert [(r["participant"], r["details"]["by"]) for r in own_save] == [(person, "participant")]
