"""Two sessions missed in a row (the roster's rule): an e-mail to the participant's
primary contact and the cohort's leaders, once for each pair of sessions, written
with the attendance mark that makes the pair."""

from __future__ import annotations

import pytest

from course.messages import texts
from tests.conftest import make_user
from tests.messages.helpers import outbox, recipients
from tests.participants.helpers import enrolled, mark, participant, running_cohort, session_day


@pytest.fixture
async def register(client, world, as_):
    """A cohort that started two weeks ago (Mondays and Wednesdays: sessions 1 to 5
    held, 6 today) led by Åse Ødegård and Kari Nørstebø; Håkon's primary contact is
    Per Ødegård. Håkon has not consented to be contacted: the alert is for staff."""
    leader, admin = await as_("leader"), await as_("admin")
    kari = await make_user("kari@a.no", "leader", world.office_a, "Kari Nørstebø")
    per = await make_user("per@a.no", "leader", world.office_a, "Per Ødegård")
    course = await running_cohort(client, world, admin, weeks_ago=2, leader_ids=[world.leader, kari])
    hakon = await participant(client, leader, world, name="Håkon Strømme", primary_contact_id=per)
    await enrolled(client, leader, course["id"], hakon["id"])

    async def marked(number: int, status: str, note: str = ""):
        return await mark(client, leader, course["id"], number, hakon["id"], status, note)

    return {"course": course, "hakon": hakon["id"], "kari": kari, "per": per, "mark": marked}


async def alerts() -> list[dict]:
    return await outbox("absence_alert")


async def test_the_second_absence_in_a_row_alerts_the_contact_and_the_leaders(world, register):
    r = register
    assert (await r["mark"](1, "absent")).status_code == 200
    assert await alerts() == []
    for _ in range(2):
        assert (await r["mark"](2, "absent")).status_code == 200
    rows = await alerts()
    assert recipients(rows) == {
        (r["hakon"], world.leader, "email", "ase@a.no"),
        (r["hakon"], r["kari"], "email", "kari@a.no"),
        (r["hakon"], r["per"], "email", "per@a.no"),
    }
    per = next(m for m in rows if m["staff"] == r["per"])
    assert per["subject"] == "En deltaker har vært borte fra to samlinger på rad"
    assert "Hei Per!" in per["body"]
    first, second = session_day(r["course"], 1), session_day(r["course"], 2)
    assert (
        f"Håkon Strømme var borte uten gyldig fravær fra samling 1 ({texts.day_text(first)}) "
        f"og samling 2 ({texts.day_text(second)})"
    ) in per["body"]
    assert f"[[side:/participants/{r['hakon']}]]" in per["body"]


async def test_each_pair_alerts_once(register):
    r = register
    for number in (1, 2, 3):
        assert (await r["mark"](number, "absent")).status_code == 200
    assert len(await alerts()) == 6  # the pairs 1–2 and 2–3, to three people
    # Changed and changed back: the same pairs, no new alert.
    assert (await r["mark"](3, "present")).status_code == 200
    assert (await r["mark"](3, "absent")).status_code == 200
    assert len(await alerts()) == 6


async def test_the_mark_between_two_absences_makes_both_pairs(register):
    r = register
    assert (await r["mark"](1, "absent")).status_code == 200
    assert (await r["mark"](2, "present")).status_code == 200
    assert (await r["mark"](3, "absent")).status_code == 200
    assert await alerts() == []
    assert (await r["mark"](2, "absent")).status_code == 200
    keys = {m["dedup_key"].rsplit(":", 1)[0] for m in await alerts()}
    assert len(keys) == 2  # the pair ending with session 2, and the one ending with 3


async def test_an_excused_or_unregistered_session_breaks_the_run(register):
    r = register
    assert (await r["mark"](1, "absent")).status_code == 200
    assert (await r["mark"](3, "absent")).status_code == 200  # nothing registered for 2
    assert (await r["mark"](4, "excused", "Syk, ringte Åse")).status_code == 200
    assert (await r["mark"](5, "absent")).status_code == 200
    assert await alerts() == []


async def test_a_mark_refused_alerts_no_one(register):
    r = register
    assert (await r["mark"](1, "absent")).status_code == 200
    response = await r["mark"](2, "excused")  # an excuse needs its reason
    assert response.status_code == 422 and "note" in response.text
    response = await r["mark"](7, "absent")  # not held yet
    assert response.status_code == 422
    assert await alerts() == []
