"""The way in, as rules that need no database: the order of a participant's steps,
which step they wait for and how long, who waited beyond the project report's
targets, and the figures of the way-in report (counts, median and quartiles, and the
small-number rule for managers).

A path is referred (by whom, a date) → the referral committee, HU (a date and a
decision) → intake talk (mottakssamtale) → information meeting → start (the cohort
start of the first enrolment that took a place). The report's targets: HU within
five days of the referral, the start one to two weeks after HU.

Dates: the referral and HU are facts, so never after today; the intake talk and the
information meeting may be booked up to ``PLAN_AHEAD_DAYS`` ahead. No step is before
the referral, and the information meeting is not before HU (it is for those
accepted). The intake talk may come before or after HU: the project report has it
before, many offices hold it after. When two dates clash, the later step of the two
is named (HU before the referral: ``hu.date``).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from course.errors import N_
from course.web import formats

STEPS = ("referred", "hu", "intake", "info_meeting")
STEP_LABELS = {
    "referred": N_("Referred"),
    "hu": N_("Referral committee (HU)"),
    "intake": N_("Intake talk"),
    "info_meeting": N_("Information meeting"),
    "start": N_("Start on a cohort"),
}
DECISIONS = ("accepted", "not_now", "other_measure")
DECISION_LABELS = {
    "accepted": N_("Accepted"),
    "not_now": N_("Not now"),
    "other_measure": N_("Other measure"),
}
# The project report's targets.
HU_TARGET_DAYS = 5  # from referral to the referral committee
START_TARGET_DAYS = 14  # from the referral committee to the start
# The intake talk and information meeting may be booked this far ahead.
PLAN_AHEAD_DAYS = 90
# A path whose referral (or HU) is older than this is no longer anyone's to chase:
# the start page looks back this far, and no further.
WAITING_WINDOW_DAYS = 183
# The small-number rule (as in the evaluation reports): managers see no count of 1 or 2.
MIN_COUNT = 3
# Quartiles from fewer values, with the median, give the values themselves back.
MIN_QUARTILES = 5
# Statuses of an enrolment that took a place on the cohort.
PLACED = frozenset({"enrolled", "completed", "dropped_out"})


@dataclass(frozen=True)
class PathDates:
    """What the rules need of one path: its dates, the HU decision ("" when not
    recorded) and the start, if any."""

    referred: date | None = None
    hu: date | None = None
    decision: str = ""
    intake: date | None = None
    info_meeting: date | None = None
    start: date | None = None

    @property
    def entered(self) -> date | None:
        """The day the path begins: the referral, or HU for a path recorded from HU."""
        return self.referred or self.hu

    @property
    def closed(self) -> bool:
        """HU decided on something else than the course: nothing more to wait for."""
        return self.decision in ("not_now", "other_measure")


def date_errors(dates: Mapping[str, date | None], today: date) -> dict[str, str]:
    """The steps whose dates break the rules above, as ``{"<step>.date": message}``."""
    errors: dict[str, str] = {}
    for step in ("referred", "hu"):
        day = dates.get(step)
        if day is not None and day > today:
            errors[f"{step}.date"] = N_("The date cannot be in the future.")
    for step in ("intake", "info_meeting"):
        day = dates.get(step)
        if day is not None and day > today + timedelta(days=PLAN_AHEAD_DAYS):
            errors[f"{step}.date"] = N_("The date can be at most 90 days ahead.")
    referred = dates.get("referred")
    for step in ("hu", "intake", "info_meeting"):
        day = dates.get(step)
        if referred is not None and day is not None and day < referred and f"{step}.date" not in errors:
            errors[f"{step}.date"] = N_("The date cannot be before the referral.")
    hu, info = dates.get("hu"), dates.get("info_meeting")
    if hu is not None and info is not None and info < hu and "info_meeting.date" not in errors:
        errors["info_meeting.date"] = N_("The information meeting cannot be before the referral committee.")
    return errors


def first_start(starts: Iterable[date], entered: date | None) -> date | None:
    """The start: the earliest cohort start among the enrolments that took a place,
    on or after the day the path began (an earlier course is another story)."""
    after = [d for d in starts if entered is None or d >= entered]
    return min(after) if after else None


@dataclass(frozen=True)
class Waiting:
    """A participant waiting for ``step`` since ``since``; ``over_target`` when the
    report's target for it has passed."""

    step: str  # hu | intake | info_meeting | start
    since: date
    days: int
    over_target: bool


def waiting(path: PathDates, today: date) -> Waiting | None:
    """Which step the participant waits for, and since when; None when the path is
    done (a start), closed (HU said something else) or not begun. The clock runs from
    the referral until HU, and from HU until the start, as the targets do; a step
    booked ahead counts as taken."""
    entered = path.entered
    if entered is None or path.start is not None or path.closed:
        return None
    if path.hu is None or not path.decision:
        since = path.referred or path.hu or entered
        days = (today - since).days
        return Waiting("hu", since, days, path.referred is not None and path.hu is None and days > HU_TARGET_DAYS)
    since = path.hu
    days = (today - since).days
    step = "intake" if path.intake is None else "info_meeting" if path.info_meeting is None else "start"
    return Waiting(step, since, days, days > START_TARGET_DAYS)


