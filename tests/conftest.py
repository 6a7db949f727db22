"""Test fixtures. The environment is set before the app is imported, every
database test runs on SQLite and (with KJK_TEST_POSTGRES_URL) on PostgreSQL,
and every test starts from freshly migrated, empty tables."""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import shutil
import tempfile
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# In memory where there is a tmpfs: SQLite's commits then cost no fsync (~1.3 ms each).
_TMP = Path(tempfile.mkdtemp(prefix="kjk-tests-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)  # every process that imports this, xdist's too
os.environ["KJK_VAR_DIR"] = str(_TMP / "var")
os.environ["KJK_SECRET_KEY"] = "test-secret-key-" + "x" * 32
os.environ.pop("KJK_DATABASE_URL", None)
os.environ.pop("KJK_BASE_URL", None)

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import pytest  # noqa: E402
from piccolo.apps.migrations.tables import Migration  # noqa: E402
from piccolo.table import sort_table_classes  # noqa: E402

from course import clock, db, pdf  # noqa: E402
from course.accounts import passwords  # noqa: E402
from course.accounts.tables import Office, StaffUser  # noqa: E402
from course.settings import Settings  # noqa: E402
from tests import cheap_hashing  # noqa: E402

cheap_hashing.use()  # argon2 at ~0.1 ms a hash instead of ~100 ms

PASSWORD = "riktig-hest-batteri-stift"
POSTGRES_URL = os.environ.get("KJK_TEST_POSTGRES_URL")
ENGINES = ["sqlite", "postgres"]
_BROWSER_DIR = Path(__file__).resolve().parent / "browser"
# These run `kjk demo` in subprocesses, 10–25 s a test: first in the run, they overlap
# the rest in a parallel run instead of keeping one worker busy at its end.
_SLOW_FIRST = {"test_cli.py", "test_server_log.py"}


def pytest_itemcollected(item):
    # Everything in tests/browser counts as a browser test, marked or not, so that
    # `-m "not browser"` (the parallel step of make test) never runs one.
    if _BROWSER_DIR in item.path.parents:
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)  # after pytest's own grouping by fixture parameters
def pytest_collection_modifyitems(items):
    # The slow ones first; the browser tests last, as their Chromium (tests/browser/conftest.py) wants.
    items.sort(key=lambda item: 2 * (_BROWSER_DIR in item.path.parents) + (item.path.name not in _SLOW_FIRST))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


async def _create_pg_database(url: str, name: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
        # A commit need not wait for the disk in a throwaway database.
        await conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    finally:
        await conn.close()


async def _drop_pg_database(url: str, name: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _migrate(url: str) -> None:
    engine = db.engine_from_url(url)
    db.use_engine(engine)
    await db.migrate()
    # Closed, so SQLite writes its WAL back into the file that is copied for each test.
    await db.close_pool(engine)


@dataclass
class Database:
    kind: str
    url: str


# Rows the migrations write, kept as a fresh SQLite copy keeps them: the first consent text.
_SEEDED = {"consent_text": "WHERE version <> '2026-1'"}
# Every table but Piccolo's own, children before parents (foreign keys restrict).
_EMPTY_TABLES = "".join(
    f'DELETE FROM "{t._meta.tablename}" {_SEEDED.get(t._meta.tablename, "")};\n'
    for t in reversed(sort_table_classes([t for t in db.all_tables() if t is not Migration]))
)
# Ids start at 1 again, as in a fresh SQLite copy: only sequences used since the
# last reset (last_value is null until then), never the migration table's; those of
# seeded tables go on after the seeded rows.
_RESET_SEQUENCES = (
    "SELECT setval(format('%I', sequencename), 1, false) FROM pg_sequences "
    "WHERE schemaname = 'public' AND sequencename <> 'migration_id_seq' AND last_value IS NOT NULL"
    f" AND sequencename NOT IN ({', '.join(repr(t + '_id_seq') for t in _SEEDED)});"
    + "".join(f"SELECT setval('{t}_id_seq', (SELECT max(id) FROM \"{t}\"));" for t in _SEEDED)
)
# One round trip and one transaction; ~2 ms where TRUNCATE … RESTART IDENTITY
# CASCADE took ~110 ms (it makes new files for every table).
PG_RESET = f"BEGIN;\n{_EMPTY_TABLES}{_RESET_SEQUENCES}\nCOMMIT;"


class _Templates:
    """Migrated databases made once per session (per xdist worker: the temp dir and
    the database name are the process's own): a SQLite file to copy, and one
    PostgreSQL database whose tables are emptied before each test."""

    def __init__(self) -> None:
        self.sqlite_template: Path | None = None
        self.pg_url: str | None = None
        self.pg_name: str | None = None
        self.pg_engine = None  # one: making one connects to check the server's version

    def sqlite(self) -> Path:
        if self.sqlite_template is None:
            path = _TMP / "template.sqlite"
            asyncio.run(_migrate(f"sqlite:///{path}"))
            self.sqlite_template = path
        return self.sqlite_template

    def postgres(self) -> str:
        if self.pg_url is None:
            self.pg_name = f"kjk_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            asyncio.run(_create_pg_database(POSTGRES_URL, self.pg_name))
            self.pg_url = _with_database(POSTGRES_URL, self.pg_name)
            asyncio.run(_migrate(self.pg_url))
            self.pg_engine = db.engine_from_url(self.pg_url)
        return self.pg_url

    def close(self) -> None:
        if self.pg_name:
            asyncio.run(_drop_pg_database(POSTGRES_URL, self.pg_name))


@pytest.fixture(scope="session", autouse=True)
def _pdf_pool():
    """Renders run in a process pool the app's lifespan shuts down; the tests do not
    enter the lifespan, so the pool (if any test started one) is shut down at the end.
    One for the whole run: each start loads WeasyPrint and its fonts in every renderer."""
    yield
    pdf.shutdown()


@pytest.fixture(scope="session")
def templates():
    t = _Templates()
    # Built here, outside any test's event loop.
    t.sqlite()
    if POSTGRES_URL:
        t.postgres()
    yield t
    t.close()


def require_postgres() -> str:
    if not POSTGRES_URL:
        pytest.skip("KJK_TEST_POSTGRES_URL is not set")
    return POSTGRES_URL


@pytest.fixture(params=ENGINES)
async def database(request, templates):
    """An empty, migrated database on each engine, in use by Piccolo."""
    if request.param == "sqlite":
        path = _TMP / f"{uuid.uuid4().hex}.sqlite"
        shutil.copy(templates.sqlite(), path)
        url = f"sqlite:///{path}"
        engine = db.engine_from_url(url)
        db.use_engine(engine)
        await db.prepare(engine)
        yield Database(kind=request.param, url=url)
        await db.close_pool(engine)  # the connections it keeps between queries
        for leftover in _TMP.glob(path.name + "*"):  # noqa: ASYNC240 (with -wal and -shm, in memory)
            leftover.unlink()
        return
    require_postgres()
    url = templates.postgres()
    engine = templates.pg_engine
    db.use_engine(engine)
    # One pool for the process's tests, which share one event loop (pyproject.toml): a
    # new connection costs PostgreSQL ~15 ms to load the tables it reads, a test's
    # worth of queries. A test that closed it gets a new one; connections a test lost
    # are replaced by the engine as they are next lent.
    await db.open_pool(engine)
    async with engine.pool.acquire() as conn:
        await conn.execute(PG_RESET)  # simple protocol: several statements at once
    yield Database(kind=request.param, url=url)


@pytest.fixture
def settings(database, tmp_path) -> Settings:
    return Settings(
        database_url=database.url,
        secret_key=os.environ["KJK_SECRET_KEY"],
        base_url="http://testserver.local",
        var_dir=tmp_path / "var",
    )


_APP: list = []


@pytest.fixture
def app(database):
    """One app for the whole session: building one costs ~0.2 s, and it holds
    nothing of a test's (Piccolo's engine is global, set by ``database``; secret
    and base URL are the same in every test). Tests that need other settings
    build their own (test_login's https app)."""
    if not _APP:
        from course.app import create_app

        engine = db.current_engine()
        settings = Settings(database.url, os.environ["KJK_SECRET_KEY"], "http://testserver.local", _TMP / "var")
        _APP.append(create_app(settings))
        db.use_engine(engine)  # create_app points Piccolo at an engine of its own
    routes = len(_APP[0].routes)
    yield _APP[0]
    if len(_APP[0].routes) != routes:  # a test added a route (the 500 page test): build anew
        _APP.clear()


CLIENT_ADDRESS = "198.51.100.7"


@asynccontextmanager
async def http_client(app, base_url: str = "http://testserver.local"):
    """Requests and the PostgreSQL pool on the test's own event loop, shared with
    the test's direct queries. (The app's own lifespan does the same; it is not
    entered here because pytest-asyncio ends fixtures in another task, which
    anyio's task groups refuse. test_app.py enters it.)"""
    engine = db.current_engine()
    opened = getattr(engine, "pool", None) is None  # SQLite's idle connections are always closed
    await db.open_pool(engine)
    transport = httpx.ASGITransport(app=app, client=(CLIENT_ADDRESS, 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as c:
            yield c
    finally:
        if opened:  # a pool the database fixture keeps stays open
            await db.close_pool(engine)


@pytest.fixture
async def client(app):
    async with http_client(app) as c:
        yield c


# --- builders -----------------------------------------------------------------

_HASH: dict[str, str] = {}


async def password_hash(password: str = PASSWORD) -> str:
    # Each password is hashed once per session.
    if password not in _HASH:
        _HASH[password] = await passwords.hash_password(password)
    return _HASH[password]


async def make_office(code: str = "drammen", name: str = "NAV Drammen – Ungdomsteamet") -> int:
    rows = await Office.insert(Office(code=code, name=name, created_at=clock.now())).returning(Office.id)
    return rows[0]["id"]


async def make_user(
    email: str,
    role: str = "leader",
    office: int | None = None,
    name: str = "Åse Bjørnstad Lærum",
    password: str = PASSWORD,
    active: bool = True,
) -> int:
    if office is None:
        office = await make_office()
    now = clock.now()
    rows = await StaffUser.insert(
        StaffUser(
            email=email,
            name=name,
            role=role,
            office=office,
            password_hash=await password_hash(password),
            active=active,
            created_at=now,
            updated_at=now,
        )
    ).returning(StaffUser.id)
    return rows[0]["id"]


@dataclass
class World:
    """Two offices with a leader, a manager and an admin; a second leader in B."""

    office_a: int
    office_b: int
    leader: int
    manager: int
    admin: int
    leader_b: int
    manager_b: int


@pytest.fixture
async def world(database) -> World:
    a = await make_office("drammen", "NAV Drammen – Ungdomsteamet")
    b = await make_office("lier", "NAV Lier – Ungteam")
    return World(
        office_a=a,
        office_b=b,
        leader=await make_user("ase@a.no", "leader", a, "Åse Ødegård"),
        manager=await make_user("bjorn@a.no", "manager", a, "Bjørn Åsheim"),
        admin=await make_user("siv@a.no", "admin", a, "Siv Øyen"),
        leader_b=await make_user("kjaersti@b.no", "leader", b, "Kjærsti Håland"),
        manager_b=await make_user("pal@b.no", "manager", b, "Pål Kværne"),
    )


EMAILS = {
    "leader": "ase@a.no",
    "manager": "bjorn@a.no",
    "admin": "siv@a.no",
    "leader_b": "kjaersti@b.no",
    "manager_b": "pal@b.no",
}

CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


async def web_login(client, email: str, password: str = PASSWORD):
    page = await client.get("/login")
    token = csrf_from(page.text)
    return await client.post("/login", data={"email": email, "password": password, "_csrf_token": token, "next": "/"})


async def csrf_post(client, path: str, data: dict | None = None, page: str | None = None):
    """POST a form the way a browser does: with the token from a page's form."""
    html = (await client.get(page or path)).text
    return await client.post(path, data={**(data or {}), "_csrf_token": csrf_from(html)})


async def api_token(client, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
async def login_as(client, world):
    async def login(who: str):
        response = await web_login(client, EMAILS[who])
        assert response.status_code in (302, 303), response.text
        return client

    return login


@pytest.fixture
async def api_as(client, world):
    async def headers(who: str) -> dict[str, str]:
        return await api_token(client, EMAILS[who])

    return headers
