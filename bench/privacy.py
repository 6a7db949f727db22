"""Times what data protection adds to a request, and shows that the audit log's pages
stay bounded as years of events pile up, against a bare baseline in the same run.

The real server with the demo data, on SQLite (and on PostgreSQL when
KJK_BENCH_POSTGRES_URL names a server to make a scratch database on), measured twice:
with the demo's own audit events, and after adding ten years of an office's history
(EVENTS events over 3,650 days, about as many reads and changes as a busy office
writes). One loopback client, signed in with API keys, cases interleaved:
  baseline      GET /static/css/app.css
  participant   GET /api/v1/participants/{id} as a leader (the record, and a read written to the log)
  export        GET /api/v1/participants/{id}/export as the primary contact (everything, audited)
  log           GET /api/v1/audit as an admin (the newest 50)
  log person    GET /api/v1/audit?participant_id= (one person's events)
  log staff     GET /api/v1/audit?user_id=&limit=5 (one staff member's events)
  log page 2    the next page of them, by its cursor
  innsyn        GET /p/{token}: the participant's own page, with who read their CV and plan
Prints medians and ratios to the baseline for each engine and history.
Usage: python bench/privacy.py [rounds]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.login import PASSWORD, serving

ADMIN = "siv.odegard@demo.kjk.no"
EVENTS = 1_000_000


async def add_history(events: int) -> None:
    """Ten years of audit events spread over the demo's participants and staff, written
    in large batches straight into the table (the app's own writes are measured above)."""
    import random
    from datetime import timedelta

    from course import clock, db
    from course.audit.tables import AuditEvent
    from course.cli import _with_database
    from course.settings import get_settings

    async def work():
        staff = [r["id"] for r in await AuditEvent.raw("SELECT id FROM staff_user")]
        people = [r["id"] for r in await AuditEvent.raw("SELECT id FROM participant")]
        actions = ["participant_read", "document_read", "document_saved", "attendance_marked", "talk_booked"]
        rng = random.Random(13)
        start = clock.utc_now() - timedelta(days=3650)
        batch = 3_000  # ten parameters a row: within both engines' 32,766
        for first in range(0, events, batch):
            rows = [
                AuditEvent(
                    at=start + timedelta(seconds=(first + i) * 3650 * 86400 // events),
                    action=rng.choice(actions),
                    actor=rng.choice(staff),
                    participant=rng.choice(people),
                    office=1,
                    address="10.0.0.1",
                    details={},
                )
                for i in range(min(batch, events - first))
            ]
            async with db.write_transaction():
                await AuditEvent.insert(*rows)

    await _with_database(get_settings(), work, migrate_first=False)


async def token(client: httpx.AsyncClient, email: str) -> dict:
    answer = await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['token']}"}


async def measure(base: str, rounds: int) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        admin = await token(client, ADMIN)
        person = (await client.get("/api/v1/participants", headers=admin)).json()[0]
        record = (await client.get(f"/api/v1/participants/{person['id']}", headers=admin)).json()
        contact = next(
            u
            for u in (await client.get("/api/v1/users", headers=admin)).json()
            if u["id"] == record["primary_contact"]["id"]
        )
        leader = await token(client, contact["email"])
        link = await client.post(f"/api/v1/participants/{person['id']}/link", json={}, headers=leader)
        own = urlsplit(link.json()["url"]).path
        # Pages of 5: the leader's own reads below give the demo a second page.
        staff = {"user_id": contact["id"], "limit": 5}
        cases = {
            "baseline": ("/static/css/app.css", {}, {}),
            "participant": (f"/api/v1/participants/{person['id']}", {}, leader),
            "export": (f"/api/v1/participants/{person['id']}/export", {}, leader),
            "log": ("/api/v1/audit", {}, admin),
            "log person": ("/api/v1/audit", {"participant_id": person["id"]}, admin),
            "log staff": ("/api/v1/audit", staff, admin),
            "innsyn": (own, {}, {}),
        }

        async def timed(path: str, params: dict, headers: dict) -> float:
            start = time.perf_counter()
            response = await client.get(path, params=params, headers=headers)
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, (path, response.status_code, response.text[:200])
            return elapsed

        for case in cases.values():  # warm up
            for _ in range(3):
                await timed(*case)
        first = (await client.get("/api/v1/audit", params=staff, headers=admin)).json()
        cases = {**cases, "log page 2": ("/api/v1/audit", {**staff, "before": first["next"]}, admin)}
        cases["innsyn"] = cases.pop("innsyn")
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):  # interleaved, so a noisy moment hits every case alike
            for name, case in cases.items():
                samples[name].append(await timed(*case))
    return {name: statistics.median(s) for name, s in samples.items()}


def engines(tmp: str):
    yield "SQLite", f"sqlite:///{tmp}/bench.sqlite", None
    url = os.environ.get("KJK_BENCH_POSTGRES_URL")
    if url:
        name = f"kjk_bench_{uuid.uuid4().hex[:8]}"
        parts = urlsplit(url)
        yield "PostgreSQL", urlunsplit(parts._replace(path=f"/{name}")), (url, name)


def psql(url: str, statement: str) -> None:
    subprocess.run(["psql", url, "-qc", statement], check=True, capture_output=True)


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
                subprocess.run([sys.executable, __file__, "--history", str(EVENTS)], env=env, check=True)
                print(f"{engine}: {EVENTS:,} events added in {time.perf_counter() - started:.0f} s", file=sys.stderr)
                with serving(env) as base:
                    results[(engine, "ten years")] = asyncio.run(measure(base, rounds))
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
