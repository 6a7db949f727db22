"""Logging in and confirming a password, slowed down per account and address together
and limited per address, and setting a new password.

Guessing a leader's password from one address slows down step by step, but never
locks the leader out: the right password from an address that has not been failing
for that account is let through, however many failures other addresses have made."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from course import clock
from course.accounts import passwords
from course.accounts.checks import check_password, normalize_email
from course.accounts.schemas import Staff
from course.accounts.tables import StaffUser
from course.accounts.users import USER_COLUMNS, end_all_logins, staff_of
from course.audit import services as audit
from course.audit.tables import AuditEvent
from course.db import lock, write_transaction
from course.errors import N_, InvalidInput, NotFound, Throttled
from course.validation import has_control_chars, without_control_chars

THROTTLE_WINDOW = timedelta(minutes=15)
# A course room shares one address, so it gets room for a whole group's typos.
THROTTLE_PER_ADDRESS = 100
# Per account and address: this many failures cost nothing, each further one doubles the
# wait before the next try (1 s, 2 s, 4 s …), up to the longest delay.
FREE_TRIES = 3
LONGEST_DELAY = timedelta(minutes=15)
# How long an account and address pair's failures are remembered (unless a login from
# the pair comes after them): long enough that a patient guesser stays slowed down.
PAIR_MEMORY = timedelta(hours=24)
# More failures than this cannot make the delay longer, so no more are read.
_PAIR_ROWS = FREE_TRIES + math.ceil(math.log2(LONGEST_DELAY.total_seconds())) + 1


async def set_password(user_id: int, password: str, *, actor: int | None = None) -> None:
    errors: dict[str, str] = {}
    check_password(password, errors)
    if errors:
        raise InvalidInput(errors)
    password_hash = await passwords.hash_password(password)
    async with write_transaction():
        rows = (
            await StaffUser.update({StaffUser.password_hash: password_hash, StaffUser.updated_at: clock.utc_now()})
            .where(StaffUser.id == user_id)
            .returning(StaffUser.id)
        )
        if not rows:
            raise NotFound
        await end_all_logins(user_id)
        await audit.record(audit.PASSWORD_CHANGED, actor=actor, target_user=user_id)


def throttle_wait(failures: list[datetime], limit: int, window: timedelta, now: datetime) -> int:
    """Whole seconds until another try is allowed after these failures (0: now).

    Tries wait once ``limit`` failures fall inside the window, until the
    oldest of the latest ``limit`` failures leaves it."""
    recent = sorted((f for f in failures if now - window < f <= now), reverse=True)
    if len(recent) < limit:
        return 0
    return max(1, math.ceil((recent[limit - 1] + window - now).total_seconds()))


def pair_delay(failures: int) -> int:
    """Seconds to wait after the latest of this many failures for one account from one
    address: none for the first ``FREE_TRIES``, then 1, 2, 4 … up to ``LONGEST_DELAY``."""
    if failures < FREE_TRIES:
        return 0
    longest = int(LONGEST_DELAY.total_seconds())
    return min(longest, 2 ** min(failures - FREE_TRIES, longest.bit_length()))


def pair_wait(failures: list[datetime], now: datetime, last_login: datetime | None = None) -> int:
    """Whole seconds until this account may be tried again from this address (0: now),
    after its failures from there; those before a login from there, or older than
    ``PAIR_MEMORY``, are forgotten."""
    recent = [f for f in failures if now - PAIR_MEMORY < f <= now and (last_login is None or f > last_login)]
    delay = pair_delay(len(recent))
    if not delay:
        return 0
    return max(0, math.ceil((max(recent) + timedelta(seconds=delay) - now).total_seconds()))


def login_wait(
    pair_failures: list[datetime], address_failures: list[datetime], now: datetime, last_login: datetime | None = None
) -> int:
    """Whole seconds until a login may be tried for an account from an address (0: now):
    the pair's growing delay, and the address's hard limit over all accounts."""
    return max(
        pair_wait(pair_failures, now, last_login),
        throttle_wait(address_failures, THROTTLE_PER_ADDRESS, THROTTLE_WINDOW, now),
    )


async def _throttle_wait(account: str, address: str | None, now: datetime) -> int:
    from_address = AuditEvent.address == address if address else AuditEvent.address.is_null()
    last_login = (
        await AuditEvent.select(AuditEvent.at)
        .where(AuditEvent.action == audit.LOGIN, AuditEvent.account == account, from_address)
        .where(AuditEvent.at > now - PAIR_MEMORY)
        .order_by(AuditEvent.at, ascending=False)
        .first()
    )
    pair = (
        await AuditEvent.select(AuditEvent.at)
        .where(AuditEvent.action == audit.LOGIN_FAILED, AuditEvent.account == account, from_address)
        .where(AuditEvent.at > (last_login["at"] if last_login else now - PAIR_MEMORY))
        .order_by(AuditEvent.at, ascending=False)
        .limit(_PAIR_ROWS)
    )
    by_address = []
    if address:
        by_address = (
            await AuditEvent.select(AuditEvent.at)
            .where(AuditEvent.action == audit.LOGIN_FAILED, AuditEvent.address == address)
            .where(AuditEvent.at > now - THROTTLE_WINDOW)
            .order_by(AuditEvent.at, ascending=False)
            .limit(THROTTLE_PER_ADDRESS)
        )
    return login_wait(
        [r["at"] for r in pair],
        [r["at"] for r in by_address],
        now,
        last_login["at"] if last_login else None,
    )


async def _lock_account(account: str) -> None:
    """Serialise login attempts for one account. SQLite's IMMEDIATE write
    transaction already does; PostgreSQL takes a transaction-scoped advisory lock."""
    await lock("login:" + account)


async def authenticate(email: str, password: str, address: str | None, *, is_login: bool = True) -> Staff:
    """Check a login. Raises InvalidInput (same message whether the address
    exists or not) or Throttled; answers the staff user on success. With
    ``is_login=False`` (confirming a password) success is not a login event,
    while failures still count towards throttling. Throttled tries are not
    failures: waiting out the delay is all it takes.

    Each attempt is written as a failure before the password is checked, under
    a lock, so parallel tries cannot all slip past the count; a success turns
    its row into a login event."""
    email = normalize_email(email)
    account = without_control_chars(email)[:254]
    address = without_control_chars(address)[:45] if address else None
    async with write_transaction():
        await _lock_account(account)
        now = clock.utc_now()  # read under the lock, so it is never before a counted attempt
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
            await StaffUser.select(*USER_COLUMNS, StaffUser.password_hash)
            .where(StaffUser.email == email, StaffUser.active.eq(True))
            .first()
        )
    ok = await passwords.verify_password(row["password_hash"] if row else None, password)
    if not ok or row is None:
        if row:
            await AuditEvent.update({AuditEvent.target_user: row["id"]}).where(AuditEvent.id == attempt)
        raise InvalidInput({"email": N_("Wrong e-mail address or password.")})
    if passwords.needs_rehash(row["password_hash"]):
        new_hash = await passwords.hash_password(password)
        await StaffUser.update({StaffUser.password_hash: new_hash}).where(StaffUser.id == row["id"])
    staff = staff_of(row)
    if is_login:
        await AuditEvent.update(
            {AuditEvent.action: audit.LOGIN, AuditEvent.actor: staff.id, AuditEvent.office: staff.office_id}
        ).where(AuditEvent.id == attempt)
    else:
        await AuditEvent.delete().where(AuditEvent.id == attempt)
    return staff
