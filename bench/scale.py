"""Times the pages staff use every day against a bare page, on one office's history of
1, 10 and 50 years and on the national database, on SQLite and PostgreSQL, and shows
how each grows with the years behind it.

Databases are made by bench/national.py (NAV Drammen with its history; "national" is
Drammen's ten years and 249 offices more with ten years each: about 3,000 cohorts,
35,000 participants and 230,000 attendance marks a year, 7.5 million rows) and cached
under the temp folder (PostgreSQL: as template databases on the server), keyed by what
they hold, so a second run only copies them. Each run works on a fresh copy. The real
server (uvicorn, the app as ``kjk serve`` makes it) runs with its clock set to
2027-09-15, the day the data is made around; one loopback client, requests interleaved
so a noisy moment hits every case alike:
  bare page            GET /bench/bare: the app's stack and one trivial query (SELECT 1),
                       a route the bench adds to the app (the baseline)
  health, ready        GET /healthz (no query) and GET /readyz, for reference
  start page           GET / as a leader of the running cohort
  cohort page          GET /cohorts/{id}, the running cohort, as its leader
  participants         GET /participants as the leader, and as the administrator
  api cohorts          GET /api/v1/cohorts as the leader, and as the administrator
  evaluation report    GET /api/v1/reports/evaluations as the office's manager, and as
                       the administrator (every office)
  evaluation answer    POST /e/{token}: an answer through a link to the open evaluation
  attendance mark      PUT /api/v1/cohorts/{id}/sessions/1/attendance/{participant}
For the answers, the copy gets links of its own on the open evaluation (each link
answers once), with room for as many answers. The server counts the queries each
request makes before its response starts (``x-bench-queries``) and logs those that take
100 ms or more (the statement, not its values); a case stops after --budget seconds of
requests once it has five samples.

Prints, per engine, each page's median, its ratio to the bare page (goal: at most 5×)
and its growth from 1 to 50 years (goal: at most 1.5×: the ratio at 50 years over the
ratio at 1 year), with queries per request, as text and as a Markdown table, then the
slowest queries. A page that fails is shown as an error, with the traceback from the
server's log. The server runs the working tree as it is when each history starts.

Usage: python bench/scale.py [--quick] [--rounds N] [--engine sqlite|postgresql]
       [--history 1y|10y|50y|national ...] [--keep-all] [--rebuild] [--clean]
PostgreSQL is used when KJK_BENCH_POSTGRES_URL (or KJK_TEST_POSTGRES_URL) names a
server to make databases on. --quick: 1 and 10 years only. --clean drops the cache.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.login import PASSWORD, free_port
from bench.national import OSLO, TODAY, Landmarks, Plan

ROOT = Path(__file__).resolve().parent.parent

CACHE = Path(tempfile.gettempdir()) / "kjk-scale"
# The server's secret for the cached databases: open evaluations' answers are kept
# encrypted under a key derived from it.
SECRET = "kjk-scale-bench-secret-not-used-anywhere-else-0123456789"
HISTORIES = {
    "1y": Plan(years=1),
    "10y": Plan(years=10),
    "50y": Plan(years=50),
    "national": Plan(years=10, national=True),
}
GOAL_RATIO, GOAL_GROWTH = 5.0, 1.5
QUERIES = "x-bench-queries"
BARE = "bare page"
SLOW, SLOW_MARK = 0.1, "slow query"


# --- the server ---------------------------------------------------------------------------------


def serve(port: int) -> None:
    """``kjk serve`` with the clock set to the data's day, and every request's queries
    counted (the count goes back in a response header)."""
    import contextvars
    from datetime import datetime
    from datetime import time as clock_time

    import uvicorn
    from litestar import get
    from piccolo.engine.postgres import PostgresEngine
    from piccolo.engine.sqlite import SQLiteEngine

    from course import clock
    from course.accounts.tables import Office
    from course.app import create_app
    from course.cli import _noop, _with_database
    from course.settings import get_settings
    from course.web.access_log import log_config

    counter: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("queries", default=None)
    for engine in (PostgresEngine, SQLiteEngine):
        original = engine.run_querystring

        async def counted(self, querystring, *args, _original=original, **kwargs):
            box = counter.get()
            if box is not None:
                box[0] += 1
            start = time.perf_counter()
            try:
                return await _original(self, querystring, *args, **kwargs)
            finally:
                took = time.perf_counter() - start
                if took >= SLOW:  # the statement only, never its values
                    sql = " ".join(querystring.compile_string(engine_type=self.engine_type)[0].split())
                    print(f"{SLOW_MARK} {took * 1000:.0f} ms: {sql[:600]}", file=sys.stderr, flush=True)

        engine.run_querystring = counted  # type: ignore[method-assign]

    def counting(app):
        async def wrapped(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            box = [0]
            token = counter.set(box)

            async def sending(message):
                if message["type"] == "http.response.start":
                    headers = [*message.get("headers", []), (QUERIES.encode(), str(box[0]).encode())]
                    message = {**message, "headers": headers}
                await send(message)

            try:
                await app(scope, receive, sending)
            finally:
                counter.reset(token)

        return wrapped

    with clock.starting(datetime.combine(TODAY, clock_time(12), OSLO)):
        settings = get_settings()
        asyncio.run(_with_database(settings, _noop))
        app = create_app(settings)

        @get("/bench/bare", include_in_schema=False, cache=False)
        async def bare() -> dict[str, str]:
            """The baseline: the app's whole stack and one trivial query."""
            await Office.raw("SELECT 1")
            return {"status": "ok"}

        app.register(bare)
        uvicorn.run(
            counting(app), host="127.0.0.1", port=port, proxy_headers=True, log_level="info", log_config=log_config()
        )


