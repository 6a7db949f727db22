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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from course.errors import N_

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


def area_figures(area: str, scores: Sequence[int]) -> AreaFigures:
    mean = statistics.fmean(scores)
    counts = Counter(scores)
    return AreaFigures(
        area=area,
        answers=len(scores),
        mean=round(mean, 2),
        median=float(statistics.median(scores)),
        distribution=tuple(counts[n] for n in SCORES),
        target=TARGETS[area],
        below_target=mean < TARGETS[area],
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
