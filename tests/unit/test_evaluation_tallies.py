"""The evaluation figures from counts (how many gave each score, as the report reads
them from the database) are exactly those from the answers one by one (pure rules)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from course.evaluations.reports import (
    AREAS,
    SCORES,
    Tally,
    aggregate,
    area_figures,
    combined,
    histogram_figures,
    split,
    split_tallies,
    tally,
    tally_figures,
)

answer = st.fixed_dictionaries({area: st.integers(0, 10) for area in AREAS})
answers = st.lists(answer, max_size=60)
parts = st.dictionaries(st.sampled_from(["Åse", "Ørjan", "Kjærsti", "Pål", "Bjørn", "2027-Q1"]), answers, max_size=6)


def counted(histogram: dict[int, int]) -> list[int]:
    return [score for score, n in sorted(histogram.items()) for _ in range(n)]


@given(answers)
def test_a_group_from_its_counts_has_the_figures_of_its_answers(group):
    assert tally_figures(tally(group)) == aggregate(group)
    assert tally_figures(tally(group), hide=True) == aggregate(group, hide=True)


@given(parts)
def test_a_split_from_counts_is_the_split_of_the_answers(by_part):
    for whole_shown in (True, False):
        assert split_tallies({k: tally(v) for k, v in by_part.items()}, whole_shown) == split(by_part, whole_shown)


@given(parts)
def test_counts_of_whole_groups_add_up_to_the_counts_of_all_their_answers(by_part):
    everyone = [a for group in by_part.values() for a in group]
    assert combined(tally(group) for group in by_part.values()) == tally(everyone)
    assert tally_figures(combined(tally(group) for group in by_part.values())) == aggregate(everyone)


# The counts as the database gives them: per area, a score and how many gave it, with
# no row for a score nobody gave; each area read on its own, so nothing ties the
# scores of one answer together.
histogram = st.dictionaries(st.sampled_from(list(SCORES)), st.integers(1, 25), min_size=1, max_size=11)


@given(st.integers(1, 80).flatmap(lambda n: st.tuples(*[st.lists(st.integers(0, 10), min_size=n, max_size=n)] * 5)))
def test_counts_read_area_by_area_give_the_figures_of_any_answers_they_came_from(columns):
    """Answers made from five columns of scores, whichever way the columns are paired
    up, have the figures of the five histograms."""
    by_area = dict(zip(AREAS, columns, strict=True))
    group = [{area: by_area[area][i] for area in AREAS} for i in range(len(columns[0]))]
    histograms = {area: {s: scores.count(s) for s in set(scores)} for area, scores in by_area.items()}
    assert tally_figures(Tally(len(group), histograms)) == aggregate(group)
    reordered = [{area: sorted(by_area[area])[i] for area in AREAS} for i in range(len(group))]
    assert aggregate(reordered) == aggregate(group)


@given(histogram, st.sets(st.sampled_from(list(SCORES))))
def test_one_area_from_its_histogram(counts, unused):
    """Mean, median (between two scores when the count is even), distribution and target."""
    assert histogram_figures("next_step", counts) == area_figures("next_step", counted(counts))
    # A score nobody gave, listed with a count of 0, changes nothing.
    listed = {**dict.fromkeys(unused, 0), **counts}
    assert histogram_figures("next_step", listed) == histogram_figures("next_step", counts)
