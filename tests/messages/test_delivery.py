"""Delivery of the outbox to real peers on this machine, on both engines: an SMTP server
(aiosmtpd) and a small HTTP server standing in for the SMS gateway, with the worker
of course/messages/jobs.py on procrastinate's in-memory queue (SQLite) or its real
PostgreSQL queue. Retries wait a second, the queue looks every 0.2 s: seconds, not
minutes. A worker process killed mid-send is in test_delivery_worker.py."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import socket
import threading
import time as timer
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from course import clock, wiring  # noqa: F401 (wiring connects the events that queue messages)
from course.accounts.schemas import Role, Staff
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort, CohortLeader, Session
from course.db import write_transaction
from course.messages import channels, jobs, outbox, reminders, texts
from course.messages.tables import Message
from course.participants import services as participants
from course.participants.tables import Enrolment, Participant

# A Wednesday clear of holidays: the cohort made today starts on Tuesday 28 September
# (sessions on Tuesdays and Thursdays, 09:00–14:00).
TODAY = date(2027, 9, 8)
BASE_URL = "https://klartjegkan.test"
FAST = jobs.Config(tries=3, backoff=1, poll=0.2, stalled_after=2, heartbeat=0.5)
SENDER = "Klart jeg kan <ikke-svar@nav.test>"


@pytest.fixture(autouse=True)
def today():
    with clock.starting(TODAY):
        yield TODAY


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.OSLO)


# --- the peers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mail:
    recipients: list[str]
    message: EmailMessage
    status: str  # the answer to DATA


@dataclass
class MailServer:
    """An SMTP server recording every mail; the next ``refuse`` get 451 (try later)."""

    refuse: int = 0
    received: list[Mail] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?starttls=off"

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            status = "451 4.3.0 Try again later" if self.refuse > 0 else "250 OK"
            self.refuse -= status.startswith("451")
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Mail(list(envelope.rcpt_tos), message, status))  # type: ignore[arg-type]
        return status

    def delivered(self) -> list[Mail]:
        return [m for m in self.received if m.status.startswith("250")]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict
    status: int | None = None  # None: never answered


class SmsGateway:
    """Records every POST; the next ``fail`` get 500; the request numbered ``hold_at``
    (1, 2, …) waits until :meth:`release` and is then dropped unanswered; the rest 200."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.fail = 0
        self.hold_at: int | None = None
        self.held = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                request = Request(self.path, dict(self.headers.items()), json.loads(raw))
                with gateway._lock:
                    gateway.requests.append(request)
                    hold = gateway.hold_at == len(gateway.requests)
                    status = 200
                    if not hold and gateway.fail > 0:
                        gateway.fail -= 1
                        status = 500
                if hold:
                    gateway.held.set()
                    gateway._release.wait(30)
                    self.close_connection = True
                    return
                answer = json.dumps({"status": "ok" if status == 200 else "error"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                request.status = status

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def release(self) -> None:
        self._release.set()

    def references(self, status: int | str | None = "any") -> list[str]:
        """Each request's ``reference`` in order; with ``status``, only those so answered."""
        return [r.body["reference"] for r in self.requests if status == "any" or r.status == status]

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Peers:
    mail: MailServer
    sms: SmsGateway

    @property
    def links(self) -> channels.Channels:
        return channels.Channels(
            email=channels.Smtp.from_url(self.mail.url, SENDER),
            sms=channels.JsonGateway(self.sms.url, "hemmelig-token-123", "NAV"),
        )


@pytest.fixture
def peers() -> Iterator[Peers]:
    mail = MailServer()
    mail.controller.start()
    sms = SmsGateway()
    try:
        yield Peers(mail, sms)
    finally:
        sms.close()
        mail.controller.stop()


# --- the queue ---------------------------------------------------------------------------

# procrastinate's tables outlive a test in the PostgreSQL database the session shares
# (conftest empties only the app's); each test starts its queue empty.
PROCRASTINATE_TABLES = "procrastinate_periodic_defers, procrastinate_events, procrastinate_jobs, procrastinate_workers"


async def empty_queue_tables(queue: jobs.Queue) -> None:
    await queue.app.connector.execute_query_async(f"TRUNCATE {PROCRASTINATE_TABLES} RESTART IDENTITY")


@pytest.fixture
async def open_queue(database, peers) -> AsyncIterator[Callable[..., Awaitable[jobs.Queue]]]:
    """``await open_queue()``: a queue as a worker process has it, on the test's engine
    (a new one is a restarted process: on SQLite its in-memory jobs are gone)."""
    async with contextlib.AsyncExitStack() as stack:

        async def open_(config: jobs.Config = FAST) -> jobs.Queue:
            queue = jobs.Queue(jobs.connector_for(database.url), base_url=BASE_URL, links=peers.links, config=config)
            await stack.enter_async_context(queue.app.open_async())
            await jobs.ensure_schema(queue)
            if not queue.in_memory and not hasattr(stack, "emptied"):
                await empty_queue_tables(queue)
                stack.emptied = True  # type: ignore[attr-defined]
            return queue

        yield open_


@contextlib.asynccontextmanager
async def worker(queue: jobs.Queue) -> AsyncIterator[asyncio.Task]:
    task = asyncio.create_task(jobs.run_worker(queue, name="test"))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def until(check: Callable[[], Awaitable[object]], seconds: float = 15.0) -> object:
    """Wait for ``check`` to give something true; its last answer in the failure."""
    deadline = timer.monotonic() + seconds
    while True:
        result = await check()
        if result:
            return result
        if timer.monotonic() > deadline:
            raise AssertionError(f"still {result!r} after {seconds} s")
        await asyncio.sleep(0.05)


async def statuses() -> dict[str, str]:
    """Each message's status by its de-duplication key."""
    return {r["dedup_key"]: r["status"] for r in await Message.select(Message.dedup_key, Message.status)}


async def all_done() -> bool:
    rows = await statuses()
    return bool(rows) and all(s in ("sent", "failed") for s in rows.values())


async def deliver_all(queue: jobs.Queue) -> dict[str, str]:
    async with worker(queue):
        try:
            await until(all_done)
        except AssertionError:
            rows = await Message.select(Message.dedup_key, Message.status, Message.attempts, Message.error)
            raise AssertionError(f"not all delivered: {rows}") from None
    return await statuses()


# --- people and a cohort -------------------------------------------------------------------
# Written straight into the tables, but consent and the personal link through the
# participants' own services.


@dataclass
class Person:
    id: int
    name: str
    phone: str
    email: str


def staff_of(world) -> Staff:
    return Staff(world.leader, "ase@a.no", "Åse Ødegård", Role.leader, world.office_a, "drammen", "NAV Drammen")


async def young_person(
    world, name: str, *, phone: str = "", email: str = "", preferred: str = "sms", scopes: tuple[str, ...] = ()
) -> Person:
    """A participant in office A who has consented to take part and to the contact
    ``scopes`` (``contact_sms``, ``contact_email``)."""
    [row] = await Participant.insert(
        Participant(
            office=world.office_a,
            name=name,
            sort_name=name.casefold(),
            birth_year=TODAY.year - 19,
            phone=phone,
            email=email,
            preferred_channel=preferred,
            primary_contact=world.leader,
            created_at=clock.utc_now(),
        )
    ).returning(Participant.id)
    scopes_given = ["participation", "sharing", "evaluation", *scopes]
    await participants.record_consent(
        staff_of(world), row["id"], participants.ConsentInput(scopes=scopes_given, date=clock.today().isoformat())
    )
    return Person(row["id"], name, phone, email)


async def link_of(world, person: Person) -> str:
    return (await participants.issue_link(staff_of(world), person.id)).token


@dataclass
class Course:
    id: int
    sessions: list[dict]  # id, number, date


async def course_with(world, people: list[Person], days: list[date], title: str = "Klart jeg kan – høst") -> Course:
    """A cohort in office A led by the office's leader, with a session (09:00–14:00)
    on each day, and the people enrolled."""
    now = clock.utc_now()
    [row] = await Cohort.insert(
        Cohort(
            office=world.office_a,
            title=title,
            variant="kjk",
            location="Møterom Åsen",
            start_date=days[0],
            weekday_1=days[0].isoweekday(),
            weekday_2=days[-1].isoweekday(),
            start_time=time(9),
            end_time=time(14),
            created_at=now,
        )
    ).returning(Cohort.id)
    await CohortLeader.insert(CohortLeader(cohort=row["id"], leader=world.leader))
    sessions = []
    for number, day in enumerate(days, start=1):
        [s] = await Session.insert(
            Session(
                cohort=row["id"],
                number=number,
                module=number,
                date=day,
                start_time=time(9),
                end_time=time(14),
                location="Møterom Åsen",
            )
        ).returning(Session.id)
        sessions.append({"id": s["id"], "number": number, "date": day})
    for person in people:
        await Enrolment.insert(
            Enrolment(cohort=row["id"], participant=person.id, status="enrolled", created_at=now, changed_at=now)
        )
    return Course(row["id"], sessions)


def reminder_context(**changes) -> dict:
    return {
        "title": "Klart jeg kan – høst",
        "number": 3,
        "theme": "",
        "day": date(2027, 9, 9),
        "start": datetime(2027, 9, 9, 9).time(),
        "end": datetime(2027, 9, 9, 14).time(),
        "location": "Møterom Åsen",
        "bring": "",
        "link": texts.LINK_MARK,
        **changes,
    }


def e164(phone: str) -> str:
    return channels.e164(phone)


def log_text(caplog) -> str:
    """What the app and the queue logged (the SMTP server's own log, ``mail.log``, is
    the peer's, not ours)."""
    return "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records if not r.name.startswith("mail.log")
    )


def assert_nothing_personal(text: str, *secrets: str) -> None:
    for secret in secrets:
        if secret:
            assert secret not in text, f"{secret!r} is in the log"


@pytest.fixture
def logs(caplog):
    """Everything the app, the queue and the clients log, down to debug; the rest (the
    database drivers' debug lines with every query's values) as the server logs it."""
    caplog.set_level(logging.INFO)
    for name in ("course", "procrastinate", "httpx", "aiosmtplib"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


# --- reminders the day before ----------------------------------------------------------------

FIRST, SECOND = date(2027, 9, 28), date(2027, 9, 30)  # a Tuesday and a Thursday


async def test_a_session_tomorrow_gives_one_reminder_to_each_who_consented(world, peers, open_queue, logs):
    by_sms = await young_person(world, "Åsmund Ørnes", phone="+47 912 34 561", scopes=("contact_sms",))
    by_email = await young_person(
        world,
        "Bjørg Ækre",
        phone="+47 912 34 562",
        email="bjorg.aekre@eksempel.no",
        preferred="email",
        scopes=("contact_sms", "contact_email"),
    )
    silent = await young_person(world, "Dagfinn Sæther", phone="+47 912 34 563", email="dagfinn@eksempel.no")
    course = await course_with(world, [by_sms, by_email, silent], [FIRST, SECOND])
    link = await link_of(world, by_sms)

    # 22:00 the evening before the first session: the quiet hours, nothing is queued or sent.
    with clock.starting(at(FIRST - timedelta(days=1), 22)):
        assert await reminders.queue_reminders(clock.now()) == 0
        queue = await open_queue()
        async with worker(queue):
            await asyncio.sleep(1.0)  # the worker's own reminder round and relay have run
        assert await Message.count() == 0
    assert peers.sms.requests == [] and peers.mail.received == []

    # 15:30 the day before the second: one each to those who consented, none to the third.
    with clock.starting(at(SECOND - timedelta(days=1), 15, 30)):
        assert await reminders.queue_reminders(clock.now()) == 2
        assert await reminders.queue_reminders(clock.now()) == 0  # a second round queues nothing
        done = await deliver_all(await open_queue())
    assert sorted(done.values()) == ["sent", "sent"]

    [sms] = peers.sms.requests
    assert sms.status == 200 and sms.body["to"] == "+4791234561" and sms.body["from"] == "NAV"
    assert sms.headers["Authorization"] == "Bearer hemmelig-token-123"
    assert sms.body["text"].startswith("Hei Åsmund! Husk kurset i morgen, torsdag 30. september kl. 09:00-14:00")
    assert f"{BASE_URL}/p/{link}" in sms.body["text"]
    assert (
        sms.body["reference"] == f"session_reminder:session:{course.sessions[1]['id']}:{SECOND}:09:00:00:p{by_sms.id}"
    )

    [mail] = peers.mail.delivered()
    assert mail.recipients == ["bjorg.aekre@eksempel.no"]
    assert mail.message["Subject"] == "Påminnelse: Klart jeg kan – høst i morgen kl. 09:00"
    assert mail.message["From"] == SENDER
    content = mail.message.get_content()
    assert "Hei Bjørg!" in content and "samling 2" in content
    assert "[[lenke]]" not in content and "/p/" not in content  # she has no link: its line is left out

    assert await Message.count().where(Message.participant == silent.id) == 0
    assert_nothing_personal(
        log_text(logs), by_sms.phone, "+4791234561", "bjorg.aekre@eksempel.no", link, sms.body["text"], content.strip()
    )


# --- what a change sends, sent once ---------------------------------------------------------


async def test_a_cancelled_session_gives_one_notice(world, peers, open_queue, logs):
    told = await young_person(world, "Eirin Løvås", phone="+47 412 34 567", scopes=("contact_sms",))
    not_told = await young_person(world, "Frøydis Haugå", phone="+47 412 34 568")
    course = await course_with(world, [told, not_told], [FIRST, SECOND])
    change = cohorts.SessionChange(cancelled=True, reason="Kursleder er syk")
    await cohorts.change_session(staff_of(world), course.id, 1, change)
    await cohorts.change_session(staff_of(world), course.id, 1, change)  # sent again: nothing new

    done = await deliver_all(await open_queue())
    assert list(done.values()) == ["sent"]
    [sms] = peers.sms.requests
    assert sms.body["to"] == "+4741234567"
    assert sms.body["text"].startswith("Hei Eirin! Samling 1 tirsdag 28. september kl. 09:00 er dessverre avlyst.")
    assert sms.body["reference"].startswith(f"session_cancelled:session:{course.sessions[0]['id']}:")
    assert_nothing_personal(log_text(logs), told.phone, "+4741234567", sms.body["text"])


async def test_two_missed_sessions_give_one_alert_to_the_primary_contact(world, peers, open_queue, logs):
    away = await young_person(world, "Gunnhild Bråten", phone="+47 412 34 569", scopes=("contact_sms",))
    course = await course_with(world, [away], [FIRST, SECOND])
    with clock.starting(at(SECOND, 15)):
        for number in (1, 2, 2):  # the second marked twice: still one alert
            await participants.mark_attendance(staff_of(world), course.id, number, away.id, "absent")
        done = await deliver_all(await open_queue())
    assert list(done.values()) == ["sent"]
    assert peers.sms.requests == []  # the participant is not told
    [mail] = peers.mail.delivered()
    assert mail.recipients == ["ase@a.no"]  # the primary contact, who leads the cohort too
    assert mail.message["Subject"] == "En deltaker har vært borte fra to samlinger på rad"
    content = mail.message.get_content()
    assert "Gunnhild Bråten var borte" in content and f"{BASE_URL}/participants/{away.id}" in content
    assert_nothing_personal(log_text(logs), "ase@a.no", "Gunnhild Bråten", content.strip())


async def test_a_change_rolled_back_sends_nothing(world, peers, open_queue):
    person = await young_person(world, "Håkon Strømme", phone="+47 412 34 570", scopes=("contact_sms",))
    with pytest.raises(RuntimeError):
        async with write_transaction():
            assert await outbox.to_participant(person.id, "session_reminder", "rolled-back", reminder_context())
            raise RuntimeError("the change failed after the message was written")
    assert await Message.count() == 0
    queue = await open_queue()
    async with worker(queue):
        await asyncio.sleep(1.0)  # the worker's first relay has run
    assert peers.sms.requests == [] and peers.mail.received == []


# --- retries, and giving up ------------------------------------------------------------------


async def test_a_gateway_answering_500_is_tried_three_times_then_the_message_fails(
    database, world, peers, open_queue, logs
):
    person = await young_person(world, "Ingrid Kværnå", phone="+47 412 34 571", scopes=("contact_sms",))
    link = await link_of(world, person)
    assert await outbox.to_participant(person.id, "session_reminder", "retry", reminder_context())
    peers.sms.fail = 3
    queue = await open_queue()
    started = timer.monotonic()
    done = await deliver_all(queue)
    assert list(done.values()) == ["failed"]
    assert timer.monotonic() - started < 10  # two waits of a second, not minutes

    key = "session_reminder:retry:p" + str(person.id)
    assert peers.sms.references() == [key, key, key]  # the same reference each time
    assert [r.status for r in peers.sms.requests] == [500, 500, 500]
    assert len({r.body["text"] for r in peers.sms.requests}) == 1
    row = await Message.select().first()
    assert row["attempts"] == 3 and row["error"] == "SMS gateway answered 500" and row["failed_at"] is not None
    if not queue.in_memory:  # the job, too, is failed: procrastinate's own dead-letter list
        [job] = await queue.app.job_manager.list_jobs_async(task="deliver")
        assert job.status == "failed" and job.attempts == 3
    text = peers.sms.requests[0].body["text"]
    assert_nothing_personal(log_text(logs), person.phone, "+4741234571", link, text)
    assert "Hei Ingrid!" not in log_text(logs)


async def test_a_gateway_that_recovers_gets_the_message_on_a_later_try(world, peers, open_queue):
    person = await young_person(world, "Jørgen Fjæra", phone="+47 412 34 572", scopes=("contact_sms",))
    assert await outbox.to_participant(person.id, "session_reminder", "later", reminder_context())
    peers.sms.fail = 2
    assert list((await deliver_all(await open_queue())).values()) == ["sent"]
    assert [r.status for r in peers.sms.requests] == [500, 500, 200]
    assert len(set(peers.sms.references())) == 1
    assert (await Message.select(Message.attempts, Message.error).first()) == {"attempts": 3, "error": ""}


async def test_an_email_keeps_its_message_id_across_retries(world, peers, open_queue, logs):
    person = await young_person(
        world, "Kåre Nærø", email="kare.naero@eksempel.no", preferred="email", scopes=("contact_email",)
    )
    assert await outbox.to_participant(person.id, "session_reminder", "mail", reminder_context())
    peers.mail.refuse = 2
    assert list((await deliver_all(await open_queue())).values()) == ["sent"]
    assert [m.status[:3] for m in peers.mail.received] == ["451", "451", "250"]
    ids = {m.message["Message-ID"] for m in peers.mail.received}
    assert ids == {f"<session_reminder.mail.p{person.id}@klartjegkan>"}
    assert_nothing_personal(log_text(logs), "kare.naero@eksempel.no", peers.mail.received[0].message.get_content())


async def test_an_address_the_peer_refuses_fails_at_once(world, peers, open_queue):
    person = await young_person(world, "Liv Østgård", phone="+47 412 34 573", scopes=("contact_sms",))
    await Participant.update({Participant.phone: "123"}).where(Participant.id == person.id)
    assert await outbox.to_participant(person.id, "session_reminder", "bad", reminder_context())
    assert list((await deliver_all(await open_queue())).values()) == ["failed"]
    assert peers.sms.requests == []  # not a phone number: never handed to the gateway
    row = await Message.select(Message.attempts, Message.error).first()
    assert row == {"attempts": 1, "error": "not a valid phone number"}


# --- a worker that stops mid-send ------------------------------------------------------------


async def test_a_message_left_mid_send_goes_again_with_the_same_key_after_a_restart(database, world, peers, open_queue):
    """On SQLite the queue is in memory: a process that died while sending left its
    message ``sending``, and the next one sends it again (at least once). On PostgreSQL
    the same is done by a worker process killed for real (test_delivery_worker.py)."""
    if database.kind != "sqlite":
        pytest.skip("on PostgreSQL a killed worker process is taken over: test_delivery_worker.py")
    person = await young_person(world, "Mads Ødegaard", phone="+47 412 34 574", scopes=("contact_sms",))
    for key in ("a", "b"):
        assert await outbox.to_participant(person.id, "session_reminder", key, reminder_context())
    peers.sms.hold_at = 1
    first = await open_queue()
    task = asyncio.create_task(jobs.run_worker(first, name="first"))
    await until(lambda: asyncio.to_thread(peers.sms.held.wait, 0.1))
    await until(lambda: asyncio.sleep(0, len(peers.sms.references(200)) == 1))
    task.cancel()  # the process ends: what it held in memory is gone
    peers.sms.release()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    in_flight = peers.sms.requests[0].body["reference"]
    await Message.update({Message.status: "sending"}).where(Message.dedup_key == in_flight)

    assert sorted((await deliver_all(await open_queue())).values()) == ["sent", "sent"]
    other = peers.sms.requests[1].body["reference"]
    assert other != in_flight
    # Each message reached the gateway; the one answered 200 went once, the one in
    # flight again, under the same reference.
    assert peers.sms.references() == [in_flight, other, in_flight]
    assert [r.status for r in peers.sms.requests] == [None, 200, 200]


async def test_setting_up_the_queue_leaves_no_lock_behind(database, open_queue):
    """The schema check's lock ends with its transaction: none is left on a connection
    that went back to the pool, where it would stop the next worker starting."""
    queue = await open_queue()
    await asyncio.gather(jobs.ensure_schema(queue), jobs.ensure_schema(queue))
    if queue.in_memory:
        return
    held = await queue.app.connector.execute_query_one_async(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    assert held["n"] == 0


# --- the channels' settings and requests ------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"KJK_SMTP_URL": "http://mail.nav.test:587"}, "KJK_SMTP_URL"),
        ({"KJK_SMTP_URL": "smtp://"}, "KJK_SMTP_URL"),
        ({"KJK_SMS_URL": "http://sms.eksempel.no/send"}, "KJK_SMS_URL"),  # in the clear over the network
        ({"KJK_SMS_URL": "ftp://127.0.0.1/send"}, "KJK_SMS_URL"),
        ({"KJK_SMS_URL": "https://sms.eksempel.no/send", "KJK_SMS_API": "telegraf"}, "KJK_SMS_API"),
    ],
)
def test_settings_that_cannot_work_are_refused_at_start(monkeypatch, variables, named):
    for name in ("KJK_SMTP_URL", "KJK_SMS_URL", "KJK_SMS_API", "KJK_SMS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(channels.ConfigError, match=named):
        channels.from_environment()


def test_the_channels_from_the_environment(monkeypatch):
    monkeypatch.setenv("KJK_SMTP_URL", "smtps://kjk%40nav.test:hemmelig@smtp.nav.test")
    monkeypatch.setenv("KJK_SMS_URL", "http://127.0.0.1:8099/sms")  # in the clear only on this machine
    monkeypatch.setenv("KJK_SMS_TOKEN", "abc")
    monkeypatch.delenv("KJK_SMS_API", raising=False)
    links = channels.from_environment()
    assert links.email == channels.Smtp(
        "smtp.nav.test", 465, "kjk@nav.test", "hemmelig", implicit_tls=True, starttls=False, sender=links.email.sender
    )
    assert isinstance(links.sms, channels.JsonGateway) and links.sms.token == "abc"
    monkeypatch.delenv("KJK_SMTP_URL")
    monkeypatch.setenv("KJK_SMS_URL", "http://localhost:8099/sms")
    monkeypatch.setenv("KJK_SMS_API", "linkmobility")
    links = channels.from_environment()
    assert links.email is None and isinstance(links.sms, channels.LinkMobility)
    assert channels.Smtp.from_url("smtp://smtp.nav.test", "x").starttls  # STARTTLS unless turned off


@pytest.mark.parametrize(
    ("variables", "named"),
    [({"KJK_MESSAGE_TRIES": "0"}, "KJK_MESSAGE_TRIES"), ({"KJK_WORKER_POLL": "0.01"}, "KJK_WORKER_POLL")],
)
def test_queue_settings_below_their_least_are_refused(monkeypatch, variables, named):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(channels.ConfigError, match=named):
        jobs.Config.from_environment()


LINK_MOBILITY = "https://n-eu.linkmobility.io/sms/send?platformId=COMMON_API&platformPartnerId=4321"


def test_a_link_mobility_request():
    gateway = channels.LinkMobility(LINK_MOBILITY, "kjk-bruker:hemmelig", "NAV")
    body, headers = gateway.request(channels.Outgoing("session_reminder:x:p1", "912 34 567", "", "Hei Åse! Husk…"))
    assert body == {
        "source": "NAV",
        "destination": "+4791234567",
        "userData": "Hei Åse! Husk…",
        "refId": "session_reminder:x:p1",
        "platformId": "COMMON_API",
        "platformPartnerId": "4321",
    }
    assert headers == {"Authorization": "Basic " + base64.b64encode(b"kjk-bruker:hemmelig").decode()}


async def test_link_mobility_posts_to_the_address_without_its_query(peers):
    url = peers.sms.url.replace("/sms", "/sms/send") + "?platformId=COMMON_API&platformPartnerId=4321"
    await channels.LinkMobility(url, "u:p", "NAV").send(channels.Outgoing("k:1", "+47 912 34 567", "", "Hei"))
    [request] = peers.sms.requests
    assert request.path == "/sms/send"
    assert request.body["platformPartnerId"] == "4321" and request.body["refId"] == "k:1"
    assert request.headers["Authorization"] == "Basic dTpw"
    with pytest.raises(channels.DeliveryError, match="not a valid phone number") as refused:
        await channels.LinkMobility(url, "u:p", "NAV").send(channels.Outgoing("k:2", "123", "", "Hei"))
    assert refused.value.permanent


async def test_a_gateway_that_cannot_be_reached_is_tried_again():
    gone = channels.JsonGateway(f"http://127.0.0.1:{free_port()}/sms", "t", "NAV")
    with pytest.raises(channels.DeliveryError, match=r"^SMS gateway: ConnectError$") as failed:
        await gone.send(channels.Outgoing("k:1", "+47 912 34 567", "", "Hei"))
    assert not failed.value.permanent


async def test_a_fault_while_sending_is_retried_and_given_up_never_left_sending(
    database, world, peers, open_queue, logs
):
    """A token httpx cannot put in a header (not ASCII) fails inside the library, not
    at the peer: the message is tried again and then given up, not left 'sending'."""
    person = await young_person(world, "Åse Bjørnstad", phone="+47 412 34 575", scopes=("contact_sms",))
    assert await outbox.to_participant(person.id, "session_reminder", "fault", reminder_context())
    faulty = channels.Channels(email=None, sms=channels.JsonGateway(peers.sms.url, "nøkkel", "NAV"))
    queue = await open_queue()
    queue.links = faulty
    assert list((await deliver_all(queue)).values()) == ["failed"]
    row = await Message.select(Message.attempts, Message.error).first()
    assert row == {"attempts": 3, "error": "unexpected error: UnicodeEncodeError"}
    assert peers.sms.requests == []
    if not queue.in_memory:
        [job] = await queue.app.job_manager.list_jobs_async(task="deliver")
        assert job.status == "failed"
    assert "UnicodeEncodeError" in log_text(logs)
    assert_nothing_personal(log_text(logs), person.phone, "+4741234575", "nøkkel")
