"""The tests' cheap argon2id profile, for the test processes and the servers they start.

argon2 at production cost is ~100–200 ms and 64 MiB a hash, on purpose. The tests
swap the cheapest profile into course.accounts.passwords instead; no setting or
environment variable of the production code can. tests/test_db.py checks the
production parameters, kept here."""

from __future__ import annotations

from argon2 import PasswordHasher

from course.accounts import passwords

PRODUCTION_HASHER, PRODUCTION_DUMMY_HASH = passwords._hasher, passwords._DUMMY_HASH

# `python -m course …` with the cheap profile: the browser tests' servers.
COURSE_COMMAND = "from tests.cheap_hashing import use; use(); from course.cli import main; raise SystemExit(main())"


def use() -> None:
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    # Unknown e-mails are verified against this: as cheap as the tests' real hashes.
    passwords._DUMMY_HASH = passwords._hasher.hash("kjk-dummy-password-for-equal-timing")
