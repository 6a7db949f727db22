"""Browser tests: the real server in a subprocess, driven by headless Chromium.

One server per database engine (SQLite always, PostgreSQL when
KJK_TEST_POSTGRES_URL is set), one Chromium for the whole session and a fresh
browser context for every test. Pages are checked with axe-core, served to the
page from the test process on a same-origin URL so the page's CSP stays as it is.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.cheap_hashing import COURSE_COMMAND

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE / "artifacts"
AXE_PATH = "/__axe__/axe.min.js"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"moderate", "serious", "critical"}
# axe-core as configured, except that large text too needs a contrast of 4.5:1 (WCAG asks
# 3:1 of it; we ask 4.5:1 of all text). A check's options replace its defaults wholesale,
# so the defaults are copied and only the large-text ratio changed.
AXE_RUN = """options => {
  const contrast = axe._audit.checks["color-contrast"].options;
  const ratios = {...contrast.contrastRatio, large: {...contrast.contrastRatio.large, expected: 4.5}};
  const checks = {"color-contrast": {options: {...contrast, contrastRatio: ratios}}};
  return axe.run(document, {...options, checks});
}"""
CSP_MESSAGE = re.compile(r"Content Security Policy|Refused to", re.IGNORECASE)

PHONE = {"width": 390, "height": 844}
# WCAG 1.4.10 (reflow): content fits 320 CSS pixels without scrolling sideways.
NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}

SERVER_START_TIMEOUT_S = 30.0
# `python -m course`, with the tests' cheap password hashing: a login costs no
# ~200 ms argon2 hash (nor does each demo user); nothing else differs.
COURSE = [sys.executable, "-c", COURSE_COMMAND]

POSTGRES_URL = os.environ.get("KJK_TEST_POSTGRES_URL")
REQUIRE_BROWSER = os.environ.get("KJK_REQUIRE_BROWSER") == "1"
ENGINES = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def _unavailable(reason: str):
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (KJK_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


# --- the server -------------------------------------------------------------


@dataclass
class Server:
    engine: str
    base_url: str
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_database_url(name: str) -> str:
    return urlsplit(POSTGRES_URL)._replace(path="/" + name).geturl()


def _postgres(statements: list[str]) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(POSTGRES_URL, timeout=10)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    # Playwright's sync API marks its event loop as running in this thread while
    # it is started, so asyncio.run() only works in a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result(timeout=60)


def _create_postgres_database(name: str) -> None:
    _postgres([f'CREATE DATABASE "{name}"'])


def _drop_postgres_database(name: str) -> None:
    _postgres(
        [
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
            f'DROP DATABASE IF EXISTS "{name}"',
        ]
    )


class _ServerFailed(Exception):
    pass


class _Launch:
    """One engine's server, from an empty database to answering; ``cleanup`` stops
    it and drops its database, whatever stage it reached."""

    def __init__(self, engine: str, var_dir: Path) -> None:
        self.engine, self.var_dir = engine, var_dir
        self.proc: subprocess.Popen | None = None
        self.database: str | None = None

    def run(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KJK_")}
        env.update(
            KJK_VAR_DIR=str(self.var_dir),
            KJK_SECRET_KEY=secrets.token_hex(20),  # 40 characters
            KJK_DATABASE_URL=f"sqlite:///{self.var_dir / 'kjk.sqlite'}",
            PYTHONUNBUFFERED="1",
        )
        if self.engine == "postgres":
            self.database = f"kjk_browser_{secrets.token_hex(6)}"
            _create_postgres_database(self.database)
            env["KJK_DATABASE_URL"] = _postgres_database_url(self.database)
        demo = subprocess.run([*COURSE, "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        if demo.returncode != 0:
            raise _ServerFailed(f"`course demo` failed ({demo.returncode}):\n{demo.stdout}\n{demo.stderr}")
        # The port is free when probed, but another process may take it before the
        # server binds: a server that exits is started again on another port.
        log_path = self.var_dir / "server.log"
        for _ in range(3):
            port = _free_port()
            srv = Server(engine=self.engine, base_url=f"http://127.0.0.1:{port}", log_path=log_path)
            with log_path.open("w") as log:  # the child keeps its own handle
                self.proc = subprocess.Popen(
                    [*COURSE, "serve", "--host", "127.0.0.1", "--port", str(port)],
                    cwd=ROOT,
                    env={**env, "KJK_BASE_URL": srv.base_url},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            # Uvicorn says so once it has bound the port: ours, not another's answering.
            ready = f"Uvicorn running on {srv.base_url}"
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S
            while self.proc.poll() is None and time.monotonic() < deadline:
                if ready in log_path.read_text(errors="replace"):
                    return srv
                time.sleep(0.05)
            if self.proc.poll() is None:
                raise _ServerFailed(f"the server did not start in {SERVER_START_TIMEOUT_S:.0f} s:\n{srv.log_tail()}")
        raise _ServerFailed(f"the server exited with {self.proc.returncode}:\n{srv.log_tail()}")

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.database:
            _drop_postgres_database(self.database)


@pytest.fixture(scope="session")
def _servers(request, tmp_path_factory):
    """Every engine's server the selected tests use, started at once in threads of
    their own: loading the demo data takes 10–30 s, and the PostgreSQL one gets
    ready while the SQLite tests run."""
    engines = {
        item.callspec.params["server"]
        for item in request.session.items
        if "server" in getattr(getattr(item, "callspec", None), "params", {})
    }
    launches = [_Launch(e, tmp_path_factory.mktemp(f"kjk-{e}")) for e in ENGINES if e in engines]
    pool = ThreadPoolExecutor(max_workers=max(1, len(launches)))
    futures = {launch.engine: pool.submit(launch.run) for launch in launches}
    yield futures
    for future in futures.values():
        future.cancel()
    pool.shutdown(wait=True)
    for launch in launches:
        launch.cleanup()


@pytest.fixture(scope="session", params=ENGINES)
def server(request, _servers) -> Server:
    try:
        return _servers[request.param].result(timeout=180)
    except _ServerFailed as exc:
        pytest.fail(str(exc), pytrace=False)


# --- the browser ------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        _unavailable(f"axe-core is missing at {AXE_JS} (npm install --prefix tests/browser)")
    return AXE_JS.read_text(encoding="utf-8")


# One Chromium for the session (~0.7 s a start). While Playwright's sync API is
# started the main thread counts as running an event loop, which would break async
# tests after it: tests/conftest.py orders the browser tests last.
@pytest.fixture(scope="session")
def browser(axe_source):
    if not CHROMIUM.exists():
        _unavailable(f"Chromium is missing at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Browse:
    """A fresh browser context on one server, with its console collected."""

    server: Server
    context: object
    axe_source: str
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def new_page(self):
        page = self.context.new_page()
        page.on("console", lambda msg: self.console.append(f"[{msg.type}] {msg.text} ({page.url})"))
        page.on("pageerror", lambda exc: self.page_errors.append(f"{exc} ({page.url})"))
        return page

    def csp_violations(self) -> list[str]:
        return [m for m in self.console if CSP_MESSAGE.search(m)]

    def assert_clean_console(self) -> None:
        problems = self.csp_violations() + self.page_errors
        assert not problems, "CSP violations or script errors:\n" + "\n".join(problems)

    def axe_failures(self, page) -> list[str]:
        """Run axe-core on the page as it is now: one line for each violation of a
        FAILING_IMPACTS impact (the minor ones are printed). The script is added
        once per document, so a second run after resizing costs only the run."""
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=self.base_url + AXE_PATH)
        result = page.evaluate(AXE_RUN, {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
        failing = []
        for violation in result["violations"]:
            targets = [json.dumps(node["target"], ensure_ascii=False) + _contrast(node) for node in violation["nodes"]]
            line = f"{violation['id']} ({violation.get('impact')}): {violation['help']} – {', '.join(targets)}"
            if violation.get("impact") in FAILING_IMPACTS:
                failing.append(line)
            else:
                print(f"axe (not failing) on {page.url}: {line}")
        return failing

    def check_accessibility(self, page) -> None:
        """Run axe-core on the page; fail on moderate, serious or critical violations."""
        failing = self.axe_failures(page)
        assert not failing, f"axe violations on {page.url}:\n" + "\n".join(failing)
        self.assert_clean_console()


def _contrast(node: dict) -> str:
    """For a contrast finding: the colours and the ratio, " (#767676 on #f2f3f5: 4.1:1)"."""
    for check in node.get("any", []):
        data = check.get("data") or {}
        if isinstance(data, dict) and data.get("contrastRatio"):
            return f" ({data.get('fgColor')} on {data.get('bgColor')}: {data['contrastRatio']}:1)"
    return ""


def new_browse(browser, server: Server, axe_source: str, **context_options) -> Browse:
    context = browser.new_context(base_url=server.base_url, locale="nb-NO", **context_options)
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)

    def serve_axe(route) -> None:
        route.fulfill(status=200, content_type="application/javascript", body=axe_source)

    # Same origin as the page, so script-src 'self' allows it: the CSP stays untouched.
    context.route(server.base_url + AXE_PATH, serve_axe)
    return Browse(server=server, context=context, axe_source=axe_source)


@pytest.fixture
def browse(browser, server, axe_source):
    """A fresh desktop-sized browser context; fails on CSP violations at the end."""
    b = new_browse(browser, server, axe_source, viewport=DESKTOP)
    yield b
    b.context.close()
    b.assert_clean_console()


@pytest.fixture
def phone(browser, server, axe_source):
    """A fresh phone-sized (390×844) browser context."""
    b = new_browse(browser, server, axe_source, viewport=PHONE, is_mobile=True, has_touch=True)
    yield b
    b.context.close()
    b.assert_clean_console()


@pytest.fixture
def narrow(browser, server, axe_source):
    """A fresh 320 px wide phone context (320×640): the width WCAG's reflow asks for."""
    b = new_browse(browser, server, axe_source, viewport=NARROW, is_mobile=True, has_touch=True)
    yield b
    b.context.close()
    b.assert_clean_console()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
