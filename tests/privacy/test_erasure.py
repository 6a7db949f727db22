"""Erasing a participant: who may, what goes (every trace of the person in every
table), what stays (the cohort summary and the evaluation report, unchanged), and
the erasure list that erases them again after a backup is restored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from course import clock, db
from course.audit.tables import AuditEvent
from course.participants.tables import FollowUp, Participant, PathStep, ReflectionAnswer, RetentionExtension
from course.privacy import erasure
from tests.conftest import csrf_post, web_login
from tests.evaluations.helpers import answer, close, open_evaluation
from tests.participants.helpers import (
    book,
    booked,
    enrolled,
    free_day,
    mark,
    office_a_leader,
    participant,
    running_cohort,
)

NAME = "Ståle Blåmøy Ærlighetsfjøs"
EMAIL = "staale.blaamoy@eksempel.no"
PHONE = "+47 913 57 864"
# Free text about the person, each in one place: CV, plan, notes, reasons, the talk's place.
TEXTS = {
    "cv": "Kjørte gaffeltruck på Økern-lageret hos Bølgeblå",
    "cv_v1": "Første utkast om Målfrid-søsteren",
    "plan": "Bli lærling hos Snørrå rør",
    "talk_note": "Fortalte om bråket med fosterfaren på Ålgård",
    "talk_place": "Kafé Grønnsåpe på Løkka",
    "attendance_note": "Tannlege hos dr. Ødegård-Vassbotn",
    "outcome_note": "Fikk fast jobb hos Særtrykk AS",
    "enrolment_reason": "Fullførte før flyttingen til Kjøllefjord med kjæresten",
    "retention_reason": "Beholdt for oppfølging av Ståle",
    "referred_by": "Helsesøster Åsne på Bragernes skole",
    "hu_note": "Ønsker Klart jeg kan før lærlingplass hos Snøfjell",
    "follow_up_note": "Går på Tangen vgs. i Ål etter jul",
    "reflection": "Jeg er god på å trøste lillebroren min Øyvind",
}
REASON = "Deltakeren ba selv om å bli slettet"


def traces() -> list[str]:
    """Every string that must be gone, as stored and as typed (the phone without spaces)."""
    return [NAME, EMAIL, PHONE, PHONE.replace(" ", ""), *TEXTS.values(), *NAME.split()]


def erase_request(client, participant_id: int, headers: dict | None, reason: object = REASON):
    body = {} if reason is None else {"reason": reason}
    return client.request("DELETE", f"/api/v1/participants/{participant_id}", json=body, headers=headers)


# --- who may erase -------------------------------------------------------------------------------


async def test_the_primary_contact_and_admins_erase_others_are_refused_or_see_nothing(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    mine = await participant(client, leader, world, name="Åsne Kvæstad")
    other = await participant(client, leader, world, name="Øyvind Bråtå")
    _, colleague = await office_a_leader(world, "tone@a.no", "Tone Ødegård")
    # Another leader of the office sees the person but is not their primary contact.
    assert (await erase_request(client, mine["id"], colleague)).status_code == 403
    assert (await erase_request(client, mine["id"], await as_("leader_b"))).status_code == 404
    assert (await erase_request(client, mine["id"], await as_("manager"))).status_code == 403
    assert (await erase_request(client, mine["id"], {})).status_code == 401
    assert (await client.get(f"/api/v1/participants/{mine['id']}", headers=leader)).status_code == 200
    # The reason is required, one line of 1–500 characters, and the error names it.
    for bad, status in ((None, 400), ("", 422), ("   ", 422), ("x" * 501, 422), (7, 400)):
        response = await erase_request(client, mine["id"], leader, bad)
        assert response.status_code == status, (bad, response.text)
        assert [e["key"] for e in response.json()["extra"]] == ["reason"]
    assert (await erase_request(client, mine["id"], leader)).status_code == 204
    assert (await erase_request(client, other["id"], admin)).status_code == 204
    # Gone for everyone: the record, the list, a second erasure.
    for person in (mine, other):
        assert (await client.get(f"/api/v1/participants/{person['id']}", headers=admin)).status_code == 404
        assert (await erase_request(client, person["id"], admin)).status_code == 404
    assert (await client.get("/api/v1/participants", headers=admin)).json() == []


async def test_erasing_from_the_pages_asks_for_a_reason_and_says_what_stays(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world, name="Åsne Kvæstad")
    assert (await web_login(client, "ase@a.no")).status_code in (302, 303)
    detail = await client.get(f"/participants/{person['id']}")
    assert f'href="/participants/{person["id"]}/erase"' in detail.text
    assert f'href="/participants/{person["id"]}/export.pdf"' in detail.text
    page = await client.get(f"/participants/{person['id']}/erase")
    assert page.status_code == 200 and "Åsne Kvæstad" in page.text
    assert "Dette blir igjen, uten navn" in page.text  # what stays is explained
    path = f"/participants/{person['id']}/erase"
    missing = await csrf_post(client, path, {"reason": " "})
    assert missing.status_code == 422 and 'id="reason"' in missing.text
    done = await csrf_post(client, path, {"reason": REASON})
    assert done.status_code in (302, 303) and done.headers["location"] == "/participants?erased=1"
    listing = await client.get(done.headers["location"])
    assert "Deltakeren er slettet" in listing.text and "Åsne Kvæstad" not in listing.text
    assert (await client.get(f"/participants/{person['id']}")).status_code == 404
    assert (await client.get(path)).status_code == 404


async def test_another_leader_of_the_office_gets_no_erase_link_and_no_erase_page(client, world, as_):
    person = await participant(client, await as_("leader"), world, name="Åsne Kvæstad")
    await office_a_leader(world, "tone@a.no", "Tone Ødegård")
    assert (await web_login(client, "tone@a.no")).status_code in (302, 303)
    detail = await client.get(f"/participants/{person['id']}")
    assert detail.status_code == 200 and f"/participants/{person['id']}/erase" not in detail.text
    assert (await client.get(f"/participants/{person['id']}/erase")).status_code == 403


# --- what goes, what stays ----------------------------------------------------------------------


@dataclass
class Course:
    cohort: dict
    person: dict
    enrolment: int
    talk: int


async def course_with_traces(client, world, as_) -> Course:
    """A running cohort with the person and two others on it, every kind of data about
    the person written, and the evaluation answered by all three and closed."""
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin, weeks_ago=2)
    person = await participant(client, leader, world, name=NAME, email=EMAIL, phone=PHONE)
    prefers = await client.patch(
        f"/api/v1/participants/{person['id']}", json={"preferred_channel": "email"}, headers=leader
    )
    assert prefers.status_code == 200, prefers.text
    others = [await participant(client, leader, world, name=n) for n in ("Eirin Løvås", "Kåre Nærø")]
    enrolment = (await enrolled(client, leader, course["id"], person["id"]))["id"]
    for other in others:
        await enrolled(client, leader, course["id"], other["id"])
    # Attendance at the sessions held so far, the person once excused with a note.
    held = [s["number"] for s in course["sessions"] if s["date"] <= clock.today().isoformat()]
    for number in held:
        for who in [person, *others]:
            excused = who is person and number == held[0]
            note = TEXTS["attendance_note"] if excused else ""
            response = await mark(
                client, leader, course["id"], number, who["id"], "excused" if excused else "present", note
            )
            assert response.status_code == 200, response.text
    # A talk with a place and a note, read once (the read is audited).
    talk = await booked(client, leader, course["id"], person["id"], world.leader, free_day(course, 2))
    changed = await client.patch(
        f"/api/v1/talks/{talk['id']}",
        json={"note": TEXTS["talk_note"], "location": TEXTS["talk_place"], "status": "planned"},
        headers=leader,
    )
    assert changed.status_code == 200, changed.text
    assert (await client.get(f"/api/v1/talks/{talk['id']}", headers=leader)).json()["note"] == TEXTS["talk_note"]
    # CV in two versions, a plan, category, a link, a retention extension.
    for kind, content, version in (
        ("cv", {"about_me": TEXTS["cv_v1"]}, 0),
        ("cv", {"about_me": TEXTS["cv"], "skills": ["Truck"]}, 1),
        ("plan", {"main_goal": TEXTS["plan"]}, 0),
    ):
        saved = await client.put(
            f"/api/v1/enrolments/{enrolment}/{kind}", json={"content": content, "version": version}, headers=leader
        )
        assert saved.status_code == 200, saved.text
    assert (await client.get(f"/api/v1/enrolments/{enrolment}/cv", headers=leader)).status_code == 200
    put = await client.put(f"/api/v1/participants/{person['id']}/category", json={"category": 3}, headers=leader)
    assert put.status_code == 200
    assert (await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)).status_code == 201
    await RetentionExtension.insert(
        RetentionExtension(
            participant=person["id"],
            until=clock.today() + timedelta(days=400),
            reason=TEXTS["retention_reason"],
            staff=world.leader,
            at=clock.utc_now(),
        )
    )
    assert (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).status_code == 200
    # The way in, with who referred and the committee's note.
    path = await client.patch(
        f"/api/v1/participants/{person['id']}/path",
        json={
            "referred": {"date": (clock.today() - timedelta(days=40)).isoformat(), "by": TEXTS["referred_by"]},
            "hu": {
                "date": (clock.today() - timedelta(days=36)).isoformat(),
                "decision": "accepted",
                "note": TEXTS["hu_note"],
            },
        },
        headers=leader,
    )
    assert path.status_code == 200, path.text
    # An answer to a reflection task (written on the person's own page, tested there).
    await ReflectionAnswer.insert(
        ReflectionAnswer(enrolment=enrolment, module=1, text=TEXTS["reflection"], changed_at=clock.utc_now())
    )
    # The evaluation: three answers, closed.
    opened = await open_evaluation(client, leader, course["id"])
    for link in opened["links"]:
        await answer(client, link)
    await close(client, leader, course["id"])
    # Done with the course, with a reason, and an outcome with a note.
    left = await client.patch(
        f"/api/v1/enrolments/{enrolment}",
        json={"status": "completed", "reason": TEXTS["enrolment_reason"]},
        headers=leader,
    )
    assert left.status_code == 200, left.text
    outcome = await client.put(
        f"/api/v1/enrolments/{enrolment}/outcome",
        json={"kind": "job", "date": clock.today().isoformat(), "note": TEXTS["outcome_note"]},
        headers=leader,
    )
    assert outcome.status_code == 200, outcome.text
    # A follow-up three months on (the cohort's end is still ahead here: written as a row).
    await FollowUp.insert(
        FollowUp(
            enrolment=enrolment,
            point="3m",
            kind="school",
            date=clock.today() + timedelta(days=100),
            note=TEXTS["follow_up_note"],
            changed_by=world.leader,
            changed_at=clock.utc_now(),
        )
    )
    return Course(course, person, enrolment, talk["id"])


def readable(value: object) -> str:
    """A cell as text; JSON (audit details, a CV's content) without its \\u escapes."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.dumps(json.loads(value), ensure_ascii=False)
        except ValueError:
            pass
    return str(value)


async def dump() -> str:
    """Every row of every table, Piccolo's own too, as text."""
    parts = []
    for table in db.all_tables():
        rows = await table.raw(f'SELECT * FROM "{table._meta.tablename}"')
        parts += [f"{table._meta.tablename}: " + " | ".join(readable(v) for v in row.values()) for row in rows]
    return "\n".join(parts)


async def test_an_erased_person_leaves_no_trace_in_any_table_and_the_figures_stay(client, world, as_, database):
    setup = await course_with_traces(client, world, as_)
    leader, manager = await as_("leader"), await as_("manager")
    person_id = setup.person["id"]
    before = await dump()
    assert all(text.casefold() in before.casefold() for text in traces() if text != PHONE)
    # Weeks later, the course over: the figures a manager reads, before and after.
    with clock.starting(clock.today() + timedelta(weeks=5)):
        summary = f"/api/v1/cohorts/{setup.cohort['id']}/summary"
        report = "/api/v1/reports/evaluations"
        summary_before = (await client.get(summary, headers=manager)).json()
        report_before = (await client.get(report, headers=manager)).json()
        assert summary_before["participants"] == 3 and summary_before["outcomes"]["job"] == 1
        assert report_before["responses"] == 3
        assert (await erase_request(client, person_id, leader)).status_code == 204
        after = await dump()
        assert [t for t in traces() if t.casefold() in after.casefold()] == []
        if database.kind == "sqlite":  # nor in the file's free space or its WAL (an erasure empties it)
            path = Path(db.sqlite_path(database.url))
            files = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
            assert [t for t in traces() if t.encode() in files] == []
        assert (await client.get(summary, headers=manager)).json() == summary_before
        assert (await client.get(report, headers=manager)).json() == report_before
        # The roster keeps the row, without the name.
        rows = (await client.get(f"/api/v1/cohorts/{setup.cohort['id']}/enrolments", headers=leader)).json()
        erased = [r for r in rows if r["participant"]["id"] == person_id]
        assert [(r["participant"]["name"], r["erased"], r["status"]) for r in erased] == [
            ("Slettet deltaker", True, "completed")
        ]
        assert (await client.get(f"/api/v1/talks/{setup.talk}", headers=leader)).status_code == 404
        late = await book(client, leader, setup.cohort["id"], person_id, world.leader, free_day(setup.cohort, 3))
        assert late.status_code == 422 and "participant_id" in {e["key"] for e in late.json()["extra"]}
        assert (await web_login(client, "ase@a.no")).status_code in (302, 303)
        page = (await client.get(f"/cohorts/{setup.cohort['id']}")).text
        assert "Slettet deltaker" in page and f'href="/participants/{person_id}"' not in page
        assert (await client.get(f"/api/v1/enrolments/{setup.enrolment}/cv", headers=leader)).status_code == 404
    events = await AuditEvent.select().where(AuditEvent.participant == person_id)
    assert [(e["action"], e["actor"], json.loads(e["details"])) for e in events] == [
        ("participant_erased", world.leader, {"reason": REASON})
    ]
    # Nor does any other event name the person, their enrolment or their talk.
    named = [
        e
        for e in await AuditEvent.select(AuditEvent.action, AuditEvent.details)
        for key, value in json.loads(e["details"]).items()
        if (key, value) in {("participant", person_id), ("enrolment", setup.enrolment), ("talk", setup.talk)}
    ]
    assert named == []
    row = await Participant.select().where(Participant.id == person_id).first()
    assert (row["name"], row["phone"], row["email"], row["birth_year"], row["referral_date"]) == ("", "", "", 0, None)
    assert row["preferred_channel"] == "sms"  # back to the default: their choice is not kept
    # The way in and the follow-up stay as dates and kinds for the figures; the answer goes.
    steps = await PathStep.select(PathStep.step, PathStep.decision).where(PathStep.participant == person_id)
    assert sorted((s["step"], s["decision"]) for s in steps) == [("hu", "accepted"), ("referred", "")]
    assert await FollowUp.count().where(FollowUp.enrolment == setup.enrolment) == 1
    assert await ReflectionAnswer.count().where(ReflectionAnswer.enrolment == setup.enrolment) == 0
    assert row["erased_at"] is not None


@pytest.fixture
def erasure_list(tmp_path, monkeypatch):
    path = tmp_path / "erasures.txt"
    monkeypatch.setenv("KJK_ERASURE_LIST", str(path))
    return path


async def registered(participant_id: int) -> datetime:
    row = await Participant.select(Participant.created_at).where(Participant.id == participant_id).first()
    return row["created_at"].astimezone(UTC)


async def test_the_erasure_list_holds_ids_and_registration_times_and_erases_again_after_a_restore(
    client, world, as_, erasure_list
):
    leader = await as_("leader")
    first = await participant(client, leader, world, name="Åsne Kvæstad")
    second = await participant(client, leader, world, name="Øyvind Bråtå")
    assert erasure.erasure_list_path() == erasure_list
    assert erasure.read_erasure_list() == erasure.ErasureList()
    assert (await erase_request(client, first["id"], leader)).status_code == 204
    assert await erasure.erase_now(second["id"], actor=None, reason="Oppbevaringstiden er ute")
    assert not await erasure.erase_now(second["id"], actor=None, reason="Oppbevaringstiden er ute")
    assert not await erasure.erase_now(999_999, actor=None, reason="Oppbevaringstiden er ute")
    text = erasure_list.read_text()
    assert "Åsne" not in text and "Øyvind" not in text
    at = {p["id"]: await registered(p["id"]) for p in (first, second)}
    assert text.splitlines()[1:] == [f"{p['id']} {at[p['id']].isoformat()}" for p in (first, second)]
    listed = erasure.read_erasure_list()
    assert listed.entries == [erasure.Listed(p["id"], at[p["id"]]) for p in (first, second)] and listed.skipped == 0
    # Lines with an id alone or a bare day (no registration time) are counted, never acted on.
    with erasure_list.open("a") as f:
        f.write(f"{first['id']}\n{second['id']} 2027-09-15\n")
    assert erasure.read_erasure_list().skipped == 2
    # A backup from before the erasures, restored: the second is back as they were, and
    # a new registration took an id that is on the list (simulated: the list names the
    # id with another registration time). Only the one who was erased is erased again.
    await Participant.update({Participant.erased_at: None}).where(Participant.id == second["id"])
    newcomer = await participant(client, leader, world, name="Bjørn Håkonsæter")
    reused = erasure.Listed(newcomer["id"], await registered(newcomer["id"]) - timedelta(days=40))
    count = await erasure.reapply_erasures([*listed.entries, reused])
    assert count == 1  # the second; the first is still erased, the newcomer left alone
    people = (await client.get("/api/v1/participants", headers=leader)).json()
    assert [p["id"] for p in people] == [newcomer["id"]]
    assert await erasure.reapply_erasures([erasure.Listed(newcomer["id"], await registered(newcomer["id"]))]) == 1
    events = await AuditEvent.select(AuditEvent.details).where(
        AuditEvent.participant == newcomer["id"], AuditEvent.action == "participant_erased"
    )
    assert [json.loads(e["details"]) for e in events] == [{"reason": "Slettet på nytt etter gjenoppretting"}]
    assert erasure.read_erasure_list().entries == listed.entries  # nothing added by a re-erasure
    with pytest.raises(Exception) as refused:
        await erasure.erase_now(newcomer["id"], actor=None, reason="")
    assert getattr(refused.value, "errors", {}).keys() == {"reason"}


async def test_an_erasure_that_cannot_be_put_on_the_list_is_not_done(client, world, as_, tmp_path, monkeypatch):
    leader = await as_("leader")
    person = await participant(client, leader, world, name="Kåre Fjælberg")
    monkeypatch.setenv("KJK_ERASURE_LIST", str(tmp_path))  # a folder: the line cannot be written
    with pytest.raises(OSError):
        await erasure.erase_now(person["id"], actor=None, reason="Oppbevaringstiden er ute")
    row = (
        await Participant.select(Participant.name, Participant.erased_at).where(Participant.id == person["id"]).first()
    )
    assert row == {"name": "Kåre Fjælberg", "erased_at": None}
