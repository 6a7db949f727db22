"""Writes under way when a participant is erased write nothing about them: each takes
the participant's lock and selects its target again inside its transaction. The race
is made certain without touching the write itself: the person is erased after the
write's own checks, just before its transaction opens. An erased person's personal
link opens nothing, and the nightly run passes over someone enrolled since it made
its plan."""

from __future__ import annotations

import contextlib
import secrets
from datetime import timedelta

from course import clock, sealing
from course.audit.tables import AuditEvent
from course.documents import services as document_services
from course.documents.tables import DocumentVersion
from course.guidance import booking
from course.guidance.tables import Talk
from course.participants import attendance, links, outcomes
from course.participants.retention_rules import add_months
from course.participants.tables import Attendance, Outcome, Participant, ParticipantLink
from course.privacy import erasure, retention
from course.tokens import digest
from tests.participants.helpers import cohort, enrolled, free_day, mark, participant, running_cohort


def erased_before_writing(monkeypatch, module, participant_id: int) -> None:
    """The module's next write transaction opens only after the participant is erased."""
    real = module.write_transaction

    @contextlib.asynccontextmanager
    async def late():
        monkeypatch.setattr(module, "write_transaction", real)
        assert await erasure.erase_now(participant_id, actor=None, reason="Slettet mens noen skrev")
        async with real():
            yield

    monkeypatch.setattr(module, "write_transaction", late)


async def events_about(participant_id: int) -> list[str]:
    rows = await AuditEvent.select(AuditEvent.action).where(AuditEvent.participant == participant_id)
    return [r["action"] for r in rows]


async def test_a_write_begun_before_the_erasure_writes_nothing(client, world, as_, monkeypatch):
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin, weeks_ago=2)
    held = next(s for s in course["sessions"] if s["date"] <= clock.today().isoformat())
    put_outcome = {"kind": "job", "date": clock.today().isoformat(), "note": "Fikk jobb på Økern"}
    writes = {
        "attendance": (
            attendance,
            lambda p, e: mark(client, leader, course["id"], held["number"], p, "excused", "Hos tannlegen på Ås"),
            lambda p, e: Attendance.exists().where(Attendance.participant == p),
        ),
        "outcome": (
            outcomes,
            lambda p, e: client.put(f"/api/v1/enrolments/{e}/outcome", json=put_outcome, headers=leader),
            lambda p, e: Outcome.exists().where(Outcome.enrolment == e),
        ),
        "cv": (
            document_services,
            lambda p, e: client.put(
                f"/api/v1/enrolments/{e}/cv",
                json={"content": {"about_me": "Kjører truck i Ålesund"}, "version": 0},
                headers=leader,
            ),
            lambda p, e: DocumentVersion.exists().where(DocumentVersion.enrolment == e),
        ),
        "link": (
            links,
            lambda p, e: client.post(f"/api/v1/participants/{p}/link", headers=leader),
            lambda p, e: ParticipantLink.exists().where(ParticipantLink.participant == p),
        ),
        "talk": (
            booking,
            lambda p, e: client.post(
                f"/api/v1/cohorts/{course['id']}/talks",
                json={
                    "participant_id": p,
                    "leader_id": world.leader,
                    "date": free_day(course, 2).isoformat(),
                    "start_time": "10:00",
                    "end_time": "10:45",
                },
                headers=leader,
            ),
            lambda p, e: Talk.exists().where(Talk.participant == p),
        ),
    }
    for what, (module, write, written) in writes.items():
        person = (await participant(client, leader, world, name=f"Åse Ødegård {what.title()}"))["id"]
        enrolment = (await enrolled(client, leader, course["id"], person))["id"]
        if what == "outcome":
            done = await client.patch(f"/api/v1/enrolments/{enrolment}", json={"status": "completed"}, headers=leader)
            assert done.status_code == 200, done.text
        erased_before_writing(monkeypatch, module, person)
        response = await write(person, enrolment)
        assert response.status_code == 404, (what, response.status_code, response.text)
        assert not await written(person, enrolment), what
        assert await events_about(person) == [erasure.ERASED], what


async def test_an_erased_persons_link_opens_nothing_and_none_is_issued(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin)
    person = (await participant(client, leader, world, name="Bjørn Ærø"))["id"]
    enrolment = (await enrolled(client, leader, course["id"], person))["id"]
    assert await erasure.erase_now(person, actor=None, reason="Ba om å bli slettet")
    assert (await client.post(f"/api/v1/participants/{person}/link", headers=leader)).status_code == 404
    # A link row left behind (a write that lost the race before this fix, a restored
    # backup) opens neither the page nor the documents.
    token = secrets.token_urlsafe(32)
    at = clock.utc_now()
    await ParticipantLink.insert(
        ParticipantLink(
            participant=person,
            token_hash=digest(token),
            seal_key=sealing.link_key(token),
            created_at=at,
            created_by=world.leader,
            expires_at=at + timedelta(days=30),
        )
    )
    for path in (f"/p/{token}", f"/p/{token}/calendar.ics", f"/p/{token}/documents/{enrolment}/cv"):
        assert (await client.get(path)).status_code == 404, path


async def test_retention_passes_over_someone_enrolled_after_the_plan_was_made(client, world, as_):
    leader = await as_("leader")
    start = clock.today()
    kept, gone = [(await participant(client, leader, world, name))["id"] for name in ("Dagfinn Sæther", "Eirin Løvås")]
    run_day = add_months(start, 13)
    with clock.starting(run_day):
        plan = await retention.plan(run_day)
        assert [d.participant_id for d in plan] == [kept, gone]
        later = await cohort(client, world, leader)
        await enrolled(client, leader, later["id"], kept, "invited")
        report = retention.Report(today=run_day, dry_run=False, due=plan)
        await retention.erase_due(report)
    assert report.erased == 1 and report.failed == []
    rows = await Participant.select(Participant.id, Participant.erased_at).where(Participant.id.is_in([kept, gone]))
    assert {r["id"]: r["erased_at"] is not None for r in rows} == {kept: False, gone: True}
    assert await events_about(kept) != [] and erasure.ERASED not in await events_about(kept)
