"""``kjk backup`` and ``kjk restore`` on each engine: the demo database written out and
read back into an empty one finds every row; a database that is not empty is refused,
and so is a restore without the erasure list unless it is asked for; someone erased
after the backup is erased again after the restore; files are the owner's only, and a
password never reaches a command line.

The command runs in this process (in a thread, as ``main`` runs its own event loop),
pointed at the databases through the environment as an operator would."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from course import cli, clock, db, demo
from course.privacy.backup import pg_dump_command, pg_restore_command, postgres_tables, sqlite_tables
from course.privacy.erasure import erase_now
from tests.conftest import POSTGRES_URL

TODAY = date(2027, 9, 15)


@pytest.fixture(autouse=True)
def today():
    with clock.starting(TODAY):
        yield TODAY


async def kjk(monkeypatch, url: str, *args: str) -> tuple[int, str, str]:
    """Run the command with KJK_DATABASE_URL set to ``url``; answers (exit code, stdout, stderr)."""
    monkeypatch.setenv("KJK_DATABASE_URL", url)
    engine = db.current_engine()
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = await asyncio.to_thread(cli.main, list(args))
    finally:
        db.use_engine(engine)  # the command pointed Piccolo at an engine of its own
    return code, out.getvalue(), err.getvalue()


@contextlib.asynccontextmanager
async def empty_database(kind: str, tmp_path):
    """A new database with nothing in it: a file not yet there, or a new PostgreSQL database."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.sqlite'}"
        return
    assert POSTGRES_URL
    name = f"kjk_restore_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(POSTGRES_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield urlunsplit(urlsplit(POSTGRES_URL)._replace(path="/" + name))
    finally:
        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def every_row(url: str | None = None) -> dict[str, list[dict]]:
    """Every row of every table, in id order, read from ``url`` (or the database in use)."""
    engine = db.current_engine()
    if url:
        db.use_engine(db.engine_from_url(url))
    try:
        return {
            t._meta.tablename: await t.select().order_by(t._meta.primary_key)
            for t in sorted(db.all_tables(), key=lambda t: t._meta.tablename)
        }
    finally:
        db.use_engine(engine)


async def test_backup_and_restore_round_trip(database, tmp_path, monkeypatch):
    await demo.load()
    erasures = tmp_path / "erasures.txt"
    monkeypatch.setenv("KJK_ERASURE_LIST", str(erasures))
    backup = tmp_path / ("kjk.sqlite" if database.kind == "sqlite" else "kjk.dump")

    code, out, err = await kjk(monkeypatch, database.url, "backup", str(backup))
    assert code == 0, err
    assert f"Sikkerhetskopi skrevet til {backup}" in out and backup.stat().st_mode & 0o077 == 0
    code, _, err = await kjk(monkeypatch, database.url, "backup", str(backup))
    assert code == 1 and "finnes allerede; bruk --force" in err
    before = await every_row()
    assert sum(len(rows) for rows in before.values()) > 500 and len(before["participant"]) > 20

    async with empty_database(database.kind, tmp_path) as target:
        # No erasure list yet: refused before anything is read in, unless asked for.
        code, _, err = await kjk(monkeypatch, target, "restore", str(backup))
        assert code == 1 and f"finner ingen sletteliste i {erasures}" in err and "--without-erasure-list" in err
        if database.kind == "sqlite":
            assert sqlite_tables(Path(db.sqlite_path(target))) == []
        else:
            assert await postgres_tables(target) == 0
        code, out, err = await kjk(monkeypatch, target, "restore", str(backup), "--without-erasure-list")
        assert code == 0, err
        assert "ingen sletteliste" in err
        assert await every_row(target) == before
        if database.kind == "sqlite":
            assert os.stat(db.sqlite_path(target)).st_mode & 0o077 == 0

        # Erased after the backup: on the erasure list, and erased again by the next restore.
        person = before["participant"][0]["id"]
        assert await erase_now(person, actor=None, reason="Deltakeren ba om å bli slettet")
        assert erasures.read_text().splitlines()[-1].startswith(f"{person} ")
        code, _, err = await kjk(monkeypatch, target, "restore", str(backup))
        assert code == 1 and "databasen er ikke tom" in err

    async with empty_database(database.kind, tmp_path) as target:
        code, out, err = await kjk(monkeypatch, target, "restore", str(backup))
        assert code == 0, err
        assert "1 av dem fantes i sikkerhetskopien og er slettet på nytt" in out
        restored = await every_row(target)
    erased = [p for p in restored["participant"] if p["erased_at"] is not None]
    assert [p["id"] for p in erased] == [person]
    assert erased[0]["name"] != before["participant"][0]["name"]
    assert len(restored["participant"]) == len(before["participant"])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_a_postgresql_password_reaches_pg_dump_and_pg_restore_only_through_their_environment():
    for url, query in (
        ("postgresql://kjk:h%C3%A6mm%40l%3Aig@db.eksempel.no:5433/kjk?sslmode=require", "sslmode=require"),
        ("postgres://kjk@db.eksempel.no:5433/kjk?password=h%C3%A6mm%40l%3Aig&sslmode=require", "sslmode=require"),
    ):
        for command, env in (
            pg_dump_command(url, Path("/srv/backup/kjk.dump")),
            pg_restore_command(Path("/srv/backup/kjk.dump"), url),
        ):
            assert not any("hæmm" in a or "h%C3%A6mm" in a or "password" in a for a in command), command
            assert f"postgresql://kjk@db.eksempel.no:5433/kjk?{query}" in command
            assert env["PGPASSWORD"] == "hæmm@l:ig"
    command, env = pg_dump_command("postgresql://kjk@localhost/kjk", Path("kjk.dump"))
    assert "postgresql://kjk@localhost/kjk" in command and env.get("PGPASSWORD") == os.environ.get("PGPASSWORD")
