"""What guidance tells the domains after it, which it does not import (see course.hooks)."""

from __future__ import annotations

from course.hooks import Event

# A planned talk from today on was moved (day, time or place) or cancelled by staff: its id.
talk_moved: Event[[int]] = Event("talk_moved")
talk_cancelled: Event[[int]] = Event("talk_cancelled")
# A talk was marked not shown: its id.
talk_no_show: Event[[int]] = Event("talk_no_show")

# --- the participant's own say on their page -------------------------------------------

# A participant moved a planned talk to a free time of its leader's: (talk id, the day
# and start it had before, as "YYYY-MM-DD HH:MM").
talk_moved_by_participant: Event[[int, str]] = Event("talk_moved_by_participant")
# A participant confirmed a planned talk's time: its id.
talk_confirmed: Event[[int]] = Event("talk_confirmed")
