"""Lost PostgreSQL connections (a restarted server, terminated backends) under load:
a read is tried again on a fresh connection, a write that failed answers 503 with
Retry-After, nothing answers 500, and the app goes on answering afterwards."""

from __future__ import annotations

import asyncio
import errno
from datetime import date, timedelta

import asyncpg
import pytest
from litestar import get

from course import db
from course.cohorts.tables import Closure
from tests.conftest import EMAILS, api_token, http_client, web_login

TERMINATE_OTHERS = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        asyncpg.InterfaceError("cannot call Connection.fetch(): connection is closed"),
        asyncpg.InternalClientError("cannot switch to state 15; another operation (2) is in progress"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
        ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed"),
        OSError(errno.EPIPE, "Broken pipe"),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_a_lost_connection_is_told_apart(exc):
    assert db.is_connection_lost(exc)
    wrapped = RuntimeError("lagring av «Bjørnø» feilet")
    wrapped.__cause__ = exc
    assert db.is_connection_lost(wrapped)


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.UniqueViolationError("duplicate key value violates unique constraint"),
        asyncpg.InterfaceError("cannot call Connection.fetch(): connection has been released back to the pool"),
        asyncpg.DataError("invalid input for query argument $1: 'Ærlig'"),
        FileNotFoundError(errno.ENOENT, "No such file or directory"),
        ValueError("Åse"),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_other_errors_are_not_a_lost_connection(exc):
    assert not db.is_connection_lost(exc)


def test_only_reads_are_tried_again():
    assert db.is_read('SELECT "office"."name" FROM "office" WHERE "office"."name" = $1')
    assert db.is_read("  with t as (select 1) select * from t")
    assert db.is_read('SELECT "updated_at" FROM "staff_user"')
    assert not db.is_read('INSERT INTO "closure" ("reason") VALUES ($1) RETURNING "id"')
    assert not db.is_read('UPDATE "office" SET "name" = $1')
    assert not db.is_read("WITH gone AS (DELETE FROM t RETURNING id) SELECT count(*) FROM gone")
    assert not db.is_read('SELECT * FROM "cohort" WHERE id = $1 FOR UPDATE')
    assert not db.is_read("SELECT nextval('closure_id_seq')")


def _postgres_only(database) -> None:
    if database.kind != "postgres":
        pytest.skip("connections to lose are PostgreSQL's")


async def test_a_burst_survives_terminated_backends(app, database, world):
    _postgres_only(database)
    killer = await asyncpg.connect(database.url)
    try:
        async with asyncio.timeout(30):  # a connection never given back would hang it
            await _burst(app, killer)
    finally:
        await killer.close()


async def _burst(app, killer) -> None:
    async with http_client(app) as client:
        headers = await api_token(client, EMAILS["leader"])
        assert (await web_login(client, EMAILS["leader"])).status_code in (302, 303)
        # Each once before the burst: the token's first use is written down.
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        assert (await client.get("/")).status_code == 200
        start = date(2031, 3, 3)
        reads = ["/api/v1/me", "/api/v1/offices", "/api/v1/closures", "/api/v1/cohorts", "/", "/cohorts"]

        async def read(n: int):
            path = reads[n % len(reads)]
            return ("read", path, await client.get(path, headers=headers if path.startswith("/api") else None))

        async def write(n: int):
            day = (start + timedelta(days=n)).isoformat()
            body = {"start_date": day, "end_date": day, "reason": f"Fagdag på Ørje nr. {n}"}
            return ("write", day, await client.post("/api/v1/closures", json=body, headers=headers))

        terminated = 0

        async def terminate(delay: float) -> None:
            nonlocal terminated
            await asyncio.sleep(delay)
            terminated += await killer.fetchval(TERMINATE_OTHERS)

        results = []
        for batch in range(10):
            calls = [write(batch * 20 + i) if i % 5 == 0 else read(batch * 20 + i) for i in range(20)]
            if batch % 2 == 0:  # now and then, while the batch is running
                calls.append(terminate(0.005 * batch))
            results += [r for r in await asyncio.gather(*calls) if r is not None]
        assert terminated > 0, "no backend was terminated"

        statuses = [(kind, what, r.status_code) for kind, what, r in results]
        assert not [s for s in statuses if s[2] >= 500 and s[2] != 503], statuses
        assert all(code == 200 for kind, _, code in statuses if kind == "read"), statuses
        for kind, _, response in results:
            if kind == "write" and response.status_code == 503:
                assert response.headers["retry-after"] == "1"
                assert response.json()["detail"], response.text
            elif kind == "write":
                assert response.status_code == 201, response.text
        saved = {str(row["start_date"]) for row in await Closure.select(Closure.start_date)}
        assert {day for kind, day, r in results if kind == "write" and r.status_code == 201} <= saved

        # Afterwards everything answers as before, the write too.
        await asyncio.sleep(0)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        assert (await client.get("/cohorts")).status_code == 200
        body = {"start_date": "2032-01-05", "end_date": "2032-01-05", "reason": "Planleggingsdag i Tønsberg"}
        assert (await client.post("/api/v1/closures", json=body, headers=headers)).status_code == 201
        # Every connection went back to the pool: all of them can be had at once.
        pool = db.current_engine().pool
        held = [await pool.acquire(timeout=5) for _ in range(db.POOL_MAX_SIZE)]
        for connection in held:
            await pool.release(connection)


async def test_a_write_whose_connection_is_lost_answers_503_with_retry_after(app, database, world):
    _postgres_only(database)

    async def lose_it_mid_write() -> str:
        async with db.write_transaction():
            await Closure.raw("SELECT 1")
            # The server ends this very backend, as a restart or failover would.
            try:
                await Closure.raw("SELECT pg_terminate_backend(pg_backend_pid())")
            except asyncpg.AdminShutdownError:
                pass
            await Closure.raw("SELECT 1")
        return "lagret"

    @get(["/api/v1/_lost", "/_lost"], include_in_schema=False)
    async def lost() -> str:
        return await lose_it_mid_write()

    app.register(lost)
    async with http_client(app) as client:
        headers = await api_token(client, EMAILS["leader"])
        assert (await web_login(client, EMAILS["leader"])).status_code in (302, 303)
        api = await client.get("/api/v1/_lost", headers={**headers, "Accept-Language": "nb"})
        assert (api.status_code, api.headers["retry-after"]) == (503, "1")
        assert api.json()["detail"] == "Kontakten med databasen ble borte; prøv igjen om litt"
        page = await client.get("/_lost")
        assert (page.status_code, page.headers["retry-after"]) == (503, "1")
        assert "Kontakten med databasen ble borte et øyeblikk" in page.text
        # The connection went back to the pool and was replaced: the app goes on.
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        assert (await client.get("/cohorts")).status_code == 200
