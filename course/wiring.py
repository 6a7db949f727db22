"""Every hook a domain declares for a later one, answered (see course.hooks).

Imported by the app, the CLI and the demo, so a hook is never called unanswered.
"""

from __future__ import annotations

from course.cohorts import hooks as cohort_hooks
from course.guidance import receivers as guidance
from course.participants import enrolment
from course.participants import hooks as participant_hooks

cohort_hooks.leader_talks.connect(guidance.leader_talks)
cohort_hooks.cohort_cancelled.connect(guidance.cancel_cohort_talks)
cohort_hooks.cohort_places.connect(enrolment.cohort_places)
participant_hooks.participation_ended.connect(guidance.cancel_participant_talks)
participant_hooks.cohort_talk_statuses.connect(guidance.cohort_talk_statuses)
