from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-03T15:09:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Sort names for the participants there are, and indexes in the order lists are paged by"

# The sort key as it was when this migration was written (course.validation.nb_sort_key):
# case folded, æ, ø, å after z.
_NB_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|", "ü": "y"})

# name: (table, columns, condition). Lists read a page in these orders within an office
# (or across offices for an admin), so a page is one range of an index, whatever the
# history. Erased participants (no name left, so they would sort first) are never listed:
# the participant indexes hold only those who are not.
INDEXES = {
    "participant_office_sort_name": ("participant", ("office", "sort_name", "id"), "erased_at IS NULL"),
    "participant_sort_name": ("participant", ("sort_name", "id"), "erased_at IS NULL"),
    "cohort_office_start_date": ("cohort", ("office", "start_date", "id"), ""),
    "cohort_start_date": ("cohort", ("start_date", "id"), ""),
    "staff_user_office_name": ("staff_user", ("office", "name", "id"), ""),
}


class RawSQL(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="course", description=DESCRIPTION)

    async def fill_and_index():
        # The engine in use now, not the one configured when this module was imported.
        RawSQL._meta.db = engine_finder()
        rows = await RawSQL.raw("SELECT id, name FROM participant WHERE sort_name = '' AND name <> ''")
        for row in rows:
            key = row["name"].casefold().translate(_NB_ORDER)
            await RawSQL.raw("UPDATE participant SET sort_name = {} WHERE id = {}", key, row["id"])
        for name, (table, columns, condition) in INDEXES.items():
            listed = ", ".join(f'"{c}"' for c in columns)
            where = f" WHERE {condition}" if condition else ""
            await RawSQL.raw(f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" ({listed}){where}')

    async def drop_indexes():
        RawSQL._meta.db = engine_finder()
        for name in INDEXES:
            await RawSQL.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(fill_and_index)
    manager.add_raw_backwards(drop_indexes)
    return manager
