"""Anonymity against whoever reads the database: after answers through slips and
through the participants' own pages, nothing in the evaluation tables can be joined
to anything that refers to a person (docs/anonymity.md)."""

from __future__ import annotations

import uuid

import pytest

from course import clock, db
from course.audit.tables import AuditEvent
from course.evaluations.tables import (
    EvaluationPending,
    EvaluationRemark,
    EvaluationResponse,
    EvaluationSeal,
    EvaluationTicket,
)
from course.participants.rules import CURRENT_CONSENT_VERSION
from course.participants.tables import Consent, Enrolment, Participant
from tests.conftest import csrf_from
from tests.evaluations.helpers import SCORES, close, open_evaluation, token_of
from tests.participants.helpers import running_cohort

ANSWER_TABLES = (EvaluationResponse, EvaluationRemark, EvaluationPending)


def refers_to_a_person(table) -> bool:
    """The participant table, any table with a key to it or to an enrolment, and the
    audit trail (whose details may name a participant)."""
    if table in (Participant, AuditEvent):
        return True
    return any(
        getattr(fk._foreign_key_meta.resolved_references, "__name__", "") in ("Participant", "Enrolment")
        for fk in table._meta.foreign_key_columns
    )


async def cohort_of(client, world, as_, people: int) -> tuple[dict, list[str]]:
    """A running cohort of ``people`` who consented, each with a personal link."""
    admin, leader = await as_("admin"), await as_("leader")
    course = await running_cohort(client, world, admin)
    now = clock.now()
    ids = [
        r["id"]
        for r in await Participant.insert(
            *[
                Participant(
                    office=world.office_a,
                    name=f"Ødegård {n} Åsheim",
                    birth_year=2006,
                    primary_contact=world.leader,
                    created_at=now,
                )
                for n in range(people)
            ]
        ).returning(Participant.id)
    ]
    await Consent.insert(
        *[
            Consent(
                participant=i,
                action="given",
                text_version=CURRENT_CONSENT_VERSION,
                participation=True,
                sharing=True,
                evaluation=True,
                date=clock.today(),
                recorded_by=world.leader,
                recorded_at=now,
            )
            for i in ids
        ]
    )
    await Enrolment.insert(
        *[Enrolment(cohort=course["id"], participant=i, status="enrolled", created_at=now, changed_at=now) for i in ids]
    )
    links = []
    for i in ids:
        response = await client.post(f"/api/v1/participants/{i}/link", headers=leader)
        assert response.status_code == 201, response.text
        links.append(response.json()["url"].rsplit("/p/", 1)[1])
    return course, links


async def answer_on_own_page(client, personal: str, cohort_id: int, n: int) -> None:
    page = await client.get(f"/p/{personal}")
    assert f"/p/{personal}/evaluation/{cohort_id}" in page.text
    form = await client.get(f"/p/{personal}/evaluation/{cohort_id}")
    data = {
        **{area: str((score + n) % 11) for area, score in SCORES.items()},
        "comment": f"Fint kurs, hilsen nummer {n}",
        "_csrf_token": csrf_from(form.text),
    }
    response = await client.post(f"/p/{personal}/evaluation/{cohort_id}", data=data)
    assert response.status_code == 303
    assert "Takk" in (await client.get(response.headers["location"])).text


