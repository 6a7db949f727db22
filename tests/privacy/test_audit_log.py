"""Reading the audit log: only admins, on the page and in the API; filters by
participant, staff member, action and period (days in Oslo); pages by keyset that
together give every event once; CSV of the same selection; bad filters named."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time, timedelta

from course import clock
from course.audit import services as audit
from tests.conftest import EMAILS, web_login
from tests.participants.helpers import participant

API = "/api/v1/audit"


async def readings(client, world, as_) -> tuple[int, int, dict]:
    """Two participants; Sølvi's record opened five times by the leader and once by the
    admin, Åsmund's twice by the leader. Answers their ids and the admin's headers."""
    leader, admin = await as_("leader"), await as_("admin")
    solvi = (await participant(client, leader, world, name="Sølvi Åkerø Dæhli"))["id"]
    asmund = (await participant(client, leader, world, name="Åsmund Ørnes"))["id"]
    for who, person, times in ((leader, solvi, 5), (admin, solvi, 1), (leader, asmund, 2)):
        for _ in range(times):
            assert (await client.get(f"/api/v1/participants/{person}", headers=who)).status_code == 200
    return solvi, asmund, admin


async def test_only_admins_read_the_log(client, world, as_):
    solvi, _, admin = await readings(client, world, as_)
    answer = await client.get(API, headers=admin)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["events"]) == 10  # two registered, eight reads
    for who in ("leader", "manager", "leader_b"):
        headers = await as_(who)
        for path in (API, f"{API}.csv"):
            assert (await client.get(path, headers=headers)).status_code == 403, (who, path)
    for path in (API, f"{API}.csv"):
        assert (await client.get(path)).status_code == 401

    for path in ("/admin/audit", "/admin/audit.csv"):
        gone = await client.get(path)
        assert gone.status_code in (302, 303) and gone.headers["location"].startswith("/login"), path
    for who in ("leader", "manager"):
        client.cookies.clear()
        await web_login(client, EMAILS[who])
        for path in ("/admin/audit", "/admin/audit.csv"):
            assert (await client.get(path)).status_code == 403, (who, path)
        assert 'href="/admin/audit"' not in (await client.get("/account")).text
    client.cookies.clear()
    await web_login(client, EMAILS["admin"])
    page = await client.get("/admin/audit", params={"participant_id": solvi})
    assert page.status_code == 200
    assert 'href="/admin/audit"' in page.text  # the menu
    assert page.text.count(f'href="/participants/{solvi}">#{solvi}</a>') == 7  # registered, six reads
    assert "Åpnet deltakeren" in page.text and "Åse Ødegård" in page.text and "198.51.100.7" in page.text
    assert "Sølvi" not in page.text  # the number, never the name
    assert f'href="/admin/audit.csv?participant_id={solvi}"' in page.text
    first = await client.get("/admin/audit", params={"participant_id": solvi, "limit": 4})
    following = re.search(r'href="(/admin/audit\?[^"]+)" rel="next">Neste side<', first.text)
    assert following and "Forrige side" not in first.text
    second = await client.get(following.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and second.text.count(f">#{solvi}</a>") == 3
    assert "Forrige side" in second.text and "Neste side" not in second.text


async def test_filters_pages_and_csv(client, world, as_):
    solvi, asmund, admin = await readings(client, world, as_)

    async def log(**params) -> dict:
        response = await client.get(API, params=params, headers=admin)
        assert response.status_code == 200, response.text
        return response.json()

    everything = [e["id"] for e in (await log(limit=200))["events"]]
    assert everything == sorted(everything, reverse=True) and len(everything) == 10
    theirs = (await log(participant_id=solvi))["events"]
    assert len(theirs) == 7 and {e["participant_id"] for e in theirs} == {solvi}
    by_leader = (await log(participant_id=solvi, user_id=world.leader, action="participant_read"))["events"]
    assert len(by_leader) == 5
    assert {(e["actor_id"], e["actor_name"], e["action"]) for e in by_leader} == {
        (world.leader, "Åse Ødegård", "participant_read")
    }
    assert (await log(action="document_read"))["events"] == []

    # Three to a page: the pages together are the whole selection, once each, newest first.
    pages, cursor = [], None
    while True:
        page = await log(limit=3, **({"before": cursor} if cursor else {}))
        pages.append([e["id"] for e in page["events"]])
        cursor = page["next"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    assert [i for p in pages for i in p] == everything
    back = await log(limit=3, after=pages[1][0])
    assert [e["id"] for e in back["events"]] == pages[0] and back["previous"] is None

    # The period is days in Oslo: half past midnight is that day, half past eleven the day before.
    today = clock.today()
    for day, hour in ((today - timedelta(days=1), 23), (today, 0)):
        await audit.record("period_probe", actor=world.leader, at=datetime.combine(day, time(hour, 30), clock.OSLO))
    on_the_day = (await log(action="period_probe", **{"from": today.isoformat(), "to": today.isoformat()}))["events"]
    assert [datetime.fromisoformat(e["at"]).astimezone(clock.OSLO).strftime("%H:%M") for e in on_the_day] == ["00:30"]
    assert len((await log(action="period_probe", to=(today - timedelta(days=1)).isoformat()))["events"]) == 1

    # CSV: a header and the selection's rows, on the API and from the page.
    response = await client.get(f"{API}.csv", params={"participant_id": asmund}, headers=admin)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == list(audit.CSV_COLUMNS) and len(rows) == 4  # registered, two reads
    assert {r[rows[0].index("participant_id")] for r in rows[1:]} == {str(asmund)}
    await web_login(client, EMAILS["admin"])
    page_csv = await client.get("/admin/audit.csv", params={"participant_id": asmund, "action": "participant_read"})
    assert page_csv.status_code == 200 and len(list(csv.reader(io.StringIO(page_csv.text)))) == 3

    # Bad filters name the field.
    for params, status, key in (
        ({"participant_id": "Sølvi"}, 400, "participant_id"),
        ({"limit": 500}, 400, "limit"),
        ({"from": "2027-02-30"}, 422, "from"),
        ({"from": "0001-01-01"}, 422, "from"),
        ({"to": "9999-12-31"}, 422, "to"),
        ({"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()}, 422, "to"),
        ({"action": "DROP TABLE"}, 422, "action"),
        ({"before": 5, "after": 2}, 422, "after"),
    ):
        bad = await client.get(API, params=params, headers=admin)
        assert bad.status_code == status and [e["key"] for e in bad.json()["extra"]] == [key], (params, bad.text)
    for params, key in (({"from": "i går"}, "from"), ({"participant_id": "x"}, "participant_id")):
        bad_page = await client.get("/admin/audit", params=params)
        assert bad_page.status_code == 422 and f'href="#{key}"' in bad_page.text, params
