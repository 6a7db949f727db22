"""Password hashing with argon2id, run in worker threads so the event loop
keeps serving other requests while a hash (~100 ms, 64 MiB) is computed."""

from __future__ import annotations

import anyio
from anyio import CapacityLimiter
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 1024

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
_limiter: CapacityLimiter | None = None

# Verified against for unknown e-mail addresses so a miss costs as much as a hit.
_DUMMY_HASH = _hasher.hash("kjk-dummy-password-for-equal-timing")


def _limit() -> CapacityLimiter:
    # Bounds memory: at most four 64 MiB hashes at once, whatever the load.
    global _limiter
    if _limiter is None:
        _limiter = CapacityLimiter(4)
    return _limiter


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password, limiter=_limit())


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown account) the same work is done."""
    if password_hash is None:
        await anyio.to_thread.run_sync(_verify, _DUMMY_HASH, password, limiter=_limit())
        return False
    return await anyio.to_thread.run_sync(_verify, password_hash, password, limiter=_limit())


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
