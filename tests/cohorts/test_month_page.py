"""The month view is a calendar: seven columns from Monday, weeks as rows, today marked,
and each day's sessions, talks and closed periods in its cell."""

from __future__ import annotations

import re
from datetime import date

from course import clock
from course.cohorts.tables import Closure
from tests.cohorts.test_sessions import created, day
from tests.participants.helpers import enrolled, participant


def cells(html: str) -> dict[date, str]:
    """Each day's cell in the month grid, by its date."""
    grid = html.split('<table class="month-grid">', 1)[1].split("</table>", 1)[0]
    found = {}
    for cell in grid.split("<td")[1:]:
        match = re.search(r'class="month-day-name">[a-zæøå]+ (\d\d)\.(\d\d)\.(\d{4})', cell)
        if match:
            found[date(int(match[3]), int(match[2]), int(match[1]))] = cell.split("</td>", 1)[0]
    return found


async def test_the_month_is_a_grid_of_weeks_from_monday(client, world, login_as):
    await login_as("leader")
    page = await client.get("/schedule?view=month&date=2027-09-20")
    assert page.status_code == 200
    html = page.text
    assert '<link rel="stylesheet" href="/static/css/calendar.css">' in html
    assert '<h2 class="period" id="period-title">' in html and "September 2027" in html
    grid = html.split('<table class="month-grid">', 1)[1].split("</table>", 1)[0]
    assert "<caption" in grid and "i september 2027" in grid
    headers = re.findall(
        r'<th scope="col"><span aria-hidden="true">(\w+)</span><span class="visually-hidden">(\w+)</span>', grid
    )
    assert headers == [
        ("man", "mandag"),
        ("tir", "tirsdag"),
        ("ons", "onsdag"),
        ("tor", "torsdag"),
        ("fre", "fredag"),
        ("lør", "lørdag"),
        ("søn", "søndag"),
    ]
    rows = grid.split("<tbody>", 1)[1].split("<tr>")[1:]
    assert len(rows) == 5 and all(row.count("<td") == 7 for row in rows)
    # 1 September 2027 is a Wednesday: two empty places before it.
    assert rows[0].count('class="month-outside"') == 2
    days = cells(html)
    assert sorted(days) == [date(2027, 9, n) for n in range(1, 31)]
    # Today (8 September in these tests) is marked, and only today.
    assert 'aria-current="date"' in days[clock.today()] and "I dag" in days[clock.today()]
    assert html.count('aria-current="date"') == 1


async def test_sessions_talks_and_closures_sit_in_their_days(client, world, login_as, api_as):
    headers = await api_as("leader")
    cohort = await created(client, world, headers)
    first, second = day(cohort, 1), day(cohort, 2)
    person = await participant(client, headers, world, name="Åsmund Ørnes")
    await enrolled(client, headers, cohort["id"], person["id"])
    talk = await client.post(
        f"/api/v1/cohorts/{cohort['id']}/talks",
        headers=headers,
        json={
            "participant_id": person["id"],
            "leader_id": world.leader,
            "date": second.isoformat(),
            "start_time": "15:00",
            "end_time": "15:45",
        },
    )
    assert talk.status_code == 201, talk.text
    await Closure.insert(Closure(office=world.office_a, start_date=first, end_date=first, reason="Personalmøte på Ås"))
    await client.patch(f"/api/v1/cohorts/{cohort['id']}/sessions/1", json={"cancelled": True}, headers=headers)
    await login_as("leader")
    page = await client.get(f"/schedule?view=month&date={first.isoformat()}")
    days = cells(page.text)
    assert f'href="/cohorts/{cohort["id"]}"' in days[first] and "1. Ressursavklaring" in days[first]
    assert "Stengt: Personalmøte på Ås" in days[first] and "(Avlyst)" in days[first]
    assert f'href="/talks/{talk.json()["id"]}"' in days[second] and "Åsmund Ørnes" in days[second]
    assert "2. Roller og identitet" in days[second]
    quiet = [d for d, cell in days.items() if "month-quiet" in cell.split(">", 1)[0]]
    assert first not in quiet and second not in quiet and len(quiet) >= 20


async def test_another_office_sees_an_empty_month(client, world, login_as, api_as):
    cohort = await created(client, world, await api_as("leader"))
    await login_as("leader_b")
    page = await client.get(f"/schedule?view=month&date={day(cohort, 1).isoformat()}")
    assert page.status_code == 200 and "Klart jeg kan – vår" not in page.text
    assert "Ingen samlinger denne måneden." in page.text


async def test_the_week_stays_a_list_without_the_grid(client, world, login_as):
    await login_as("leader")
    page = await client.get("/schedule?view=week")
    assert "month-grid" not in page.text and "calendar.css" not in page.text
    assert page.text.count('aria-current="date"') == 1
