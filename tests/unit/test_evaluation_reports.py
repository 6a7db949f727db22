"""Aggregation and small-number suppression of evaluation answers (pure rules)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from course.evaluations.reports import (
    AREAS,
    MIN_ANSWERS,
    TARGETS,
    CohortState,
    aggregate,
    parts_to_hide,
    split,
    whole_cohorts,
)
from course.web import formats

answer = st.fixed_dictionaries({area: st.integers(0, 10) for area in AREAS})
answers = st.lists(answer, max_size=40)
sizes = st.dictionaries(st.sampled_from(["Åse", "Ørjan", "Kjærsti", "Pål", "Bjørn"]), st.integers(0, 12), min_size=1)


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
        # Below target as shown: the mean to one decimal, as pages and PDFs write it.
        assert figures.below_target == (formats.rounded(figures.mean, 1) < TARGETS[figures.area])
        assert figures.mean == formats.rounded(Fraction(sum(scores), len(scores)), 2)


def test_the_historic_benchmark_flags_area_two_below_seven_point_eight():
    group = [dict.fromkeys(AREAS, 10) | {"next_step": 7}] * 3
    flagged = [a.area for a in aggregate(group).areas if a.below_target]
    assert flagged == ["next_step"]
    assert [a.area for a in aggregate([dict.fromkeys(AREAS, 8)] * 3).areas if a.below_target] == [
        "benefit",
        "atmosphere",
        "leaders",
        "participation",
    ]


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


# --- the cohort is the atom -------------------------------------------------------------------

# Small cohorts often, where a difference of one or two answers could hide.
cohort_state = st.builds(
    CohortState, evaluated=st.booleans(), closed=st.booleans(), answers=st.integers(0, 4) | st.integers(0, 14)
)
# A cohort as a report filter sees it: office, variant, leader, quarter, and its state.
cohort = st.fixed_dictionaries(
    {
        "office": st.sampled_from(["Drammen", "Lier", "Ås"]),
        "variant": st.sampled_from(["kjk", "ny_retning"]),
        "leader": st.sampled_from(["Åse", "Ørjan", "Kjærsti"]),
        "quarter": st.integers(0, 7),
        "state": cohort_state,
    }
)
# A filter is any combination of the report's narrowings (None: not narrowed).
report_filter = st.fixed_dictionaries(
    {
        "office": st.none() | st.sampled_from(["Drammen", "Lier", "Ås"]),
        "variant": st.none() | st.sampled_from(["kjk", "ny_retning"]),
        "leader": st.none() | st.sampled_from(["Åse", "Ørjan", "Kjærsti"]),
        "first": st.none() | st.integers(0, 7),
        "last": st.none() | st.integers(0, 7),
    }
)


def report_answers(cohorts: list[dict], flt: dict) -> set[tuple[int, int]]:
    """The answers (cohort, n) a report with this filter is made of."""
    chosen = {
        i: c["state"]
        for i, c in enumerate(cohorts)
        if all(flt[k] is None or c[k] == flt[k] for k in ("office", "variant", "leader"))
        and (flt["first"] is None or c["quarter"] >= flt["first"])
        and (flt["last"] is None or c["quarter"] <= flt["last"])
    }
    counted, left_out = whole_cohorts(chosen)
    assert left_out.count == len(chosen) - len(counted) == sum(left_out.reasons.values())
    return {(i, n) for i in counted for n in range(chosen[i].answers)}


@settings(max_examples=400)
@given(st.lists(cohort, max_size=12), report_filter, report_filter)
def test_no_two_reports_differ_by_one_or_two_answers(cohorts, a, b):
    """Whatever two filters a reader compares, the answers in one report and not the
    other are never one or two: reports are sums of whole cohorts of three or more."""
    first, second = report_answers(cohorts, a), report_answers(cohorts, b)
    assert len(first - second) not in (1, 2)
    assert len(second - first) not in (1, 2)
    assert len(first) not in (1, 2)


@given(st.dictionaries(st.integers(0, 50), cohort_state, max_size=20))
def test_only_closed_cohorts_with_three_answers_count(states):
    counted, left_out = whole_cohorts(states)
    assert counted == [k for k, s in states.items() if s.evaluated and s.closed and s.answers >= MIN_ANSWERS]
    assert left_out.reasons == {
        "not_evaluated": sum(not s.evaluated for s in states.values()),
        "open": sum(s.evaluated and not s.closed for s in states.values()),
        "too_few_answers": sum(s.evaluated and s.closed and s.answers < MIN_ANSWERS for s in states.values()),
    }


def test_a_mean_at_a_half_rounds_up_as_every_figure_does():
    # 57 / 8 = 7.125: Python's round() would give 7.12; the one rule gives 7.13, shown 7,1.
    scores = [7] * 7 + [8]
    group = [{area: score for area in AREAS} for score in scores]
    for figures in aggregate(group).areas:
        assert figures.mean == 7.13
        assert formats.decimal(figures.mean) == "7,1"


@given(st.lists(answer, min_size=MIN_ANSWERS, max_size=40))
def test_a_stored_mean_is_the_exact_mean_rounded_half_up(group):
    for figures in aggregate(group).areas:
        scores = [a[figures.area] for a in group]
        assert figures.mean == formats.rounded(Fraction(sum(scores), len(scores)), 2)


def test_below_target_is_judged_on_the_mean_as_shown():
    from course.evaluations.reports import area_figures

    edge = area_figures("benefit", [9] * 24 + [8])  # 224 / 25 = 8.96, shown as 9,0
    assert formats.decimal(edge.mean) == "9,0" and not edge.below_target
    under = area_figures("benefit", [9] * 19 + [8])  # 179 / 20 = 8.95, shown as 9,0 (half up)
    assert formats.decimal(under.mean) == "9,0" and not under.below_target
    clearly = area_figures("benefit", [9] * 9 + [8] * 2)  # 97 / 11 = 8.82, shown as 8,8
    assert formats.decimal(clearly.mean) == "8,8" and clearly.below_target
