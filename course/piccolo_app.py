"""The one Piccolo app: every domain's tables, migrations in ../migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="course",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations"),
    table_classes=table_finder(
        modules=[
            "course.accounts.tables",
            "course.audit.tables",
            "course.cohorts.tables",
            "course.participants.tables",
            "course.guidance.tables",
            "course.messages.tables",
            "course.evaluations.tables",
            "course.documents.tables",
        ],
        exclude_imported=True,
    ),
    migration_dependencies=[],
    commands=[],
)
