"""What is kept of a message: the address and the text only 30 days after it was sent
or given up; what, when, which channel and how it went as long as the record."""

from __future__ import annotations

from datetime import datetime, timedelta

from course.db import write_transaction
from course.messages import rules
from course.messages.tables import Message


async def clear_old_texts(at: datetime) -> int:
    before = at - timedelta(days=rules.KEEP_TEXT_DAYS)
    async with write_transaction():
        done = (Message.sent_at < before) | (Message.failed_at < before)
        count = await Message.count().where(Message.purged_at.is_null(), done)
        await Message.update({Message.address: "", Message.subject: "", Message.body: "", Message.purged_at: at}).where(
            Message.purged_at.is_null(), done
        )
    return count