@contextlib.contextmanager
def serving(url: str, folder: Path):
    """The server on a free port for the database at ``url``; yields its base URL."""
    port = free_port()
    env = {**os.environ, "KJK_DATABASE_URL": url, "KJK_VAR_DIR": str(folder), "KJK_SECRET_KEY": SECRET}
    log = open(folder / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            if server.poll() is not None:
                raise RuntimeError(f"the server stopped: see {folder / 'server.log'}")
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


# --- databases: built once, copied for each run -------------------------------------------------


def fingerprint() -> str:
    """What a cached database depends on: the generator's code (not its comments or
    docstrings) and the migrations."""
    tree = ast.parse((ROOT / "bench" / "national.py").read_text())
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                body[0] = ast.Pass()
    digest = hashlib.sha256(ast.dump(tree).encode())
    for path in sorted((ROOT / "migrations").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


@dataclass
class Built:
    landmarks: Landmarks
    counts: dict[str, int]
    seconds: float
    cached: bool = False


def _marker(engine: str, plan: Plan, server: str = "") -> Path:
    tag = hashlib.sha256(server.encode()).hexdigest()[:6] if server else ""
    return CACHE / f"{engine}-{plan.key()}-{fingerprint()}{'-' + tag if tag else ''}.json"


def _read_marker(path: Path) -> Built | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return Built(Landmarks(**data["landmarks"]), data["counts"], data["seconds"], cached=True)


def _write_marker(path: Path, built: Built) -> None:
    path.write_text(
        json.dumps({"landmarks": asdict(built.landmarks), "counts": built.counts, "seconds": built.seconds})
    )


def _pg_url(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


async def _pg(server: str, *statements: str) -> list:
    import asyncpg

    connection = await asyncpg.connect(server)
    try:
        return [await connection.fetch(s) for s in statements]
    finally:
        await connection.close()


def build_sqlite(plan: Plan, rebuild: bool) -> tuple[Path, Built]:
    from bench.national import build

    marker = _marker("sqlite", plan)
    path = marker.with_suffix(".sqlite")
    built = _read_marker(marker)
    if built and path.exists() and not rebuild:
        return path, built
    same_plan = re.compile(rf"sqlite-{re.escape(plan.key())}-[0-9a-f]{{10}}\.")
    for stale in CACHE.iterdir():  # made by an older generator or older migrations
        if same_plan.match(stale.name):
            stale.unlink()
    partial = path.with_suffix(".partial.sqlite")
    for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        stale.unlink(missing_ok=True)
    landmarks, counts, seconds = asyncio.run(build(f"sqlite:///{partial}", plan, SECRET))
    os.replace(partial, path)
    built = Built(landmarks, counts, seconds)
    _write_marker(marker, built)
    return path, built


def build_postgres(server: str, plan: Plan, rebuild: bool) -> tuple[str, Built]:
    """A template database on the server, named by what it holds."""
    from bench.national import build

    marker = _marker("postgresql", plan, server)
    name = f"kjk_scale_{marker.stem.split('-', 1)[1].replace('-', '_')}"[:63]
    exists = asyncio.run(_pg(server, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))[0]
    built = _read_marker(marker)
    if built and exists and not rebuild:
        return name, built
    partial = f"{name[:55]}_partial"
    # Those made by an older generator or older migrations, on this server.
    tag = marker.stem.rsplit("-", 1)[1]
    same_plan = re.compile(rf"kjk_scale_{re.escape(plan.key().replace('-', '_'))}_[0-9a-f]{{10}}_{tag}$")
    rows = asyncio.run(_pg(server, "SELECT datname FROM pg_database"))[0]
    stale = [r["datname"] for r in rows if same_plan.match(r["datname"])]
    same_marker = re.compile(rf"postgresql-{re.escape(plan.key())}-[0-9a-f]{{10}}-{tag}\.json")
    for old in CACHE.iterdir():
        if same_marker.match(old.name):
            old.unlink()
    asyncio.run(
        _pg(
            server,
            *[f'DROP DATABASE IF EXISTS "{d}" WITH (FORCE)' for d in stale],
            f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)',
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{partial}"',
        )
    )
    landmarks, counts, seconds = asyncio.run(build(_pg_url(server, partial), plan, SECRET))
    asyncio.run(_pg(server, f'ALTER DATABASE "{partial}" RENAME TO "{name}"'))
    built = Built(landmarks, counts, seconds)
    _write_marker(marker, built)
    return name, built


@contextlib.contextmanager
def fresh_copy(engine: str, plan: Plan, rebuild: bool, server: str | None):
    """A copy of the cached database (built first if need be), dropped afterwards;
    yields its URL, what was built, and a folder for the server's files."""
    with tempfile.TemporaryDirectory(prefix="kjk-scale-run-") as tmp:
        if engine == "SQLite":
            path, built = build_sqlite(plan, rebuild)
            copy = Path(tmp) / "run.sqlite"
            shutil.copyfile(path, copy)
            yield f"sqlite:///{copy}", built, Path(tmp)
            return
        assert server
        template, built = build_postgres(server, plan, rebuild)
        run = f"kjk_scale_run_{uuid.uuid4().hex[:8]}"
        asyncio.run(_pg(server, f'CREATE DATABASE "{run}" TEMPLATE "{template}"'))
        try:
            yield _pg_url(server, run), built, Path(tmp)
        finally:
            asyncio.run(_pg(server, f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)'))


async def links_for_answers(url: str, evaluation_id: int, count: int) -> list[str]:
    """Links of the copy's own on the open evaluation, with room for their answers."""
    from course import db
    from course.evaluations.tables import Evaluation, EvaluationTicket
    from course.tokens import digest

    engine = db.engine_from_url(url)
    db.use_engine(engine)
    tokens = [secrets.token_urlsafe(32) for _ in range(count)]
    await EvaluationTicket.insert(
        *[EvaluationTicket(id=uuid.uuid4(), evaluation=evaluation_id, token_hash=digest(t), used=False) for t in tokens]
    )
    await Evaluation.update({Evaluation.invited: Evaluation.invited + count}).where(Evaluation.id == evaluation_id)
    await db.close_pool(engine)
    return tokens


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Result:
    samples: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples and not self.error else None

    @property
    def query_count(self) -> int | None:
        return round(statistics.median(self.queries)) if self.queries else None


CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    if found is None:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1)


async def web_login(client: httpx.AsyncClient, email: str) -> None:
    page = await client.get("/login")
    token = csrf_of(page.text)
    answer = await client.post("/login", data={"email": email, "password": PASSWORD, "_csrf_token": token})
    assert answer.status_code == 302, (email, answer.status_code)


async def api_token(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    answer = await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 201, (email, answer.status_code, answer.text[:200])
    return {"Authorization": f"Bearer {answer.json()['token']}"}


async def measure(base: str, marks: Landmarks, tokens: list[str], rounds: int, warmup: int, budget: float):
    timeout = httpx.Timeout(600.0)
    async with (
        httpx.AsyncClient(base_url=base, timeout=timeout) as api,
        httpx.AsyncClient(base_url=base, timeout=timeout) as leader_web,
        httpx.AsyncClient(base_url=base, timeout=timeout) as admin_web,
        httpx.AsyncClient(base_url=base, timeout=timeout) as young,
    ):
        leader_email = marks.running_leaders[0]
        await web_login(leader_web, leader_email)
        await web_login(admin_web, marks.admin)
        leader = await api_token(api, leader_email)
        manager = await api_token(api, marks.manager)
        admin = await api_token(api, marks.admin)
        form = await young.get(f"/e/{tokens[0]}")
        csrf = csrf_of(form.text) if form.status_code == 200 else ""
        links = iter(tokens)
        scores = {"benefit": "9", "next_step": "8", "atmosphere": "10", "leaders": "10", "participation": "8"}
        marks_given = iter(["present", "absent"] * (rounds + warmup + 5))
        mark_path = f"/api/v1/cohorts/{marks.running_cohort}/sessions/1/attendance/{marks.running_participant}"
        cases = {
            BARE: lambda: api.get("/bench/bare"),
            "health (/healthz)": lambda: api.get("/healthz"),
            "ready (/readyz)": lambda: api.get("/readyz"),
            "start page (leader)": lambda: leader_web.get("/"),
            "cohort page (leader)": lambda: leader_web.get(f"/cohorts/{marks.running_cohort}"),
            "participants (leader)": lambda: leader_web.get("/participants"),
            "participants (admin)": lambda: admin_web.get("/participants"),
            "api cohorts (leader)": lambda: api.get("/api/v1/cohorts", headers=leader),
            "api cohorts (admin)": lambda: api.get("/api/v1/cohorts", headers=admin),
            "evaluation report (manager)": lambda: api.get("/api/v1/reports/evaluations", headers=manager),
            "evaluation report (admin)": lambda: api.get("/api/v1/reports/evaluations", headers=admin),
            "evaluation answer (POST /e/…)": lambda: young.post(
                f"/e/{next(links)}", data={**scores, "_csrf_token": csrf}
            ),
            "attendance mark (PUT)": lambda: api.put(mark_path, json={"status": next(marks_given)}, headers=leader),
        }
        results = {name: Result() for name in cases}
        spent = dict.fromkeys(cases, 0.0)
        for round_ in range(warmup + rounds):
            for name, request in cases.items():
                result = results[name]
                if result.error or (spent[name] > budget and len(result.samples) >= 5):
                    continue
                start = time.perf_counter()
                response = await request()
                elapsed = time.perf_counter() - start
                if response.status_code != 200:
                    result.error = f"HTTP {response.status_code}"
                    result.samples.clear()
                    continue
                if round_ >= warmup:
                    result.samples.append(elapsed)
                    spent[name] += elapsed
                    if QUERIES in response.headers:
                        result.queries.append(int(response.headers[QUERIES]))
    return results


def slow_queries(log: Path, top: int = 4) -> list[str]:
    """The statements that took 100 ms or more, the slowest first: how often, the longest."""
    found: dict[str, list[float]] = {}
    text = log.read_text(errors="replace") if log.exists() else ""
    for match in re.finditer(rf"^{SLOW_MARK} (\d+) ms: (.*)$", text, re.MULTILINE):
        found.setdefault(match.group(2), []).append(float(match.group(1)))
    ranked = sorted(found.items(), key=lambda item: -max(item[1]))[:top]
    return [f"{len(times)}× up to {max(times):.0f} ms: {sql[:300]}" for sql, times in ranked]


def tracebacks(log: Path) -> list[str]:
    """The server's logged errors, each with its traceback."""
    text = log.read_text(errors="replace") if log.exists() else ""
    found: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if "unhandled error" in line or line.startswith("Traceback"):
            if current:
                found.append("\n".join(current))
            current = [line]
        elif current and (line.startswith((" ", "\t")) or not re.match(r"^(INFO|WARNING|DEBUG)\b", line)):
            current.append(line)
        elif current:
            found.append("\n".join(current))
            current = []
    if current:
        found.append("\n".join(current))
    return found


# --- reporting -------------------------------------------------------------------------------


def cell(result: Result | None, bare: float | None) -> str:
    if result is None or (result.median is None and not result.error):
        return "–"
    if result.error or result.median is None:
        return f"ERROR {result.error}"
    ms = result.median * 1000
    ratio = result.median / bare if bare else float("nan")
    flag = "!" if ratio > GOAL_RATIO else ""
    q = f" q{result.query_count}" if result.query_count is not None else ""
    return f"{ms:7.1f} ms {ratio:5.1f}×{flag}{q}"


def span(results: dict[str, dict[str, Result]]) -> tuple[str, str] | None:
    """The histories growth is measured between: 1 and 50 years, or 1 and 10 (--quick)."""
    last = "50y" if "50y" in results else "10y" if "10y" in results else None
    return ("1y", last) if "1y" in results and last else None


def growth(results: dict[str, dict[str, Result]], name: str) -> str:
    """How much a page grows with the years behind it: its ratio to the bare page at
    the longest history over that at one year (ratios, so that how busy the machine
    was during each history's run counts for less)."""
    between = span(results)
    if not between:
        return "–"
    first, last = (results[h][name] for h in between)
    bare_first, bare_last = (results[h][BARE].median for h in between)
    if first.median is None or last.median is None or not bare_first or not bare_last:
        return "–"
    ratio = (last.median / bare_last) / (first.median / bare_first)
    return f"{ratio:.2f}×{'!' if ratio > GOAL_GROWTH else ''}"


def growth_label(results: dict[str, dict[str, Result]]) -> str:
    between = span(results)
    return f"growth {between[0]}→{between[1]}" if between else "growth"


def report(engine: str, results: dict[str, dict[str, Result]], builds: dict[str, Built]) -> str:
    histories = list(results)
    names = list(next(iter(results.values())))
    lines = [
        f"\n{engine}: median, × bare page (goal ≤{GOAL_RATIO:g}×, ! over), queries per request (q); "
        f"{growth_label(results)} (goal ≤{GOAL_GROWTH:g}×)",
        f"{'page':32}" + "".join(f"{h:>28}" for h in histories) + f"{growth_label(results):>18}",
    ]
    for name in names:
        row = f"{name:32}"
        for h in histories:
            bare = results[h][BARE].median
            row += f"{cell(results[h].get(name), bare):>28}"
        lines.append(row + f"{growth(results, name):>18}")
    sizes = []
    for h in histories:
        b = builds[h]
        how = "cached" if b.cached else "built now"
        sizes.append(
            f"  {h}: {b.counts.get('participant', 0):,} participants, {b.counts.get('cohort', 0):,} cohorts, "
            f"{b.counts.get('attendance', 0):,} attendance marks, {b.counts.get('evaluation_response', 0):,} "
            f"answers; {sum(b.counts.values()):,} rows, build {b.seconds:.0f} s ({how})"
        )
    return "\n".join(lines + sizes)


def markdown(all_results: dict[str, dict[str, dict[str, Result]]]) -> str:
    out = []
    for engine, results in all_results.items():
        histories = list(results)
        names = list(next(iter(results.values())))
        out.append(f"\n{engine} (× bare page, queries a request; goal ≤{GOAL_RATIO:g}×, growth ≤{GOAL_GROWTH:g}×)\n")
        out.append("| page | " + " | ".join(histories) + f" | {growth_label(results)} |")
        out.append("|---|" + "---:|" * (len(histories) + 1))
        for name in names:
            cells = []
            for h in histories:
                r = results[h][name]
                bare = results[h][BARE].median
                if r.error:
                    cells.append(f"error ({r.error})")
                elif r.median is None or not bare:
                    cells.append("–")
                elif name == BARE:
                    cells.append(f"{r.median * 1000:.1f} ms")
                else:
                    q = f" · {r.query_count} q" if r.query_count is not None else ""
                    cells.append(f"{r.median / bare:.1f}×{q}")
            out.append(f"| {name} | " + " | ".join(cells) + f" | {growth(results, name)} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="1 and 10 years only")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds of requests per case, at most")
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], help="one engine only")
    parser.add_argument("--history", action="append", choices=list(HISTORIES), help="these histories only")
    parser.add_argument("--keep-all", action="store_true", help="databases where nobody is erased")
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument("--clean", action="store_true", help="drop the cached databases and stop")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    server = os.environ.get("KJK_BENCH_POSTGRES_URL") or os.environ.get("KJK_TEST_POSTGRES_URL")
    if args.clean:
        clean(server)
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    chosen = args.history or (["1y", "10y"] if args.quick else list(HISTORIES))
    engines = [e for e in ("SQLite", "PostgreSQL") if not args.engine or e.lower() == args.engine]
    if not server and "PostgreSQL" in engines:
        print("PostgreSQL skipped: set KJK_BENCH_POSTGRES_URL to a server to make databases on", file=sys.stderr)
        engines.remove("PostgreSQL")
    all_results: dict[str, dict[str, dict[str, Result]]] = {}
    errors: list[str] = []
    notes: list[str] = []
    for engine in engines:
        results: dict[str, dict[str, Result]] = {}
        builds: dict[str, Built] = {}
        for history in chosen:
            plan = HISTORIES[history]
            if args.keep_all:
                plan = Plan(**{**asdict(plan), "keep_all": True})
            started = time.perf_counter()
            with fresh_copy(engine, plan, args.rebuild, server) as (url, built, folder):
                ready = time.perf_counter() - started
                tokens = asyncio.run(
                    links_for_answers(url, built.landmarks.open_evaluation, args.rounds + args.warmup + 5)
                )
                with serving(url, folder) as base:
                    results[history] = asyncio.run(
                        measure(base, built.landmarks, tokens, args.rounds, args.warmup, args.budget)
                    )
                slow = slow_queries(folder / "server.log")
                if slow:
                    notes.append(f"{engine}, {history}:\n  " + "\n  ".join(slow))
                failed = [name for name, r in results[history].items() if r.error]
                if failed:
                    logged = tracebacks(folder / "server.log")
                    errors.append(f"{engine}, {history}: {', '.join(failed)}\n" + "\n\n".join(logged[:3]))
            builds[history] = built
            how = "cached" if built.cached else f"built in {built.seconds:.0f} s"
            print(
                f"{engine} {history}: database {how}, ready in {ready:.0f} s, measured in "
                f"{time.perf_counter() - started - ready:.0f} s",
                file=sys.stderr,
            )
        all_results[engine] = results
        print(report(engine, results, builds), flush=True)
    print(markdown(all_results))
    if notes:
        print("\nSlow queries (100 ms or more, during the measurement and its warm-up):")
        print("\n".join(notes))
    for error in errors:
        print(f"\nErrors on {error}")


def clean(server: str | None) -> None:
    if server:
        rows = asyncio.run(_pg(server, "SELECT datname FROM pg_database WHERE datname LIKE 'kjk\\_scale\\_%'"))[0]
        for row in rows:
            asyncio.run(_pg(server, f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)'))
    shutil.rmtree(CACHE, ignore_errors=True)


if __name__ == "__main__":
    main()
