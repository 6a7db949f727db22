"""Rules about participants that need no database: consent in force, enrolment
status changes, attendance rates and warnings, guidance-talk warnings, outcomes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from course.errors import N_

# --- consent -----------------------------------------------------------------------

SCOPES = ("participation", "sharing", "evaluation", "contact_sms", "contact_email")
SCOPE_LABELS = {
    "participation": N_("Taking part in the course"),
    "sharing": N_("Sharing information with partner services"),
    "evaluation": N_("Use of the evaluation"),
    "contact_sms": N_("Getting reminders and messages by SMS"),
    "contact_email": N_("Getting reminders and messages by e-mail"),
}
# Consent to be contacted, one scope per channel: a message goes by a channel only
# while its scope is in force.
CONTACT_SCOPES = {"sms": "contact_sms", "email": "contact_email"}
# The participant's preferred channel for reminders and messages.
CHANNEL_LABELS = {"sms": N_("SMS"), "email": N_("E-mail")}
# The words of a consent text shown beside each scope's box: the two contact scopes
# share one text, shown beside both boxes.
SCOPE_TEXT = {
    "participation": "participation",
    "sharing": "sharing",
    "evaluation": "evaluation",
    "contact_sms": "contact",
    "contact_email": "contact",
}
TEXT_FIELDS = ("participation", "sharing", "evaluation", "contact")
TEXT_LABELS = {
    "participation": SCOPE_LABELS["participation"],
    "sharing": SCOPE_LABELS["sharing"],
    "evaluation": SCOPE_LABELS["evaluation"],
    "contact": N_("Reminders and messages by SMS and e-mail"),
}
CURRENT_CONSENT_VERSION = "2026-1"


@dataclass(frozen=True)
class ConsentEvent:
    order: int  # the record's id: later records win on the same date
    action: str  # given | withdrawn
    date: date
    version: str
    participation: bool = False
    sharing: bool = False
    evaluation: bool = False
    contact_sms: bool = False
    contact_email: bool = False


@dataclass(frozen=True)
class ConsentState:
    version: str | None
    participation: bool
    sharing: bool
    evaluation: bool
    since: date | None
    contact_sms: bool = False
    contact_email: bool = False

    def may_contact(self, channel: str) -> bool:
        """Whether a message may go by ``channel`` (sms or email) under this consent."""
        scope = CONTACT_SCOPES.get(channel)
        return scope is not None and bool(getattr(self, scope))


NO_CONSENT = ConsentState(None, False, False, False, None)


def consent_in_force(events: Iterable[ConsentEvent]) -> ConsentState:
    """A consent replaces what was given before (a new text, new scopes); a
    withdrawal switches off the scopes it names and leaves the others."""
    state = NO_CONSENT
    for event in sorted(events, key=lambda e: (e.date, e.order)):
        if event.action == "given":
            state = ConsentState(
                event.version,
                event.participation,
                event.sharing,
                event.evaluation,
                event.date,
                contact_sms=event.contact_sms,
                contact_email=event.contact_email,
            )
        else:
            state = ConsentState(
                state.version,
                state.participation and not event.participation,
                state.sharing and not event.sharing,
                state.evaluation and not event.evaluation,
                event.date,
                contact_sms=state.contact_sms and not event.contact_sms,
                contact_email=state.contact_email and not event.contact_email,
            )
    return state


# --- enrolment ---------------------------------------------------------------------

STATUSES = ("invited", "enrolled", "waiting", "completed", "dropped_out", "no_show", "withdrawn")
STATUS_LABELS = {
    "invited": N_("Invited"),
    "enrolled": N_("Enrolled"),
    "waiting": N_("Waiting list"),
    "completed": N_("Completed"),
    "dropped_out": N_("Dropped out"),
    "no_show": N_("Did not show"),
    "withdrawn": N_("Withdrawn"),
}
# Completing the course keeps the place: it does not open one for the waiting list.
TAKES_A_PLACE = frozenset({"invited", "enrolled", "completed"})
# Statuses that hold the person's time, so another cohort at the same time is refused.
HOLDS_TIME = frozenset({"invited", "enrolled", "waiting", "completed"})
ON_REGISTER = frozenset({"enrolled", "completed", "dropped_out"})
NEEDS_REASON = frozenset({"withdrawn", "dropped_out"})
# Leaving the cohort in one of these ways cancels the person's planned talks in it.
LEAVES = frozenset({"withdrawn", "dropped_out", "no_show"})
TRANSITIONS = {
    "invited": {"enrolled", "withdrawn", "no_show"},
    "waiting": {"invited", "enrolled", "withdrawn"},
    "enrolled": {"completed", "dropped_out", "no_show", "withdrawn"},
    "completed": {"enrolled"},
    "dropped_out": {"enrolled"},
    "no_show": {"invited", "enrolled"},
    "withdrawn": {"invited", "enrolled", "waiting"},
}


def can_change(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, set())


# Ny retning is for those aged 16 to 18; someone older or younger may still take part.
NY_RETNING_AGES = (16, 18)
AGE_WARNING = N_("Ny retning is meant for ages %(low)s to %(high)s; the participant turns %(age)s in %(year)s.")


def age_warning(variant: str, birth_year: int, start: date) -> dict | None:
    """The parameters of the age warning when a participant born in ``birth_year`` is
    enrolled on a cohort of ``variant`` starting on ``start`` outside its expected ages
    (the age they turn in the start's year), or None. Only Ny retning has such ages; an
    erased person (birth year 0) gets none. A warning, never a refusal."""
    if variant != "ny_retning" or birth_year <= 0:
        return None
    age = start.year - birth_year
    low, high = NY_RETNING_AGES
    if low <= age <= high:
        return None
    return {"low": low, "high": high, "age": age, "year": start.year}


def overlaps(a_first: date, a_last: date, b_first: date, b_last: date) -> bool:
    return a_first <= b_last and b_first <= a_last


def next_from_waiting_list(waiting: Sequence[tuple[int, int]], free_places: int) -> list[int]:
    """Enrolment ids to invite when places free up: first come, first served.
    ``waiting`` holds (enrolment id, order in the queue)."""
    if free_places <= 0:
        return []
    return [e for e, _ in sorted(waiting, key=lambda w: (w[1], w[0]))][:free_places]


# --- attendance --------------------------------------------------------------------

ATTENDANCE = ("present", "absent", "excused")


@dataclass(frozen=True)
class AttendanceStats:
    present: int
    absent: int
    excused: int
    rate: float | None  # present ÷ registered sessions; None before anything is registered
    missed_in_a_row: bool


def attendance_stats(marks: Sequence[str | None]) -> AttendanceStats:
    """``marks`` are one participant's registrations for the sessions held so far,
    in order (None where nothing was registered). Two unexcused absences from
    consecutive sessions raise the warning; a session with no registration breaks
    the run, since nobody knows."""
    counts = Counter(m for m in marks if m)
    registered = counts["present"] + counts["absent"] + counts["excused"]
    in_a_row = any(a == "absent" and b == "absent" for a, b in pairwise(marks))
    return AttendanceStats(
        present=counts["present"],
        absent=counts["absent"],
        excused=counts["excused"],
        rate=counts["present"] / registered if registered else None,
        missed_in_a_row=in_a_row,
    )


def cohort_rate(stats: Iterable[AttendanceStats]) -> float | None:
    present = registered = 0
    for s in stats:
        present += s.present
        registered += s.present + s.absent + s.excused
    return present / registered if registered else None


# --- guidance talks ----------------------------------------------------------------

TALKS_NEEDED = 4


def talk_warning(booked: int, held: int, course_over: bool, needed: int = TALKS_NEEDED) -> str | None:
    """``booked`` counts planned and held talks; after the course only held ones count."""
    if course_over:
        return N_("Only %(count)s of %(needed)s guidance talks held.") if held < needed else None
    return N_("Only %(count)s of %(needed)s guidance talks booked.") if booked < needed else None


# --- outcomes ----------------------------------------------------------------------

# Where a participant went, in the words of the two tables in the project report: the
# Ny retning course's results and Ungteam's distribution after follow-up. Codes are
# stored and part of the API: new ones are added, none is renamed.
NY_RETNING_OUTCOMES = (
    "job",
    "school",
    "nav_measure",
    "work_practice",
    "sheltered_work",
    "on_the_way",
    "did_not_show",
    "moved",
)
KJK_OUTCOMES = ("work", "education", "benefits", "treatment", "assessment", "lost_contact")
OUTCOMES = NY_RETNING_OUTCOMES + KJK_OUTCOMES
OUTCOME_LABELS = {
    "job": N_("Ordinary job"),
    "school": N_("Back in school"),
    "nav_measure": N_("NAV labour-market measure"),
    "work_practice": N_("Work practice"),
    "sheltered_work": N_("Sheltered work"),
    "on_the_way": N_("On the way into a measure"),
    "did_not_show": N_("Did not show"),
    "moved": N_("Moved away"),
    "work": N_("On the work track"),
    "education": N_("Education"),
    "benefits": N_("Work assessment allowance (AAP) or other benefits"),
    "treatment": N_("In treatment for substance use or mental health, or in prison"),
    "assessment": N_("Awaiting assessment"),
    "lost_contact": N_("Lost contact"),
}
# The two lists as the outcome form groups them.
OUTCOME_GROUPS = {
    N_("As in Ny retning"): NY_RETNING_OUTCOMES,
    N_("As in Klart jeg kan"): KJK_OUTCOMES,
}


def outcome_counts(kinds: Iterable[str | None]) -> dict[str, int]:
    """Counts per outcome, every outcome listed (zero where none), plus ``none`` for
    participants without an outcome yet."""
    counts = Counter(k or "none" for k in kinds)
    return {kind: counts.get(kind, 0) for kind in (*OUTCOMES, "none")}
