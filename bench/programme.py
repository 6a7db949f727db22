"""Times the programme's pages (the leader's start page with its lists, a cohort page
with its change history, the way-in and outcome reports) against a bare baseline in
the same run, and shows that they stay bounded as years of history pile up.

The real server with the demo data, on SQLite (and on PostgreSQL when
KJK_BENCH_POSTGRES_URL names a server to make a scratch database on), measured twice:
with the demo only, and after adding ten years of the demo leader's office (YEARS
years of a cohort every four weeks, twelve on each, each with the way in, attendance,
an outcome, follow-ups at 3 and 6 months, categories and a few changes to the cohort).
Loopback clients (API keys; a signed-in session for the pages), cases interleaved:
  baseline      GET /static/css/app.css
  start page    GET / as a leader (agenda, waiting on the way in, follow-ups due)
  cohort        GET /cohorts/{id} as a leader (roster, attendance, change history)
  follow-ups    GET /api/v1/follow-ups/due as a leader
  way in        GET /api/v1/reports/way-in as a manager, this year
  outcomes      GET /api/v1/reports/outcomes as a manager, this year
Prints medians and ratios to the baseline for each engine and history.
Usage: python bench/programme.py [rounds]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.login import PASSWORD, login, serving
from bench.privacy import engines, psql

LEADER = "ase.bo@demo.kjk.no"
MANAGER = "bjorn.asheim@demo.kjk.no"
YEARS = 10


async def add_history(years: int) -> None:
    """Past cohorts of the leader's office, a new one every four weeks, written in
    batches straight into the tables (the app's own writes are not what is measured)."""
    import random
    from datetime import UTC, datetime, time, timedelta

    from course import clock, db
    from course.accounts.tables import StaffUser
    from course.cli import _with_database
    from course.cohorts.tables import Cohort, CohortChange, CohortLeader, Session
    from course.participants.tables import (
        Attendance,
        CategoryChange,
        Enrolment,
        FollowUp,
        Outcome,
        Participant,
        PathStep,
    )
    from course.settings import get_settings
    from course.validation import nb_sort_key

    async def work():
        leader = await StaffUser.select(StaffUser.id, StaffUser.office).where(StaffUser.email == LEADER).first()
        office, me = leader["office"], leader["id"]
        rng = random.Random(14)
        kinds = ["job", "school", "nav_measure", "work_practice", "education", "benefits", "lost_contact"]
        today = clock.today()
        first = today - timedelta(days=365 * years)
        first -= timedelta(days=first.weekday())  # a Monday
        starts = []
        day = first
        while day < today - timedelta(days=7 * 30):  # the demo's own cohorts cover the last months
            starts.append(day)
            day += timedelta(weeks=4)
        stamp = datetime.combine(first, time(12), tzinfo=UTC)
        for n, start in enumerate(starts):
            async with db.write_transaction():
                cohort = (
                    await Cohort.insert(
                        Cohort(
                            office=office,
                            title=f"Klart jeg kan – historikk {n + 1}",
                            variant="kjk",
                            location="Grønland 32, rom Ærfugl",
                            capacity=12,
                            start_date=start,
                            weekday_1=1,
                            weekday_2=3,
                            start_time=time(9),
                            end_time=time(14),
                            created_at=stamp,
                        )
                    ).returning(Cohort.id)
                )[0]["id"]
                await CohortLeader.insert(CohortLeader(cohort=cohort, leader=me))
                days = [start + timedelta(days=7 * (i // 2) + 2 * (i % 2)) for i in range(8)]
                sessions = await Session.insert(
                    *(
                        Session(
                            cohort=cohort,
                            number=i + 1,
                            module=i + 1,
                            date=d,
                            start_time=time(9),
                            end_time=time(14),
                            location="Grønland 32, rom Ærfugl",
                        )
                        for i, d in enumerate(days)
                    )
                ).returning(Session.id)
                at = datetime.combine(start, time(8), tzinfo=UTC)
                await CohortChange.insert(
                    *(
                        CohortChange(
                            cohort=cohort, changed_by=me, changed_at=at, changes='{"location": ["Rom 1", "Rom 2"]}'
                        )
                        for _ in range(3)
                    )
                )
                people = await Participant.insert(
                    *(
                        Participant(
                            office=office,
                            name=f"Åse Ørnes Kværnå {n}-{i}",
                            sort_name=nb_sort_key(f"Åse Ørnes Kværnå {n}-{i}"),
                            birth_year=start.year - 20,
                            primary_contact=me,
                            referral_date=start - timedelta(days=12),
                            created_at=at - timedelta(days=20),
                        )
                        for i in range(12)
                    )
                ).returning(Participant.id)
                ids = [p["id"] for p in people]
                enrolments = await Enrolment.insert(
                    *(
                        Enrolment(cohort=cohort, participant=p, status="completed", created_at=at, changed_at=at)
                        for p in ids
                    )
                ).returning(Enrolment.id)
                await PathStep.insert(
                    *(
                        PathStep(participant=p, step=step, date=start - timedelta(days=back), changed_at=at)
                        for p in ids
                        for step, back in (("referred", 20), ("intake", 18), ("hu", 12), ("info_meeting", 5))
                    )
                )
                await Attendance.insert(
                    *(
                        Attendance(
                            session=s["id"],
                            participant=p,
                            status=rng.choice(["present", "present", "present", "absent"]),
                            recorded_by=me,
                            recorded_at=at,
                        )
                        for s in sessions
                        for p in ids
                    )
                )
                end = days[-1]
                await Outcome.insert(
                    *(
                        Outcome(enrolment=e["id"], kind=rng.choice(kinds), date=end, changed_by=me, changed_at=at)
                        for e in enrolments
                    )
                )
                await FollowUp.insert(
                    *(
                        FollowUp(
                            enrolment=e["id"],
                            point=point,
                            kind=rng.choice(kinds),
                            date=end + timedelta(days=days_after),
                            changed_by=me,
                            changed_at=at,
                        )
                        for e in enrolments
                        for point, days_after in (("3m", 91), ("6m", 182))
                    )
                )
                await CategoryChange.insert(
                    *(
                        CategoryChange(participant=p, category=rng.randint(1, 4), changed_by=me, changed_at=at)
                        for p in ids
                    )
                )

    await _with_database(get_settings(), work, migrate_first=False)
    if get_settings().is_postgres:
        # What autovacuum does on a live server: the planner's statistics for the rows added.
        await _with_database(get_settings(), lambda: Cohort.raw("ANALYZE"), migrate_first=False)


async def token(client: httpx.AsyncClient, email: str) -> dict:
    answer = await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['token']}"}


async def measure(base: str, rounds: int) -> dict[str, float]:
    async with (
        httpx.AsyncClient(base_url=base, timeout=60) as client,
        httpx.AsyncClient(base_url=base, timeout=60) as browser,
    ):
        assert (await login(browser)).status_code == 302  # pages take a signed-in session
        leader = await token(client, LEADER)
        manager = await token(client, MANAGER)
        cohorts = (await client.get("/api/v1/cohorts", params={"status": "running"}, headers=leader)).json()
        cohort = cohorts[0]["id"]
        year = {"from": f"{time.localtime().tm_year}-01-01"}
        cases = {
            "baseline": ("/static/css/app.css", {}, {}),
            "start page": ("/", {}, None),
            "cohort": (f"/cohorts/{cohort}", {}, None),
            "follow-ups": ("/api/v1/follow-ups/due", {}, leader),
            "way in": ("/api/v1/reports/way-in", year, manager),
            "outcomes": ("/api/v1/reports/outcomes", year, manager),
        }

        async def timed(path: str, params: dict, headers: dict | None) -> float:
            start = time.perf_counter()
            if headers is None:
                response = await browser.get(path, params=params)
            else:
                response = await client.get(path, params=params, headers=headers)
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, (path, response.status_code, response.text[:200])
            return elapsed

        for case in cases.values():  # warm up
            for _ in range(3):
                await timed(*case)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):  # interleaved, so a noisy moment hits every case alike
            for name, case in cases.items():
                samples[name].append(await timed(*case))
    return {name: statistics.median(s) for name, s in samples.items()}


def main() -> None:
    if sys.argv[1:2] == ["--history"]:
        asyncio.run(add_history(int(sys.argv[2])))
        return
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    results: dict[tuple[str, str], dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for engine, url, scratch in engines(tmp):
            if scratch:
                psql(scratch[0], f'CREATE DATABASE "{scratch[1]}"')
            try:
                env = {**os.environ, "KJK_VAR_DIR": tmp, "KJK_DATABASE_URL": url}
                env.pop("KJK_SECRET_KEY", None)
                subprocess.run([sys.executable, "-m", "course", "demo"], env=env, check=True, capture_output=True)
                with serving(env) as base:
                    results[(engine, "demo")] = asyncio.run(measure(base, rounds))
                started = time.perf_counter()
                subprocess.run([sys.executable, __file__, "--history", str(YEARS)], env=env, check=True)
                print(f"{engine}: {YEARS} years added in {time.perf_counter() - started:.0f} s", file=sys.stderr)
                with serving(env) as base:
                    results[(engine, f"{YEARS} years")] = asyncio.run(measure(base, rounds))
            finally:
                if scratch:
                    psql(scratch[0], f'DROP DATABASE IF EXISTS "{scratch[1]}" WITH (FORCE)')
    for (engine, history), figures in results.items():
        base_ms = figures["baseline"] * 1000
        print(f"\n{engine}, {history}")
        print(f"{'what':12} {'median ms':>10} {'× baseline':>11}")
        for name, seconds in figures.items():
            print(f"{name:12} {seconds * 1000:10.2f} {seconds * 1000 / base_ms:11.1f}")


if __name__ == "__main__":
    main()
