"""The real server's log, grepped: no secret token, password or client address in it.

`kjk demo` loads the demo data into a fresh SQLite file, `kjk serve` runs as a
subprocess with its output captured, and every route whose path holds a token is
requested with a real one (and once more with a query string). Again with two server
processes on PostgreSQL (`kjk serve --workers 2`): each process keeps its log as clean,
both are there and answer."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest

from course.demo import DEMO_PASSWORD
from tests.conftest import _create_pg_database, _drop_pg_database, _with_database, csrf_from, require_postgres

KJK = Path(sys.executable).with_name("kjk")
pytestmark = pytest.mark.skipif(not KJK.is_file(), reason="the kjk script is not installed next to this Python")

LEADER = "ase.bo@demo.kjk.no"  # leads the demo's running cohort ("gruppe A")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(env: dict[str, str], log_path: Path, *args: str, processes: int = 1) -> tuple[subprocess.Popen, int]:
    """Serve on a free port; another process may take the port between the probe and
    the bind, so a server that exits at once is tried again on a new one."""
    for _ in range(3):
        port = _free_port()
        with log_path.open("ab") as log:  # the child keeps its own handle
            proc = subprocess.Popen(
                [str(KJK), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        # Uvicorn says so once it has bound the port (ours, not another process answering),
        # and each server process once its app has started.
        ready = f"Uvicorn running on http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            text = log_path.read_text(errors="replace")
            if ready in text and text.count("Application startup complete.") >= processes:
                return proc, port
            time.sleep(0.05)
        _stop(proc)
    pytest.fail(f"kjk serve did not start:\n{log_path.read_text(errors='replace')}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _server_processes(parent: int) -> set[int]:
    """The server processes uvicorn started: children of the command made by spawn (not
    multiprocessing's resource tracker)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    found = set()
    for child in map(int, children):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except FileNotFoundError:
            continue
        if b"spawn_main" in command:
            found.add(child)
    return found


def _check_log(text: str, secrets_used: list[str], paths: list[str]) -> None:
    for secret in (*secrets_used, DEMO_PASSWORD):
        assert secret not in text, f"a secret reached the log:\n{text}"
    for path in paths:  # the requests were logged, redacted
        assert f'"{path} HTTP/1.1"' in text, f"{path!r} is not in the log:\n{text}"
    access = [line for line in text.splitlines() if 'HTTP/1.1" ' in line]
    assert len(access) >= 2 * len(paths)
    assert not [line for line in access if "127.0.0.1" in line]


def test_several_processes_on_postgresql_each_keep_the_log_clean(tmp_path: Path):
    server = require_postgres()
    name = f"kjk_serve_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(_create_pg_database(server, name))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KJK_")}
        env.update(
            KJK_DATABASE_URL=_with_database(server, name),
            KJK_VAR_DIR=str(tmp_path),
            KJK_SECRET_KEY=secrets.token_hex(20),
            PYTHONUNBUFFERED="1",
        )
        demo = subprocess.run([str(KJK), "demo"], env=env, capture_output=True, text=True, timeout=180)
        assert demo.returncode == 0, demo.stdout + demo.stderr

        log_path = tmp_path / "server.log"
        proc, port = _start(env, log_path, "--workers", "2", processes=2)
        try:
            workers = _server_processes(proc.pid)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                ready = [client.get("/readyz") for _ in range(20)]
                secrets_used, paths = _drive(client)
                zipped = _zip_through_pages(client)
            assert _server_processes(proc.pid) == workers  # none died on the way
        finally:
            _stop(proc)
    finally:
        asyncio.run(_drop_pg_database(server, name))
    text = log_path.read_text(encoding="utf-8", errors="replace")

    assert "med 2 prosesser" in text
    assert len(workers) == 2, text
    # Each process started the app itself; the migrations ran once, before them.
    started = {int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", text)}
    assert started == workers, text
    assert all(r.status_code == 200 and r.json()["status"] == "ready" for r in ready)
    assert zipped.startswith(b"PK")
    _check_log(text, secrets_used, paths)


def _zip_through_pages(client: httpx.Client) -> bytes:
    """A cohort's ZIP from its page: the job runs in the process that took the POST, its
    progress is asked for from whichever process takes each request, and so is the file."""
    form = {"email": LEADER, "password": DEMO_PASSWORD, "next": "/"}
    login = client.post("/login", data={**form, "_csrf_token": csrf_from(client.get("/login").text)})
    assert login.status_code in (302, 303), login.text
    token = client.post("/api/v1/auth/token", json={"email": LEADER, "password": DEMO_PASSWORD}).json()["token"]
    cohorts = client.get("/api/v1/cohorts", headers={"Authorization": f"Bearer {token}"}).json()
    cohort = next(c["id"] for c in cohorts if c["status"] == "running")
    page = client.get(f"/cohorts/{cohort}")
    started = client.post(f"/cohorts/{cohort}/documents/zip", data={"_csrf_token": csrf_from(page.text)})
    assert started.status_code == 303, started.text
    progress = started.headers["location"]
    deadline = time.monotonic() + 180
    while 'hx-trigger="every' in (status := client.get(progress)).text:
        assert status.status_code == 200 and time.monotonic() < deadline
        time.sleep(0.5)
    download = client.get(f"{progress}/download")
    assert download.status_code == 200, status.text
    assert client.get(f"{progress}/download").status_code == 404  # once
    client.cookies.clear()
    return download.content


# What each server process runs to make its app, then every handler of the loggers that
# reach the log, with its filters.
HANDLERS = """
import logging
from course.app import from_environment
app = from_environment()
for name in ("", "litestar", "course", "uvicorn", "uvicorn.error", "uvicorn.access"):
    logger = logging.getLogger(name)
    while logger is not None:
        for handler in logger.handlers:
            print(name or "root", type(handler).__name__, *sorted(type(f).__name__ for f in handler.filters))
        logger = logger.parent if logger.propagate else None
"""


def test_each_server_process_makes_its_app_with_the_filtered_log(tmp_path: Path):
    """Litestar puts its own (unfiltered) handlers on the root and 'litestar' loggers when
    an app is made; the factory every server process calls puts the filtered ones back."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KJK_")}
    env.update(KJK_DATABASE_URL=f"sqlite:///{tmp_path / 'kjk.sqlite'}", KJK_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", HANDLERS], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert {line[0] for line in lines} == {"root", "litestar", "course", "uvicorn", "uvicorn.error", "uvicorn.access"}
    for line in lines:
        assert line[2:] in (["RedactFilter"], ["AccessLogFilter"]), line


def _last_segment(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def test_no_token_password_or_address_reaches_the_log(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KJK_")}
    env.update(
        KJK_DATABASE_URL=f"sqlite:///{tmp_path / 'kjk.sqlite'}",
        KJK_VAR_DIR=str(tmp_path),
        KJK_SECRET_KEY=secrets.token_hex(20),
        PYTHONUNBUFFERED="1",
    )
    demo = subprocess.run([str(KJK), "demo"], env=env, capture_output=True, text=True, timeout=120)
    assert demo.returncode == 0, demo.stdout + demo.stderr

    log_path = tmp_path / "server.log"
    proc, port = _start(env, log_path)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            secrets_used, paths = _drive(client)
    finally:
        _stop(proc)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    assert "med 1 prosess" in text
    _check_log(text, secrets_used, paths)


def _drive(client: httpx.Client) -> tuple[list[str], list[str]]:
    """Request every token route with a real token; answers the secrets used and the
    request lines the log should show instead."""
    login = client.post("/api/v1/auth/token", json={"email": LEADER, "password": DEMO_PASSWORD})
    assert login.status_code == 201, login.text
    bearer = login.json()["token"]
    auth = {"Authorization": f"Bearer {bearer}"}

    cohorts = client.get("/api/v1/cohorts", headers=auth).json()
    running = [c["id"] for c in cohorts if c["status"] == "running"]
    cohort = (running or [c["id"] for c in cohorts])[0]
    people = [e["participant"] for e in client.get(f"/api/v1/cohorts/{cohort}/enrolments", headers=auth).json()]
    person = (people or client.get("/api/v1/participants", headers=auth).json())[0]

    link = client.post(f"/api/v1/participants/{person['id']}/link", headers=auth)
    assert link.status_code == 201, link.text
    own = _last_segment(link.json()["url"])
    feed = client.post("/api/v1/me/calendar-feed", headers=auth)
    assert feed.status_code == 201, feed.text
    calendar = _last_segment(feed.json()["url"]).removesuffix(".ics")
    opened = client.post(f"/api/v1/cohorts/{cohort}/evaluation", headers=auth) if running else None
    if opened is not None and opened.status_code == 200 and opened.json().get("links"):
        evaluation = _last_segment(opened.json()["links"][0]["url"])
    else:
        # No running demo cohort, or opening failed: a well-formed random token (43
        # characters, like the real ones) still exercises the evaluation routes.
        evaluation = secrets.token_urlsafe(32)

    # A query string may carry a secret or a name too; it never reaches the log either.
    query = f"?via={own}&q={quote(person['name'])}"
    requests = [
        ("GET", f"/p/{own}", "/p/…"),
        ("GET", f"/p/{own}/calendar.ics", "/p/…/calendar.ics"),
        ("GET", f"/p/{own}/evaluation/{cohort}", f"/p/…/evaluation/{cohort}"),
        ("GET", f"/e/{evaluation}", "/e/…"),
        ("POST", f"/api/v1/evaluations/{evaluation}", "/api/v1/evaluations/…"),
        ("GET", f"/calendar/{calendar}.ics", "/calendar/…"),
    ]
    for method, path, _ in requests:
        for target in (path, path + query):
            body = {"scores": {"benefit": 7}} if method == "POST" else None
            response = client.request(method, target, json=body)
            assert response.status_code < 500, (target, response.text)
    return [own, calendar, evaluation, bearer, person["name"], quote(person["name"])], [
        f"{method} {logged}" for method, _, logged in requests
    ]
