"""Offices, staff users, login, web sessions and API tokens."""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from course import clock
from course.accounts import passwords, policies
from course.accounts.schemas import OfficeOut, Role, Staff, UserOut
from course.accounts.tables import ApiToken, Office, StaffUser, WebSession
from course.audit import services as audit
from course.audit.tables import AuditEvent
from course.db import is_unique_violation, lock, write_transaction
from course.tokens import digest as _digest
from course.errors import InvalidInput, N_, NotFound, Throttled
from course.validation import has_control_chars, nb_sort_key, valid_id, without_control_chars

SESSION_IDLE = timedelta(minutes=30)
SESSION_ABSOLUTE = timedelta(hours=12)
# last_seen_at is written at most this often, so reading pages does not mean writing.
SESSION_TOUCH = timedelta(seconds=60)

THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_PER_ACCOUNT = 10
# A course room shares one address, so it gets room for a whole group's typos.
THROTTLE_PER_ADDRESS = 100

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
OFFICE_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


def _now() -> datetime:
    return clock.now().astimezone(timezone.utc)


def normalize_email(email: str) -> str:
    return email.strip().lower()


# --- validation -------------------------------------------------------------


def _check_email(email: str, errors: dict[str, str]) -> str:
    email = normalize_email(email)
    if not email:
        errors["email"] = N_("Enter an e-mail address.")
    elif len(email) > 254 or not EMAIL_RE.match(email) or has_control_chars(email):
        errors["email"] = N_("Enter a valid e-mail address.")
    return email


def _check_name(name: str, errors: dict[str, str], field: str = "name") -> str:
    name = " ".join(name.split())
    if has_control_chars(name):
        errors[field] = N_("The name contains characters that are not allowed.")
    elif not name:
        errors[field] = N_("Enter a name.")
    elif len(name) > 200:
        errors[field] = N_("The name can be at most 200 characters.")
    return name


def _check_password(password: str, errors: dict[str, str], field: str = "password") -> None:
    if len(password) < passwords.MIN_LENGTH:
        errors[field] = N_("The password must be at least 12 characters.")
    elif len(password) > passwords.MAX_LENGTH:
        errors[field] = N_("The password can be at most 1024 characters.")


def _check_role(role: str, errors: dict[str, str]) -> Role | None:
    try:
        return Role(role)
    except ValueError:
        errors["role"] = N_("Choose leader, manager or admin.")
        return None


# --- offices ----------------------------------------------------------------


def _office_out(row: dict) -> OfficeOut:
    return OfficeOut(id=row["id"], code=row["code"], name=row["name"])


async def list_offices(staff: Staff) -> list[OfficeOut]:
    rows = await Office.select().where(policies.office_scope(staff)).order_by(Office.name)
    return [_office_out(r) for r in rows]


async def get_office(staff: Staff, office_id: int) -> OfficeOut:
    row = (
        await Office.select()
        .where(policies.office_scope(staff), Office.id == office_id)
        .first()
    )
    if row is None:
        raise NotFound
    return _office_out(row)


async def office_by_code(code: str) -> OfficeOut | None:
    row = await Office.select().where(Office.code == code.strip()).first()
    return _office_out(row) if row else None


async def create_office(code: str, name: str, *, actor: int | None = None) -> OfficeOut:
    errors: dict[str, str] = {}
    code = code.strip()
    if not OFFICE_CODE_RE.match(code):
        errors["code"] = N_("The code must be 1 to 20 letters, digits, - or _.")
    name = _check_name(name, errors)
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        if await Office.exists().where(Office.code == code):
            raise InvalidInput({"code": N_("An office with this code already exists.")})
        try:
            row = (
                await Office.insert(Office(code=code, name=name, created_at=_now())).returning(
                    *Office.all_columns()
                )
            )[0]
        except Exception as exc:
            if is_unique_violation(exc):  # a parallel request took the code first
                raise InvalidInput({"code": N_("An office with this code already exists.")}) from None
            raise
        await audit.record(audit.OFFICE_CREATED, actor=actor, office=row["id"], details={"code": code})
    return _office_out(row)


async def update_office(office_id: int, name: str, *, actor: int | None = None) -> OfficeOut:
    errors: dict[str, str] = {}
    name = _check_name(name, errors)
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        rows = (
            await Office.update({Office.name: name})
            .where(Office.id == office_id)
            .returning(*Office.all_columns())
        )
        if not rows:
            raise NotFound
        await audit.record(audit.OFFICE_UPDATED, actor=actor, office=office_id, details={"name": name})
    return _office_out(rows[0])


# --- staff users ------------------------------------------------------------

