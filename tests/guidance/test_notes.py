"""A talk's private note: written by the cohort's leaders, read by them and the
participant's primary contact only, every read audited, never in the list."""

from __future__ import annotations

import json

import pytest

from course.audit.tables import AuditEvent
from tests.conftest import make_user
from tests.participants.helpers import booked, cohort, enrolled, free_day, headers_for, participant

NOTE = "Snakket om skole, søvn og ønsket om å bli tømrer. Mor er bekymret."


@pytest.fixture
async def noted(client, world, as_):
    """A talk with a note, in a cohort led by Åse Ødegård, with a participant whose
    primary contact is Kari Nørstebø; Ola Bråthen is another leader of the office."""
    leader = await as_("leader")
    kari = await make_user("kari@a.no", "leader", world.office_a, "Kari Nørstebø")
    ola = await make_user("ola@a.no", "leader", world.office_a, "Ola Bråthen")
    course = await cohort(client, world, leader)
    person = await participant(client, leader, world, primary_contact_id=kari)
    await enrolled(client, leader, course["id"], person["id"])
    talk = await booked(client, leader, course["id"], person["id"], world.leader, free_day(course, 0))
    response = await client.patch(f"/api/v1/talks/{talk['id']}", json={"note": NOTE}, headers=leader)
    assert response.status_code == 200, response.text
    assert response.json()["has_note"] is True
    users = {"cohort_leader": world.leader, "primary_contact": kari, "other_leader": ola, "admin": world.admin}
    return leader, course, person, talk, users


async def note_reads() -> list[dict]:
    return await AuditEvent.select().where(AuditEvent.action == "talk_note_read").order_by(AuditEvent.id)


async def test_the_note_is_read_by_cohort_leaders_and_the_primary_contact_only_each_read_audited(client, noted):
    leader, course, person, talk, users = noted
    expected_reads = 0
    for reader, may_read in (
        ("cohort_leader", True),
        ("other_leader", False),
        ("primary_contact", True),
        ("admin", False),
    ):
        response = await client.get(f"/api/v1/talks/{talk['id']}", headers=await headers_for(users[reader]))
        assert response.status_code == 200, (reader, response.text)
        out = response.json()
        assert out["has_note"] is True
        assert out["note"] == (NOTE if may_read else None), reader
        assert (NOTE in response.text) is may_read, reader
        expected_reads += may_read
        reads = await note_reads()
        assert len(reads) == expected_reads, reader
        if may_read:
            event = reads[-1]
            details = json.loads(event["details"]) if isinstance(event["details"], str) else event["details"]
            assert (event["actor"], details) == (users[reader], {"talk": talk["id"], "participant": person["id"]})


async def test_the_talk_list_never_holds_the_note(client, noted):
    leader, course, person, talk, users = noted
    response = await client.get(f"/api/v1/cohorts/{course['id']}/talks", headers=leader)
    assert response.status_code == 200, response.text
    [listed] = response.json()
    assert listed["has_note"] is True and listed["note"] is None
    assert "tømrer" not in response.text
    assert await note_reads() == []


async def test_only_those_who_may_read_the_note_may_write_it(client, noted):
    leader, course, person, talk, users = noted
    for who in ("other_leader", "admin"):
        response = await client.patch(
            f"/api/v1/talks/{talk['id']}", json={"note": "Overskrevet"}, headers=await headers_for(users[who])
        )
        assert response.status_code == 403, (who, response.text)
    out = (await client.get(f"/api/v1/talks/{talk['id']}", headers=leader)).json()
    assert out["note"] == NOTE
