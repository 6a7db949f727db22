from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-03T12:36:30:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "One follow-up per point, one step of each kind, one task and one answer per module, a leader once per session"
)

INDEXES = {
    "one_follow_up_per_point": "follow_up (enrolment, point)",
    "one_path_step_per_kind": "path_step (participant, step)",
    "one_reflection_task_per_module": "reflection_task (office, module)",
    "one_reflection_answer_per_module": "reflection_answer (enrolment, module)",
    "one_session_leader": "session_leader (session, leader)",
}


class RawSQL(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="course", description=DESCRIPTION)

    async def create_indexes():
        # The engine in use now, not the one configured when this module was imported.
        RawSQL._meta.db = engine_finder()
        for name, target in INDEXES.items():
            await RawSQL.raw(f"CREATE UNIQUE INDEX {name} ON {target}")
        await RawSQL.raw("CREATE INDEX path_step_by_day ON path_step (step, date)")

    async def drop_indexes():
        RawSQL._meta.db = engine_finder()
        await RawSQL.raw("DROP INDEX path_step_by_day")
        for name in INDEXES:
            await RawSQL.raw(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
