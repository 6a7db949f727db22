from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-02T10:01:56:000000"
VERSION = "1.38.0"
DESCRIPTION = "One row per version number of each enrolment's CV and plan"


class RawSQL(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="course", description=DESCRIPTION)

    async def create_index():
        # The engine in use now, not the one configured when this module was imported.
        RawSQL._meta.db = engine_finder()
        await RawSQL.raw("CREATE UNIQUE INDEX one_document_version ON document_version (enrolment, kind, number)")

    async def drop_index():
        RawSQL._meta.db = engine_finder()
        await RawSQL.raw("DROP INDEX one_document_version")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
