"""Cohorts and their sessions: creation from the schedule, reading, moving, cancelling,
closures, term planning, calendars and the agenda.

The work is done in one module per concern; this module gathers their public names,
the ones the doors and the later domains call (``services.get_cohort``,
``cohorts.load``…), so callers need not know how the domain is divided:

- fields: dates and times as given and shown
- loading: reading cohorts through a scope (``load``, ``get_cohort``, ``find_cohort``)
- leaders: who leads cohorts, by name
- bookings: sessions and talks that take a room or a leader, and clashes with them
- creating: validating and creating a cohort
- editing: changing a cohort (title, capacity, room, times, leaders) or cancelling it
- sessions: moving, cancelling and changing one session (room, substitute, guest leader)
- substitutes: a substitute for a leader over a period
- changes: the history of changes (who, when, what) and calendar versions
- closures: periods an office holds no sessions
- term: proposing and creating a term's cohorts
- feeds: ICS calendars and personal feeds
- agenda: the caller's sessions and talks by day
"""

from __future__ import annotations

from course.cohorts import policies
from course.cohorts.agenda import AgendaItem, agenda
from course.cohorts.bookings import bookings, raise_on_clash
from course.cohorts.changes import ChangeOut, ChangePage, list_changes
from course.cohorts.changes import history as change_history
from course.cohorts.closures import (
    CLOSURE_ORDER,
    ClosureOut,
    add_closure,
    closures_for,
    closures_page,
    get_closure,
    list_closures,
    remove_closure,
)
from course.cohorts.creating import MAX_CAPACITY, VARIANTS, CohortInput, create_cohort, validate
from course.cohorts.editing import CohortEdit, set_cohort_cancelled, update_cohort
from course.cohorts.feeds import cohort_calendar, feed_calendar, initials, rotate_feed
from course.cohorts.fields import DATE_RE, TIME_RE, hhmm, parse_date, parse_time
from course.cohorts.leaders import leaders_of, office_leaders, staff_names
from course.cohorts.loading import (
    CURRENT,
    STATUSES,
    CohortList,
    CohortOut,
    SessionOut,
    cohort_order,
    cohort_status,
    count_cohorts,
    find_cohort,
    get_cohort,
    list_cohorts,
    load,
)
from course.cohorts.schedule import GUEST_MODULES, module_sequence, term_defaults
from course.cohorts.sessions import SessionChange, change_session, moves_for
from course.cohorts.substitutes import SubstituteInput, set_substitute
from course.cohorts.term import Proposal, TermProposal, accept_term, plan_term_proposal, propose_term

__all__ = [
    "CLOSURE_ORDER",
    "CURRENT",
    "DATE_RE",
    "GUEST_MODULES",
    "MAX_CAPACITY",
    "STATUSES",
    "TIME_RE",
    "VARIANTS",
    "AgendaItem",
    "ChangeOut",
    "ChangePage",
    "ClosureOut",
    "CohortEdit",
    "CohortInput",
    "CohortList",
    "CohortOut",
    "Proposal",
    "SessionChange",
    "SessionOut",
    "SubstituteInput",
    "TermProposal",
    "accept_term",
    "add_closure",
    "agenda",
    "bookings",
    "change_history",
    "change_session",
    "closures_for",
    "closures_page",
    "cohort_calendar",
    "cohort_order",
    "cohort_status",
    "count_cohorts",
    "create_cohort",
    "feed_calendar",
    "find_cohort",
    "get_closure",
    "get_cohort",
    "hhmm",
    "initials",
    "leaders_of",
    "list_changes",
    "list_closures",
    "list_cohorts",
    "load",
    "module_sequence",
    "moves_for",
    "office_leaders",
    "parse_date",
    "parse_time",
    "plan_term_proposal",
    "policies",
    "propose_term",
    "raise_on_clash",
    "remove_closure",
    "rotate_feed",
    "set_cohort_cancelled",
    "set_substitute",
    "staff_names",
    "term_defaults",
    "update_cohort",
    "validate",
]
