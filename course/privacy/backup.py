"""Backup and restore of the whole database, for ``kjk backup`` and ``kjk restore``.

SQLite is copied with its online backup API: one read transaction sees one state of
the file while the app goes on writing (WAL lets it). PostgreSQL is dumped by
``pg_dump`` in its custom format (one snapshot) and read back by ``pg_restore`` in one
transaction. A backup is written beside its target into a new file of a name no one
can guess (``mkstemp``), readable by its owner only, and renamed into place when
whole. A restored SQLite file is made readable by its owner only too. The password of
a PostgreSQL URL goes to the tools in their environment, never on their command line.

A restore goes into an empty database only, so nothing is ever mixed; what follows it
(pending migrations, erasing again those on the erasure list) is the command's.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tempfile
from contextlib import closing, suppress
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import asyncpg


class BackupError(Exception):
    """A backup or restore that cannot be done, told to the operator in Norwegian."""


def _temporary(target: Path) -> Path:
    """A new, empty file beside ``target`` (so the rename stays on one file system),
    made by ``mkstemp``: a name no one can guess, never an existing file or link, and
    readable by its owner only, since a backup holds personal data."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    return Path(name)


def _check_target(target: Path, force: bool) -> None:
    if target.exists() and not force:
        raise BackupError(f"{target} finnes allerede; bruk --force for å skrive over den")
    if target.is_dir():
        raise BackupError(f"{target} er en mappe; oppgi en fil")
    if not target.parent.is_dir():
        raise BackupError(f"mappen {target.parent} finnes ikke")


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [r[0] for r in rows]


# --- SQLite ------------------------------------------------------------------------------


def backup_sqlite(database: Path, target: Path, *, force: bool = False) -> int:
    """Copy the live database file into ``target`` as one self-contained file; answers its size."""
    _check_target(target, force)
    if not database.is_file():
        raise BackupError(f"finner ikke databasen {database}")
    if target.resolve() == database.resolve():
        raise BackupError("sikkerhetskopien kan ikke skrives over selve databasen")
    temporary = _temporary(target)
    try:
        with closing(_read_only(database)) as source, closing(sqlite3.connect(temporary)) as copy:
            source.backup(copy)  # every page in one step: one consistent state
            # One file, without the -wal and -shm beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        os.replace(temporary, target)
    except sqlite3.Error as exc:
        raise BackupError(f"sikkerhetskopien feilet: {exc}") from None
    finally:
        with suppress(FileNotFoundError):
            temporary.unlink()
    return target.stat().st_size


def sqlite_tables(database: Path) -> list[str]:
    """The tables in the database file (none when it does not exist)."""
    if not database.exists():
        return []
    try:
        with closing(_read_only(database)) as conn:
            return _tables(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{database} er ikke en SQLite-database: {exc}") from None


def restore_sqlite(backup: Path, database: Path) -> None:
    """Copy a backup into the database file, which must be missing or hold no tables."""
    if not backup.is_file():
        raise BackupError(f"finner ikke sikkerhetskopien {backup}")
    found = sqlite_tables(database)
    if found:
        raise BackupError(not_empty(len(found)))
    try:
        with closing(_read_only(backup)) as source:
            if "migration" not in _tables(source):
                raise BackupError(f"{backup} er ikke en sikkerhetskopi av denne databasen")
            database.parent.mkdir(parents=True, exist_ok=True)
            with suppress(FileExistsError):  # an empty file made for it keeps its mode
                os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
            with closing(sqlite3.connect(database)) as copy:
                source.backup(copy)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"kan ikke lese sikkerhetskopien {backup}: {exc}") from None


def not_empty(tables: int) -> str:
    return (
        f"databasen er ikke tom ({tables} tabeller); gjenoppretting skjer bare til en tom database. "
        "Lag en ny, tom database og pek KJK_DATABASE_URL dit."
    )


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_arguments(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password (after the user name or as ``?password=``), and
    the environment that carries it instead (``PGPASSWORD``, which only the same user
    and root can read), so that the password never shows in the process list."""
    parts = urlsplit(url)
    env = dict(os.environ)
    password = None
    if "@" in parts.netloc:
        userinfo, host = parts.netloc.rsplit("@", 1)
        user, colon, secret = userinfo.partition(":")
        if colon:
            password = unquote(secret)
            parts = parts._replace(netloc=f"{user}@{host}")
    query = parse_qsl(parts.query, keep_blank_values=True)
    for key, value in query:
        if key == "password" and password is None:
            password = value
    parts = parts._replace(query=urlencode([(k, v) for k, v in query if k != "password"]))
    if password is not None:
        env["PGPASSWORD"] = password
    return urlunsplit(parts._replace(scheme="postgresql")), env


def pg_dump_command(url: str, target: Path) -> tuple[list[str], dict[str, str]]:
    """The ``pg_dump`` command line and environment that write ``target``."""
    address, env = _pg_arguments(url)
    return ["pg_dump", "--format=custom", "--file", str(target), "--dbname", address], env


def pg_restore_command(backup: Path, url: str) -> tuple[list[str], dict[str, str]]:
    """The ``pg_restore`` command line and environment that read ``backup`` in one transaction."""
    address, env = _pg_arguments(url)
    command = ["pg_restore", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error"]
    return [*command, "--dbname", address, str(backup)], env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} finnes ikke; installer PostgreSQL-klientverktøyene") from None
    if result.returncode != 0:
        said = result.stderr.strip().splitlines()
        raise BackupError(f"{command[0]} feilet: {said[-1] if said else result.returncode}")


def backup_postgres(url: str, target: Path, *, force: bool = False) -> int:
    """Dump the database with ``pg_dump`` in custom format into ``target``; answers its size."""
    _check_target(target, force)
    temporary = _temporary(target)
    try:
        _run(*pg_dump_command(url, temporary))
        os.replace(temporary, target)
    finally:
        with suppress(FileNotFoundError):
            temporary.unlink()
    return target.stat().st_size


async def postgres_tables(url: str) -> int:
    """How many tables the database holds outside PostgreSQL's own schemas."""
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
    finally:
        await conn.close()


def restore_postgres(backup: Path, url: str) -> None:
    """Read a ``pg_dump`` custom-format file into the (empty) database: all of it or nothing."""
    if not backup.is_file():
        raise BackupError(f"finner ikke sikkerhetskopien {backup}")
    _run(*pg_restore_command(backup, url))