def days_to_hu(path: PathDates) -> int | None:
    if path.referred is None or path.hu is None:
        return None
    return (path.hu - path.referred).days


def days_to_start(path: PathDates) -> int | None:
    if path.hu is None or path.start is None or path.decision != "accepted" or path.start < path.hu:
        return None
    return (path.start - path.hu).days


def late_to_hu(path: PathDates, today: date) -> bool:
    """Waited beyond the five days from referral to HU: HU came late, or has not come
    and the five days have passed."""
    if path.referred is None:
        return False
    end = path.hu or today
    return (end - path.referred).days > HU_TARGET_DAYS


def late_to_start(path: PathDates, today: date) -> bool:
    """Accepted at HU and waited beyond the fourteen days to the start: the start came
    (or is planned) late, or has not come and the fourteen days have passed."""
    if path.hu is None or path.decision != "accepted":
        return False
    end = path.start or today
    return (end - path.hu).days > START_TARGET_DAYS


@dataclass(frozen=True)
class Spread:
    """Days between two steps: how many, the median and quartiles, the shortest and
    longest. None where there are no values (or they are held back)."""

    count: int | None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    min: int | None = None
    max: int | None = None


def spread(values: Sequence[int]) -> Spread:
    if not values:
        return Spread(0)
    ordered = sorted(values)
    median = float(statistics.median(ordered))
    if len(ordered) == 1:
        q1 = q3 = median
    else:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(len(ordered), median, formats.rounded(q1, 2), formats.rounded(q3, 2), ordered[0], ordered[-1])


def coarse(figures: Spread) -> Spread:
    """The spread as a manager sees it: no count of 1 or 2, the median only from
    ``MIN_COUNT`` values, the quartiles only from ``MIN_QUARTILES`` (from three
    values the median and quartiles give back all three, the shortest and longest
    being one person's days), and never the shortest and longest themselves."""
    count = figures.count or 0
    if count < MIN_COUNT:
        return Spread(None if count else 0)
    if count < MIN_QUARTILES:
        return Spread(count, figures.median)
    return Spread(count, figures.median, figures.q1, figures.q3)


COUNTS = (
    "referred",
    "hu",
    "accepted",
    "not_now",
    "other_measure",
    "undecided",
    "intake",
    "info_meeting",
    "started",
    "waiting",
    "late_to_hu",
    "late_to_start",
)
# The HU decisions part the HU count: hiding one small part is not enough.
HU_PARTS = ("accepted", "not_now", "other_measure", "undecided")


@dataclass(frozen=True)
class Tally:
    counts: dict[str, int]
    to_hu: Spread
    to_start: Spread


def tally(paths: Iterable[PathDates], today: date) -> Tally:
    """How many paths reached each step, how many wait now, how many waited beyond
    each target, and the days from referral to HU and from HU to the start."""
    counts = dict.fromkeys(COUNTS, 0)
    to_hu: list[int] = []
    to_start: list[int] = []
    for path in paths:
        counts["referred"] += path.referred is not None
        if path.hu is not None:
            counts["hu"] += 1
            counts[path.decision if path.decision in DECISIONS else "undecided"] += 1
        counts["intake"] += path.intake is not None and path.intake <= today
        counts["info_meeting"] += path.info_meeting is not None and path.info_meeting <= today
        counts["started"] += path.start is not None and path.start <= today
        counts["waiting"] += waiting(path, today) is not None
        counts["late_to_hu"] += late_to_hu(path, today)
        counts["late_to_start"] += late_to_start(path, today)
        if (d := days_to_hu(path)) is not None:
            to_hu.append(d)
        if (d := days_to_start(path)) is not None:
            to_start.append(d)
    return Tally(counts, spread(to_hu), spread(to_start))


def hidden_counts(counts: Mapping[str, int]) -> set[str]:
    """The counts a manager does not see: each of 1 or 2, and among the HU decisions
    (which add up to the HU count, shown) more of the smallest until the hidden ones
    hold at least ``MIN_COUNT`` between them, so the HU count less those shown gives
    none of them away. A zero reveals no one and is shown."""
    hidden = {key for key, n in counts.items() if 0 < n < MIN_COUNT}
    parts = [k for k in HU_PARTS if k in counts]
    small = [k for k in parts if k in hidden]
    if small and "hu" not in hidden:
        shown = sorted((counts[k], k) for k in parts if k not in hidden and counts[k] > 0)
        while sum(counts[k] for k in parts if k in hidden) < MIN_COUNT and shown:
            hidden.add(shown.pop(0)[1])
    return hidden
