"""The migration to tickets and closed evaluations keeps every existing answer and
comment, closes the evaluations past their closing day, and keeps printed links
working, on both engines."""

from __future__ import annotations

from datetime import date, time, timedelta

from piccolo.apps.migrations.commands.forwards import run_forwards

from course import clock, db
from course.accounts.tables import Office, StaffUser
from course.cohorts.tables import Cohort
from course.evaluations.tables import Evaluation, EvaluationRemark, EvaluationResponse, EvaluationTicket
from course.participants.tables import Participant
from course.tokens import digest
from tests.test_db import empty_url  # noqa: F401  (fixture)

BEFORE = "2026-12-02T10:19:53:000000"  # the last migration before evaluation tickets


async def old_evaluation(office: int, leader: int, first: date, answers: list[int], comments: list[str]) -> int:
    """A cohort with eight sessions from ``first`` and an evaluation in the old tables:
    a link per participant, answers with a day, comments with a serial id."""
    now = clock.now()
    cohort = (
        await Cohort.insert(
            Cohort(
                office=office,
                title=f"Klart jeg kan {first}",
                variant="kjk",
                location="Åsen",
                start_date=first,
                weekday_1=1,
                weekday_2=3,
                start_time=time(9),
                end_time=time(14),
                created_at=now,
            )
        ).returning(Cohort.id)
    )[0]["id"]
    for n in range(8):  # raw: the table has columns since that the old schema lacks
        await Cohort.raw(
            "INSERT INTO cohort_session (cohort, number, module, date, start_time, end_time, location) "
            "VALUES ({}, {}, {}, {}, {}, {}, {})",
            cohort,
            n + 1,
            n + 1,
            first + timedelta(days=3 * n),
            time(9),
            time(14),
            "Åsen",
        )
    people = [
        (
            await Participant.raw(
                "INSERT INTO participant (office, name, birth_year, primary_contact, created_at) "
                "VALUES ({}, {}, {}, {}, {}) RETURNING id",
                office,
                f"Bjørg Ækre {n}",
                2005,
                leader,
                now,
            )
        )[0]["id"]
        for n in range(len(answers) + 1)
    ]
    raw = Cohort.raw
    await raw("INSERT INTO evaluation (cohort, opened_at, opened_by) VALUES ({}, {}, {})", cohort, now, leader)
    evaluation = (await raw("SELECT id FROM evaluation WHERE cohort = {}", cohort))[0]["id"]
    for n, person in enumerate(people):
        await raw(
            "INSERT INTO evaluation_link (evaluation, participant, token_hash, used) VALUES ({}, {}, {}, {})",
            evaluation,
            person,
            digest(f"gammel-lenke-{cohort}-{n}"),
            n < len(answers),
        )
    for score in answers:
        await raw(
            "INSERT INTO evaluation_answer (cohort, day, benefit, next_step, atmosphere, leaders, participation, "
            "on_paper) VALUES ({}, {}, {}, 8, 9, 10, 9, {})",
            cohort,
            first + timedelta(days=25),
            score,
            False,
        )
    for n, text in enumerate(comments):
        await raw(
            "INSERT INTO evaluation_comment (cohort, ref, area, text, status) VALUES ({}, {}, 'overall', {}, {})",
            cohort,
            f"ref-{cohort}-{n:012d}",
            text,
            "shown",
        )
    return cohort


async def test_existing_evaluations_survive_and_the_old_ones_close(empty_url):  # noqa: F811
    db.use_engine(db.engine_from_url(empty_url))
    await db.prepare(db.current_engine())
    with clock.frozen(date(2027, 3, 3)):
        result = await run_forwards(app_name="course", migration_id=BEFORE)
        assert result.success, result.message
        # The office table as it was then, without the columns added since.
        office = (
            await Office.raw(
                "INSERT INTO office (code, name, created_at) VALUES ({}, {}, {}) RETURNING id",
                "drammen",
                "NAV Drammen",
                clock.now(),
            )
        )[0]["id"]
        leader = (
            await StaffUser.insert(
                StaffUser(
                    email="ase@a.no",
                    name="Åse Ødegård",
                    role="leader",
                    office=office,
                    password_hash="x",
                    active=True,
                    created_at=clock.now(),
                    updated_at=clock.now(),
                )
            ).returning(StaffUser.id)
        )[0]["id"]
        old = await old_evaluation(office, leader, date(2026, 9, 7), [9, 8, 10, 7], ["Kjempebra, takk Åse!"])
        recent = await old_evaluation(office, leader, date(2027, 2, 15), [6, 9], [])
        assert await db.migrate()
        closed = {r["cohort"]: r for r in await Evaluation.select()}
        assert closed[old]["closed_at"] is not None and closed[old]["closes_on"] == date(2026, 10, 5)
        assert closed[recent]["closed_at"] is None and closed[recent]["closes_on"] == date(2027, 3, 15)
        assert closed[old]["invited"] == 5 and closed[recent]["invited"] == 3
        kept = await EvaluationResponse.select(EvaluationResponse.cohort, EvaluationResponse.benefit)
        assert sorted((r["cohort"], r["benefit"]) for r in kept) == sorted(
            [(old, s) for s in (9, 8, 10, 7)] + [(recent, s) for s in (6, 9)]
        )
        remarks = await EvaluationRemark.select(EvaluationRemark.text, EvaluationRemark.status)
        assert remarks == [{"text": "Kjempebra, takk Åse!", "status": "shown"}]
        tickets = await EvaluationTicket.select(EvaluationTicket.token_hash, EvaluationTicket.used)
        assert len(tickets) == 8 and sum(t["used"] for t in tickets) == 6
        assert digest(f"gammel-lenke-{recent}-2") in {t["token_hash"] for t in tickets if not t["used"]}
        tables = {
            r["name"]
            for r in await Cohort.raw(
                "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
                if not db.is_sqlite()
                else "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
        assert not tables & {"evaluation_link", "evaluation_answer", "evaluation_comment"}
