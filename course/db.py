"""Database engines: SQLite (embedded default) and PostgreSQL (deployment).

Piccolo finds its engine through ``course.piccolo_conf.DB``; :func:`use_engine`
points that and every table at one engine, so the app, the command line and the
tests all choose the database explicitly instead of at import time.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from urllib.parse import urlsplit

from piccolo.apps.migrations.tables import Migration
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

os.environ.setdefault("PICCOLO_CONF", "course.piccolo_conf")

SQLITE_BUSY_TIMEOUT_S = 30.0


class CourseSQLiteEngine(SQLiteEngine):
    """SQLite with a busy timeout; WAL is switched on once by :func:`prepare`."""

    def __init__(self, path: str) -> None:
        # sqlite3's ``timeout`` is the busy timeout: a writer waits for the lock.
        super().__init__(path=path, timeout=SQLITE_BUSY_TIMEOUT_S)


def sqlite_path(url: str) -> str:
    return url[len("sqlite:///") :]


def engine_from_url(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        return CourseSQLiteEngine(sqlite_path(url))
    if urlsplit(url).scheme in ("postgresql", "postgres"):
        return PostgresEngine(config={"dsn": url}, extensions=())
    raise ValueError(f"unsupported database URL: {url!r}")


def all_tables() -> list:
    from course.piccolo_app import APP_CONFIG

    return [*APP_CONFIG.table_classes, Migration]


def use_engine(engine: Engine) -> None:
    from course import piccolo_conf

    piccolo_conf.DB = engine
    for table in all_tables():
        table._meta.db = engine


def current_engine() -> Engine:
    from course import piccolo_conf

    return piccolo_conf.DB


def is_sqlite(engine: Engine | None = None) -> bool:
    return isinstance(engine or current_engine(), SQLiteEngine)


def write_transaction():
    """A transaction for writes. On SQLite it takes the write lock at BEGIN
    (IMMEDIATE), so concurrent writers queue on the busy timeout instead of
    failing with "database is locked" when a read lock is upgraded."""
    engine = current_engine()
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


async def lock(*keys: str) -> None:
    """Serialise writers that touch the same things (a leader's time, a cohort's
    places) inside a write transaction. SQLite's IMMEDIATE transaction already lets
    one writer through at a time; PostgreSQL takes transaction-scoped advisory
    locks in sorted order. A transaction that needs several keys takes them all in
    one call before anything else, so two writers cannot deadlock; taking a key it
    already holds again is free (advisory locks are re-entrant)."""
    if is_sqlite():
        return
    from course.audit.tables import AuditEvent

    for key in sorted(set(keys)):
        await AuditEvent.raw("SELECT pg_advisory_xact_lock(hashtext({}))", key)


def is_unique_violation(exc: BaseException) -> bool:
    import sqlite3

    import asyncpg

    if isinstance(exc, asyncpg.UniqueViolationError):
        return True
    return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)


async def prepare(engine: Engine) -> None:
    """Make the database ready to be opened: file, folder and journal mode."""
    if isinstance(engine, SQLiteEngine):
        Path(engine.path).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers go on while one writer writes; it is stored in the file.
        await engine.run_ddl("PRAGMA journal_mode=WAL")


async def open_pool(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine) and engine.pool is None:
        await engine.start_connection_pool(min_size=1, max_size=10)


async def close_pool(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()


async def migrate() -> list[str]:
    """Apply pending migrations; answers the ids applied."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from course.piccolo_app import APP_CONFIG

    await prepare(current_engine())
    before = set(await _applied())
    # Piccolo reports progress on stdout; the caller decides what to print.
    with contextlib.redirect_stdout(io.StringIO()) as out:
        result = await run_forwards(app_name=APP_CONFIG.app_name)
    if not result.success:
        raise RuntimeError(f"migrering feilet: {result.message}\n{out.getvalue()}")
    return [m for m in await _applied() if m not in before]


async def pending_migrations() -> list[str]:
    from piccolo.apps.migrations.commands.base import BaseMigrationManager

    from course.piccolo_app import APP_CONFIG

    known = BaseMigrationManager().get_migration_modules(APP_CONFIG.resolved_migrations_folder_path)
    applied = set(await _applied())
    return sorted(m for m in known if m not in applied)


async def _applied() -> list[str]:
    from course.piccolo_app import APP_CONFIG

    if not await Migration.table_exists():
        return []
    return await Migration.get_migrations_which_ran(app_name=APP_CONFIG.app_name)