_USER_COLUMNS = (
    StaffUser.id,
    StaffUser.email,
    StaffUser.name,
    StaffUser.role,
    StaffUser.active,
    StaffUser.office.id.as_alias("office_id"),
    StaffUser.office.code.as_alias("office_code"),
    StaffUser.office.name.as_alias("office_name"),
)


def _user_out(row: dict) -> UserOut:
    return UserOut(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
        office=OfficeOut(id=row["office_id"], code=row["office_code"], name=row["office_name"]),
    )


def _staff(row: dict) -> Staff:
    return Staff(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=Role(row["role"]),
        office_id=row["office_id"],
        office_code=row["office_code"],
        office_name=row["office_name"],
    )


async def list_users(staff: Staff, office_id: int | None = None) -> list[UserOut]:
    query = StaffUser.select(*_USER_COLUMNS).where(policies.staff_scope(staff))
    if office_id is not None:
        query = query.where(StaffUser.office == office_id)
    rows = await query
    return [_user_out(r) for r in sorted(rows, key=lambda r: nb_sort_key(r["name"]))]


async def get_user(staff: Staff, user_id: int) -> UserOut:
    row = (
        await StaffUser.select(*_USER_COLUMNS)
        .where(policies.staff_scope(staff), StaffUser.id == user_id)
        .first()
    )
    if row is None:
        raise NotFound
    return _user_out(row)


async def _office_id(office_id: int | None, office_code: str | None, errors: dict[str, str]) -> int | None:
    if office_id is not None:
        if valid_id(office_id) and await Office.exists().where(Office.id == office_id):
            return office_id
    elif office_code and not has_control_chars(office_code):
        found = await office_by_code(office_code)
        if found:
            return found.id
    errors["office"] = N_("Choose an existing office.")
    return None


async def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    office_id: int | None = None,
    office_code: str | None = None,
    actor: int | None = None,
) -> UserOut:
    errors: dict[str, str] = {}
    email = _check_email(email, errors)
    name = _check_name(name, errors)
    checked_role = _check_role(role, errors)
    _check_password(password, errors)
    office = await _office_id(office_id, office_code, errors)
    if errors:
        raise InvalidInput(errors)
    password_hash = await passwords.hash_password(password)
    async with write_transaction():
        if await StaffUser.exists().where(StaffUser.email == email):
            raise InvalidInput({"email": N_("A user with this e-mail address already exists.")})
        now = _now()
        try:
            inserted = await StaffUser.insert(
                StaffUser(
                    email=email,
                    name=name,
                    role=checked_role.value,
                    office=office,
                    password_hash=password_hash,
                    active=True,
                    created_at=now,
                    updated_at=now,
                )
            ).returning(StaffUser.id)
        except Exception as exc:
            if is_unique_violation(exc):
                raise InvalidInput({"email": N_("A user with this e-mail address already exists.")}) from None
            raise
        user_id = inserted[0]["id"]
        await audit.record(
            audit.USER_CREATED,
            actor=actor,
            target_user=user_id,
            office=office,
            details={"email": email, "role": checked_role.value},
        )
    return await _user(user_id)


async def _user(user_id: int) -> UserOut:
    row = await StaffUser.select(*_USER_COLUMNS).where(StaffUser.id == user_id).first()
    if row is None:
        raise NotFound
    return _user_out(row)


@dataclass
class UserChanges:
    name: str | None = None
    role: str | None = None
    office_id: int | None = None
    active: bool | None = None
    password: str | None = None


async def update_user(user_id: int, changes: UserChanges, *, actor: int | None = None) -> UserOut:
    errors: dict[str, str] = {}
    values: dict = {}
    if changes.name is not None:
        values[StaffUser.name] = _check_name(changes.name, errors)
    if changes.role is not None:
        role = _check_role(changes.role, errors)
        if role:
            values[StaffUser.role] = role.value
    if changes.office_id is not None:
        values[StaffUser.office] = await _office_id(changes.office_id, None, errors)
    if changes.active is not None:
        values[StaffUser.active] = changes.active
    if changes.password is not None:
        _check_password(changes.password, errors)
    if actor is not None and actor == user_id and (
        changes.active is False or (changes.role not in (None, Role.admin.value))
    ):
        errors["role" if changes.role is not None else "active"] = (
            N_("You cannot take away your own admin access.")
        )
    if errors:
        raise InvalidInput(errors)
    if changes.password:
        values[StaffUser.password_hash] = await passwords.hash_password(changes.password)
    async with write_transaction():
        before = await _user(user_id)
        if not values:
            return before
        values[StaffUser.updated_at] = _now()
        await StaffUser.update(values).where(StaffUser.id == user_id)
        after = await _user(user_id)
        changed = {
            key: [str(getattr(before, key)), str(getattr(after, key))]
            for key in ("name", "role", "active")
            if getattr(before, key) != getattr(after, key)
        }
        if before.office.id != after.office.id:
            changed["office"] = [before.office.code, after.office.code]
        if changes.password:
            changed["password"] = ["", "changed"]
        # A changed role, office or password, or a deactivation, ends every open login.
        if changed.keys() & {"role", "office", "active", "password"}:
            await end_all_logins(user_id)
        await audit.record(
            audit.USER_UPDATED, actor=actor, target_user=user_id, office=after.office.id, details=changed
        )
    return after


