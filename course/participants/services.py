"""Participants: registration, consent, follow-up category, enrolment, attendance,
outcomes, the cohort summary, warnings and the participant's personal link.

The work is done in one module per concern; this module gathers their public names,
the ones the doors and the later domains call (``services.roster``,
``participants.consent_state``…), so callers need not know how the domain is divided:

- common: the clock, a person by name, a cohort read through the people scope
- records: reading participants (the list, one in full) and the consent in force
- consent: reading and recording consent, and what a withdrawal ends
- registration: registering and changing a participant, the follow-up category, and the
  contact details the participant corrects on their own page
- enrolment: enrolling, the waiting list, changing an enrolment's status
- roster: the cohort's participants with attendance, talks, outcome and warnings
- attendance: a session's register and marking it
- outcomes: outcomes, the cohort summary and the start page's warnings
- links: the personal link and what it opens
- consent_texts: the consent texts in versions, the form to print, what a participant consented to
- retention: how long a participant's data is kept, and extending it
- history: one participant's enrolments, attendance and outcomes as a whole, for an export
- erasure: erasing a participant from this domain's tables (the privacy domain decides who)

Who may see what is in ``policies``: every query selects through one of its scopes.
"""

from __future__ import annotations

from course.cohorts import services as cohorts
from course.participants import hooks, policies, rules
from course.participants.attendance import RegisterOut, RegisterRow, mark_attendance, register
from course.participants.common import PersonRef
from course.participants.consent import ConsentInput, record_consent
from course.participants.consent_texts import CONTACT_MAX as CONSENT_CONTACT_MAX
from course.participants.consent_texts import INTRO_MAX as CONSENT_INTRO_MAX
from course.participants.consent_texts import SCOPE_MAX as CONSENT_SCOPE_MAX
from course.participants.consent_texts import (
    ConsentTextInput,
    ConsentTextOut,
    OwnConsent,
    OwnConsents,
    consent_form_pdf,
    create_consent_text,
    get_consent_text,
    list_consent_texts,
    own_consents,
    text_in_force,
)
from course.participants.enrolment import (
    CandidateSearch,
    EnrolmentOut,
    OutcomeOut,
    change_enrolment,
    enrol,
    find_candidates,
    get_enrolment,
    open_enrolment,
)
from course.participants.erasure import erase_participant, lock_for_erasure
from course.participants.history import EnrolmentHistory, SessionAttendance, participant_history
from course.participants.links import (
    LINK_DAYS,
    MAX_LINK_DAYS,
    LinkExpired,
    LinkOut,
    OwnItem,
    OwnPage,
    issue_link,
    own_schedule,
    participant_for_token,
    revoke_link,
    seal_keys,
)
from course.participants.outcomes import (
    CohortSummary,
    WarningOut,
    cohort_summary,
    set_outcome,
    summarise,
    warnings_for,
)
from course.participants.records import (
    PARTICIPANT_ORDER,
    CategoryOut,
    ConsentOut,
    ConsentStateOut,
    EnrolmentBrief,
    LinkInfo,
    ParticipantList,
    ParticipantOut,
    ParticipantSummary,
    consent_state,
    get_participant,
    list_participants,
    open_participant,
)
from course.participants.registration import (
    CHANNELS,
    EMAIL_RE,
    PHONE_RE,
    OwnContact,
    OwnContactInput,
    ParticipantChanges,
    ParticipantInput,
    create_participant,
    own_contact,
    set_category,
    update_own_contact,
    update_participant,
)
from course.participants.retention import (
    MAX_EXTENSION_MONTHS,
    ExtensionOut,
    RetentionCandidate,
    RetentionOut,
    extend_retention,
    retention_candidates,
    retention_state,
)
from course.participants.retention_rules import add_months
from course.participants.roster import AttendanceOut, RosterRow, TalkCounts, Warning, export_roster, roster

__all__ = [
    "CHANNELS",
    "EMAIL_RE",
    "LINK_DAYS",
    "MAX_EXTENSION_MONTHS",
    "MAX_LINK_DAYS",
    "PARTICIPANT_ORDER",
    "PHONE_RE",
    "AttendanceOut",
    "CandidateSearch",
    "CategoryOut",
    "CohortSummary",
    "ConsentInput",
    "ConsentOut",
    "ConsentStateOut",
    "EnrolmentBrief",
    "EnrolmentHistory",
    "EnrolmentOut",
    "ExtensionOut",
    "LinkExpired",
    "LinkInfo",
    "LinkOut",
    "OutcomeOut",
    "OwnItem",
    "OwnPage",
    "ParticipantChanges",
    "ParticipantInput",
    "ParticipantList",
    "ParticipantOut",
    "ParticipantSummary",
    "PersonRef",
    "RegisterOut",
    "RegisterRow",
    "RetentionCandidate",
    "RetentionOut",
    "RosterRow",
    "SessionAttendance",
    "TalkCounts",
    "Warning",
    "WarningOut",
    "add_months",
    "change_enrolment",
    "cohort_summary",
    "cohorts",
    "consent_state",
    "create_participant",
    "enrol",
    "erase_participant",
    "export_roster",
    "extend_retention",
    "find_candidates",
    "get_enrolment",
    "get_participant",
    "hooks",
    "issue_link",
    "list_participants",
    "lock_for_erasure",
    "mark_attendance",
    "open_enrolment",
    "open_participant",
    "own_schedule",
    "participant_for_token",
    "participant_history",
    "policies",
    "record_consent",
    "register",
    "retention_candidates",
    "retention_state",
    "revoke_link",
    "roster",
    "rules",
    "seal_keys",
    "set_category",
    "set_outcome",
    "summarise",
    "update_participant",
    "warnings_for",
]

# The participant's own contact details, corrected on their own page.
__all__ += ["OwnContact", "OwnContactInput", "own_contact", "update_own_contact"]

# The consent texts.
__all__ += [
    "CONSENT_CONTACT_MAX",
    "CONSENT_INTRO_MAX",
    "CONSENT_SCOPE_MAX",
    "ConsentTextInput",
    "ConsentTextOut",
    "OwnConsent",
    "OwnConsents",
    "consent_form_pdf",
    "create_consent_text",
    "get_consent_text",
    "list_consent_texts",
    "own_consents",
    "text_in_force",
]
