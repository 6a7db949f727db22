"""What participants ask of guidance, which comes later in the domain order (see course.hooks)."""

from __future__ import annotations

from datetime import datetime

from course.hooks import Hook

# A participant left one cohort (its id) or all (None) at this moment: their planned
# talks from today on are cancelled.
participation_ended: Hook[[int, int | None, datetime], None] = Hook("participation_ended")
# (participant id, talk status) for every talk in a cohort.
cohort_talk_statuses: Hook[[int], list[tuple[int, str]]] = Hook("cohort_talk_statuses")