async def set_password(user_id: int, password: str, *, actor: int | None = None) -> None:
    errors: dict[str, str] = {}
    _check_password(password, errors)
    if errors:
        raise InvalidInput(errors)
    password_hash = await passwords.hash_password(password)
    async with write_transaction():
        rows = (
            await StaffUser.update({StaffUser.password_hash: password_hash, StaffUser.updated_at: _now()})
            .where(StaffUser.id == user_id)
            .returning(StaffUser.id)
        )
        if not rows:
            raise NotFound
        await end_all_logins(user_id)
        await audit.record(audit.PASSWORD_CHANGED, actor=actor, target_user=user_id)


async def end_all_logins(user_id: int) -> None:
    await WebSession.delete().where(WebSession.user == user_id)
    await ApiToken.update({ApiToken.revoked_at: _now()}).where(
        ApiToken.user == user_id, ApiToken.revoked_at.is_null()
    )


# --- login ------------------------------------------------------------------


def throttle_wait(failures: list[datetime], limit: int, window: timedelta, now: datetime) -> int:
    """Whole seconds until another try is allowed after these failures (0: now).

    Tries wait once ``limit`` failures fall inside the window, until the
    oldest of the latest ``limit`` failures leaves it."""
    recent = sorted((f for f in failures if now - window < f <= now), reverse=True)
    if len(recent) < limit:
        return 0
    return max(1, math.ceil((recent[limit - 1] + window - now).total_seconds()))


async def _throttle_wait(email: str, address: str | None, now: datetime) -> int:
    since = now - THROTTLE_WINDOW
    waits = [0]
    for column, value, limit in (
        (AuditEvent.account, email, THROTTLE_PER_ACCOUNT),
        (AuditEvent.address, address, THROTTLE_PER_ADDRESS),
    ):
        if not value:
            continue
        recent = (
            await AuditEvent.select(AuditEvent.at)
            .where(AuditEvent.action == audit.LOGIN_FAILED, column == value, AuditEvent.at > since)
            .order_by(AuditEvent.at, ascending=False)
            .limit(limit)
        )
        waits.append(throttle_wait([r["at"] for r in recent], limit, THROTTLE_WINDOW, now))
    return max(waits)


async def _lock_account(account: str) -> None:
    """Serialise login attempts for one account. SQLite's IMMEDIATE write
    transaction already does; PostgreSQL takes a transaction-scoped advisory lock."""
    await lock("login:" + account)


async def authenticate(email: str, password: str, address: str | None, *, is_login: bool = True) -> Staff:
    """Check a login. Raises InvalidInput (same message whether the address
    exists or not) or Throttled; answers the staff user on success. With
    ``is_login=False`` (confirming a password) success is not a login event,
    while failures still count towards throttling.

    Each attempt is written as a failure before the password is checked, under
    a lock, so parallel tries cannot all slip past the count; a success turns
    its row into a login event."""
    email = normalize_email(email)
    account = without_control_chars(email)[:254]
    address = without_control_chars(address)[:45] if address else None
    async with write_transaction():
        await _lock_account(account)
        now = _now()  # read under the lock, so it is never before a counted attempt
        wait = await _throttle_wait(account, address, now)
        attempt = None
        if not wait:
            attempt = await audit.record(audit.LOGIN_FAILED, account=account, address=address, at=now)
        elif not await AuditEvent.exists().where(
            AuditEvent.action == audit.LOGIN_THROTTLED,
            AuditEvent.account == account,
            AuditEvent.at > now - THROTTLE_WINDOW,
        ):
            # One note per account and window: more would let a flood fill the table.
            await audit.record(audit.LOGIN_THROTTLED, account=account, address=address, at=now)
    if wait:
        raise Throttled(wait)
    row = None
    if email and len(email) <= 254 and not has_control_chars(email):
        row = (
            await StaffUser.select(*_USER_COLUMNS, StaffUser.password_hash)
            .where(StaffUser.email == email, StaffUser.active.eq(True))
            .first()
        )
    ok = await passwords.verify_password(row["password_hash"] if row else None, password)
    if not ok:
        if row:
            await AuditEvent.update({AuditEvent.target_user: row["id"]}).where(AuditEvent.id == attempt)
        raise InvalidInput({"email": N_("Wrong e-mail address or password.")})
    if passwords.needs_rehash(row["password_hash"]):
        new_hash = await passwords.hash_password(password)
        await StaffUser.update({StaffUser.password_hash: new_hash}).where(StaffUser.id == row["id"])
    staff = _staff(row)
    if is_login:
        await AuditEvent.update(
            {AuditEvent.action: audit.LOGIN, AuditEvent.actor: staff.id, AuditEvent.office: staff.office_id}
        ).where(AuditEvent.id == attempt)
    else:
        await AuditEvent.delete().where(AuditEvent.id == attempt)
    return staff


