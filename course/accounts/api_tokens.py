"""API tokens: made by a staff user for themselves (only the SHA-256 is stored),
resolved on each API request, listed and revoked through the caller's token scope."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from course import clock
from course.accounts import policies
from course.accounts.schemas import Staff
from course.accounts.sessions import SESSION_TOUCH
from course.accounts.tables import ApiToken
from course.accounts.users import staff_of
from course.audit import services as audit
from course.db import write_transaction
from course.errors import N_, InvalidInput, NotFound
from course.tokens import digest
from course.validation import has_control_chars

TOKEN_PREFIX = "kjk_"


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


async def create_token(staff: Staff, name: str, address: str | None = None) -> str:
    errors: dict[str, str] = {}
    name = " ".join(name.split()) or "API"
    if has_control_chars(name):
        errors["name"] = N_("The name contains characters that are not allowed.")
    elif len(name) > 100:
        errors["name"] = N_("The name can be at most 100 characters.")
    if errors:
        raise InvalidInput(errors)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with write_transaction():
        token_id = (
            await ApiToken.insert(
                ApiToken(user=staff.id, token_hash=digest(token), name=name, created_at=clock.utc_now())
            ).returning(ApiToken.id)
        )[0]["id"]
        await audit.record(
            audit.TOKEN_CREATED,
            actor=staff.id,
            address=address,
            office=staff.office_id,
            details={"token": token_id, "name": name},
        )
    return token


async def resolve_token(token: str) -> tuple[Staff, int] | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = (
        await ApiToken.select(
            ApiToken.id.as_alias("token_id"),
            ApiToken.last_used_at,
            ApiToken.user.id.as_alias("id"),
            ApiToken.user.email.as_alias("email"),
            ApiToken.user.name.as_alias("name"),
            ApiToken.user.role.as_alias("role"),
            ApiToken.user._.office._.id.as_alias("office_id"),
            ApiToken.user._.office._.code.as_alias("office_code"),
            ApiToken.user._.office._.name.as_alias("office_name"),
        )
        .where(
            ApiToken.token_hash == digest(token),
            ApiToken.revoked_at.is_null(),
            ApiToken.user._.active.eq(True),
        )
        .first()
    )
    if row is None:
        return None
    now = clock.utc_now()
    if row["last_used_at"] is None or now - row["last_used_at"] > SESSION_TOUCH:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["token_id"])
    return staff_of(row), row["token_id"]


async def list_tokens(staff: Staff) -> list[TokenInfo]:
    rows = (
        await ApiToken.select(
            ApiToken.id, ApiToken.name, ApiToken.created_at, ApiToken.last_used_at, ApiToken.revoked_at
        )
        .where(policies.token_scope(staff))
        .order_by(ApiToken.id)
    )
    return [TokenInfo(**r) for r in rows]


async def revoke_token(staff: Staff, token_id: int, address: str | None = None) -> None:
    async with write_transaction():
        rows = (
            await ApiToken.update({ApiToken.revoked_at: clock.utc_now()})
            .where(policies.token_scope(staff), ApiToken.id == token_id, ApiToken.revoked_at.is_null())
            .returning(ApiToken.id)
        )
        if not rows:
            raise NotFound
        await audit.record(
            audit.TOKEN_REVOKED,
            actor=staff.id,
            address=address,
            office=staff.office_id,
            details={"token": token_id},
        )
