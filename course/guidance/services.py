"""Individual guidance talks: the leaders' availability, booking, moving, holding,
the private note, and planning a whole cohort's talks with the planner.

The work is done in one module per concern; this module gathers their public names,
the ones the doors call (``services.book_talk``…), so callers need not know how the
domain is divided:

- rules: talk statuses, lengths and the cohort's four weeks
- availability: the leaders' weekly windows and exceptions
- clashes: sessions and talks that take a leader's or participant's time
- talks: reading talks through the talk scope, and the checks booking shares
- booking: booking and changing one talk
- notes: the private note, its readers and the audit of each read
- planning: proposing and accepting a cohort's talks
- receivers: what guidance answers for earlier domains' hooks, and a participant's own talks
- person: one participant's talks as a whole, for an export and for erasure

Who may see what is in ``course.guidance.policies``, applied in every query.
"""

from __future__ import annotations

from piccolo.query.functions.aggregate import Count
from piccolo.query.methods.select import Select

from course.accounts.schemas import Staff
from course.cohorts import policies as cohort_policies
from course.cohorts.tables import Cohort
from course.guidance.availability import (
    AvailabilityOut,
    ExceptionOut,
    WindowOut,
    add_exception,
    get_availability,
    remove_exception,
    set_weekly,
    windows_for,
)
from course.guidance.booking import TalkChange, TalkInput, book_talk, change_talk
from course.guidance.clashes import Booking, bookings, raise_on_clash
from course.guidance.notes import get_talk, may_write_note
from course.guidance.person import erase_talks, participant_talks
from course.guidance.planning import ProposedTalk, Shortfall, TalkProposal, accept_talks, propose_talks
from course.guidance.receivers import OwnTalk, own_talks
from course.guidance.rules import (
    ACTIVE,
    HAS_TALKS,
    TALK_LENGTHS,
    TALK_STATUS_LABELS,
    TALK_STATUSES,
    course_weeks,
)
from course.guidance.tables import Talk
from course.guidance.talks import TalkOut, list_talks, talk_without_note

__all__ = [
    "ACTIVE",
    "HAS_TALKS",
    "TALK_LENGTHS",
    "TALK_STATUSES",
    "TALK_STATUS_LABELS",
    "AvailabilityOut",
    "Booking",
    "ExceptionOut",
    "OwnTalk",
    "ProposedTalk",
    "Shortfall",
    "TalkChange",
    "TalkInput",
    "TalkOut",
    "TalkProposal",
    "WindowOut",
    "accept_talks",
    "add_exception",
    "book_talk",
    "bookings",
    "change_talk",
    "course_weeks",
    "erase_talks",
    "get_availability",
    "get_talk",
    "list_talks",
    "may_write_note",
    "own_talks",
    "participant_talks",
    "propose_talks",
    "raise_on_clash",
    "remove_exception",
    "set_weekly",
    "talk_without_note",
    "talks_held",
    "windows_for",
]


async def talks_held(staff: Staff, cohorts: Select) -> dict[tuple[int, int], int]:
    """How many talks were held with each participant on each of the cohorts (a
    sub-select of their ids, never a list that grows with the history), as
    (cohort, participant) → count: counts only, so it reads the cohorts the caller may
    see at all (``cohort_scope``: managers their office), as the cohort summary does.
    Participants with none are left out."""
    visible = Cohort.select(Cohort.id).where(cohort_policies.cohort_scope(staff), Cohort.id.is_in(cohorts))
    rows = (
        await Talk.select(Talk.cohort, Talk.participant, Count())
        .where(Talk.cohort.is_in(visible), Talk.status == "held")
        .group_by(Talk.cohort, Talk.participant)
    )
    return {(r["cohort"], r["participant"]): r["count"] for r in rows}
