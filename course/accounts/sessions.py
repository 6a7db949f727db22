"""Web sessions: opened at login with a fresh id, resolved on each request (idle and
absolute limits, last seen written at most once a minute), ended at logout."""

from __future__ import annotations

import secrets
from datetime import timedelta

from course import clock
from course.accounts.schemas import Staff
from course.accounts.tables import WebSession
from course.accounts.users import staff_of
from course.audit import services as audit
from course.db import write_transaction
from course.tokens import digest

SESSION_IDLE = timedelta(minutes=30)
SESSION_ABSOLUTE = timedelta(hours=12)
# last_seen_at is written at most this often, so reading pages does not mean writing.
SESSION_TOUCH = timedelta(seconds=60)


async def start_session(staff: Staff, previous_token: str | None = None) -> str:
    """Open a session after login. A new id every time (the old one, if any,
    is dropped), so a session id planted before login is worthless after it."""
    token = secrets.token_urlsafe(32)
    now = clock.utc_now()
    async with write_transaction():
        if previous_token:
            await WebSession.delete().where(WebSession.id_hash == digest(previous_token))
        await WebSession.delete().where(
            (WebSession.last_seen_at < now - SESSION_IDLE) | (WebSession.created_at < now - SESSION_ABSOLUTE)
        )
        await WebSession.insert(WebSession(id_hash=digest(token), user=staff.id, created_at=now, last_seen_at=now))
    return token


async def resolve_session(token: str) -> Staff | None:
    if not token or len(token) > 100:
        return None
    now = clock.utc_now()
    row = (
        await WebSession.select(
            WebSession.id.as_alias("session_id"),
            WebSession.created_at,
            WebSession.last_seen_at,
            WebSession.user.id.as_alias("id"),
            WebSession.user.email.as_alias("email"),
            WebSession.user.name.as_alias("name"),
            WebSession.user.role.as_alias("role"),
            WebSession.user.active.as_alias("active"),
            WebSession.user._.office._.id.as_alias("office_id"),
            WebSession.user._.office._.code.as_alias("office_code"),
            WebSession.user._.office._.name.as_alias("office_name"),
        )
        .where(WebSession.id_hash == digest(token))
        .first()
    )
    if row is None:
        return None
    if not row["active"] or now - row["last_seen_at"] > SESSION_IDLE or now - row["created_at"] > SESSION_ABSOLUTE:
        await WebSession.delete().where(WebSession.id == row["session_id"])
        return None
    if now - row["last_seen_at"] > SESSION_TOUCH:
        await WebSession.update({WebSession.last_seen_at: now}).where(WebSession.id == row["session_id"])
    return staff_of(row)


async def end_session(token: str, staff: Staff | None, address: str | None) -> None:
    async with write_transaction():
        await WebSession.delete().where(WebSession.id_hash == digest(token))
        if staff:
            await audit.record(audit.LOGOUT, actor=staff.id, address=address, office=staff.office_id)
