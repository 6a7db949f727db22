"""Times planning a cohort's guidance talks, in one run against bare baselines.

In-process (the pure planner, four weeks, group sessions on Tuesdays and Thursdays),
for 12 participants with two leaders free 09:00–15:30 on weekdays, and for 100
participants with 17 leaders free 08:00–16:00 (3,400 slots of 45 minutes):
  baseline   sorting the same free slots once (touching the input, nothing more)
  planner    plan_talks: four talks each, one a week, no clashes, even load
  thread     what a proposal runs in a worker thread: the windows cut into slots, then planned
Each round times every case in turn, so a noisy moment hits them alike.
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
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as dt_time

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.login import LEADER, PASSWORD, demo_server
from course import clock
from course.guidance import planner


def interleaved(cases: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds of each case, timing every case once a round in turn."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(s) for name, s in samples.items()}


def planner_inputs(count: int, leaders: range, free: tuple[dt_time, dt_time]):
    """Participants, weeks, the leaders' windows and everyone's sessions (09:30–14:00
    on Tuesdays and Thursdays) for a four-week course."""
    monday = date(2027, 3, 1)
    weeks = [(monday + timedelta(weeks=n), monday + timedelta(weeks=n, days=6)) for n in range(4)]
    participants = list(range(100, 100 + count))
    windows, busy = [], []
    for n in range(28):
        day = monday + timedelta(days=n)
        if day.isoweekday() > 5:
            continue
        windows += [planner.Window(leader, day, *free) for leader in leaders]
        if day.isoweekday() in (2, 4):  # group sessions 09:30–14:00
            start, end = datetime.combine(day, dt_time(9, 30)), datetime.combine(day, dt_time(14))
            busy += [planner.Busy(start, end, leader=leader) for leader in leaders]
            busy += [planner.Busy(start, end, participant=p) for p in participants]
    return participants, weeks, windows, busy


def in_process(count: int, leaders: range, free: tuple[dt_time, dt_time], rounds: int) -> dict[str, float]:
    participants, weeks, windows, busy = planner_inputs(count, leaders, free)
    length = timedelta(minutes=45)
    slots = planner.slots_in(windows, [], length)
    plan = planner.plan_talks(participants, weeks, slots, busy)
    assert len(plan.talks) == 4 * count and not plan.unplaced, plan.unplaced
    who = f"{count} people × {len(leaders)} leaders"
    return interleaved(
        {
            f"sort {len(slots)} slots (baseline)": lambda: sorted(slots, key=lambda s: (s.start, s.leader)),
            f"plan_talks, {who}": lambda: planner.plan_talks(participants, weeks, slots, busy),
            "slots_in + plan_talks (thread)": lambda: planner.plan_talks(
                participants, weeks, planner.slots_in(windows, [], length), busy
            ),
        },
        rounds,
    )


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
    print(f"\n{title}\n{'what':40} {'median ms':>10} {'× baseline':>11}")
    for name, seconds in results.items():
        print(f"{name:40} {seconds * 1000:10.3f} {seconds / base:11.1f}")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    show("In-process, 12 participants, 2 leaders", in_process(12, range(1, 3), (dt_time(9), dt_time(15, 30)), rounds))
    large = in_process(100, range(1, 18), (dt_time(8), dt_time(16)), rounds)
    show("In-process, 100 participants, 17 leaders", large)
    seconds = list(large.values())[1]
    print(f"plan for 100 × 17: {seconds:.3f} s ({'under' if seconds < 1 else 'NOT under'} one second)")
    with demo_server() as base:
        show("Over HTTP (SQLite)", over_http(base, rounds))


if __name__ == "__main__":
    main()
