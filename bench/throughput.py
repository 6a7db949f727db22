"""Evaluation answers per second on PostgreSQL with several server processes.

NAV Drammen with ten years of history (bench/national.py, the scale bench's cached
database), served by uvicorn's own workers making the app from the environment, as
`kjk serve --workers N` does (here with the clock set to the data's day). wrk sends
the load from its own process: each request a new answer through its own link
(POST /api/v1/evaluations/{token}) to one of 100 open evaluations in turn, from 32
connections for 10 s. The baseline, in the
same run and interleaved: the bare page (one `SELECT 1` through the whole app) under
the same load. The goal: 500 answers a second with 2 processes on PostgreSQL.

    python bench/throughput.py [--workers 2] [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.login import free_port
from bench.national import TODAY, Plan
from bench.scale import SECRET, fresh_copy

GOAL = 500.0
SCORES = {"benefit": 8, "next_step": 7, "atmosphere": 9, "leaders": 10, "participation": 8}

# wrk: each request takes the next link from the file (a file without links: the bare
# page). wrk itself counts the answers that are not 2xx.
LUA = """
local made = 0
setup = function(thread)
  thread:set("id", made)
  made = made + 1
end
local tokens = {}
local n = 0
local step = 1
init = function(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  step = tonumber(args[2])
  n = id  -- each thread its own share of the links: none is sent twice
end
request = function()
  if #tokens == 0 then return wrk.format("GET", "/bench/bare") end
  n = n + step
  return wrk.format("POST", "/api/v1/evaluations/" .. tokens[(n % #tokens) + 1],
    {["Content-Type"] = "application/json"}, BODY)
end
"""


async def spread_links(url: str, office: int, evaluations: int, per_evaluation: int) -> list[str]:
    """Open evaluations on the office's latest cohorts, each with links of its own for
    ``per_evaluation`` more answers; the links in turn, one evaluation after another, so
    that answers at the same moment go to different cohorts, as they do across offices.
    (Answers to one cohort take its lock one at a time: its cap on answers holds.)"""
    import secrets
    import uuid
    from datetime import timedelta

    from course import clock, db
    from course.accounts.tables import StaffUser
    from course.cohorts.tables import Cohort
    from course.evaluations.tables import Evaluation, EvaluationTicket
    from course.tokens import digest

    engine = db.engine_from_url(url)
    db.use_engine(engine)
    await db.open_pool(engine)
    try:
        chosen = [
            r["id"]
            for r in await Cohort.select(Cohort.id)
            .where(Cohort.office == office)
            .order_by(Cohort.start_date, ascending=False)
            .limit(evaluations)
        ]
        have = {
            r["cohort"]: r["id"]
            for r in await Evaluation.select(Evaluation.id, Evaluation.cohort).where(Evaluation.cohort.is_in(chosen))
        }
        opener = (await StaffUser.select(StaffUser.id).where(StaffUser.office == office).first())["id"]
        closes = TODAY + timedelta(days=14)
        ids = []
        for cohort in chosen:
            if cohort in have:
                await Evaluation.update(
                    {
                        Evaluation.closes_on: closes,
                        Evaluation.closed_at: None,
                        Evaluation.invited: Evaluation.invited + per_evaluation,
                    }
                ).where(Evaluation.id == have[cohort])
                ids.append(have[cohort])
            else:
                row = Evaluation(
                    cohort=cohort, opened_at=clock.now(), opened_by=opener, closes_on=closes, invited=per_evaluation
                )
                ids.append((await Evaluation.insert(row).returning(Evaluation.id))[0]["id"])
        links = {i: [secrets.token_urlsafe(32) for _ in range(per_evaluation)] for i in ids}
        rows = [
            EvaluationTicket(id=uuid.uuid4(), evaluation=i, token_hash=digest(t), used=False)
            for i, tokens in links.items()
            for t in tokens
        ]
        for start in range(0, len(rows), 5000):  # 4 bind parameters a link: under PostgreSQL's limit
            await EvaluationTicket.insert(*rows[start : start + 5000])
        return [links[i][n] for n in range(per_evaluation) for i in ids]
    finally:
        await db.close_pool(engine)


def app():
    """The app as each worker makes it, with the clock at the data's day and a bare page."""
    from litestar import get

    from course import app as course_app
    from course import clock
    from course.accounts.tables import Office

    clock.starting(TODAY).__enter__()  # for the life of the process

    @get("/bench/bare", include_in_schema=False, cache=False)
    async def bare() -> dict[str, str]:
        await Office.raw("SELECT 1")
        return {"status": "ok"}

    made = course_app.from_environment()
    made.register(bare)
    return made


def serve(port: int, workers: int) -> None:
    import uvicorn

    from course.web.access_log import log_config

    uvicorn.run(
        "bench.throughput:app",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=workers,
        log_config=log_config(),
        access_log=False,
    )


def wrk(base: str, path_file: Path, script: Path, seconds: int, connections: int) -> tuple[float, int]:
    """Requests a second, and the answers that were not 2xx (wrk's own count)."""
    run = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "-s",
            str(script),
            base,
            "--",
            str(path_file),
            str(min(2, connections)),
        ],
        capture_output=True,
        text=True,
    )
    out = run.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, int(bad.group(1)) if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--evaluations", type=int, default=100, help="open evaluations the answers go to")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.workers)
        return
    server = os.environ.get("KJK_BENCH_POSTGRES_URL") or os.environ.get("KJK_TEST_POSTGRES_URL")
    if not server or not shutil.which("wrk"):
        sys.exit("throughput: needs PostgreSQL (KJK_TEST_POSTGRES_URL) and wrk (apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="kjk-throughput-") as tmp:
        folder = Path(tmp)
        with fresh_copy("PostgreSQL", Plan(years=10), False, server) as (url, built, _):
            # Enough links that none is answered twice: the goal's rate for every round, twice over.
            count = int(GOAL * 3 * args.seconds * args.rounds)
            per = -(-count // args.evaluations)
            tokens = asyncio.run(spread_links(url, built.landmarks.office, args.evaluations, per))
            token_file = folder / "tokens.txt"
            script = folder / "answers.lua"
            bare_script = folder / "bare.lua"
            # One file of links per round, so no link is sent twice.
            per_round = len(tokens) // args.rounds
            body = json.dumps({"scores": SCORES})
            script.write_text(LUA.replace("BODY", json.dumps(body)))
            bare_script.write_text(LUA.replace("BODY", '""'))
            empty = folder / "none.txt"
            empty.write_text("")
            port = free_port()
            env = {**os.environ, "KJK_DATABASE_URL": url, "KJK_VAR_DIR": tmp, "KJK_SECRET_KEY": SECRET}
            log = open(folder / "server.log", "w")
            proc = subprocess.Popen(
                [sys.executable, __file__, "--serve", str(port), "--workers", str(args.workers)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            base = f"http://127.0.0.1:{port}"
            try:
                for _ in range(600):
                    try:
                        if httpx.get(base + "/bench/bare", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        time.sleep(0.1)
                wrk(base, empty, bare_script, 2, args.connections)  # warm both processes
                probe = httpx.post(f"{base}/api/v1/evaluations/{tokens.pop()}", json={"scores": SCORES})
                if probe.status_code != 201:
                    sys.exit(f"throughput: an answer was refused: {probe.status_code} {probe.text[:300]}")
                answers, bares, errors = [], [], 0
                for n in range(args.rounds):
                    token_file.write_text("\n".join(tokens[n * per_round : (n + 1) * per_round]) + "\n")
                    rate, bad = wrk(base, token_file, script, args.seconds, args.connections)
                    answers.append(rate)
                    errors += bad
                    rate, bad = wrk(base, empty, bare_script, args.seconds, args.connections)
                    bares.append(rate)
                    errors += bad
            finally:
                proc.terminate()
                proc.wait(timeout=30)
                log.close()
    answer, bare = sorted(answers)[len(answers) // 2], sorted(bares)[len(bares) // 2]
    print(
        f"PostgreSQL, {args.workers} processes, {args.connections} connections, "
        + f"{args.rounds} rounds of {args.seconds} s"
    )
    print("| what | per second (median) | × bare page |")
    print("|---|---|---|")
    print(f"| bare page, one `SELECT 1` (baseline) | {bare:.0f} | 1.0 |")
    print(f"| evaluation answer, `POST /api/v1/evaluations/{{token}}` | {answer:.0f} | {answer / bare:.2f} |")
    print(f"goal: {GOAL:.0f} answers a second: {'met' if answer >= GOAL else 'NOT met'}; answers not 2xx: {errors}")


if __name__ == "__main__":
    main()
