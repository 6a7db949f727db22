import random
import secrets
from datetime import timedelta

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import UUID, Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-02T17:15:20:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "Evaluation links become tickets that name no one; answers and comments get random ids in shuffled order; "
    "evaluations get a closing day, and those past it are closed"
)


class RawSQL(Table):
    pass


class Ticket(Table, tablename="evaluation_ticket"):
    id = UUID(primary_key=True)
    evaluation = Integer()
    token_hash = Varchar(length=64)
    used = Boolean()


class Response(Table, tablename="evaluation_response"):
    id = UUID(primary_key=True)
    cohort = Integer()
    benefit = Integer()
    next_step = Integer()
    atmosphere = Integer()
    leaders = Integer()
    participation = Integer()
    on_paper = Boolean()


class Remark(Table, tablename="evaluation_remark"):
    id = UUID(primary_key=True)
    cohort = Integer()
    ref = Varchar(length=24)
    area = Varchar(length=20)
    text = Text()
    status = Varchar(length=10)
    reviewed_by = Integer(null=True)


class EvaluationRow(Table, tablename="evaluation"):
    cohort = Integer()
    closes_on = Date(null=True)
    closed_at = Timestamptz(null=True)
    invited = Integer()


SCORES = ("benefit", "next_step", "atmosphere", "leaders", "participation")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="course", description=DESCRIPTION)

    async def convert():
        from course import clock

        engine = engine_finder()
        for table in (RawSQL, Ticket, Response, Remark, EvaluationRow):
            # The engine in use now, not the one configured when this module was imported.
            table._meta.db = engine
        shuffle = random.SystemRandom().shuffle
        today, now = clock.today(), clock.now()
        for ev in await RawSQL.raw("SELECT id, cohort FROM evaluation"):
            last = (await RawSQL.raw(
                "SELECT max(date) AS last FROM cohort_session WHERE cohort = {} AND cancelled_at IS NULL", ev["cohort"]
            ))[0]["last"] or (await RawSQL.raw("SELECT start_date FROM cohort WHERE id = {}", ev["cohort"]))[0][
                "start_date"]
            if isinstance(last, str):
                from datetime import date

                last = date.fromisoformat(last)
            closes_on = last + timedelta(days=7)
            links = await RawSQL.raw("SELECT token_hash, used FROM evaluation_link WHERE evaluation = {}", ev["id"])
            tickets = [Ticket(evaluation=ev["id"], token_hash=r["token_hash"], used=bool(r["used"])) for r in links]
            shuffle(tickets)
            if tickets:
                await Ticket.insert(*tickets)
            # Answers and comments move over in shuffled order with random ids, so
            # neither arrival order nor the old serial ids survive.
            answers = [Response(cohort=ev["cohort"], on_paper=bool(r["on_paper"]), **{a: r[a] for a in SCORES})
                       for r in await RawSQL.raw("SELECT * FROM evaluation_answer WHERE cohort = {}", ev["cohort"])]
            shuffle(answers)
            if answers:
                await Response.insert(*answers)
            remarks = [Remark(cohort=ev["cohort"], ref=r["ref"] or secrets.token_urlsafe(12), area=r["area"],
                              text=r["text"], status=r["status"], reviewed_by=r["reviewed_by"])
                       for r in await RawSQL.raw("SELECT * FROM evaluation_comment WHERE cohort = {}", ev["cohort"])]
            shuffle(remarks)
            if remarks:
                await Remark.insert(*remarks)
            await EvaluationRow.update({
                EvaluationRow.closes_on: closes_on,
                EvaluationRow.invited: len(links),
                # A history of evaluations past their closing day stays closed.
                EvaluationRow.closed_at: now if closes_on < today else None,
            }).where(EvaluationRow.id == ev["id"])

    manager.add_raw(convert)
    manager.drop_table(class_name="EvaluationAnswer", tablename="evaluation_answer", schema=None)
    manager.drop_table(class_name="EvaluationComment", tablename="evaluation_comment", schema=None)
    manager.drop_table(class_name="EvaluationLink", tablename="evaluation_link", schema=None)
    return manager
