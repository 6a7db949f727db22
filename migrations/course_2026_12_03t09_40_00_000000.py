import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-03T09:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "Audit events written before the log named participants keep no data values and name their participant "
    "through the enrolment; the log is read newest first by participant and by staff member through an index each"
)

# The values events used to keep, by action: now only ids and field names are kept.
DATA_KEYS = {
    "category_changed": ("category",),
    "consent_given": ("scopes", "version"),
    "consent_withdrawn": ("scopes", "version"),
    "enrolment_created": ("status",),
    "enrolment_changed": ("status", "from", "to"),
    "outcome_set": ("kind",),
}


class RawSQL(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="course", description=DESCRIPTION)

    async def clean():
        engine = engine_finder()
        RawSQL._meta.db = engine
        actions = ", ".join(f"'{a}'" for a in DATA_KEYS)
        rows = await RawSQL.raw(
            f"SELECT id, action, participant, details FROM audit_event WHERE action IN ({actions}) "
            "OR (participant IS NULL AND action IN ('document_saved', 'document_restored'))"
        )
        enrolments = {r["id"]: r["participant"] for r in await RawSQL.raw("SELECT id, participant FROM enrolment")}
        for row in rows:
            details = row["details"]
            details = json.loads(details) if isinstance(details, str) else dict(details or {})
            kept = {k: v for k, v in details.items() if k not in DATA_KEYS.get(row["action"], ())}
            participant = row["participant"] or kept.get("participant") or enrolments.get(kept.get("enrolment"))
            if kept != details or participant != row["participant"]:
                await RawSQL.raw(
                    "UPDATE audit_event SET details = {}, participant = {} WHERE id = {}",
                    json.dumps(kept),
                    participant,
                    row["id"],
                )
        for name, column in (("audit_event_participant_newest", "participant"), ("audit_event_actor_newest", "actor")):
            await engine.run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON audit_event ({column}, id)")

    manager.add_raw(clean)
    return manager
