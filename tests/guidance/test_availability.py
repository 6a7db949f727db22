"""A leader's weekly windows for talks and the days that depart from them."""

from __future__ import annotations

from datetime import timedelta

from course import clock
from tests.participants.helpers import error_keys

WINDOWS = [
    {"weekday": 3, "start_time": "12:00", "end_time": "15:30"},
    {"weekday": 1, "start_time": "08:00", "end_time": "11:00"},
    {"weekday": 1, "start_time": "11:00", "end_time": "16:00"},
]


async def test_weekly_windows_are_replaced_and_read_back(client, as_):
    leader = await as_("leader")
    response = await client.put("/api/v1/me/availability", json={"weekly": WINDOWS}, headers=leader)
    assert response.status_code == 200, response.text
    expected = [WINDOWS[1], WINDOWS[2], WINDOWS[0]]
    assert response.json()["weekly"] == expected
    assert (await client.get("/api/v1/me/availability", headers=leader)).json()["weekly"] == expected
    replaced = await client.put(
        "/api/v1/me/availability",
        json={"weekly": [{"weekday": 5, "start_time": "09:00", "end_time": "10:00"}]},
        headers=leader,
    )
    assert replaced.json()["weekly"] == [{"weekday": 5, "start_time": "09:00", "end_time": "10:00"}]
    cleared = await client.put("/api/v1/me/availability", json={"weekly": []}, headers=leader)
    assert cleared.status_code == 200 and cleared.json()["weekly"] == []


async def test_overlapping_or_bad_windows_are_refused_and_nothing_changes(client, as_):
    leader = await as_("leader")
    await client.put("/api/v1/me/availability", json={"weekly": WINDOWS[:1]}, headers=leader)
    # A window off the schema (a weekday out of 1–7, a field missing) is 400; one that breaks a rule, 422.
    for windows, status, key in (
        ([WINDOWS[1], {"weekday": 1, "start_time": "10:30", "end_time": "12:00"}], 422, "weekly.1"),
        ([WINDOWS[2], {"weekday": 1, "start_time": "12:00", "end_time": "13:00"}], 422, "weekly.1"),
        ([{"weekday": 2, "start_time": "12:00", "end_time": "11:00"}], 422, "weekly.0.end_time"),
        ([{"weekday": 2, "start_time": "8:00", "end_time": "11:00"}], 422, "weekly.0.start_time"),
        ([{"weekday": 8, "start_time": "08:00", "end_time": "11:00"}], 400, "weekly.0.weekday"),
        ([{"weekday": 0, "start_time": "08:00", "end_time": "11:00"}], 400, "weekly.0.weekday"),
        ([{"weekday": "2", "start_time": "08:00", "end_time": "11:00"}], 400, "weekly.0.weekday"),
        ([{"weekday": 2, "start_time": "08:00"}], 400, "weekly.0.end_time"),
    ):
        response = await client.put("/api/v1/me/availability", json={"weekly": windows}, headers=leader)
        assert response.status_code == status, (windows, response.text)
        assert error_keys(response) == {key}, (windows, response.text)
    assert (await client.get("/api/v1/me/availability", headers=leader)).json()["weekly"] == WINDOWS[:1]


async def test_exceptions_are_added_and_removed(client, as_):
    leader = await as_("leader")
    day = clock.today() + timedelta(days=10)
    whole = await client.post(
        "/api/v1/me/availability/exceptions",
        json={"date": day.isoformat(), "reason": "Kurs på Lillestrøm"},
        headers=leader,
    )
    assert whole.status_code == 201, whole.text
    part = await client.post(
        "/api/v1/me/availability/exceptions",
        json={
            "date": (day + timedelta(days=1)).isoformat(),
            "start_time": "12:00",
            "end_time": "14:00",
            "reason": "Tannlege",
        },
        headers=leader,
    )
    extra = await client.post(
        "/api/v1/me/availability/exceptions",
        json={
            "date": (day + timedelta(days=2)).isoformat(),
            "start_time": "16:00",
            "end_time": "18:00",
            "available": True,
            "reason": "Kveldsåpent",
        },
        headers=leader,
    )
    assert part.status_code == 201 and extra.status_code == 201, (part.text, extra.text)
    exceptions = extra.json()["exceptions"]
    assert [(e["date"], e["start_time"], e["end_time"], e["available"], e["reason"]) for e in exceptions] == [
        (day.isoformat(), None, None, False, "Kurs på Lillestrøm"),
        ((day + timedelta(days=1)).isoformat(), "12:00", "14:00", False, "Tannlege"),
        ((day + timedelta(days=2)).isoformat(), "16:00", "18:00", True, "Kveldsåpent"),
    ]
    someone_else = await client.delete(
        f"/api/v1/me/availability/exceptions/{exceptions[0]['id']}", headers=await as_("admin")
    )
    assert someone_else.status_code == 404
    removed = await client.delete(f"/api/v1/me/availability/exceptions/{exceptions[0]['id']}", headers=leader)
    assert removed.status_code in (200, 204), removed.text
    again = await client.delete(f"/api/v1/me/availability/exceptions/{exceptions[0]['id']}", headers=leader)
    assert again.status_code == 404
    left = (await client.get("/api/v1/me/availability", headers=leader)).json()["exceptions"]
    assert [e["id"] for e in left] == [exceptions[1]["id"], exceptions[2]["id"]]


async def test_bad_exceptions_are_refused_naming_the_field(client, as_):
    leader = await as_("leader")
    day = (clock.today() + timedelta(days=3)).isoformat()
    for body, key in (
        ({"date": "neste fredag"}, "date"),
        ({"date": day, "start_time": "12:00"}, "end_time"),
        ({"date": day, "end_time": "12:00"}, "start_time"),
        ({"date": day, "start_time": "12:00", "end_time": "11:00"}, "end_time"),
        ({"date": day, "available": True}, "start_time"),
        ({"date": day, "reason": "Å" * 101}, "reason"),
    ):
        response = await client.post("/api/v1/me/availability/exceptions", json=body, headers=leader)
        assert response.status_code == 422, (body, response.text)
        assert error_keys(response) == {key}, (body, response.text)
    assert (await client.get("/api/v1/me/availability", headers=leader)).json()["exceptions"] == []
