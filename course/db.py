"""Database engines: SQLite (embedded default) and PostgreSQL (deployment).

Piccolo finds its engine through ``course.piccolo_conf.DB``; :func:`use_engine`
points that and every table at one engine, so the app, the command line and the
tests all choose the database explicitly instead of at import time.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import aiosqlite
from piccolo.apps.migrations.tables import Migration
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory

os.environ.setdefault("PICCOLO_CONF", "course.piccolo_conf")

log = logging.getLogger("course")

SQLITE_BUSY_TIMEOUT_S = 30.0
# Connections each server process keeps to PostgreSQL at most (docs/deployment.md).
POOL_MAX_SIZE = 10


class CourseSQLiteEngine(SQLiteEngine):
    """SQLite with a busy timeout (WAL is switched on once by :func:`prepare`), and
    its connections kept for the next query.

    Piccolo opens a new connection (a thread, the file, a pragma) for every query
    outside a transaction: about a millisecond each, more than most of our queries
    take. Here a query outside a transaction borrows an idle connection instead; each
    query still commits on its own, as before. Transactions open their own, as before.
    """

    IDLE_MAX = 4  # connections kept between queries; more are opened under load and closed after

    def __init__(self, path: str) -> None:
        # sqlite3's ``timeout`` is the busy timeout: a writer waits for the lock.
        super().__init__(path=path, timeout=SQLITE_BUSY_TIMEOUT_S)
        self._idle: list[aiosqlite.Connection] = []

    async def _borrow(self) -> aiosqlite.Connection:
        if self._idle:
            return self._idle.pop()
        connection = aiosqlite.connect(**self.connection_kwargs)
        # Its thread must not keep a finished process alive (an idle connection is
        # closed by close_pool, or simply dropped when the process ends).
        connection._thread.daemon = True
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        return connection

    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        connection = await self._borrow()
        try:
            async with connection.execute(query, args or []) as cursor:
                await connection.commit()
                rows = await cursor.fetchall()
        except BaseException:
            # A connection that failed mid-query (or was cancelled) is not lent again.
            await _close_quietly(connection)
            raise
        if len(self._idle) < self.IDLE_MAX:
            self._idle.append(connection)
        else:
            await connection.close()
        return rows

    async def close_idle(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await _close_quietly(connection)


async def _close_quietly(connection: aiosqlite.Connection) -> None:
    with contextlib.suppress(Exception):
        await connection.close()


# Socket errors that mean the connection to the server is gone or was never made.
_LOST_ERRNOS = {
    errno.ECONNRESET,
    errno.ECONNREFUSED,
    errno.ECONNABORTED,
    errno.EPIPE,
    errno.ETIMEDOUT,
    errno.ENETUNREACH,
    errno.EHOSTUNREACH,
    errno.ENOTCONN,
}
# asyncpg's words for a connection it can no longer use (its InterfaceError and
# InternalClientError carry no code): "another operation (2) is in progress" is a
# connection whose server ended it while it was idle.
_LOST_INTERFACE = re.compile(r"another operation (\(\d+\) )?is in progress|connection is closed|connection was closed")


def is_connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the connection to PostgreSQL was lost or could not be
    made (a restarted or failed-over server, a terminated backend, a dropped socket,
    no connection slot free), as against a fault in the statement itself. Such a
    failure is passing: the next connection is likely to work."""
    import asyncpg

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(
            current,
            (
                asyncpg.ConnectionDoesNotExistError,
                asyncpg.PostgresConnectionError,  # class 08: connection exceptions
                asyncpg.AdminShutdownError,
                asyncpg.CrashShutdownError,
                asyncpg.CannotConnectNowError,
                asyncpg.TooManyConnectionsError,
                ConnectionError,  # reset, refused, aborted, broken pipe
            ),
        ):
            return True
        if isinstance(current, (asyncpg.InterfaceError, asyncpg.InternalClientError)) and _LOST_INTERFACE.search(
            str(current)
        ):
            return True
        if isinstance(current, OSError) and current.errno in _LOST_ERRNOS:
            return True
        current = current.__cause__
    return False


_READ = re.compile(r"^\s*(\(\s*)*(SELECT|WITH|VALUES|SHOW|EXPLAIN)\b", re.IGNORECASE)
_WRITE_WORDS = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|FOR\s+UPDATE|FOR\s+SHARE|NEXTVAL|SETVAL)\b", re.IGNORECASE)


def is_read(sql: str) -> bool:
    """Whether a statement only reads, so running it again changes nothing: a
    SELECT (or WITH … SELECT) that neither writes nor locks rows."""
    return bool(_READ.match(sql)) and not _WRITE_WORDS.search(sql)


