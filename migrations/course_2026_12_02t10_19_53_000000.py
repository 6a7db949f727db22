import secrets

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-02T10:19:53:000000"
VERSION = "1.38.0"
DESCRIPTION = "Fill in the references of existing evaluation comments, one of a kind"


class RawSQL(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="course", description=DESCRIPTION)

    async def fill_and_index():
        # The engine in use now, not the one configured when this module was imported.
        RawSQL._meta.db = engine_finder()
        for row in await RawSQL.raw("SELECT id FROM evaluation_comment WHERE ref = ''"):
            await RawSQL.raw("UPDATE evaluation_comment SET ref = {} WHERE id = {}", secrets.token_urlsafe(12),
                             row["id"])
        await RawSQL.raw("CREATE UNIQUE INDEX one_evaluation_comment_ref ON evaluation_comment (ref)")

    async def drop_index():
        RawSQL._meta.db = engine_finder()
        await RawSQL.raw("DROP INDEX one_evaluation_comment_ref")

    manager.add_raw(fill_and_index)
    manager.add_raw_backwards(drop_index)
    return manager
