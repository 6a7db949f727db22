"""Outcome figures that need no database: where the participants went at the end of
the course and 3 and 6 months later, their attendance, talks held and follow-up
categories, counted over plain facts (no names) with the small-number rule.

The rule, as for the evaluation figures: no count from 1 to ``MIN_COUNT - 1`` is
shown. A distribution is shown beside its total, so hiding the small cells alone
is not enough (the total minus the cells shown would give them back): the cells
hidden in one distribution hold at least ``MIN_COUNT`` between them, and more cells
are hidden (complementary suppression) until no hidden cell can be worked out, even
by someone who knows this rule (``suppress``). A distribution whose total is under
``MIN_COUNT`` shows no cell at all, not even its zeros. Rates and means are shown
only over ``MIN_COUNT`` people or more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from course.errors import N_
from course.evaluations.reports import MIN_ANSWERS
from course.participants.follow_up_rules import due_day
from course.participants.rules import OUTCOME_GROUPS, OUTCOMES
from course.web import formats

MIN_COUNT = MIN_ANSWERS
NONE = "none"  # nothing recorded
KINDS = (*OUTCOMES, NONE)
POINTS = ("end", "3m", "6m")
POINT_LABELS = {"end": N_("At the end"), "3m": N_("After 3 months"), "6m": N_("After 6 months")}
CATEGORIES = ("1", "2", "3", "4", NONE)
CATEGORY_LABELS = {
    "1": N_("1 · good ability, willing"),
    "2": N_("2 · good ability, unwilling"),
    "3": N_("3 · limited ability, willing"),
    "4": N_("4 · limited ability, unwilling"),
    NONE: N_("No category"),
}
CATEGORY_POINTS = ("start", "end")
CATEGORY_POINT_LABELS = {"start": N_("At the start"), "end": N_("At the end")}
KIND_LABEL_NONE = N_("Not recorded")
# Which list each kind belongs to, as the outcome form groups them; "none" on its own.
KIND_GROUP = {kind: group for group, kinds in OUTCOME_GROUPS.items() for kind in kinds}


@dataclass(frozen=True)
class Fact:
    """One enrolment, as the report counts it (from participants.outcomes.OutcomeFact
    with the cohort's dates and the talks held added)."""

    cohort_end: date
    took_part: bool
    end: str | None
    at_3m: str | None
    at_6m: str | None
    present: int
    absent: int
    excused: int
    talks_held: int
    category_start: int | None
    category_end: int | None


@dataclass(frozen=True)
class Cell:
    key: str
    count: int | None  # None when suppressed
    suppressed: bool


@dataclass(frozen=True)
class Distribution:
    point: str
    total: int  # everyone counted at this point (the cells sum to it)
    suppressed: bool  # some cell is hidden
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Figures:
    participants: int  # every enrolment counted: those who took part and those who did not show
    outcomes: tuple[Distribution, ...]  # at the end, at 3 and at 6 months
    categories: tuple[Distribution, ...]  # at the start and at the end
    attendance_rate: float | None  # present ÷ registered marks; None when suppressed or nothing registered
    attendance_suppressed: bool
    talks_per_participant: float | None  # talks held ÷ those who took part
    talks_suppressed: bool


def suppress(counts: Mapping[str, int], min_count: int = MIN_COUNT) -> dict[str, int | None]:
    """The counts to show, None where hidden.

    Nothing is hidden when no count is from 1 to ``min_count - 1``. Otherwise every
    cell under a threshold is hidden, zeros too (a zero shown beside hidden cells
    would tell that they are not zero, and so narrow them down): the threshold is
    raised from ``min_count`` one at a time until the hidden cells hold at least
    ``min_count`` together and one of them is ``min_count`` or more. Small cells
    hidden alone would be given away by their sum (two cells of 2 sum to 4); with a
    larger cell among them, the total less the cells shown leaves every small cell
    more than one possible value, even to someone who knows this rule. Under
    ``min_count`` in all, nothing is shown."""
    total = sum(counts.values())
    if not any(0 < n < min_count for n in counts.values()):
        return dict(counts)
    if total < min_count:
        return {key: None for key in counts}
    threshold = min_count
    while threshold <= max(counts.values()):
        below = [n for n in counts.values() if n < threshold]
        if sum(below) >= min_count and any(n >= min_count for n in below):
            break
        threshold += 1
    return {key: None if n < threshold else n for key, n in counts.items()}


def distribution(point: str, counts: Mapping[str, int]) -> Distribution:
    shown = suppress(counts)
    return Distribution(
        point=point,
        total=sum(counts.values()),
        suppressed=any(v is None for v in shown.values()),
        cells=tuple(Cell(key, shown[key], shown[key] is None) for key in counts),
    )


def _kinds(values: Iterable[str | None]) -> dict[str, int]:
    found = Counter(v if v in OUTCOMES else NONE for v in values)
    return {kind: found.get(kind, 0) for kind in KINDS}


def _categories(values: Iterable[int | None]) -> dict[str, int]:
    found = Counter(str(v) if v is not None and str(v) in CATEGORIES else NONE for v in values)
    return {key: found.get(key, 0) for key in CATEGORIES}


def aggregate(facts: Sequence[Fact], today: date) -> Figures:
    """The figures for a group of enrolments. Every count is over the same people
    (those who took part and those who did not show), at 3 and 6 months narrowed
    only by whole cohorts (those whose point has come), so no difference between two
    totals counts a few people of one kind. Attendance and talks are rates over
    those who took part, shown from ``MIN_COUNT`` of them."""
    took = [f for f in facts if f.took_part]
    at_3m = [f for f in facts if due_day(f.cohort_end, "3m") <= today]
    at_6m = [f for f in facts if due_day(f.cohort_end, "6m") <= today]
    present = sum(f.present for f in took)
    registered = sum(f.present + f.absent + f.excused for f in took)
    small = len(took) < MIN_COUNT
    return Figures(
        participants=len(facts),
        outcomes=(
            distribution("end", _kinds(f.end for f in facts)),
            distribution("3m", _kinds(f.at_3m for f in at_3m)),
            distribution("6m", _kinds(f.at_6m for f in at_6m)),
        ),
        categories=(
            distribution("start", _categories(f.category_start for f in facts)),
            distribution("end", _categories(f.category_end for f in facts)),
        ),
        attendance_rate=None if small else formats.rate(present, registered),
        attendance_suppressed=small,
        talks_per_participant=(
            None if small else formats.rounded(Fraction(sum(f.talks_held for f in took), len(took)), 2)
        ),
        talks_suppressed=small,
    )


def group_of(kind: str) -> str:
    """The outcome list a kind belongs to (its message id), or "" for "none"."""
    return KIND_GROUP.get(kind, "")
