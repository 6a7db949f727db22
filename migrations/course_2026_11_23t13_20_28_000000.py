from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-11-23T13:20:28:000000"
VERSION = "1.38.0"
DESCRIPTION = "One enrolment per cohort and one attendance per session for each participant"


class RawSQL(Table):
    pass


# Composite unique indexes as plain SQL: SQLite cannot add a table constraint to an
# existing table, and a unique index does the same work on both engines.
STATEMENTS = (
    "CREATE UNIQUE INDEX one_enrolment_per_cohort ON enrolment (cohort, participant)",
    "CREATE UNIQUE INDEX one_attendance_per_session ON attendance (session, participant)",
    "CREATE INDEX guidance_talk_participant_date ON guidance_talk (participant, date)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="course", description=DESCRIPTION)

    async def create_indexes():
        # The engine in use now, not the one configured when this module was imported.
        RawSQL._meta.db = engine_finder()
        for statement in STATEMENTS:
            await RawSQL.raw(statement)

    async def drop_indexes():
        RawSQL._meta.db = engine_finder()
        for name in ("one_enrolment_per_cohort", "one_attendance_per_session", "guidance_talk_participant_date"):
            await RawSQL.raw(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
