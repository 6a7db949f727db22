"""Every hook a domain declares for a later one, answered, and every event it fires,
received (see course.hooks).

Imported by the app, the CLI and the demo, so a hook is never called unanswered.
"""

from __future__ import annotations

from course.cohorts import hooks as cohort_hooks
from course.guidance import hooks as guidance_hooks
from course.guidance import receivers as guidance
from course.messages import own_say
from course.messages import receivers as messages
from course.participants import enrolment
from course.participants import hooks as participant_hooks

cohort_hooks.leader_talks.connect(guidance.leader_talks)
cohort_hooks.cohort_cancelled.connect(guidance.cancel_cohort_talks)
cohort_hooks.cohort_places.connect(enrolment.cohort_places)
participant_hooks.participation_ended.connect(guidance.cancel_participant_talks)
participant_hooks.cohort_talk_statuses.connect(guidance.cohort_talk_statuses)

# The messages a change sends, written in its transaction.
cohort_hooks.session_moved.connect(messages.session_moved)
cohort_hooks.session_cancelled.connect(messages.session_cancelled)
cohort_hooks.cohort_called_off.connect(messages.cohort_called_off)
cohort_hooks.cohort_moved.connect(messages.cohort_moved)
participant_hooks.missed_twice.connect(messages.missed_twice)
guidance_hooks.talk_moved.connect(messages.talk_moved)
guidance_hooks.talk_cancelled.connect(messages.talk_cancelled)
guidance_hooks.talk_no_show.connect(messages.talk_no_show)

# What the participant says on their own page, told to the leaders.
participant_hooks.absence_reported.connect(own_say.absence_reported)
guidance_hooks.talk_confirmed.connect(own_say.talk_confirmed)
guidance_hooks.talk_moved_by_participant.connect(own_say.talk_moved_by_participant)
