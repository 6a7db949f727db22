"""The login throttle's rules, without a database: the growing delay per account and
address, and the hard limit per address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from course.accounts.services import (
    FREE_TRIES,
    LONGEST_DELAY,
    PAIR_MEMORY,
    THROTTLE_PER_ADDRESS,
    THROTTLE_WINDOW,
    login_wait,
    pair_delay,
    pair_wait,
)

NOW = datetime(2028, 9, 6, 10, 0, tzinfo=UTC)
LONGEST = int(LONGEST_DELAY.total_seconds())
# Failures as seconds before NOW, up to a little over the pair's memory.
seconds_ago = st.lists(st.integers(0, int(PAIR_MEMORY.total_seconds()) + 3600), max_size=40)


def at(seconds: list[int]) -> list[datetime]:
    return [NOW - timedelta(seconds=s) for s in seconds]


def test_the_delay_doubles_after_the_free_tries_up_to_fifteen_minutes():
    assert [pair_delay(n) for n in range(FREE_TRIES + 11)] == [0] * FREE_TRIES + [
        1,
        2,
        4,
        8,
        16,
        32,
        64,
        128,
        256,
        512,
        LONGEST,
    ]
    assert pair_delay(10_000) == LONGEST


def test_the_wait_counts_from_the_latest_failure():
    assert pair_wait(at([0, 0, 0]), NOW) == 1
    assert pair_wait(at([1, 60, 120]), NOW) == 0
    assert pair_wait(at([3, 60, 120, 180, 240]), NOW) == 1  # four seconds after the latest


def test_a_login_and_the_memory_forget_failures():
    assert pair_wait(at([0] * 10), NOW, last_login=NOW - timedelta(seconds=0)) == 0
    assert pair_wait(at([100, 100, 100, 0, 0]), NOW, last_login=NOW - timedelta(seconds=50)) == 0
    assert pair_wait(at([100, 100, 100, 0, 0]), NOW) == 4
    old = int(PAIR_MEMORY.total_seconds())
    assert pair_wait(at([old] * 10), NOW) == 0


@given(seconds_ago)
def test_the_wait_is_never_longer_than_the_longest_delay(failures):
    assert 0 <= pair_wait(at(failures), NOW) <= LONGEST


@given(seconds_ago, st.integers(0, 3600))
def test_another_failure_never_shortens_the_wait(failures, newer):
    before = pair_wait(at(failures), NOW)
    assert pair_wait(at([*failures, newer]), NOW) >= before


@given(seconds_ago, st.integers(0, 2 * LONGEST))
def test_the_wait_runs_down_with_the_clock(failures, later):
    wait = pair_wait(at(failures), NOW)
    after = pair_wait(at(failures), NOW + timedelta(seconds=later))
    assert after <= max(0, wait - later) or after == 0
    if wait:
        assert pair_wait(at(failures), NOW + timedelta(seconds=wait)) == 0


@given(st.integers(0, FREE_TRIES - 1), st.lists(st.integers(0, 600), max_size=THROTTLE_PER_ADDRESS - 1))
def test_an_address_that_has_not_been_failing_for_the_account_gets_in(pair_failures, others):
    # However many failures the account has from elsewhere, and a few from this address.
    assert login_wait(at([0] * pair_failures), at(others), NOW) == 0


@given(st.lists(st.integers(0, int(THROTTLE_WINDOW.total_seconds()) - 1), min_size=THROTTLE_PER_ADDRESS, max_size=150))
def test_an_address_at_its_limit_waits_for_every_account(address_failures):
    wait = login_wait([], at(address_failures), NOW)
    assert 0 < wait <= int(THROTTLE_WINDOW.total_seconds())
