"""The outcome report's aggregation and small-number rule, over any counts."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from course.evaluations.outcome_report import (
    CATEGORIES,
    KINDS,
    MIN_COUNT,
    Fact,
    aggregate,
    distribution,
    suppress,
)
from course.web import formats

# The report always lists every kind (or category); two to five stand for them here.
keys = st.lists(st.sampled_from(KINDS), min_size=2, max_size=5, unique=True)


@st.composite
def counts(draw, high: int = 4):
    return {key: draw(st.integers(0, high)) for key in draw(keys)}


def compositions(total: int, parts: int):
    """Every way to write ``total`` as ``parts`` whole numbers of 0 or more."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def test_small_cells_are_hidden_with_the_zeros_and_more_until_none_can_be_worked_out():
    assert suppress({"job": 5, "school": 4, "moved": 0}) == {"job": 5, "school": 4, "moved": 0}
    # The small cell and the zero beside it hold fewer than three: the fours are hidden too.
    assert suppress({"job": 5, "school": 0, "moved": 1, "work": 4}) == {
        "job": 5,
        "school": None,
        "moved": None,
        "work": None,
    }
    assert suppress({"job": 5, "school": 0, "moved": 2, "work": 1}) == {
        "job": None,
        "school": None,
        "moved": None,
        "work": None,
    }
    assert suppress({"job": 9, "school": 0, "moved": 2, "work": 1, "none": 3}) == {
        "job": 9,
        "school": None,
        "moved": None,
        "work": None,
        "none": None,
    }
    # Two twos would be given away by their sum of four: the three is hidden as well.
    assert suppress({"school": 2, "work_practice": 2, "nav_measure": 3, "job": 7}) == {
        "school": None,
        "work_practice": None,
        "nav_measure": None,
        "job": 7,
    }
    # Under three in all: nothing shown, not even the zeros.
    assert suppress({"job": 2, "school": 0}) == {"job": None, "school": None}
    assert suppress({"job": 0, "school": 0}) == {"job": 0, "school": 0}


@given(counts())
def test_no_count_from_one_to_two_is_ever_shown(found):
    shown = suppress(found)
    assert set(shown) == set(found)
    assert all(v is None or v == found[k] for k, v in shown.items())
    assert not any(v in range(1, MIN_COUNT) for v in shown.values())
    hidden = [found[k] for k, v in shown.items() if v is None]
    assert not hidden or sum(hidden) >= MIN_COUNT or sum(found.values()) < MIN_COUNT
    if 0 < sum(found.values()) < MIN_COUNT:
        assert all(v is None for v in shown.values())
    # A zero is shown only where nothing is hidden beside it that it could narrow down.
    if hidden:
        assert 0 not in shown.values()


@settings(max_examples=500, deadline=None)
@given(counts())
def test_no_hidden_small_cell_can_be_worked_out_from_the_total_and_the_cells_shown(found):
    """Someone who knows the rule, the total and every cell shown lists every set of
    counts that would show the same; each hidden cell under three must still have
    more than one possible value."""
    shown = suppress(found)
    hidden = [k for k, v in shown.items() if v is None]
    if not hidden:
        return
    total = sum(found.values())
    rest = total - sum(v for v in shown.values() if v is not None)
    possible: dict[str, set[int]] = {k: set() for k in hidden}
    for values in compositions(rest, len(hidden)):
        candidate = {**{k: v for k, v in shown.items() if v is not None}, **dict(zip(hidden, values))}
        candidate = {k: candidate[k] for k in found}
        if suppress(candidate) == shown:
            for k, v in zip(hidden, values):
                possible[k].add(v)
    for k in hidden:
        assert found[k] in possible[k]
        if found[k] < MIN_COUNT:
            assert len(possible[k]) > 1, (found, shown, k, possible[k])


@given(counts(high=30))
def test_a_distribution_shows_its_total_and_flags_what_it_hides(found):
    d = distribution("end", found)
    assert d.total == sum(found.values())
    assert [c.key for c in d.cells] == list(found)
    assert d.suppressed == any(c.suppressed for c in d.cells)
    assert all((c.count is None) == c.suppressed for c in d.cells)


TODAY = date(2027, 9, 15)

facts = st.builds(
    Fact,
    cohort_end=st.dates(min_value=TODAY - timedelta(days=400), max_value=TODAY - timedelta(days=1)),
    took_part=st.booleans(),
    end=st.sampled_from([*KINDS[:-1], None]),
    at_3m=st.sampled_from([*KINDS[:-1], None]),
    at_6m=st.sampled_from([*KINDS[:-1], None]),
    present=st.integers(0, 8),
    absent=st.integers(0, 8),
    excused=st.integers(0, 8),
    talks_held=st.integers(0, 6),
    category_start=st.sampled_from([1, 2, 3, 4, None]),
    category_end=st.sampled_from([1, 2, 3, 4, None]),
)


@given(st.lists(facts, max_size=30))
def test_every_figure_counts_the_same_people_and_hides_what_is_small(group):
    figures = aggregate(group, TODAY)
    assert figures.participants == len(group)
    end, three, six = figures.outcomes
    assert end.total == len(group) >= three.total >= six.total
    for d in (*figures.outcomes, *figures.categories):
        assert not any(c.count in range(1, MIN_COUNT) for c in d.cells)
        if not d.suppressed:
            assert sum(c.count for c in d.cells) == d.total
    assert all(d.total == len(group) for d in figures.categories)
    assert [c.key for c in figures.categories[0].cells] == list(CATEGORIES)
    took = [f for f in group if f.took_part]
    if len(took) < MIN_COUNT:
        assert figures.attendance_rate is None and figures.talks_per_participant is None
        assert figures.attendance_suppressed and figures.talks_suppressed
    else:
        # Rounded half up, as every figure is: 1 of 8 talks is 0.13, not 0.12.
        assert figures.talks_per_participant == formats.rounded(Fraction(sum(f.talks_held for f in took), len(took)), 2)
        registered = sum(f.present + f.absent + f.excused for f in took)
        if registered:
            assert figures.attendance_rate == formats.rate(sum(f.present for f in took), registered)


def test_follow_ups_count_only_cohorts_whose_point_has_come():
    def fact(end: date, at_3m: str | None) -> Fact:
        return Fact(end, True, "job", at_3m, None, 8, 0, 0, 4, 1, 1)

    group = [fact(date(2027, 1, 10), "school")] * 3 + [fact(date(2027, 8, 1), None)] * 4
    end, three, six = aggregate(group, TODAY).outcomes
    assert (end.total, three.total, six.total) == (7, 3, 3)
    assert {c.key: c.count for c in three.cells if c.count} == {"school": 3}
    assert {c.key: c.count for c in six.cells if c.count} == {"none": 3}
