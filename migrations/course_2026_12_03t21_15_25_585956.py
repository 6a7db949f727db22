from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder

ID = "2026-12-03T21:15:25:585956"
VERSION = "1.38.0"
DESCRIPTION = (
    "A participant may report an absence in advance on their own page (attendance.source 'participant', no staff "
    "member in recorded_by), and confirm a guidance talk's time (guidance_talk.confirmed_at)"
)

RECORDED_BY = '"recorded_by" INTEGER NOT NULL REFERENCES'


class Manager(MigrationManager):
    """SQLite cannot drop a NOT NULL with ALTER TABLE: there the constraint is taken out
    of the table's schema text, as SQLite's documentation allows for removing a NOT NULL
    (the stored rows do not change); PostgreSQL alters the column."""

    async def _run_alter_columns(self, backwards: bool = False):
        engine = engine_finder()
        if engine.engine_type != "sqlite":
            return await super()._run_alter_columns(backwards=backwards)
        old, new = RECORDED_BY, RECORDED_BY.replace(" NOT NULL", "")
        if backwards:
            old, new = new, old
        version = (await engine.run_ddl("PRAGMA schema_version"))[0]["schema_version"]
        await engine.run_ddl("PRAGMA writable_schema = ON")
        await engine.run_ddl(
            f"UPDATE sqlite_master SET sql = replace(sql, '{old}', '{new}') "
            "WHERE type = 'table' AND name = 'attendance'"
        )
        await engine.run_ddl(f"PRAGMA schema_version = {int(version) + 1}")
        await engine.run_ddl("PRAGMA writable_schema = OFF")


async def forwards():
    manager = Manager(migration_id=ID, app_name="course", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Attendance",
        tablename="attendance",
        column_name="source",
        db_column_name="source",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 12,
            "default": "staff",
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

    manager.add_column(
        table_class_name="Talk",
        tablename="guidance_talk",
        column_name="confirmed_at",
        db_column_name="confirmed_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
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

    manager.alter_column(
        table_class_name="Attendance",
        tablename="attendance",
        column_name="recorded_by",
        db_column_name="recorded_by",
        params={"null": True},
        old_params={"null": False},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
