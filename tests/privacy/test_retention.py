"""Retention: who is due with the clock moved on, what a dry run shows and a run does,
what the nightly run clears, extensions by role, and the office's periods."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import pytest

from course import clock
from course.accounts.tables import ApiToken, Office, WebSession
from course.audit import services as audit
from course.audit.tables import AuditEvent
from course.participants.retention_rules import add_months
from course.participants.tables import Participant, ParticipantLink
from course.privacy import retention
from course.tokens import digest
from tests.conftest import csrf_post
from tests.participants.helpers import cohort, enrolled, error_keys, participant
from tests.test_cli import kjk

START = date(2026, 3, 2)  # a Monday: the first cohort starts two weeks on


def last_session(course: dict) -> date:
    return max(date.fromisoformat(s["date"]) for s in course["sessions"] if s["status"] != "cancelled")


async def erased(*ids: int) -> list[bool]:
    rows = await Participant.select(Participant.id, Participant.erased_at).where(Participant.id.is_in(list(ids)))
    by_id = {r["id"]: r["erased_at"] is not None for r in rows}
    return [by_id[i] for i in ids]


async def test_due_thirteen_months_after_the_last_cohort_unless_on_a_later_one_or_extended(client, world, as_):
    leader = await as_("leader")
    with clock.starting(START):
        ended, later, kept, never = [
            (await participant(client, leader, world, name))["id"]
            for name in ("Åsmund Ørnes", "Bjørg Ækre", "Dagfinn Sæther", "Eirin Løvås")
        ]
        first = await cohort(client, world, leader)
        for person in (ended, later, kept):
            await enrolled(client, leader, first["id"], person)
    end = last_session(first)
    run_day = add_months(end, 13)
    with clock.starting(run_day):
        fresh = (await participant(client, leader, world, "Frøydis Haugå"))["id"]
        second = await cohort(client, world, leader)
        await enrolled(client, leader, second["id"], later, "invited")
        until = run_day + timedelta(days=30)
        response = await client.post(
            f"/api/v1/participants/{kept}/retention",
            json={"until": until.isoformat(), "reason": "Venter på svar om skoleplass på Åssiden"},
            headers=leader,
        )
        assert response.status_code == 201, response.text
        assert response.json()["erase_on"] == (until + timedelta(days=1)).isoformat()

        plan = await retention.plan(run_day)
        assert [(d.participant_id, d.office_code, d.reason) for d in plan] == [
            (ended, "drammen", f"12 måneder siden siste kurs sluttet {end.isoformat()}"),
            (never, "drammen", f"12 måneder siden registrering {START.isoformat()}, uten kurs"),
        ]
        dry = await retention.run(run_day, dry_run=True)
        assert [d.participant_id for d in dry.due] == [ended, never] and dry.erased == 0
        assert await erased(ended, never) == [False, False]
        assert not await AuditEvent.exists().where(AuditEvent.action == retention.RETENTION_RUN)

        report = await retention.run(run_day, dry_run=False)
    assert report.erased == 2 and report.failed == []
    assert await erased(ended, later, kept, never, fresh) == [True, False, False, True, False]
    events = await AuditEvent.select(AuditEvent.participant, AuditEvent.actor).where(
        AuditEvent.action == retention.PARTICIPANT_ERASED
    )
    assert sorted(e["participant"] for e in events) == [ended, never]
    assert all(e["actor"] is None for e in events)
    run = await AuditEvent.select(AuditEvent.details).where(AuditEvent.action == retention.RETENTION_RUN).first()
    assert run is not None and '"erased": 2' in str(run["details"]).replace("'", '"')
    # The extension runs out; the later cohort has not ended yet.
    after = [d.participant_id for d in await retention.plan(until + timedelta(days=1))]
    assert after == [kept]


async def test_the_run_clears_what_has_served_its_time_and_keeps_the_rest(client, world, as_, today):
    leader = await as_("leader")
    person = (await participant(client, leader, world))["id"]
    assert (await client.post(f"/api/v1/participants/{person}/link", headers=leader)).status_code == 201
    await Office.update({Office.audit_months: 6}).where(Office.id == world.office_a)
    now = clock.utc_now()

    async def session(created: timedelta, seen: timedelta) -> int:
        rows = await WebSession.insert(
            WebSession(
                id_hash=digest(secrets.token_hex()),
                user=world.leader,
                created_at=now - created,
                last_seen_at=now - seen,
            )
        ).returning(WebSession.id)
        return rows[0]["id"]

    gone = {
        "sessions": [
            await session(timedelta(hours=13), timedelta(minutes=1)),
            await session(timedelta(hours=1), timedelta(minutes=31)),
        ]
    }
    stays = {"sessions": [await session(timedelta(hours=1), timedelta(minutes=5))]}

    async def token(revoked: bool) -> int:
        rows = await ApiToken.insert(
            ApiToken(
                user=world.leader,
                token_hash=digest(secrets.token_hex()),
                name="Øvelse",
                created_at=now,
                revoked_at=now - timedelta(days=1) if revoked else None,
            )
        ).returning(ApiToken.id)
        return rows[0]["id"]

    gone["api_tokens"], stays["api_tokens"] = [await token(True)], [await token(False)]

    async def link(expires: timedelta, revoked: bool) -> int:
        rows = await ParticipantLink.insert(
            ParticipantLink(
                participant=person,
                token_hash=digest(secrets.token_hex()),
                created_at=now - timedelta(days=100),
                created_by=world.leader,
                expires_at=now + expires,
                revoked_at=now - timedelta(days=2) if revoked else None,
            )
        ).returning(ParticipantLink.id)
        return rows[0]["id"]

    gone["links"] = [await link(timedelta(days=-1), False), await link(timedelta(days=10), True)]
    stays["links"] = [r["id"] for r in await ParticipantLink.select(ParticipantLink.id) if r["id"] not in gone["links"]]

    def ago(**delta) -> datetime:
        return clock.now() - timedelta(**delta)

    async def event(action: str, at: datetime, office: int | None = None) -> int:
        return await audit.record(action, office=office, at=at, details={"øvelse": True})

    gone["rejected"] = [
        await event("login_failed", ago(days=91)),
        await event("evaluation_token_rejected", ago(days=95)),
        await event("login_throttled", ago(days=120), world.office_a),
    ]
    stays["rejected"] = [await event("login_failed", ago(days=80))]
    gone["audit_events"] = [
        await event("participant_updated", ago(days=200), world.office_a),  # office A keeps 6 months
        await event("office_updated", ago(days=750)),  # no office: 24 months
    ]
    stays["audit_events"] = [
        await event("participant_updated", ago(days=170), world.office_a),
        await event("participant_updated", ago(days=200), world.office_b),  # office B keeps 24 months
        await event("office_updated", ago(days=700)),
        await event("participant_erased", ago(days=3650), world.office_a),  # proves an erasure: kept for good
    ]

    tables = {
        "sessions": WebSession,
        "api_tokens": ApiToken,
        "links": ParticipantLink,
        "rejected": AuditEvent,
        "audit_events": AuditEvent,
    }
    dry = await retention.run(today, dry_run=True)
    assert dry.purged.as_dict() == {name: len(ids) for name, ids in gone.items()}
    for name, table in tables.items():
        assert await table.count().where(table.id.is_in(gone[name])) == len(gone[name]), name

    report = await retention.run(today, dry_run=False)
    assert report.purged.as_dict() == dry.purged.as_dict() and report.due == []
    for name, table in tables.items():
        assert await table.count().where(table.id.is_in(gone[name])) == 0, name
        assert await table.count().where(table.id.is_in(stays[name])) == len(stays[name]), name
    run = await AuditEvent.select(AuditEvent.details).where(AuditEvent.action == retention.RETENTION_RUN).first()
    assert run is not None and "Sølvi" not in str(run["details"])


@pytest.mark.parametrize("who", ["leader", "admin", "leader_b", "manager", "anonymous"])
async def test_extending_by_role(client, world, as_, who, today):
    person = (await participant(client, await as_("leader"), world))["id"]
    headers = {} if who == "anonymous" else await as_(who)
    until = (today + timedelta(days=60)).isoformat()
    body = {"until": until, "reason": "Søker skoleplass på nytt til høsten"}
    response = await client.post(f"/api/v1/participants/{person}/retention", json=body, headers=headers)
    expected = {"leader": 201, "admin": 201, "leader_b": 404, "manager": 403, "anonymous": 401}[who]
    assert response.status_code == expected, response.text
    state = (await client.get(f"/api/v1/participants/{person}/retention", headers=await as_("leader"))).json()
    if expected == 201:
        assert state["extension"]["until"] == until and state["extension"]["reason"] == body["reason"]
        event = await AuditEvent.select().where(AuditEvent.action == "retention_extended").first()
        assert event is not None and event["participant"] == person and event["office"] == world.office_a
        assert "skoleplass" not in str(event["details"])  # the reason is about the person
    else:
        assert state["extension"] is None and "Søker" not in response.text


async def test_extension_rules_name_the_field(client, world, as_, today):
    leader = await as_("leader")
    person = (await participant(client, leader, world))["id"]
    path = f"/api/v1/participants/{person}/retention"
    for until, reason, field in [
        (today.isoformat(), "Trenger mer tid", "until"),
        (add_months(today, 24).isoformat(), "", "reason"),
        ((add_months(today, 24) + timedelta(days=1)).isoformat(), "Trenger mer tid", "until"),
        ("15.10.2027", "Trenger mer tid", "until"),
        ((today + timedelta(days=1)).isoformat(), "x" * 501, "reason"),
    ]:
        response = await client.post(path, json={"until": until, "reason": reason}, headers=leader)
        assert response.status_code == 422 and error_keys(response) == {field}, (until, response.text)
    response = await client.post(path, json={"until": 20271015, "reason": "Trenger mer tid"}, headers=leader)
    assert response.status_code == 400 and error_keys(response) == {"until"}
    assert not await AuditEvent.exists().where(AuditEvent.action == "retention_extended")


async def test_the_participant_page_shows_and_extends_retention(client, world, as_, login_as, today):
    person = (await participant(client, await as_("leader"), world))["id"]
    await login_as("leader")
    page = await client.get(f"/participants/{person}")
    assert 'id="retention"' in page.text and add_months(today, 12).strftime("%Y") in page.text
    until = today + timedelta(days=400)
    bad = await csrf_post(
        client,
        f"/participants/{person}/retention",
        {"until": until.isoformat(), "reason": ""},
        page=f"/participants/{person}",
    )
    assert bad.status_code == 422 and "Skriv hvorfor opplysningene skal lagres lenger." in bad.text
    done = await csrf_post(
        client,
        f"/participants/{person}/retention",
        {"until": until.isoformat(), "reason": "Venter på plass i Ny retning"},
        page=f"/participants/{person}",
    )
    assert done.status_code in (302, 303) and done.headers["location"].endswith("#retention")
    page = await client.get(f"/participants/{person}")
    assert "Venter på plass i Ny retning" in page.text and "Opplysningene blir tatt vare på lenger." in page.text


async def test_office_periods_are_set_by_admins_within_their_ranges(client, world, as_, login_as):
    admin = await as_("admin")
    made = await client.post(
        "/api/v1/offices", json={"code": "kongsberg", "name": "NAV Kongsberg", "retention_months": 6}, headers=admin
    )
    assert made.status_code == 201, made.text
    assert (made.json()["retention_months"], made.json()["audit_months"]) == (6, 24)
    office = made.json()["id"]
    for body, field in [
        ({"retention_months": 0}, "retention_months"),
        ({"audit_months": 5}, "audit_months"),
        ({"audit_months": 121}, "audit_months"),
        ({"retention_months": "12"}, "retention_months"),
    ]:
        response = await client.patch(f"/api/v1/offices/{office}", json=body, headers=admin)
        assert response.status_code == 400 and error_keys(response) == {field}, response.text
    changed = await client.patch(f"/api/v1/offices/{office}", json={"audit_months": 36}, headers=admin)
    assert changed.status_code == 200 and changed.json()["audit_months"] == 36
    assert changed.json()["name"] == "NAV Kongsberg" and changed.json()["retention_months"] == 6
    refused = await client.patch(f"/api/v1/offices/{office}", json={"audit_months": 12}, headers=await as_("leader"))
    assert refused.status_code == 403

    await login_as("admin")
    form = {"name": "NAV Kongsberg", "retention_months": "abc", "audit_months": "200"}
    page = await csrf_post(client, f"/admin/offices/{office}", form)
    assert page.status_code == 422
    assert "Skriv et helt antall måneder fra 1 til 120." in page.text
    assert "Skriv et helt antall måneder fra 6 til 120." in page.text
    saved = await csrf_post(
        client, f"/admin/offices/{office}", {**form, "retention_months": "18", "audit_months": "60"}
    )
    assert saved.status_code in (302, 303)
    row = await Office.select(Office.retention_months, Office.audit_months).where(Office.id == office).first()
    assert row == {"retention_months": 18, "audit_months": 60}


async def test_the_command_lists_and_erases_without_names(database, client, world, as_, today):
    """``kjk retention`` on the test's day: someone registered in 2020 and never on a
    cohort has been due since 2021."""
    with clock.starting(date(2020, 1, 6)):
        person = (await participant(client, await as_("leader"), world, "Åsmund Ørnes"))["id"]
    done = kjk(database.url, "retention", today=today)
    assert done.returncode == 0, done.stderr
    assert f"#{person} (drammen): 12 måneder siden registrering 2020-01-06, uten kurs" in done.stdout
    assert "Slettet: 1 av 1 deltakere." in done.stdout and "Åsmund" not in done.stdout
    assert await erased(person) == [True]
