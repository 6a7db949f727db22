"""Evaluation figures that need no database: the five areas, aggregation per area
and small-number suppression, so no figure shown lets anyone work out one answer.

An answer is a mapping from area to a score 0–10. A group with fewer than
``MIN_ANSWERS`` answers shows no figures ("for få svar"). When a group is shown
split into parts (a cohort by leader, an office by cohort), hiding one small part
is not enough: the whole minus the parts shown would give it away. So the parts
hidden in a split always hold at least ``MIN_ANSWERS`` answers between them, or the
split is not shown at all.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from course.errors import N_
from course.web import formats

AREAS = ("benefit", "next_step", "atmosphere", "leaders", "participation")
AREA_LABELS = {
    "benefit": N_("Benefit and learning"),
    "next_step": N_("Chance of a measure after the course"),
    "atmosphere": N_("Atmosphere and safety in the group"),
    "leaders": N_("The course leaders' competence and care"),
    "participation": N_("Being heard"),
}
# The historic result over 2.5 years: every area above 9, except area 2 at 7.8.
TARGETS = {"benefit": 9.0, "next_step": 7.8, "atmosphere": 9.0, "leaders": 9.0, "participation": 9.0}
MIN_ANSWERS = 3
SCORES = range(11)
K = TypeVar("K")


@dataclass(frozen=True)
class AreaFigures:
    area: str
    answers: int
    mean: float
    median: float
    distribution: tuple[int, ...]  # how many gave 0, 1, …, 10
    target: float
    below_target: bool


@dataclass(frozen=True)
class GroupFigures:
    answers: int
    suppressed: bool  # True: fewer than MIN_ANSWERS, or hidden to protect a part of a split
    areas: tuple[AreaFigures, ...]  # empty when suppressed


def _below(mean: float, target: float) -> bool:
    """Below target as a reader sees it: ``mean`` is the figure's own mean (two
    decimals), and every page and PDF shows it to one, so 8.96 (shown 9,0) is not
    called below a target of 9,0."""
    return formats.rounded(mean, 1) < target


def area_figures(area: str, scores: Sequence[int]) -> AreaFigures:
    mean = formats.rounded(Fraction(sum(scores), len(scores)), 2)
    counts = Counter(scores)
    return AreaFigures(
        area=area,
        answers=len(scores),
        mean=mean,
        median=float(statistics.median(scores)),
        distribution=tuple(counts[n] for n in SCORES),
        target=TARGETS[area],
        below_target=_below(mean, TARGETS[area]),
    )


def aggregate(answers: Sequence[Mapping[str, int]], hide: bool = False) -> GroupFigures:
    """Figures for one group of answers; none when it is too small or ``hide`` is set."""
    if hide or len(answers) < MIN_ANSWERS:
        return GroupFigures(len(answers), True, ())
    return GroupFigures(
        answers=len(answers),
        suppressed=False,
        areas=tuple(area_figures(area, [a[area] for a in answers]) for area in AREAS),
    )


def parts_to_hide(sizes: Mapping[str, int], whole_shown: bool = True) -> set[str]:
    """Which parts of a split to hide, given how many answers each part has.

    Every part under ``MIN_ANSWERS`` is hidden. If the whole is shown too, the hidden
    parts must hold at least ``MIN_ANSWERS`` answers together (else the whole minus
    the shown parts reveals them), so the smallest shown parts are hidden as well
    until they do. An empty part reveals nothing and is left as it is."""
    hidden = {key for key, n in sizes.items() if 0 < n < MIN_ANSWERS}
    if not whole_shown or not hidden:
        return hidden
    shown = sorted((n, key) for key, n in sizes.items() if key not in hidden and n > 0)
    while sum(sizes[k] for k in hidden) < MIN_ANSWERS and shown:
        hidden.add(shown.pop(0)[1])
    return hidden


def split(
    answers_by_part: Mapping[str, Sequence[Mapping[str, int]]], whole_shown: bool = True
) -> dict[str, GroupFigures]:
    """Figures for each part of a split, with the suppression above applied."""
    hidden = parts_to_hide({k: len(v) for k, v in answers_by_part.items()}, whole_shown)
    return {key: aggregate(answers, hide=key in hidden) for key, answers in answers_by_part.items()}


# --- the same figures from counts ---------------------------------------------------------------
#
# A report reads its answers as counts (how many gave each score in each area, by
# cohort) rather than one row each: the counts of whole cohorts add up, and every
# figure above follows from them. ``tally_figures`` gives exactly what ``aggregate``
# gives for the same answers.

Histogram = Mapping[int, int]  # score → how many gave it


@dataclass(frozen=True)
class Tally:
    """A group's answers as counts: how many answered, and for each area how many
    gave each score (an area or a score left out: none)."""

    answers: int
    scores: Mapping[str, Histogram]


def tally(answers: Sequence[Mapping[str, int]]) -> Tally:
    """The counts of a group of answers."""
    return Tally(len(answers), {area: Counter(a[area] for a in answers) for area in AREAS})


def combined(tallies: Iterable[Tally]) -> Tally:
    """The counts of several groups together: the sum of theirs."""
    answers = 0
    scores: dict[str, Counter[int]] = {area: Counter() for area in AREAS}
    for t in tallies:
        answers += t.answers
        for area, histogram in t.scores.items():
            scores[area].update(histogram)
    return Tally(answers, scores)


def _nth(histogram: Histogram, index: int) -> int:
    """The score at ``index`` (from 0) of the scores in order."""
    seen = 0
    for score in sorted(histogram):
        seen += histogram[score]
        if index < seen:
            return score
    raise IndexError(index)


def histogram_figures(area: str, histogram: Histogram) -> AreaFigures:
    """``area_figures`` of the scores the histogram counts."""
    histogram = {score: n for score, n in histogram.items() if n}
    count = sum(histogram.values())
    mean = formats.rounded(Fraction(sum(score * n for score, n in histogram.items()), count), 2)
    middle = count // 2
    median = _nth(histogram, middle) if count % 2 else (_nth(histogram, middle - 1) + _nth(histogram, middle)) / 2
    return AreaFigures(
        area=area,
        answers=count,
        mean=mean,
        median=float(median),
        distribution=tuple(histogram.get(n, 0) for n in SCORES),
        target=TARGETS[area],
        below_target=_below(mean, TARGETS[area]),
    )


def tally_figures(group: Tally, hide: bool = False) -> GroupFigures:
    """``aggregate`` of the answers the tally counts."""
    if hide or group.answers < MIN_ANSWERS:
        return GroupFigures(group.answers, True, ())
    return GroupFigures(
        answers=group.answers,
        suppressed=False,
        areas=tuple(histogram_figures(area, group.scores.get(area, {})) for area in AREAS),
    )


def split_tallies(tallies_by_part: Mapping[str, Tally], whole_shown: bool = True) -> dict[str, GroupFigures]:
    """``split`` of the answers the tallies count."""
    hidden = parts_to_hide({k: t.answers for k, t in tallies_by_part.items()}, whole_shown)
    return {key: tally_figures(t, hide=key in hidden) for key, t in tallies_by_part.items()}


# --- the cohort is the atom ------------------------------------------------------------------
#
# A report is a sum of whole cohorts, each closed (its figures never change again)
# with at least MIN_ANSWERS answers; any other cohort counts nowhere, not even in the
# totals. Two reports, whatever their filters, then differ by whole cohorts only, so
# their difference is never one or two answers.

LEFT_OUT_REASONS = ("open", "too_few_answers", "not_evaluated")


@dataclass(frozen=True)
class CohortState:
    evaluated: bool  # an evaluation has been opened
    closed: bool
    answers: int


def left_out_reason(state: CohortState) -> str | None:
    """Why a cohort counts nowhere, or None when it counts."""
    if not state.evaluated:
        return "not_evaluated"
    if not state.closed:
        return "open"
    if state.answers < MIN_ANSWERS:
        return "too_few_answers"
    return None


@dataclass(frozen=True)
class LeftOut:
    count: int
    reasons: dict[str, int]  # how many for each of LEFT_OUT_REASONS


def whole_cohorts(states: Mapping[K, CohortState]) -> tuple[list[K], LeftOut]:
    """The cohorts that count, in the given order, and how many were left out and why."""
    counted: list[K] = []
    reasons = dict.fromkeys(LEFT_OUT_REASONS, 0)
    for key, state in states.items():
        reason = left_out_reason(state)
        if reason is None:
            counted.append(key)
        else:
            reasons[reason] += 1
    return counted, LeftOut(sum(reasons.values()), reasons)
