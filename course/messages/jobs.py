"""The job queue that delivers the outbox: procrastinate.

On PostgreSQL the queue lives in the database (``procrastinate_*`` tables), so any
number of ``kjk worker`` processes on any number of machines share the work, wake on
LISTEN/NOTIFY, retry with backoff, and leave what failed for good as ``failed`` jobs
(with the message marked ``failed``: the dead-letter list). Periodic jobs (the relay,
tomorrow's reminders, the daily digest, clearing old texts) are deferred once per
tick whatever the number of workers. On SQLite, ``kjk serve`` runs the same tasks
in its own process on procrastinate's in-memory queue: the outbox table is what is
durable, and the relay hands its due messages to the queue again after a restart.

Every message is one ``deliver`` job with the message's lock (one at a time per
message) and queueing lock (never two waiting), so a message is sent by one worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, cast

import procrastinate
from procrastinate import exceptions as queue_errors
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from procrastinate.testing import InMemoryConnector
from psycopg.rows import tuple_row

from course import clock
from course.db import is_sqlite, lock, write_transaction
from course.messages import channels, delivery, digest, reminders, retention
from course.messages import outbox as outbox_module
from course.messages.tables import Message

log = logging.getLogger("course.messages")

QUEUE = "messages"
RELAY_BATCH = 500


@dataclass(frozen=True)
class Config:
    """Read from the environment when the queue starts, never at import."""

    tries: int = 3  # KJK_MESSAGE_TRIES: sends before a message is given up
    backoff: int = 8  # KJK_MESSAGE_BACKOFF seconds: retries wait 8, 64, 512… seconds
    stalled_after: float = 30.0  # seconds without a worker's heartbeat before its jobs are taken over
    heartbeat: float = 10.0
    poll: float = 5.0  # seconds between looks for due jobs besides LISTEN/NOTIFY (and retries)

    @classmethod
    def from_environment(cls) -> Config:
        def number(name: str, default: float, low: float) -> float:
            raw = os.environ.get(name, "").strip()
            if not raw:
                return default
            value = float(raw)
            if value < low:
                raise channels.ConfigError(f"{name} må være minst {low:g}")
            return value

        return cls(
            tries=int(number("KJK_MESSAGE_TRIES", cls.tries, 1)),
            backoff=int(number("KJK_MESSAGE_BACKOFF", cls.backoff, 1)),
            stalled_after=number("KJK_WORKER_STALLED_AFTER", cls.stalled_after, 1),
            heartbeat=number("KJK_WORKER_HEARTBEAT", cls.heartbeat, 0.1),
            poll=number("KJK_WORKER_POLL", cls.poll, 0.1),
        )


class RetryLater(Exception):
    """A delivery that may go through on a later try; the reason is the peer's answer."""


class GaveUp(Exception):
    """A message given up: it is marked failed, for an admin to send again."""


class Backoff(BaseRetryStrategy):
    def __init__(self, queue: Queue) -> None:
        self.queue = queue

    def get_retry_decision(self, *, exception: BaseException, job: Any) -> RetryDecision | None:
        if not isinstance(exception, RetryLater) or job.attempts + 1 >= self.queue.config.tries:
            return None
        return RetryDecision(retry_in={"seconds": self.queue.config.backoff ** (job.attempts + 1)})


