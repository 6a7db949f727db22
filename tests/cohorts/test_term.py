"""The term planner: propose, then accept in one step."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from course.cohorts import schedule, term
from course.cohorts.tables import Cohort
from tests.cohorts.test_api import body
from tests.cohorts.test_sessions import created
from tests.conftest import csrf_post


async def test_propose_then_accept_a_term(client, world, api_as):
    headers = await api_as("leader")
    response = await client.post("/api/v1/cohorts/term-plan", json={**body(world), "count": 3}, headers=headers)
    assert response.status_code == 200, response.text
    proposals = response.json()
    starts = [date.fromisoformat(p["start_date"]) for p in proposals]
    assert len(starts) == 3 and all(b - a >= timedelta(days=21) for a, b in zip(starts, starts[1:]))
    assert await Cohort.count() == 0  # proposing saves nothing
    accepted = await client.post(
        "/api/v1/cohorts/term-plan/accept",
        json={**body(world), "start_dates": [p["start_date"] for p in proposals]},
        headers=headers,
    )
    assert accepted.status_code == 201, accepted.text
    assert [c["start_date"] for c in accepted.json()] == [p["start_date"] for p in proposals]
    assert await Cohort.count() == 3


async def test_the_planner_steps_around_the_leaders_other_cohort(client, world, api_as):
    headers = await api_as("leader")
    plain = (await client.post("/api/v1/cohorts/term-plan", json={**body(world), "count": 2}, headers=headers)).json()
    second = date.fromisoformat(plain[1]["start_date"])
    await created(
        client, world, headers, start_date=second.isoformat(), title="Allerede booket", location="Et annet rom"
    )
    again = (await client.post("/api/v1/cohorts/term-plan", json={**body(world), "count": 2}, headers=headers)).json()
    assert date.fromisoformat(again[1]["start_date"]) > second


async def test_accepting_is_all_or_nothing(client, world, api_as):
    headers = await api_as("leader")
    first = body(world)["start_date"]
    response = await client.post(
        "/api/v1/cohorts/term-plan/accept", json={**body(world), "start_dates": [first, first]}, headers=headers
    )
    assert response.status_code == 409
    assert await Cohort.count() == 0


async def test_bad_term_requests_name_the_field(client, world, api_as):
    headers = await api_as("leader")
    response = await client.post("/api/v1/cohorts/term-plan", json={**body(world), "count": 40}, headers=headers)
    assert response.status_code == 400 and "count" in response.text
    response = await client.post(
        "/api/v1/cohorts/term-plan/accept", json={**body(world), "start_dates": ["snart"]}, headers=headers
    )
    assert response.status_code == 422 and response.json()["extra"][0]["key"] == "start_dates"
    assert (
        await client.post(
            "/api/v1/cohorts/term-plan", json={**body(world), "count": 2}, headers=await api_as("manager")
        )
    ).status_code == 403


# --- the planner's words: which date moved and why, no cohort across fellesferie, and why
# a month has no start (pure rules, then the page) ------------------------------------------

WEEKDAY_PAIRS = [(a, b) for a in range(1, 6) for b in range(a + 1, 6)]


def in_fellesferie(day: date) -> bool:
    return 28 <= day.isocalendar().week <= 30


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@st.composite
def closures(draw) -> list[schedule.Closure]:
    found = []
    for name in draw(st.lists(st.sampled_from(["Fagdag", "Juleferie på Ørnes", "Sommerstengt"]), max_size=2)):
        start = draw(st.dates(date(2027, 1, 1), date(2030, 12, 1)))
        found.append(schedule.Closure(start, start + timedelta(days=draw(st.integers(0, 20))), name))
    return found


@given(st.dates(date(2027, 1, 1), date(2030, 12, 31)), st.integers(0, 90))
def test_fellesferie_is_iso_weeks_28_to_30(first, length):
    last = first + timedelta(days=length)
    assert term.crosses_fellesferie(first, last) == any(in_fellesferie(d) for d in days(first, last))


@settings(max_examples=60, deadline=None)
@given(
    st.dates(date(2027, 1, 1), date(2030, 12, 31)),
    st.sampled_from(WEEKDAY_PAIRS),
    st.integers(1, 4),
    st.sampled_from([4, 17]),
    closures(),
    st.sets(st.integers(0, 30), max_size=4),
)
def test_a_term_never_runs_across_fellesferie_and_says_why_starts_were_passed_over(
    monday, weekdays, count, every, shut, busy_weeks
):
    first = monday - timedelta(days=monday.weekday()) + timedelta(days=weekdays[0] - 1)
    busy = {first + timedelta(weeks=w) for w in busy_weeks}  # the leaders are booked on these starts

    try:
        plan = term.plan_term(first, count, weekdays, shut, lambda p: p.sessions[0].date not in busy, every)
    except schedule.ScheduleError:
        return  # no room within three months: the page says so instead
    starts = [p.sessions[0].date for p in plan.plans]
    for p in plan.plans:
        assert not any(in_fellesferie(d) for d in days(p.sessions[0].date, p.sessions[-1].date))
    for skip in plan.skips:
        assert skip.start not in starts and skip.start < starts[-1]
        if skip.kind == term.HOLIDAY:
            assert schedule.norwegian_holiday(skip.start) == skip.name
        elif skip.kind == term.CLOSURE:
            assert any(c.covers(skip.start) and c.reason == skip.name for c in shut)
        elif skip.kind == term.FELLESFERIE:
            sessions = schedule.plan_sessions(skip.start, weekdays, shut).sessions
            assert any(in_fellesferie(d) for d in days(sessions[0].date, sessions[-1].date))
        else:
            assert skip.kind == term.BUSY and skip.start in busy
    months = term.skipped_months(plan.skips, starts)
    for month in months:
        assert not any((d.year, d.month) == (month.month.year, month.month.month) for d in starts)
        assert {(s.kind, s.name) for s in plan.skips if s.start.replace(day=1) == month.month} == set(month.reasons)


@settings(max_examples=60, deadline=None)
@given(st.dates(date(2027, 1, 1), date(2030, 12, 31)), st.sampled_from(WEEKDAY_PAIRS), closures())
def test_each_moved_date_says_why(monday, weekdays, shut):
    first = monday - timedelta(days=monday.weekday()) + timedelta(days=weekdays[0] - 1)
    try:
        plan = schedule.plan_sessions(first, weekdays, shut)
    except schedule.ScheduleError:
        return
    explained = term.explain_moves(plan.moved, shut)
    assert [m["number"] for m in explained] == [m.number for m in plan.moved]
    kinds = {m["number"]: m["kind"] for m in explained}
    for move in explained:
        assert move["from"] != move["to"]
        if move["kind"] == term.HOLIDAY:
            assert schedule.norwegian_holiday(move["from"]) == move["name"]
        elif move["kind"] == term.CLOSURE:
            assert any(c.covers(move["from"]) and c.reason == move["name"] for c in shut)
            assert not schedule.norwegian_holiday(move["from"])
        else:
            assert move["kind"] == term.EARLIER_MOVE and not schedule.blocked_by(move["from"], shut)
            assert move["earlier"] is None or (
                move["earlier"] < move["number"] and kinds[move["earlier"]] != term.EARLIER_MOVE
            )


def test_a_term_in_the_spring_skips_july_and_says_so():
    plan = term.plan_term(date(2028, 5, 2), 3, (2, 4))
    assert [p.sessions[0].date for p in plan.plans] == [date(2028, 5, 2), date(2028, 5, 30), date(2028, 8, 1)]
    months = term.skipped_months(plan.skips, [p.sessions[0].date for p in plan.plans])
    assert [(m.month, m.reasons) for m in months] == [
        (date(2028, 6, 1), ((term.FELLESFERIE, ""),)),
        (date(2028, 7, 1), ((term.FELLESFERIE, ""),)),
    ]


def plan_form(world, **changes) -> dict:
    return {
        "title": "Klart jeg kan – Ørnes",
        "variant": "kjk",
        "start_date": "2028-05-02",
        "weekday_1": "2",
        "weekday_2": "4",
        "start_time": "09:00",
        "end_time": "14:00",
        "location": "Møterom Åsen",
        "capacity": "12",
        "count": "3",
        "leader_ids": str(world.leader),
        **changes,
    }


async def test_the_proposals_page_says_which_date_moved_and_why_and_skips_fellesferie(client, world, api_as, login_as):
    await client.post(
        "/api/v1/closures",
        json={"start_date": "2028-05-09", "end_date": "2028-05-09", "reason": "Fagdag på Ørnes"},
        headers=await api_as("leader"),
    )
    await login_as("leader")
    page = await csrf_post(client, "/cohorts/plan", plan_form(world))
    assert page.status_code == 200, page.text
    text = " ".join(page.text.split())
    assert "Samling 3 flyttet fra tirsdag 9. mai til onsdag 10. mai: kontoret er stengt (Fagdag på Ørnes)." in text
    assert "Samling 8 flyttet fra torsdag 25. mai til fredag 26. mai: Kristi himmelfartsdag er helligdag." in text
    assert "Ingen kurs starter i juni 2028: et kurs som startet da, ville gått inn i fellesferien." in text
    assert "Ingen kurs starter i juli 2028: et kurs som startet da, ville gått inn i fellesferien." in text
    assert "dato flyttet" not in text and "datoer flyttet" not in text
    assert 'value="2028-08-01"' in text and 'value="2028-07-' not in text

    accepted = await csrf_post(
        client,
        "/cohorts/plan/accept",
        {**plan_form(world), "start_dates": ["2028-05-02", "2028-08-01"]},
        page="/cohorts/plan",
    )
    assert accepted.status_code in (302, 303) and accepted.headers["location"] == "/"
    assert "Kursplanen er lagret, og kursene er opprettet." in (await client.get("/")).text
    assert await Cohort.count() == 2
