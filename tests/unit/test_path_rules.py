"""The way in as pure rules: the order of the steps' dates, what a participant waits
for, the targets, the median and quartiles, and the small-number rule. No database."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from course.participants import path_rules as rules

TODAY = date(2027, 9, 15)
days_around = st.integers(-400, 120)
maybe_day = st.none() | days_around.map(lambda n: TODAY + timedelta(days=n))


@st.composite
def paths(draw) -> rules.PathDates:
    referred = draw(st.none() | st.integers(-400, 0).map(lambda n: TODAY + timedelta(days=n)))
    base = referred or TODAY - timedelta(days=draw(st.integers(0, 400)))

    def after(low: int = 0, high: int = 60) -> date | None:
        return draw(st.none() | st.integers(low, high).map(lambda n: base + timedelta(days=n)))

    hu = after()
    if hu is not None and hu > TODAY:
        hu = TODAY
    decision = draw(st.sampled_from(("", *rules.DECISIONS))) if hu else ""
    return rules.PathDates(
        referred=referred, hu=hu, decision=decision, intake=after(), info_meeting=after(), start=after(0, 90)
    )


# --- the order of the dates --------------------------------------------------------------


@given(referred=maybe_day, hu=maybe_day, intake=maybe_day, info=maybe_day)
def test_date_errors_name_exactly_the_steps_out_of_order(referred, hu, intake, info):
    dates = {"referred": referred, "hu": hu, "intake": intake, "info_meeting": info}
    errors = rules.date_errors(dates, TODAY)
    assert set(errors) <= {f"{s}.date" for s in rules.STEPS}
    for step in ("referred", "hu"):
        if dates[step] and dates[step] > TODAY:
            assert f"{step}.date" in errors
    for step in ("intake", "info_meeting"):
        if dates[step] and dates[step] > TODAY + timedelta(days=rules.PLAN_AHEAD_DAYS):
            assert f"{step}.date" in errors
    for step in ("hu", "intake", "info_meeting"):
        if referred and dates[step] and dates[step] < referred:
            assert f"{step}.date" in errors
    if hu and info and info < hu:
        assert "info_meeting.date" in errors
    # Nothing is named without a reason: a path in order, in time, has no errors.
    if not errors:
        present = [d for d in (referred, hu, intake, info) if d]
        assert all(referred is None or d >= referred for d in present)
        assert referred is None or referred <= TODAY
        assert hu is None or hu <= TODAY


def test_date_errors_examples():
    day = TODAY - timedelta(days=3)
    assert rules.date_errors({"referred": day, "hu": day - timedelta(days=1)}, TODAY) == {
        "hu.date": "The date cannot be before the referral."
    }
    assert rules.date_errors({"referred": day, "hu": day, "intake": TODAY + timedelta(days=90)}, TODAY) == {}
    assert set(rules.date_errors({"intake": TODAY + timedelta(days=91)}, TODAY)) == {"intake.date"}


# --- waiting and the targets ----------------------------------------------------------------


@given(paths())
def test_someone_waits_only_on_an_open_path_and_never_for_negative_days_from_the_past(path):
    wait = rules.waiting(path, TODAY)
    if path.entered is None or path.start is not None or path.closed:
        assert wait is None
        return
    assert wait is not None
    assert wait.step in ("hu", "intake", "info_meeting", "start")
    assert wait.days == (TODAY - wait.since).days
    if wait.step == "hu":
        assert wait.since == (path.referred or path.hu)
        assert wait.over_target == (path.hu is None and wait.days > rules.HU_TARGET_DAYS)
    else:
        assert path.decision in rules.DECISIONS and wait.since == path.hu
        assert wait.over_target == (wait.days > rules.START_TARGET_DAYS)


@given(paths())
def test_late_means_beyond_the_targets(path):
    if rules.late_to_hu(path, TODAY):
        assert path.referred is not None
        assert ((path.hu or TODAY) - path.referred).days > rules.HU_TARGET_DAYS
    if rules.late_to_start(path, TODAY):
        assert path.hu is not None and path.decision == "accepted"
        assert ((path.start or TODAY) - path.hu).days > rules.START_TARGET_DAYS
    to_hu = rules.days_to_hu(path)
    if to_hu is not None and path.referred is not None:
        assert rules.late_to_hu(path, TODAY) == (to_hu > rules.HU_TARGET_DAYS)


def test_waiting_examples():
    referred = rules.PathDates(referred=TODAY - timedelta(days=6))
    assert rules.waiting(referred, TODAY) == rules.Waiting("hu", referred.referred, 6, True)
    accepted = rules.PathDates(referred=TODAY - timedelta(days=9), hu=TODAY - timedelta(days=4), decision="accepted")
    assert rules.waiting(accepted, TODAY) == rules.Waiting("intake", accepted.hu, 4, False)
    not_now = rules.PathDates(hu=TODAY - timedelta(days=40), decision="not_now")
    assert rules.waiting(not_now, TODAY) is None


@given(
    st.lists(st.dates(date(2027, 1, 1), date(2028, 1, 1)), max_size=5),
    st.none() | st.dates(date(2027, 1, 1), date(2028, 1, 1)),
)
def test_the_start_is_the_first_on_or_after_the_path_began(starts, entered):
    start = rules.first_start(starts, entered)
    candidates = [d for d in starts if entered is None or d >= entered]
    assert start == (min(candidates) if candidates else None)


# --- the figures ------------------------------------------------------------------------------


@given(st.lists(st.integers(0, 200), max_size=60))
def test_the_spread_is_ordered_and_its_median_is_the_median(values):
    figures = rules.spread(values)
    assert figures.count == len(values)
    if not values:
        assert figures.median is None and figures.min is None
        return
    assert figures.min is not None and figures.max is not None and figures.q1 is not None and figures.q3 is not None
    assert figures.min <= figures.q1 <= figures.median <= figures.q3 <= figures.max
    assert figures.median == statistics.median(values)
    assert (figures.min, figures.max) == (min(values), max(values))
    coarse = rules.coarse(figures)
    assert coarse.min is None and coarse.max is None
    assert (coarse.median is None) == (len(values) < rules.MIN_COUNT)
    assert coarse.count == (None if 0 < len(values) < rules.MIN_COUNT else len(values))
    assert (coarse.q1 is None) == (len(values) < rules.MIN_QUARTILES)


@given(st.lists(st.integers(0, 60), min_size=3, max_size=4))
def test_a_manager_cannot_work_the_shortest_and_longest_back_from_the_quartiles(values):
    # From three values the median and the (inclusive) quartiles give all three back.
    coarse = rules.coarse(rules.spread(values))
    assert coarse.q1 is None and coarse.q3 is None and coarse.min is None and coarse.max is None


@given(st.lists(paths(), max_size=30))
def test_the_tally_adds_up(all_paths):
    tally = rules.tally(all_paths, TODAY)
    counts = tally.counts
    assert counts["hu"] == sum(counts[k] for k in rules.HU_PARTS)
    assert counts["referred"] == sum(p.referred is not None for p in all_paths)
    assert counts["waiting"] <= len(all_paths)
    assert counts["late_to_start"] <= counts["accepted"]
    assert tally.to_hu.count <= min(counts["referred"], counts["hu"])
    assert tally.to_start.count <= counts["accepted"]
    assert all(n >= 0 for n in counts.values())


@given(st.dictionaries(st.sampled_from(rules.COUNTS), st.integers(0, 12)))
def test_a_manager_never_sees_a_small_count_nor_can_work_one_out(raw):
    counts = dict.fromkeys(rules.COUNTS, 0) | raw
    counts["hu"] = sum(counts[k] for k in rules.HU_PARTS)
    hidden = rules.hidden_counts(counts)
    # No count of 1 or 2 is shown.
    assert all(counts[k] == 0 or counts[k] >= rules.MIN_COUNT for k in counts if k not in hidden)
    # Zeros reveal no one and stay.
    assert all(counts[k] > 0 for k in hidden)
    # The HU count less the decisions shown leaves at least three between the hidden ones, or none.
    if "hu" not in hidden:
        rest = counts["hu"] - sum(counts[k] for k in rules.HU_PARTS if k not in hidden)
        assert rest == 0 or rest >= rules.MIN_COUNT


def test_suppression_example():
    counts = dict.fromkeys(rules.COUNTS, 0) | {"hu": 8, "accepted": 5, "not_now": 1, "other_measure": 2}
    # 1 and 2 hidden hold three together: enough.
    assert rules.hidden_counts(counts) == {"not_now", "other_measure"}
    counts |= {"hu": 7, "other_measure": 0, "undecided": 1, "not_now": 1, "accepted": 5}
    # 1 and 1 hold only two: the smallest shown decision goes too.
    assert rules.hidden_counts(counts) == {"not_now", "undecided", "accepted"}