class CoursePostgresEngine(PostgresEngine):
    """PostgreSQL through asyncpg's pool, getting over lost connections (a restarted
    server, a terminated backend): a connection that failed is not lent again, the
    pool's other connections (likely gone the same way) are replaced as they are
    next lent, and a read outside a transaction is tried once more on a fresh
    connection. A write is not tried again by itself (it may have been done); one
    that failed this way raises the error, which the web layer answers with 503
    and Retry-After (course/web/errors.py)."""

    def forget_connections(self) -> None:
        if self.pool is not None:
            # Each connection is closed and replaced when it is next lent or given back.
            self.pool._generation += 1  # all that expire_connections() does, without an await

    async def _run_in_pool(self, query: str, args=None):
        """One statement outside a transaction. A connection that cannot be had is
        asked for once more (nothing was sent yet); a read whose connection was lost
        is run once more on a fresh one."""
        if not self.pool:
            raise ValueError("A pool isn't currently running.")
        pool, args = self.pool, list(args or [])
        for attempt in (1, 2):
            try:
                connection = await pool.acquire()
            except Exception as exc:
                if attempt == 2 or not is_connection_lost(exc):
                    raise
                self.forget_connections()
                log.warning("no database connection (%s); trying again", type(exc).__name__)
                continue
            try:
                rows = await connection.fetch(query, *args)
            except BaseException as exc:
                await _release_quietly(pool, connection)
                if attempt == 2 or not isinstance(exc, Exception) or not is_connection_lost(exc):
                    raise
                self.forget_connections()
                if not is_read(query):
                    raise  # it may have been done; the web layer answers 503 (and logs it)
                log.warning("database connection lost during a read (%s); trying again", type(exc).__name__)
                continue
            # The answer is in: a connection lost while being given back changes nothing of it.
            await _release_quietly(pool, connection)
            return rows
        raise AssertionError("unreachable")

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return CoursePostgresTransaction(engine=self, allow_nested=allow_nested)


class CoursePostgresTransaction(PostgresTransaction):
    """Piccolo's transaction, which also, on a lost connection: begins once more on a
    fresh connection when BEGIN could not be sent (nothing was done yet), gives the
    connection back to the pool whatever happens (Piccolo's kept it when the rollback
    failed), and raises the error that ended the transaction rather than the failed
    rollback's."""

    engine: CoursePostgresEngine

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            return self._parent
        for attempt in (1, 2):
            self.connection = await self.get_connection()
            self.transaction = self.connection.transaction()
            try:
                await self.begin()
                break
            except BaseException as exc:
                await self._give_back()
                if attempt == 2 or not isinstance(exc, Exception) or not is_connection_lost(exc):
                    raise
                self.engine.forget_connections()
                log.warning(
                    "database connection lost at the start of a transaction (%s); trying again", type(exc).__name__
                )
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    try:
                        await self.rollback()
                    except Exception as failure:
                        # The server rolls back a transaction whose connection is gone.
                        if not is_connection_lost(failure):
                            raise
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except Exception as exc:
            if is_connection_lost(exc):
                self.engine.forget_connections()
            raise
        finally:
            await self._give_back()
            self.engine.current_transaction.reset(self.context)
        if isinstance(exception, Exception) and is_connection_lost(exception):
            self.engine.forget_connections()
        return exception is None

    async def _give_back(self) -> None:
        if self.engine.pool:
            await _release_quietly(self.engine.pool, self.connection)
        else:
            with contextlib.suppress(Exception):
                await self.connection.close()


async def _release_quietly(pool, connection) -> None:
    """Give a connection back; one lost meanwhile is closed by asyncpg (a new one is
    opened when needed), so its failure to reset is no news to the caller."""
    try:
        await pool.release(connection)
    except Exception as exc:
        if not is_connection_lost(exc):
            raise


def sqlite_path(url: str) -> str:
    return url[len("sqlite:///") :]


def engine_from_url(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        return CourseSQLiteEngine(sqlite_path(url))
    if urlsplit(url).scheme in ("postgresql", "postgres"):
        return CoursePostgresEngine(config={"dsn": url}, extensions=())
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


async def refresh_statistics(engine: Engine) -> None:
    """On SQLite, the statistics its planner chooses indexes by: without them it may
    join a whole office's cohorts with every participant where an index would find a
    few. A sample of each index (analysis_limit) keeps this to well under a second on
    years of data. PostgreSQL keeps its own (autovacuum)."""
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction():  # one connection: the limit is the connection's
            await engine.run_ddl("PRAGMA analysis_limit=1000")
            await engine.run_ddl("ANALYZE")


async def open_pool(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine) and engine.pool is None:
        await engine.start_connection_pool(min_size=1, max_size=POOL_MAX_SIZE)


async def close_pool(engine: Engine) -> None:
    if isinstance(engine, CourseSQLiteEngine):
        await engine.close_idle()
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