# --- web sessions -----------------------------------------------------------


async def start_session(staff: Staff, previous_token: str | None = None) -> str:
    """Open a session after login. A new id every time (the old one, if any,
    is dropped), so a session id planted before login is worthless after it."""
    token = secrets.token_urlsafe(32)
    now = _now()
    async with write_transaction():
        if previous_token:
            await WebSession.delete().where(WebSession.id_hash == _digest(previous_token))
        await WebSession.delete().where(
            (WebSession.last_seen_at < now - SESSION_IDLE) | (WebSession.created_at < now - SESSION_ABSOLUTE)
        )
        await WebSession.insert(
            WebSession(id_hash=_digest(token), user=staff.id, created_at=now, last_seen_at=now)
        )
    return token


async def resolve_session(token: str) -> Staff | None:
    if not token or len(token) > 100:
        return None
    now = _now()
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
            WebSession.user.office.id.as_alias("office_id"),
            WebSession.user.office.code.as_alias("office_code"),
            WebSession.user.office.name.as_alias("office_name"),
        )
        .where(WebSession.id_hash == _digest(token))
        .first()
    )
    if row is None:
        return None
    if (
        not row["active"]
        or now - row["last_seen_at"] > SESSION_IDLE
        or now - row["created_at"] > SESSION_ABSOLUTE
    ):
        await WebSession.delete().where(WebSession.id == row["session_id"])
        return None
    if now - row["last_seen_at"] > SESSION_TOUCH:
        await WebSession.update({WebSession.last_seen_at: now}).where(WebSession.id == row["session_id"])
    return _staff(row)


async def end_session(token: str, staff: Staff | None, address: str | None) -> None:
    async with write_transaction():
        await WebSession.delete().where(WebSession.id_hash == _digest(token))
        if staff:
            await audit.record(audit.LOGOUT, actor=staff.id, address=address, office=staff.office_id)


# --- API tokens -------------------------------------------------------------

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
                ApiToken(user=staff.id, token_hash=_digest(token), name=name, created_at=_now())
            ).returning(ApiToken.id)
        )[0]["id"]
        await audit.record(
            audit.TOKEN_CREATED, actor=staff.id, address=address, office=staff.office_id,
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
            ApiToken.user.office.id.as_alias("office_id"),
            ApiToken.user.office.code.as_alias("office_code"),
            ApiToken.user.office.name.as_alias("office_name"),
        )
        .where(
            ApiToken.token_hash == _digest(token),
            ApiToken.revoked_at.is_null(),
            ApiToken.user.active.eq(True),
        )
        .first()
    )
    if row is None:
        return None
    now = _now()
    if row["last_used_at"] is None or now - row["last_used_at"] > SESSION_TOUCH:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["token_id"])
    return _staff(row), row["token_id"]


async def list_tokens(staff: Staff) -> list[TokenInfo]:
    rows = (
        await ApiToken.select(
            ApiToken.id, ApiToken.name, ApiToken.created_at, ApiToken.last_used_at, ApiToken.revoked_at
        )
        .where(ApiToken.user == staff.id)
        .order_by(ApiToken.id)
    )
    return [TokenInfo(**r) for r in rows]


async def revoke_token(staff: Staff, token_id: int, address: str | None = None) -> None:
    async with write_transaction():
        rows = (
            await ApiToken.update({ApiToken.revoked_at: _now()})
            .where(ApiToken.id == token_id, ApiToken.user == staff.id, ApiToken.revoked_at.is_null())
            .returning(ApiToken.id)
        )
        if not rows:
            raise NotFound
        await audit.record(
            audit.TOKEN_REVOKED, actor=staff.id, address=address, office=staff.office_id,
            details={"token": token_id},
        )