async def test_no_join_over_system_columns_ids_or_times_ties_an_answer_to_a_person(client, world, as_, database):
    """The database attack: on PostgreSQL the link's used mark and the answer were
    written in one transaction, so xmin joined every answer to its link and so to a
    named person; serial ids in arrival order helped too."""
    if database.kind != "postgres":
        pytest.skip("xmin is PostgreSQL's")
    leader = await as_("leader")
    course, personal = await cohort_of(client, world, as_, 100)
    opened = await open_evaluation(client, leader, course["id"], named=True)
    assert len(opened["links"]) == 100
    # Half answer with their slip, half on their own page, interleaved.
    by_id = {link["participant"]["id"]: link for link in opened["links"]}
    people = [r["participant"] for r in await Enrolment.select(Enrolment.participant).order_by(Enrolment.id)]
    for n, (pid, token) in enumerate(zip(people, personal, strict=True)):
        if n % 2:
            await answer_on_own_page(client, token, course["id"], n)
        else:
            response = await client.post(
                f"/api/v1/evaluations/{token_of(by_id[pid])}", json={"scores": {**SCORES, "benefit": n % 11}}
            )
            assert response.status_code == 201
    assert await EvaluationPending.count() == 100

    async def matches() -> dict[str, int]:
        found = {}
        persons = [t for t in db.all_tables() if refers_to_a_person(t)]
        assert {"participant", "enrolment", "participant_link", "participant_consent", "audit_event"} <= {
            t._meta.tablename for t in persons
        }
        for answers in ANSWER_TABLES:
            a = answers._meta.tablename
            for t in persons:
                name = t._meta.tablename
                for label, on in (
                    ("xmin", "a.xmin::text = t.xmin::text"),
                    ("id", "a.id::text = t.id::text"),
                    ("ctid", "a.ctid = t.ctid AND a.xmin::text = t.xmin::text"),
                ):
                    rows = await EvaluationResponse.raw(f'SELECT count(*) AS n FROM "{a}" a JOIN "{name}" t ON {on}')
                    found[f"{a}~{name}.{label}"] = rows[0]["n"]
        return {k: v for k, v in found.items() if v}

    assert await matches() == {}
    await close(client, leader, course["id"])
    assert await EvaluationResponse.count() == 100 and await EvaluationPending.count() == 0
    assert await matches() == {}
    # No time to join on: the answer tables have no date or time columns at all.
    typed = await EvaluationResponse.raw(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_name = ANY({}) "
        "AND (data_type LIKE 'time%' OR data_type = 'date')",
        [t._meta.tablename for t in (*ANSWER_TABLES, EvaluationTicket, EvaluationSeal)],
    )
    assert typed == []
    # Written out in one transaction, in shuffled order, with random ids: neither
    # xmin, the physical order nor the ids say in what order the answers came.
    xmins = await EvaluationResponse.raw("SELECT DISTINCT xmin::text AS x FROM evaluation_response")
    assert len(xmins) == 1
    ids = [r["id"] for r in await EvaluationResponse.raw("SELECT id FROM evaluation_response ORDER BY ctid")]
    assert all(uuid.UUID(str(i)).version == 4 for i in ids)
    stored = [
        r["benefit"] for r in await EvaluationResponse.raw("SELECT benefit FROM evaluation_response ORDER BY ctid")
    ]
    arrival = [(n if n % 2 == 0 else 9 + n) % 11 for n in range(100)]
    assert sorted(stored) == sorted(arrival) and stored != arrival
    assert await EvaluationSeal.count() == 0  # the boxes are gone once they can no longer be used


async def test_the_rows_of_an_evaluation_name_no_one(client, world, as_, database):
    """On both engines: no evaluation table has a column that could name a person, and
    what the own page needs is found without one."""
    leader = await as_("leader")
    course, personal = await cohort_of(client, world, as_, 3)
    await open_evaluation(client, leader, course["id"], named=True)
    for table in (EvaluationTicket, EvaluationSeal, EvaluationPending, EvaluationResponse, EvaluationRemark):
        assert not refers_to_a_person(table), table
        columns = {c._meta.name for c in table._meta.columns}
        assert not columns & {"participant", "enrolment", "person", "created_at", "day", "at"}, table
    assert await EvaluationSeal.count() == 3
    for n, token in enumerate(personal):
        await answer_on_own_page(client, token, course["id"], n)
    done = await client.get(f"/p/{personal[0]}/evaluation/{course['id']}")
    assert "allerede svart" in done.text
    page = await client.get(f"/p/{personal[0]}")
    assert "Takk for at du svarte" in page.text
