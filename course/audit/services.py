from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any

from course import clock
from course.audit.tables import AuditEvent

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGIN_THROTTLED = "login_throttled"
LOGOUT = "logout"
TOKEN_CREATED = "token_created"
TOKEN_REVOKED = "token_revoked"
USER_CREATED = "user_created"
USER_UPDATED = "user_updated"
PASSWORD_CHANGED = "password_changed"
OFFICE_CREATED = "office_created"
OFFICE_UPDATED = "office_updated"

# The address the request being served came from, set once per request by the
# authentication middleware, so every event written while serving it says where from.
request_address: ContextVar[str | None] = ContextVar("request_address", default=None)


async def record(
    action: str,
    *,
    actor: int | None = None,
    account: str | None = None,
    target_user: int | None = None,
    office: int | None = None,
    participant: int | None = None,
    address: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """Write one audit event and answer its id; inside a transaction it commits
    or rolls back with it. ``details`` names what was done, never the data itself."""
    address = address or request_address.get()
    rows = await AuditEvent.insert(
        AuditEvent(
            at=at or clock.now(),
            action=action,
            actor=actor,
            account=account,
            target_user=target_user,
            office=office,
            participant=participant,
            address=(address or None) and address[:45],
            details=details or {},
        )
    ).returning(AuditEvent.id)
    return rows[0]["id"]


async def events(action: str | None = None, limit: int = 100) -> list[dict]:
    query = AuditEvent.select().order_by(AuditEvent.id, ascending=False).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    return await query