class Queue:
    """The procrastinate app with our tasks, the channels and the base address."""

    def __init__(
        self,
        connector: Any,
        *,
        base_url: str | None,
        links: channels.Channels | None = None,
        config: Config | None = None,
    ) -> None:
        self.config = config or Config.from_environment()
        self.links = links or channels.from_environment()
        self.base_url = base_url
        self.app = procrastinate.App(connector=connector)
        self.in_memory = isinstance(connector, InMemoryConnector)
        self._define()

    def _define(self) -> None:
        app, queue = self.app, self

        @app.task(name="deliver", queue=QUEUE, pass_context=True, retry=Backoff(self))
        async def deliver(context: procrastinate.JobContext, message_id: int) -> str:
            attempts = context.job.attempts if context.job else 0
            outcome = await delivery.deliver(
                message_id, queue.links, queue.base_url, last_try=attempts + 1 >= queue.config.tries
            )
            if outcome.status == "retry":
                raise RetryLater(outcome.reason)
            if outcome.status == "failed":
                raise GaveUp(outcome.reason)  # the job, too, ends failed: the queue's dead-letter list
            return outcome.status

        @app.periodic(cron="* * * * *", periodic_id="relay")
        @app.task(name="relay_tick", queue=QUEUE, queueing_lock="relay_tick")
        async def relay_tick(timestamp: int) -> int:
            return await queue.relay()

        @app.task(name="relay", queue=QUEUE, queueing_lock="relay")
        async def relay() -> int:
            return await queue.relay()

        # Every quarter of an hour: reminders begin at 15:00, and one that was missed
        # while nothing ran goes out at the next tick.
        @app.periodic(cron="*/15 * * * *", periodic_id="reminders")
        @app.task(name="reminders", queue=QUEUE, queueing_lock="reminders")
        async def reminders_tick(timestamp: int) -> int:
            count = await reminders.queue_reminders(clock.now())
            await queue.relay()
            return count

        @app.periodic(cron="0 7 * * *", periodic_id="digest")
        @app.task(name="digest", queue=QUEUE, queueing_lock="digest")
        async def digest_tick(timestamp: int) -> int:
            return await digest.queue_digests(clock.now())

        @app.periodic(cron="30 3 * * *", periodic_id="purge")
        @app.task(name="purge", queue=QUEUE, queueing_lock="purge")
        async def purge_tick(timestamp: int) -> int:
            return await retention.clear_old_texts(clock.utc_now())

        self.deliver, self.relay_task, self.reminders_task = deliver, relay, reminders_tick

    async def relay(self) -> int:
        """Hand every due message to the queue; take over the jobs of workers that
        stopped sending heartbeats (killed mid-send). How many were handed out."""
        if not self.in_memory:
            # One relay at a time takes jobs over (two workers starting together, or the
            # reminders' round beside a relay), so each sees the jobs as the last left
            # them: a job another worker has just begun is not put back under it.
            async with write_transaction():
                await lock("messages:stalled-jobs")
                for job in await self.app.job_manager.get_stalled_jobs(
                    queue=QUEUE, seconds_since_heartbeat=self.config.stalled_after
                ):
                    try:
                        await self.app.job_manager.retry_job(job)
                    except queue_errors.ConnectorException as exc:
                        # It ended after all (its worker was slow, not dead).
                        if "invalid status to retry" not in str(exc.__cause__):
                            raise
        due = (
            await Message.select(Message.id)
            .where(Message.status == "pending", Message.not_before <= clock.utc_now())
            .order_by(Message.not_before)
            .limit(RELAY_BATCH)
        )
        busy = await self._in_queue([f"message:{row['id']}" for row in due])
        count = 0
        for row in due:
            if f"message:{row['id']}" not in busy:
                count += await self.hand_out(row["id"])
        return count

    async def _in_queue(self, locks: list[str]) -> set[str]:
        """Of these messages' locks, those with a job waiting or running. A message is
        pending again while its job waits to retry (and for a moment before procrastinate
        records the retry): a second job for it would take the queueing lock, and the
        first job's retry would then fail on it and stay ``doing`` for good."""
        if not locks:
            return set()
        if self.in_memory:
            jobs = self.app.connector.jobs.values()  # type: ignore[attr-defined]  # InMemoryConnector
            return {j["lock"] for j in jobs if j["status"] in ("todo", "doing") and j["lock"] in locks}
        rows = await self.app.connector.execute_query_all_async(
            "SELECT lock FROM procrastinate_jobs WHERE queue_name = %(queue)s"
            " AND status IN ('todo', 'doing') AND lock = ANY(%(locks)s)",
            queue=QUEUE,
            locks=locks,
        )
        return {row["lock"] for row in rows}

    async def hand_out(self, message_id: int) -> int:
        key = f"message:{message_id}"
        try:
            await self.deliver.configure(lock=key, queueing_lock=key).defer_async(message_id=message_id)
        except queue_errors.AlreadyEnqueued:
            return 0
        return 1

    async def poke(self) -> None:
        """Ask a worker to look at the outbox now (after a request queued messages)."""
        with contextlib.suppress(queue_errors.AlreadyEnqueued):
            await self.relay_task.defer_async()

    async def retry(self, message_id: int) -> bool:
        """Send a failed message again, from its first try (the admin's retry button)."""
        async with write_transaction():
            changed = await Message.update(
                {Message.status: "pending", Message.attempts: 0, Message.failed_at: None, Message.error: ""}
            ).where(Message.id == message_id, Message.status == "failed", Message.purged_at.is_null())
        if not changed:
            return False
        outbox_module.queued.set()
        return True


