"""Sending one message from the outbox: claim it, put the participant's link in, hand
it to its channel, and record what happened. At least once: a message is marked sent
only after the peer took it, so a worker that dies in between sends it again, under
the same key (the e-mail's Message-ID, the gateway's reference)."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass

from course import clock
from course.db import write_transaction
from course.messages import channels, rules, texts
from course.messages.tables import Message
from course.participants.links import current_link_token

log = logging.getLogger("course.messages")


@dataclass(frozen=True)
class Outcome:
    status: str  # sent | failed | retry | skipped | held
    reason: str = ""


NOT_SET_UP = {
    "email": "no SMTP server set up (KJK_SMTP_URL)",
    "sms": "no SMS gateway set up (KJK_SMS_URL)",
}


async def _claim(message_id: int) -> dict | None:
    """Mark the message as being sent and count the attempt; None when it is not due
    (already sent or given up, or in the quiet hours)."""
    async with write_transaction():
        row = (
            await Message.select().where(Message.id == message_id, Message.status.is_in(["pending", "sending"])).first()
        )
        if row is None:
            return None
        await Message.update({Message.status: "sending", Message.attempts: Message.attempts + 1}).where(
            Message.id == message_id
        )
        row["attempts"] += 1
        return row


async def deliver(message_id: int, links: channels.Channels, base_url: str | None, *, last_try: bool) -> Outcome:
    """Send one message. ``last_try``: a failure now gives up (the dead-letter list)
    instead of leaving the message for the queue to retry."""
    now = clock.utc_now()
    peek = await Message.select(Message.status, Message.not_before).where(Message.id == message_id).first()
    if peek is None or peek["status"] not in ("pending", "sending"):
        return Outcome("skipped")
    if peek["not_before"] > now or rules.is_quiet(now):
        return Outcome("held")  # the relay hands it out again when it is due
    row = await _claim(message_id)
    if row is None:
        return Outcome("skipped")
    channel = links.get(row["channel"])
    if channel is None:
        await _failed(message_id, NOT_SET_UP[row["channel"]])
        return Outcome("failed", NOT_SET_UP[row["channel"]])
    error: channels.DeliveryError | None = None
    try:
        await channel.send(await _outgoing(row, base_url))
    except channels.DeliveryError as exc:
        error = exc
    except Exception as exc:
        # A fault here or in a library: the message is tried again and given up like any
        # other, never left 'sending' for good. Only the kind and where it arose are
        # logged, as its text may hold the address.
        where = traceback.extract_tb(exc.__traceback__)[-1]
        log.error(
            "Meldingen %s kunne ikke sendes: %s i %s:%s", message_id, type(exc).__name__, where.filename, where.lineno
        )
        error = channels.DeliveryError(f"unexpected error: {type(exc).__name__}")
    if error is not None:
        if error.permanent or last_try:
            await _failed(message_id, error.reason)
            return Outcome("failed", error.reason)
        async with write_transaction():
            await Message.update({Message.status: "pending", Message.error: error.reason}).where(
                Message.id == message_id
            )
        return Outcome("retry", error.reason)
    async with write_transaction():
        await Message.update({Message.status: "sent", Message.sent_at: clock.utc_now(), Message.error: ""}).where(
            Message.id == message_id
        )
    return Outcome("sent")


async def _outgoing(row: dict, base_url: str | None) -> channels.Outgoing:
    """The message as sent: with the participant's link put in."""
    link = None
    if row["participant"] is not None and row["staff"] is None and texts.LINK_MARK in row["body"] and base_url:
        token = await current_link_token(row["participant"])
        link = f"{base_url}/p/{token}" if token else None
    return channels.Outgoing(
        key=row["dedup_key"],
        address=row["address"],
        subject=row["subject"],
        body=texts.with_link(row["body"], link, base_url),
    )


async def _failed(message_id: int, reason: str) -> None:
    async with write_transaction():
        await Message.update(
            {Message.status: "failed", Message.failed_at: clock.utc_now(), Message.error: reason[:200]}
        ).where(Message.id == message_id)
