from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T10:19:52:004474"
VERSION = "1.38.0"
DESCRIPTION = "A random reference for each evaluation comment"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="course", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="EvaluationComment",
        tablename="evaluation_comment",
        column_name="ref",
        db_column_name="ref",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 24,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
