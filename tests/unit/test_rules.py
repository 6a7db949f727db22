"""Pure rules: login throttling, redirect targets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from course.accounts.services import throttle_wait
from course.web.forms import safe_next

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)
ages = st.lists(st.integers(min_value=0, max_value=3600), max_size=30)


def failures(seconds_ago: list[int]) -> list[datetime]:
    return [NOW - timedelta(seconds=s) for s in seconds_ago]


def test_nine_failures_do_not_throttle():
    assert throttle_wait(failures([1] * 9), 10, WINDOW, NOW) == 0


def test_the_tenth_failure_throttles_until_the_oldest_leaves_the_window():
    assert throttle_wait(failures([600] + [1] * 9), 10, WINDOW, NOW) == 300


def test_only_the_latest_ten_count():
    # Twelve failures: the two oldest are irrelevant, the 10th newest (120 s ago) decides.
    assert throttle_wait(failures([800, 700] + [120] + [1] * 9), 10, WINDOW, NOW) == 780


@given(ages)
def test_waits_exactly_when_the_window_holds_enough_failures(seconds_ago):
    wait = throttle_wait(failures(seconds_ago), 10, WINDOW, NOW)
    inside = sum(1 for s in seconds_ago if s < WINDOW.total_seconds())
    assert (wait > 0) == (inside >= 10)
    assert 0 <= wait <= WINDOW.total_seconds()


@given(ages)
def test_after_the_wait_a_try_is_allowed(seconds_ago):
    past = failures(seconds_ago)
    wait = throttle_wait(past, 10, WINDOW, NOW)
    assert throttle_wait(past, 10, WINDOW, NOW + timedelta(seconds=wait)) == 0


@given(st.text())
def test_next_targets_never_leave_the_site(target):
    result = safe_next(target)
    assert result.startswith("/") and not result.startswith("//") and "\\" not in result


def test_next_keeps_local_paths():
    assert safe_next("/admin/users/3?x=1") == "/admin/users/3?x=1"
    for bad in ("https://evil.example", "//evil.example", "/\\evil.example", "", None, "javascript:alert(1)"):
        assert safe_next(bad) == "/"


def test_norwegian_names_sort_with_ae_oe_aa_last():
    from course.validation import nb_sort_key

    names = ["Åse", "Ørjan", "Zara", "Æsa", "Anne", "øystein"]
    assert sorted(names, key=nb_sort_key) == ["Anne", "Zara", "Æsa", "Ørjan", "øystein", "Åse"]
