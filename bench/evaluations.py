"""Times the evaluation report over ten years of data, against a bare baseline, in one run.

The real server on SQLite with the demo data plus 120 finished cohorts of 12 before
it (about ten years of an office's evaluations, ~1,400 answers), each evaluation
closed and written out as scores and comments, as seed_history leaves them. A report
counts whole closed cohorts with three answers or more; the demo's cohorts under way
are counted as left out. One loopback client, signed in with an API key as the admin:
  baseline   GET /static/css/app.css
  all        GET /api/v1/reports/evaluations (every cohort, split by cohort and quarter)
  office     the same for one office
  leader     one leader's cohorts
  quarter    one quarter
Each filtered report is also checked against the wider one: a sum of whole cohorts
of it, never one or two answers apart. Prints medians and ratios.
Usage: python bench/evaluations.py [rounds]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from datetime import timedelta

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.login import PASSWORD, demo_server
from course import clock

ADMIN = "siv.odegard@demo.kjk.no"
COHORTS, PER_COHORT = 120, 12


async def seed() -> None:
    from course import demo
    from course.cli import _with_database
    from course.settings import get_settings

    async def work():
        # Two leaders taking turns, seven weeks apart each: 120 cohorts ending before
        # the demo's own history begins.
        return await demo.seed_history(
            "drammen",
            [["ase.bo@demo.kjk.no"], ["orjan.laegreid@demo.kjk.no"]],
            cohorts=COHORTS,
            per_cohort=PER_COHORT,
            first_start=clock.today() - timedelta(weeks=522),
            weeks_apart=7,
            seed=10,
        )

    made = await _with_database(get_settings(), work)
    print(f"seeded {made} cohorts", file=sys.stderr)


def check_part(name: str, part: dict, whole: dict) -> None:
    """A filtered report holds whole cohorts of the wider one, with all their answers."""
    answers = {c["key"]: c["figures"]["answers"] for c in whole["cohorts"]}
    mine = {c["key"]: c["figures"]["answers"] for c in part["cohorts"]}
    assert mine and all(answers.get(key) == n >= 3 for key, n in mine.items()), name
    assert part["responses"] == sum(mine.values()) <= whole["responses"], name
    assert part["on_paper"] <= part["responses"], name


async def timed(client: httpx.AsyncClient, path: str, **params) -> float:
    start = time.perf_counter()
    response = await client.get(path, params=params)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.text
    return elapsed


async def measure(base: str, rounds: int) -> tuple[dict[str, float], dict]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        token = (await client.post("/api/v1/auth/token", json={"email": ADMIN, "password": PASSWORD})).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        me = (await client.get("/api/v1/me")).json()
        leader = next(u for u in (await client.get("/api/v1/users")).json() if u["email"] == "ase.bo@demo.kjk.no")
        report = (await client.get("/api/v1/reports/evaluations")).json()
        quarter = report["trend"][len(report["trend"]) // 2]["key"]
        cases = {
            "baseline": ("/static/css/app.css", {}),
            "all": ("/api/v1/reports/evaluations", {}),
            "office": ("/api/v1/reports/evaluations", {"office_id": me["office"]["id"]}),
            "leader": ("/api/v1/reports/evaluations", {"leader_id": leader["id"]}),
            "quarter": ("/api/v1/reports/evaluations", {"quarter": quarter}),
        }
        for name, (path, params) in cases.items():
            if name not in ("baseline", "all"):
                check_part(name, (await client.get(path, params=params)).json(), report)
        for path, params in cases.values():  # warm up
            for _ in range(3):
                await timed(client, path, **params)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):  # interleaved, so a noisy moment hits every case alike
            for name, (path, params) in cases.items():
                samples[name].append(await timed(client, path, **params))
    return {name: statistics.median(s) for name, s in samples.items()}, report


def main() -> None:
    if sys.argv[1:] == ["--seed"]:
        asyncio.run(seed())
        return
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with demo_server(seed=[sys.executable, os.path.abspath(__file__), "--seed"]) as base:
        results, report = asyncio.run(measure(base, rounds))
    print(
        f"{report['responses']} answers ({report['on_paper']} from paper) in {len(report['cohorts'])} closed "
        f"cohorts over {len(report['trend'])} quarters"
    )
    left_out = report["cohorts_left_out"]
    reasons = ", ".join(f"{n} {reason}" for reason, n in left_out["reasons"].items() if n)
    print(f"{left_out['count']} cohorts left out{f' ({reasons})' if reasons else ''}")
    base_ms = results["baseline"] * 1000
    print(f"{'what':10} {'median ms':>10} {'× baseline':>11}")
    for name, seconds in results.items():
        print(f"{name:10} {seconds * 1000:10.2f} {seconds * 1000 / base_ms:11.1f}")


if __name__ == "__main__":
    main()
