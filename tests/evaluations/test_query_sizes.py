"""The reports read a long history without ever sending a list of ids that grows with
it (PostgreSQL's driver takes at most 32,767 bind parameters, SQLite has a limit
too): over 150 cohorts, 450 answers and 420 participants, written in bulk, no
query that reads has more than a handful of parameters, and how many queries a
report runs does not depend on how many cohorts it counts."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest

from course import clock, db
from course.accounts.schemas import Role, Staff
from course.cohorts.tables import Cohort, CohortLeader, Session
from course.evaluations import outcome_reporting, reporting
from course.evaluations.reports import AREAS
from course.evaluations.tables import Evaluation, EvaluationResponse
from course.guidance.tables import Talk
from course.participants import attendance_export, follow_ups, path
from course.participants.tables import (
    Attendance,
    CategoryChange,
    Enrolment,
    FollowUp,
    Outcome,
    Participant,
    PathStep,
)
from tests.query_log import capture_queries

COHORTS, ANSWERS, PEOPLE, SESSIONS, WAITING = 150, 3, 2, 12, 120
# A query that reads sends no more than this many parameters, whatever the history.
MOST = 100


def staff(world, who: str) -> Staff:
    role = {"leader": Role.leader, "manager": Role.manager, "admin": Role.admin}[who]
    return Staff(getattr(world, who), f"{who}@example.no", who, role, world.office_a, "drammen", "NAV Drammen")


async def bulk(table, rows: list, returning=None) -> list[dict]:
    """Insert in batches well under either engine's limit on parameters."""
    out: list[dict] = []
    for start in range(0, len(rows), 200):
        query = table.insert(*rows[start : start + 200])
        out += await (query.returning(returning) if returning is not None else query)
    return out


def cohort_starts() -> list:
    return [clock.today() - timedelta(days=60 + 2 * i) for i in range(COHORTS)]


