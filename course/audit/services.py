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


def _names_one_of(key: str, ids: list[int]):
    """Events whose details name one of these ids under ``key`` (written before the
    participant column, or naming an enrolment or a talk of the person)."""
    from piccolo.columns.combination import WhereRaw

    from course.db import is_sqlite

    values: list[int | str]
    if is_sqlite():
        expression, values = f"json_extract(details, '$.{key}')", list(ids)
    else:
        expression, values = f"(details->>'{key}')", [str(i) for i in ids]
    return WhereRaw(f"{expression} IN ({', '.join(['{}'] * len(values))})", *values)


async def forget_participant(
    participant_id: int, *, enrolments: list[int] | None = None, talks: list[int] | None = None
) -> None:
    """Delete every event about an erased participant: those that name them (in the
    participant column or in their details), and those about one of their enrolments
    (status, outcome, CV and plan) or talks (the private note's reads and changes).
    Inside the erasure's transaction, before the one event that says they were erased."""
    about = (AuditEvent.participant == participant_id) | _names_one_of("participant", [participant_id])
    for key, ids in (("enrolment", sorted(set(enrolments or []))), ("talk", sorted(set(talks or [])))):
        if ids:
            about = about | _names_one_of(key, ids)
    await AuditEvent.delete().where(about)