async def ensure_schema(queue: Queue) -> None:
    """procrastinate's tables, created once on a new PostgreSQL database. The check
    runs under a transaction-scoped advisory lock on one connection of the queue's
    pool, so two workers starting together do not both create them, and the lock
    cannot outlive the check on a connection that goes back to the pool."""
    if queue.in_memory:
        return
    connector = cast(procrastinate.PsycopgConnector, queue.app.connector)  # connector_for's, on PostgreSQL
    async with connector.pool.connection() as conn, conn.transaction():
        async with conn.cursor(row_factory=tuple_row) as cursor:
            await cursor.execute("SELECT pg_advisory_xact_lock(hashtext('kjk_procrastinate_schema'))")
            await cursor.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            row = await cursor.fetchone()
        if not (row and row[0]):
            await queue.app.schema_manager.apply_schema_async()
            log.info("Oppsett av jobbkøen er lagt i databasen.")


def connector_for(database_url: str) -> Any:
    if database_url.startswith("sqlite"):
        return InMemoryConnector()
    return procrastinate.PsycopgConnector(conninfo=database_url, min_size=1, max_size=4)


async def _reset_interrupted() -> None:
    """On the in-memory queue nothing survives the process: a message a killed process
    was sending goes out again (at least once)."""
    async with write_transaction():
        await Message.update({Message.status: "pending"}).where(Message.status == "sending")


async def run_worker(queue: Queue, *, concurrency: int = 4, name: str = "kjk") -> None:
    """Run a worker until cancelled: first a relay and the reminders (a worker that was
    down at 15:00 catches up now), then the queue's jobs."""
    if queue.in_memory:
        await _reset_interrupted()
    await queue.reminders_task.defer_async(timestamp=int(clock.utc_now().timestamp()))  # type: ignore[call-arg]
    await queue.poke()
    await queue.app.run_worker_async(
        queues=[QUEUE],
        concurrency=concurrency,
        name=name,
        wait=True,
        install_signal_handlers=False,
        delete_jobs="successful",
        update_heartbeat_interval=queue.config.heartbeat,
        stalled_worker_timeout=queue.config.stalled_after,
        listen_notify=not queue.in_memory,
        fetch_job_polling_interval=queue.config.poll,
    )


async def _poker(queue: Queue) -> None:
    """After a request queued messages, ask for a relay once its transaction has had
    time to commit (the periodic relay catches any this misses)."""
    while True:
        await outbox_module.queued.wait()
        outbox_module.queued.clear()
        await asyncio.sleep(0.5)
        try:
            await queue.poke()
        except Exception:  # the queue's database may be away; the periodic relay covers it
            log.warning("Kunne ikke be jobbkøen se etter meldinger nå.", exc_info=True)


@contextlib.asynccontextmanager
async def in_web_process(database_url: str, base_url: str | None) -> AsyncIterator[Queue]:
    """What the web server runs of the queue: on SQLite the whole worker in-process; on
    PostgreSQL only the poke that wakes the ``kjk worker`` processes."""
    queue = Queue(connector_for(database_url), base_url=base_url)
    async with queue.app.open_async():
        await ensure_schema(queue)
        tasks = [asyncio.create_task(_poker(queue))]
        if queue.in_memory:
            tasks.append(asyncio.create_task(run_worker(queue, name="kjk-serve")))
        try:
            yield queue
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task


async def worker(database_url: str, base_url: str | None, *, concurrency: int = 4) -> None:
    """``kjk worker``: one worker process on PostgreSQL."""
    if is_sqlite():
        raise channels.ConfigError("kjk worker trengs bare med PostgreSQL; med SQLite kjører kjk serve jobbene selv")
    queue = Queue(connector_for(database_url), base_url=base_url)
    async with queue.app.open_async():
        await ensure_schema(queue)
        poker = asyncio.create_task(_poker(queue))
        try:
            await run_worker(queue, concurrency=concurrency, name=f"kjk-worker-{os.getpid()}")
        finally:
            poker.cancel()
