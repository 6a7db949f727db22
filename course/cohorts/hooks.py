"""What cohorts ask of guidance, which comes later in the domain order (see course.hooks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from course.hooks import Hook


@dataclass(frozen=True)
class LeaderTalk:
    """A guidance talk as a leader's calendar sees it."""

    id: int
    leader_id: int
    date: date
    start_time: time
    end_time: time
    location: str
    status: str
    cohort_id: int
    cohort_title: str
    participant_name: str


# The talks of these leaders from ``first`` to ``last`` inclusive (None: no bound), any status.
leader_talks: Hook[[frozenset[int], date | None, date | None], list[LeaderTalk]] = Hook("leader_talks")
# A cohort was cancelled at this moment: its planned talks are cancelled with it.
cohort_cancelled: Hook[[int, datetime], None] = Hook("cohort_cancelled")


@dataclass(frozen=True)
class Places:
    """A cohort's places as the participants domain counts them."""

    taken: int  # invited, enrolled or completed
    waiting: int  # on the waiting list


# The places of this cohort (already selected through a scope), read inside the
# caller's transaction: a capacity is never set below the places taken.
cohort_places: Hook[[int], Places] = Hook("cohort_places")
