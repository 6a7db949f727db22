"""Times planning a cohort's guidance talks, in one run against bare baselines.

In-process (the pure planner, 12 participants, two leaders, four weeks):
  baseline   sorting the same free slots once (touching the input, nothing more)
  planner    plan_talks: four talks each, one a week, no clashes, even load
Over HTTP (the real server, SQLite, demo data, a new cohort of 12 made via the API):
  baseline   GET /static/css/app.css
  talk-plan  POST /api/v1/cohorts/{id}/talk-plan (availability, bookings, planner, JSON)
Prints medians and ratios. Usage: python bench/talks.py [rounds]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.login import LEADER, PASSWORD, demo_server
from course import clock
from course.guidance import planner


def median_time(fn, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def planner_inputs():
    monday = date(2027, 3, 1)
    weeks = [(monday + timedelta(weeks=n), monday + timedelta(weeks=n, days=6)) for n in range(4)]
    windows, busy = [], []
    for n in range(28):
        day = monday + timedelta(days=n)
        if day.isoweekday() > 5:
            continue
        for leader in (1, 2):
            windows.append(
                planner.Window(
                    leader, day, datetime.min.time().replace(hour=9), datetime.min.time().replace(hour=15, minute=30)
                )
            )
        if day.isoweekday() in (2, 4):  # group sessions 09:30–14:00
            start, end = (
                datetime.combine(day, datetime.min.time().replace(hour=9, minute=30)),
                datetime.combine(day, datetime.min.time().replace(hour=14)),
            )
            busy += [planner.Busy(start, end, leader=leader) for leader in (1, 2)]
            busy += [planner.Busy(start, end, participant=p) for p in range(100, 112)]
    slots = planner.slots_in(windows, [], timedelta(minutes=45))
    return list(range(100, 112)), weeks, slots, busy


def in_process(rounds: int) -> dict[str, float]:
    participants, weeks, slots, busy = planner_inputs()
    plan = planner.plan_talks(participants, weeks, slots, busy)
    assert len(plan.talks) == 48 and not plan.unplaced, plan.unplaced
    return {
        "sort slots (baseline)": median_time(lambda: sorted(slots, key=lambda s: (s.start, s.leader)), rounds),
        "plan_talks, 12 people": median_time(lambda: planner.plan_talks(participants, weeks, slots, busy), rounds),
    }


def over_http(base: str, rounds: int) -> dict[str, float]:
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.post("/api/v1/auth/token", json={"email": LEADER, "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        me = client.get("/api/v1/me", headers=headers).json()
        start = clock.today() + timedelta(weeks=10)  # clear of the demo cohorts and their talks
        start += timedelta(days=(1 - start.isoweekday()) % 7)  # a Monday
        cohort = client.post(
            "/api/v1/cohorts",
            headers=headers,
            json={
                "title": "Måling",
                "variant": "kjk",
                "start_date": start.isoformat(),
                "weekdays": [1, 3],
                "start_time": "09:30",
                "end_time": "14:00",
                "location": "Målerommet",
                "leader_ids": [me["id"]],
            },
        )
        assert cohort.status_code == 201, cohort.text
        cohort_id = cohort.json()["id"]
        for n in range(12):
            person = client.post(
                "/api/v1/participants",
                headers=headers,
                json={
                    "name": f"Måle Deltaker {n}",
                    "birth_year": clock.today().year - 20,
                    "primary_contact_id": me["id"],
                    "consent": {"scopes": ["participation"], "date": clock.today().isoformat()},
                },
            ).json()
            client.post(
                f"/api/v1/cohorts/{cohort_id}/enrolments", headers=headers, json={"participant_id": person["id"]}
            )
        client.put(
            "/api/v1/me/availability",
            headers=headers,
            json={"weekly": [{"weekday": d, "start_time": "08:00", "end_time": "16:00"} for d in range(1, 6)]},
        )
        first = client.post(f"/api/v1/cohorts/{cohort_id}/talk-plan", headers=headers, json={})
        assert first.status_code == 200 and len(first.json()["talks"]) == 48, first.text[:300]
        for _ in range(10):
            client.get("/static/css/app.css")
        baseline, plan = [], []
        for _ in range(rounds):
            t = time.perf_counter()
            client.get("/static/css/app.css")
            baseline.append(time.perf_counter() - t)
            t = time.perf_counter()
            client.post(f"/api/v1/cohorts/{cohort_id}/talk-plan", headers=headers, json={})
            plan.append(time.perf_counter() - t)
    return {"static file (baseline)": statistics.median(baseline), "POST talk-plan, 12 people": statistics.median(plan)}


def show(title: str, results: dict[str, float]) -> None:
    base = next(iter(results.values()))
    print(f"\n{title}\n{'what':28} {'median ms':>10} {'× baseline':>11}")
    for name, seconds in results.items():
        print(f"{name:28} {seconds * 1000:10.3f} {seconds / base:11.1f}")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    show("In-process", in_process(rounds))
    with demo_server() as base:
        show("Over HTTP (SQLite)", over_http(base, rounds))


if __name__ == "__main__":
    main()
