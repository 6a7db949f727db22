"""Migrations from empty, engine set-up, concurrent writers, the app's lifespan."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from piccolo.engine.postgres import PostgresEngine

from course import db
from course.accounts import passwords
from course.audit import services as audit
from course.audit.tables import AuditEvent
from tests.cheap_hashing import PRODUCTION_DUMMY_HASH, PRODUCTION_HASHER
from tests.conftest import _create_pg_database, _drop_pg_database, _with_database, require_postgres

TABLES = {"office", "staff_user", "api_token", "web_session", "audit_event"}


async def _tables(engine) -> set[str]:
    if isinstance(engine, PostgresEngine):
        query = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return {r["name"] for r in await AuditEvent.raw(query)}


@pytest.fixture(params=["sqlite", "postgres"])
async def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tom.sqlite'}"
        return
    base = require_postgres()
    name = f"kjk_empty_{uuid.uuid4().hex[:10]}"
    await _create_pg_database(base, name)
    try:
        yield _with_database(base, name)
    finally:
        await _drop_pg_database(base, name)


async def test_every_migration_applies_from_an_empty_database(empty_url):
    engine = db.engine_from_url(empty_url)
    db.use_engine(engine)
    assert await db.pending_migrations()
    applied = await db.migrate()
    assert applied and await db.pending_migrations() == []
    assert TABLES <= await _tables(engine)
    assert await db.migrate() == []  # a second run does nothing


async def _index_leads(engine, table: str) -> set[str]:
    """The columns that lead an index of the table (its first column)."""
    if isinstance(engine, PostgresEngine):
        rows = await AuditEvent.raw(
            "SELECT a.attname AS name FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] WHERE t.relname = {}",
            table,
        )
        return {r["name"] for r in rows}
    leads = set()
    for index in await AuditEvent.raw(f"PRAGMA index_list('{table}')"):
        columns = await AuditEvent.raw(f"PRAGMA index_info('{index['name']}')")
        leads |= {c["name"] for c in columns if c["seqno"] == 0}
    return leads


async def test_every_foreign_key_leads_an_index(database):
    # Scopes, joins and an erasure's deletes find rows by their foreign keys.
    from piccolo.columns import ForeignKey

    unindexed = [
        f"{table._meta.tablename}.{column._meta.db_column_name}"
        for table in db.all_tables()
        for column in table._meta.columns
        if isinstance(column, ForeignKey)
        and column._meta.db_column_name not in await _index_leads(db.current_engine(), table._meta.tablename)
    ]
    assert unindexed == []


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(database):
    if database.kind != "sqlite":
        pytest.skip("SQLite only")
    engine = db.current_engine()
    assert (await engine.run_ddl("PRAGMA journal_mode"))[0]["journal_mode"] == "wal"
    assert (await engine.run_ddl("PRAGMA foreign_keys"))[0]["foreign_keys"] == 1
    assert engine.connection_kwargs["timeout"] >= 5


async def test_sqlite_lends_its_connections_and_every_read_sees_the_latest_write(database):
    if database.kind != "sqlite":
        pytest.skip("SQLite only")
    engine = db.current_engine()
    await db.close_pool(engine)
    # Twenty reads at once open what they need, and keep no more than IDLE_MAX for later.
    await asyncio.gather(*(AuditEvent.count() for _ in range(20)))
    assert 1 <= len(engine._idle) <= engine.IDLE_MAX
    kept = list(engine._idle)
    for n in range(5):
        # A write in a transaction (its own connection), then reads on the kept ones:
        # none holds an old snapshot.
        async with db.write_transaction():
            await audit.record("pool_test", account=f"p{n}@a.no")
        counts = await asyncio.gather(*(AuditEvent.count().where(AuditEvent.action == "pool_test") for _ in kept))
        assert counts == [n + 1] * len(kept)
    # A query that fails gives its connection up instead of lending it again.
    before = len(engine._idle)
    with pytest.raises(Exception, match="no such table"):
        await engine.run_ddl("SELECT * FROM no_such_table")
    assert len(engine._idle) == before - 1
    await db.close_pool(engine)
    assert engine._idle == []
    assert await AuditEvent.count().where(AuditEvent.action == "pool_test") == 5


async def test_concurrent_writers_wait_instead_of_failing(database):
    """50 transactions that read, then write, at once: on SQLite a deferred
    transaction would fail with "database is locked" when upgrading its lock."""

    async def writer(n: int) -> None:
        async with db.write_transaction():
            await AuditEvent.count()
            await asyncio.sleep(0)
            await audit.record("concurrency_test", account=f"w{n}@a.no")

    await db.open_pool(db.current_engine())
    try:
        await asyncio.gather(*(writer(n) for n in range(50)))
    finally:
        await db.close_pool(db.current_engine())
    assert await AuditEvent.count().where(AuditEvent.action == "concurrency_test") == 50


async def test_a_failed_transaction_leaves_nothing(database):
    with pytest.raises(RuntimeError):
        async with db.write_transaction():
            await audit.record("half_written")
            raise RuntimeError("stop")
    assert await AuditEvent.count().where(AuditEvent.action == "half_written") == 0


async def test_app_lifespan_opens_and_closes_the_pool(database, settings):
    from course.app import create_app

    app = create_app(settings)
    engine = db.current_engine()
    async with app.lifespan():
        if database.kind == "postgres":
            assert engine.pool is not None
        assert await AuditEvent.count() == 0
    if database.kind == "postgres":
        assert engine.pool is None


async def test_password_hashing_does_not_block_the_event_loop(monkeypatch):
    # With the production hasher (the other tests use a cheap one, see tests/cheap_hashing.py).
    monkeypatch.setattr(passwords, "_hasher", PRODUCTION_HASHER)
    ticks = 0
    done = False

    async def ticker():
        nonlocal ticks
        while not done:
            ticks += 1
            await asyncio.sleep(0.005)

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    hashed = await passwords.hash_password("et-langt-passord-æøå")
    elapsed = time.perf_counter() - started
    done = True
    await task
    # argon2id at RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes.
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    # A miss verifies against a hash that costs as much as a real one.
    assert not passwords.needs_rehash(PRODUCTION_DUMMY_HASH)
    # The loop kept ticking while the hash was computed in a worker thread.
    assert ticks >= max(2, int(elapsed / 0.005) // 4)
    assert await passwords.verify_password(hashed, "et-langt-passord-æøå")
    assert not await passwords.verify_password(hashed, "feil")


async def test_sqlite_gets_planner_statistics(database):
    if database.kind != "sqlite":
        pytest.skip("SQLite only")
    engine = db.current_engine()
    for n in range(30):
        await audit.record("stats_test", account=f"s{n}@a.no")
    await db.refresh_statistics(engine)
    rows = await engine.run_ddl("SELECT tbl, stat FROM sqlite_stat1 WHERE tbl = 'audit_event'")
    assert rows and all(int(r["stat"].split()[0]) >= 30 for r in rows)
