"""``kjk worker`` as its own process on PostgreSQL, killed with SIGKILL while the SMS
gateway holds one of its requests, then another started: every message reaches the
gateway, none answered 2xx goes twice, and the one in flight goes again under the same
reference. The worker's clock starts at a set moment (as tests/test_cli.py's
``ON_A_DAY``): the real one may be in the quiet hours."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from course.messages import outbox
from course.messages.tables import Message
from tests.messages.test_delivery import (  # noqa: F401  (open_queue, peers: fixtures)
    BASE_URL,
    TODAY,
    SmsGateway,
    assert_nothing_personal,
    at,
    link_of,
    open_queue,
    peers,
    reminder_context,
    today,
    until,
    young_person,
)

# `python -m course worker` with the one clock running from the moment given first. The
# context is kept in a name: a generator context dropped after __enter__ is closed at
# once, and its ``finally`` puts the real clock back.
STARTING_AT = (
    "import sys; from datetime import datetime; from course import clock; from course.cli import main; "
    "running = clock.starting(datetime.fromisoformat(sys.argv.pop(1))); running.__enter__(); "
    "raise SystemExit(main())"
)


def start_worker(database_url: str, gateway: SmsGateway, moment: datetime, log: Path) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KJK_")}
    environment.update(
        KJK_SECRET_KEY=os.environ["KJK_SECRET_KEY"],  # the links are sealed with it
        KJK_VAR_DIR=os.environ["KJK_VAR_DIR"],
        KJK_DATABASE_URL=database_url,
        KJK_BASE_URL=BASE_URL,
        KJK_SMS_URL=gateway.url,
        KJK_SMS_TOKEN="hemmelig-token-123",
        KJK_SMS_API="json",
        KJK_MESSAGE_TRIES="3",
        KJK_MESSAGE_BACKOFF="1",
        KJK_WORKER_POLL="0.2",
        KJK_WORKER_STALLED_AFTER="2",
        KJK_WORKER_HEARTBEAT="0.5",
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-c", STARTING_AT, moment.isoformat(), "worker", "--concurrency", "4"],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def test_a_worker_killed_mid_send_and_another_started_send_each_message_once(
    database,
    world,
    peers,  # noqa: F811 (the fixture imported above)
    open_queue,  # noqa: F811
    tmp_path,
):
    if database.kind != "postgres":
        pytest.skip("kjk worker runs on PostgreSQL; on SQLite kjk serve delivers (test_delivery.py)")
    queue = await open_queue()  # procrastinate's tables, empty
    person = await young_person(world, "Åsmund Ørnes", phone="+47 912 34 561", scopes=("contact_sms",))
    link = await link_of(world, person)
    keys = ["a", "b", "c", "d"]
    for key in keys:
        assert await outbox.to_participant(person.id, "session_reminder", key, reminder_context())
    expected = {f"session_reminder:{key}:p{person.id}" for key in keys}
    peers.sms.hold_at = 2
    log = tmp_path / "worker.log"
    moment = at(TODAY, 12, 5)  # a few minutes after the messages were written, by day
    workers: list[subprocess.Popen] = []
    try:
        workers.append(start_worker(database.url, peers.sms, moment, log))
        await until(lambda: asyncio.sleep(0, peers.sms.held.is_set() and len(peers.sms.references(200)) == 3), 60)
        in_flight = peers.sms.requests[1].body["reference"]
        assert await Message.select(Message.status).where(Message.dedup_key == in_flight).first() == {
            "status": "sending"
        }
        workers[0].kill()  # SIGKILL: no goodbye, its job stays 'doing'
        workers[0].wait(10)
        peers.sms.release()  # the held request is dropped unanswered
        doing = [j for j in await queue.app.job_manager.list_jobs_async(task="deliver") if j.status == "doing"]
        assert len(doing) == 1  # the killed worker's, left as it was
        # Once its heartbeat is older than KJK_WORKER_STALLED_AFTER, the next worker takes it over.
        await asyncio.sleep(2.5)
        workers.append(start_worker(database.url, peers.sms, moment, log))

        async def all_sent() -> bool:
            rows = await Message.select(Message.status)
            return all(r["status"] == "sent" for r in rows)

        await until(all_sent, 60)
        workers[1].terminate()
        assert workers[1].wait(15) == 0
    except AssertionError as exc:
        rows = await Message.select(Message.dedup_key, Message.status, Message.attempts, Message.error)
        requests = [(r.body["reference"], r.status) for r in peers.sms.requests]
        queued = [(j.id, j.task_name, j.status, j.lock) for j in await queue.app.job_manager.list_jobs_async()]
        raise AssertionError(
            f"{exc}\nmessages: {rows}\ngateway: {requests}\njobs: {queued}\nlog:\n{log.read_text()}"
        ) from None
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.wait(10)

    answered = peers.sms.references(200)
    assert set(peers.sms.references()) == expected  # every message reached the gateway
    assert sorted(answered) == sorted(expected)  # each answered 2xx once: none sent again
    assert peers.sms.references().count(in_flight) == 2  # the one in flight, twice, same reference
    assert [r.status for r in peers.sms.requests if r.body["reference"] == in_flight] == [None, 200]
    assert len({r.body["text"] for r in peers.sms.requests if r.body["reference"] == in_flight}) == 1
    attempts = {r["dedup_key"]: r["attempts"] for r in await Message.select(Message.dedup_key, Message.attempts)}
    assert attempts == {key: 2 if key == in_flight else 1 for key in expected}
    left = [(j.id, j.status) for j in await queue.app.job_manager.list_jobs_async(task="deliver")]
    assert left == [], left  # the taken-over job succeeded too (and was deleted as successful)

    output = log.read_text()
    assert output.count("Jobbkøen kjører") == 2 and "Traceback" not in output, output
    text = peers.sms.requests[0].body["text"]
    assert_nothing_personal(output, person.phone, "+4791234561", link, text, "Åsmund")
