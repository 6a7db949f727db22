"""Aggregation and small-number suppression of evaluation answers (pure rules)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from course.evaluations.reports import (
    AREAS,
    MIN_ANSWERS,
    TARGETS,
    aggregate,
    parts_to_hide,
    split,
)

answer = st.fixed_dictionaries({area: st.integers(0, 10) for area in AREAS})
answers = st.lists(answer, max_size=40)
sizes = st.dictionaries(st.sampled_from(["Åse", "Ørjan", "Kjærsti", "Pål", "Bjørn"]), st.integers(0, 12),
                        min_size=1)


@given(answers)
def test_groups_under_three_answers_show_nothing(group):
    figures = aggregate(group)
    assert figures.answers == len(group)
    assert figures.suppressed == (len(group) < MIN_ANSWERS)
    assert (figures.areas == ()) == figures.suppressed


@given(st.lists(answer, min_size=MIN_ANSWERS, max_size=40))
def test_figures_agree_with_the_answers(group):
    for figures in aggregate(group).areas:
        scores = [a[figures.area] for a in group]
        assert sum(figures.distribution) == len(scores)
        assert sum(n * count for n, count in enumerate(figures.distribution)) == sum(scores)
        assert min(scores) <= figures.mean <= max(scores)
        assert min(scores) <= figures.median <= max(scores)
        assert figures.below_target == (sum(scores) / len(scores) < TARGETS[figures.area])


def test_the_historic_benchmark_flags_area_two_below_seven_point_eight():
    group = [dict.fromkeys(AREAS, 10) | {"next_step": 7}] * 3
    flagged = [a.area for a in aggregate(group).areas if a.below_target]
    assert flagged == ["next_step"]
    assert [a.area for a in aggregate([dict.fromkeys(AREAS, 8)] * 3).areas
            if a.below_target] == ["benefit", "atmosphere", "leaders", "participation"]


@given(sizes)
def test_no_part_of_a_split_can_be_worked_out_from_the_whole(parts):
    hidden = parts_to_hide(parts)
    assert {k for k, n in parts.items() if 0 < n < MIN_ANSWERS} <= hidden
    hidden_total = sum(parts[k] for k in hidden)
    # The whole minus what is shown is what is hidden: none, or at least three answers,
    # unless the whole is itself too small to be shown.
    assert hidden_total == 0 or hidden_total >= MIN_ANSWERS or sum(parts.values()) < MIN_ANSWERS


@given(sizes)
def test_a_split_hides_no_more_than_it_must(parts):
    hidden = parts_to_hide(parts)
    extra = [k for k in hidden if parts[k] >= MIN_ANSWERS]
    if extra:
        small = sum(parts[k] for k in hidden if parts[k] < MIN_ANSWERS)
        assert small < MIN_ANSWERS
        shown = [parts[k] for k in parts if k not in hidden and parts[k] > 0]
        assert all(parts[k] <= n for k in extra for n in shown)


def test_a_cohort_of_three_split_by_leader_shows_no_leader():
    """Two answers with one leader and one with the other: showing either leader's
    figures beside the cohort's would give the other away."""
    group = [dict.fromkeys(AREAS, 10), dict.fromkeys(AREAS, 4), dict.fromkeys(AREAS, 8)]
    by_leader = split({"Åse Ødegård": group[:2], "Ørjan Lægreid": group[2:]})
    assert all(f.suppressed for f in by_leader.values())
    assert not aggregate(group).suppressed


def test_a_small_part_beside_large_ones_takes_the_smallest_large_one_with_it():
    assert parts_to_hide({"A": 1, "B": 5, "C": 9}) == {"A", "B"}
    assert parts_to_hide({"A": 1, "B": 5, "C": 9}, whole_shown=False) == {"A"}
    assert parts_to_hide({"A": 4, "B": 5, "C": 0}) == set()
