"""What cohorts ask of guidance, which comes later in the domain order (see course.hooks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from course.hooks import Event, Hook


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
    created_at: datetime | None = None  # for the calendar's SEQUENCE and LAST-MODIFIED
    changed_at: datetime | None = None


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


# --- events: what later domains act on (the messages to participants) -----------------

# A session from today on was moved (its day, time or place) or cancelled: its id.
session_moved: Event[[int]] = Event("session_moved")
session_cancelled: Event[[int]] = Event("session_cancelled")
# A cohort was cancelled: its id.
cohort_called_off: Event[[int]] = Event("cohort_called_off")
# The time or place of all a cohort's sessions still to come changed: its id.
cohort_moved: Event[[int]] = Event("cohort_moved")
