"""What participants ask of guidance, which comes later in the domain order (see course.hooks)."""

from __future__ import annotations

from datetime import datetime

from course.hooks import Event, Hook

# A participant left one cohort (its id) or all (None) at this moment: their planned
# talks from today on are cancelled.
participation_ended: Hook[[int, int | None, datetime], None] = Hook("participation_ended")
# (participant id, talk status) for every talk in a cohort.
cohort_talk_statuses: Hook[[int], list[tuple[int, str]]] = Hook("cohort_talk_statuses")


# --- events: what later domains act on (the messages to staff) -------------------------

# Attendance was registered so that a participant has missed two sessions of a cohort
# in a row: (participant id, cohort id, the id of the second of the two sessions).
missed_twice: Event[[int, int, int]] = Event("missed_twice")

# A participant reported on their own page that they cannot come to a session
# (participant id, session id): the messages domain tells the cohort's leaders.
absence_reported: Event[[int, int]] = Event("absence_reported")
