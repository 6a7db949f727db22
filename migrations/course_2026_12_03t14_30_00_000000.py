from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-03T14:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "An index on every foreign key that had none: scopes, joins and deletes find rows by them"

# (table, column): the foreign keys no index led until now.
FOREIGN_KEYS = (
    ("api_token", "user"),
    ("staff_user", "office"),
    ("web_session", "user"),
    ("office_closure", "office"),
    ("cohort", "office"),
    ("cohort_change", "changed_by"),
    ("cohort_leader", "cohort"),
    ("cohort_session", "cohort"),
    ("attendance", "recorded_by"),
    ("participant_category", "changed_by"),
    ("participant_consent", "recorded_by"),
    ("consent_text", "created_by"),
    ("follow_up", "changed_by"),
    ("outcome", "changed_by"),
    ("participant", "office"),
    ("participant_link", "created_by"),
    ("path_step", "by_staff"),
    ("path_step", "changed_by"),
    ("reflection_task", "changed_by"),
    ("retention_extension", "staff"),
    ("evaluation", "opened_by"),
    ("evaluation_remark", "reviewed_by"),
    ("document_version", "staff"),
)


class RawSQL(Table):
    pass


def _name(table: str, column: str) -> str:
    return f"{table}_{column}_fk"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="course", description=DESCRIPTION)

    async def create_indexes():
        # The engine in use now, not the one configured when this module was imported.
        RawSQL._meta.db = engine_finder()
        for table, column in FOREIGN_KEYS:
            await RawSQL.raw(f'CREATE INDEX IF NOT EXISTS {_name(table, column)} ON "{table}" ("{column}")')

    async def drop_indexes():
        RawSQL._meta.db = engine_finder()
        for table, column in FOREIGN_KEYS:
            await RawSQL.raw(f"DROP INDEX IF EXISTS {_name(table, column)}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