async def history(world) -> None:
    """150 finished cohorts of office A led by its leader, one every other day over
    the last year, each with twelve sessions, a closed evaluation with three answers,
    and two participants who completed it: outcome, a follow-up, attendance, a
    category and a talk held each."""
    now, today = clock.now(), clock.today()
    starts = cohort_starts()
    cohort_ids = [
        r["id"]
        for r in await bulk(
            Cohort,
            [
                Cohort(
                    office=world.office_a,
                    title=f"Kull {i} Ærlig",
                    variant="kjk" if i % 2 else "ny_retning",
                    location="Rom Ørn",
                    start_date=start,
                    weekday_1=start.isoweekday(),
                    weekday_2=start.isoweekday(),
                    start_time=time(9),
                    end_time=time(14),
                    created_at=now,
                )
                for i, start in enumerate(starts)
            ],
            Cohort.id,
        )
    ]
    await bulk(CohortLeader, [CohortLeader(cohort=c, leader=world.leader) for c in cohort_ids])
    sessions = await bulk(
        Session,
        [
            Session(
                cohort=c,
                number=n + 1,
                module=n + 1,
                date=start + timedelta(days=3 * n),
                start_time=time(9),
                end_time=time(14),
                location="Rom Ørn",
            )
            for c, start in zip(cohort_ids, starts, strict=True)
            for n in range(SESSIONS)
        ],
        Session.id,
    )
    await bulk(
        Evaluation,
        [
            Evaluation(cohort=c, opened_at=now, opened_by=world.leader, closed_at=now, invited=ANSWERS)
            for c in cohort_ids
        ],
    )
    await bulk(
        EvaluationResponse,
        [
            EvaluationResponse(
                id=uuid.uuid4(), cohort=c, on_paper=n == 0, **{a: (n + i) % 11 for i, a in enumerate(AREAS)}
            )
            for c in cohort_ids
            for n in range(ANSWERS)
        ],
    )
    people = await bulk(
        Participant,
        [
            Participant(
                office=world.office_a,
                name=f"Åsmund Ørnes {c}-{n}",
                birth_year=2007,
                primary_contact=world.leader,
                referral_date=start - timedelta(days=20),
                created_at=now,
            )
            for c, start in zip(cohort_ids, starts, strict=True)
            for n in range(PEOPLE)
        ],
        Participant.id,
    )
    on = [(cohort_ids[i // PEOPLE], starts[i // PEOPLE], p["id"]) for i, p in enumerate(people)]
    # And some referred lately who wait for their HU.
    await bulk(
        Participant,
        [
            Participant(
                office=world.office_a,
                name=f"Bjørg Ækre {n}",
                birth_year=2008,
                primary_contact=world.leader,
                referral_date=today - timedelta(days=n),
                created_at=now,
            )
            for n in range(WAITING)
        ],
    )
    await bulk(
        PathStep,
        [
            PathStep(participant=p, step="referred", date=start - timedelta(days=20), changed_at=now)
            for _c, start, p in on
        ],
    )
    enrolments = await bulk(
        Enrolment,
        [Enrolment(cohort=c, participant=p, status="completed", created_at=now, changed_at=now) for c, _s, p in on],
        Enrolment.id,
    )
    await bulk(
        Outcome,
        [
            Outcome(enrolment=e["id"], kind="job", date=start, changed_by=world.leader, changed_at=now)
            for e, (_c, start, _p) in zip(enrolments, on, strict=True)
        ],
    )
    await bulk(
        FollowUp,
        [
            FollowUp(enrolment=e["id"], point="3m", kind="job", date=today, changed_by=world.leader, changed_at=now)
            for e in enrolments[::3]
        ],
    )
    await bulk(
        Attendance,
        [
            Attendance(
                session=sessions[i // PEOPLE * SESSIONS + n]["id"],
                participant=p,
                status="present",
                recorded_by=world.leader,
                recorded_at=now,
            )
            for i, (_c, _s, p) in enumerate(on)
            for n in range(2)
        ],
    )
    await bulk(
        CategoryChange,
        [
            CategoryChange(participant=p, category=2, changed_by=world.leader, changed_at=now - timedelta(days=400))
            for *_x, p in on
        ],
    )
    await bulk(
        Talk,
        [
            Talk(
                cohort=c,
                participant=p,
                leader=world.leader,
                date=start,
                start_time=time(14),
                end_time=time(15),
                status="held",
                created_at=now,
                changed_at=now,
            )
            for c, start, p in on
        ],
    )


def check(log, what: str, most_queries: int) -> None:
    reading = [q for q in log.queries if not q.sql.lstrip().upper().startswith("INSERT")]
    biggest = max(reading, key=lambda q: q.parameters)
    assert biggest.parameters <= MOST, (what, biggest.parameters, biggest.sql[:300])
    assert log.count <= most_queries, (what, log.count)


@pytest.fixture
async def long_history(world):
    await history(world)
    return world


async def test_the_evaluation_report_sends_no_list_of_ids(long_history):
    world = long_history
    for who in ("leader", "manager", "admin"):
        async with capture_queries() as log:
            report = await reporting.evaluation_report(staff(world, who), reporting.ReportFilter())
        check(log, who, 8)
        # The answers are read as counts, a row a cohort, never a row an answer.
        assert log.most_rows == COHORTS, who
        assert report.responses == COHORTS * ANSWERS and report.on_paper == COHORTS, who
        assert len(report.cohorts) == COHORTS and report.cohorts_left_out.count == 0
        assert report.figures.areas[0].distribution == (COHORTS,) * ANSWERS + (0,) * (11 - ANSWERS)
    async with capture_queries() as log:
        quarter = await reporting.evaluation_report(staff(world, "admin"), reporting.ReportFilter(quarter="2026-Q4"))
    check(log, "quarter", 8)
    assert 0 < quarter.responses < COHORTS * ANSWERS


async def test_the_outcome_report_sends_no_list_of_ids(long_history):
    world = long_history
    for who in ("leader", "manager", "admin"):
        async with capture_queries() as log:
            report = await outcome_reporting.outcome_report_for(staff(world, who), reporting.ReportFilter())
        check(log, who, 20)
        assert report.cohorts == COHORTS and report.participants == COHORTS * PEOPLE, who
        assert report.talks_per_participant == 1.0 and report.attendance_rate is not None


async def test_the_attendance_export_and_the_follow_ups_send_no_list_of_ids(long_history):
    world = long_history
    today = clock.today()
    async with capture_queries() as log:
        export = await attendance_export.build(
            staff(world, "leader"), start=(today - timedelta(days=365)).isoformat(), end=today.isoformat()
        )
    check(log, "attendance export", 20)
    assert len(export.cohorts) == COHORTS and sum(len(c.rows) for c in export.cohorts) == COHORTS * PEOPLE
    async with capture_queries() as log:
        due = await follow_ups.due_follow_ups(staff(world, "leader"))
    check(log, "follow-ups", 20)
    assert due.total > 0


async def test_the_way_in_sends_no_list_of_ids(long_history):
    world = long_history
    year_ago = clock.today() - timedelta(days=364)
    enrolled = PEOPLE * sum(start - timedelta(days=20) >= year_ago for start in cohort_starts())
    assert 0 < enrolled < COHORTS * PEOPLE
    referred_in_the_last_year = enrolled + WAITING
    for who in ("leader", "manager", "admin"):
        async with capture_queries() as log:
            report = await path.way_in_report(staff(world, who))
        check(log, who, 20)
        assert sum(o.participants or 0 for o in report.offices) == referred_in_the_last_year, who
    async with capture_queries() as log:
        waiting = await path.waiting_list(staff(world, "leader"))
    check(log, "waiting", 20)
    assert len(waiting.people) + waiting.more == WAITING


async def test_the_query_log_sees_every_query_with_its_parameters(database, world):
    engine = type(db.current_engine())
    before = engine.run_querystring
    async with capture_queries() as log:
        await Cohort.select(Cohort.id).where(Cohort.id.is_in([1, 2, 3]))
        await Cohort.count().where(Cohort.office == world.office_a)
    assert log.count == 2 and [q.parameters for q in log.queries] == [3, 1]
    assert [q.rows for q in log.queries] == [0, 1] and log.most_rows == 1
    assert log.most_parameters == 3 and "cohort" in log.statements[0]
    await Cohort.select()  # after the block: not logged, and the engine is as it was
    assert log.count == 2 and engine.run_querystring is before
