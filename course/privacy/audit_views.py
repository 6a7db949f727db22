"""What the audit log's page and its API share: a label in plain words for each
action, and the CSV downloads (the data CSV, and CSV for Excel)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

from litestar.response import Stream

from course.audit import services as audit
from course.errors import N_
from course.web.spreadsheets import Column, excel_csv_head, excel_csv_rows

# Every action the log holds, in the order the page's filter offers them.
ACTION_LABELS: dict[str, str] = {
    audit.PARTICIPANT_READ: N_("Opened the participant"),
    audit.ENROLMENT_READ: N_("Opened an enrolment"),
    audit.ROSTER_EXPORTED: N_("Read the cohort's roster through the API"),
    audit.TALK_NOTE_READ: N_("Read a talk's private note"),
    audit.DOCUMENT_READ: N_("Opened the CV or plan"),
    audit.DOCUMENT_PDF_READ: N_("Downloaded the CV or plan as PDF"),
    audit.DOCUMENT_VERSIONS_READ: N_("Looked at the versions of the CV or plan"),
    audit.DOCUMENT_VERSION_READ: N_("Opened an earlier version of the CV or plan"),
    audit.DOCUMENTS_ZIPPED: N_("CV and plan downloaded in the cohort's ZIP"),
    audit.PARTICIPANT_CREATED: N_("Registered the participant"),
    audit.PARTICIPANT_UPDATED: N_("Changed the participant's details"),
    audit.CATEGORY_CHANGED: N_("Changed the follow-up category"),
    audit.CONSENT_GIVEN: N_("Recorded a consent"),
    audit.CONSENT_WITHDRAWN: N_("Recorded a withdrawal of consent"),
    audit.LINK_ISSUED: N_("Made a personal link"),
    audit.LINK_REVOKED: N_("Revoked the personal link"),
    audit.ENROLMENT_CREATED: N_("Enrolled or invited to a cohort"),
    audit.ENROLMENT_CHANGED: N_("Changed an enrolment"),
    audit.OUTCOME_SET: N_("Recorded an outcome"),
    audit.ATTENDANCE_MARKED: N_("Registered attendance"),
    audit.TALK_BOOKED: N_("Booked a guidance talk"),
    audit.TALK_CHANGED: N_("Changed a guidance talk"),
    audit.TALK_NOTE_WRITTEN: N_("Wrote a talk's private note"),
    audit.DOCUMENT_SAVED: N_("Saved the CV or plan"),
    audit.DOCUMENT_RESTORED: N_("Restored an earlier version of the CV or plan"),
    audit.PARTICIPANT_EXPORTED: N_("Exported everything about the participant"),
    audit.COHORT_CHANGED: N_("Changed a cohort"),
    audit.PATH_READ: N_("Opened the way in"),
    audit.PATH_CHANGED: N_("Changed the way in"),
    audit.REFLECTION_TASK_CHANGED: N_("Changed a reflection task"),
    audit.REFLECTION_READ: N_("Read reflection answers"),
    audit.REFLECTION_ANSWERED: N_("Answered a reflection task"),
    audit.ATTENDANCE_EXPORTED: N_("Exported attendance lists"),
    audit.FOLLOW_UPS_READ: N_("Opened the follow-ups"),
    audit.FOLLOW_UP_SET: N_("Recorded a follow-up"),
    audit.FOLLOW_UP_DELETED: N_("Removed a follow-up"),
    audit.MESSAGE_RETRIED: N_("Sent a message again"),
    "absence_reported": N_("Reported an absence in advance"),
    "absence_withdrawn": N_("Took back a reported absence"),
    "talk_confirmed": N_("Confirmed a guidance talk"),
    "talk_moved_by_participant": N_("Moved a guidance talk to a free time"),
    "participant_erased": N_("Erased the participant"),
    "retention_extended": N_("Extended how long the data is kept"),
    "retention_run": N_("Erased what was kept too long"),
    "consent_text_created": N_("Added a consent text"),
    "evaluation_opened": N_("Opened a cohort's evaluation"),
    "evaluation_slip_added": N_("Made one more evaluation slip"),
    "evaluation_closing_day_set": N_("Moved the evaluation's closing day"),
    "evaluation_closed": N_("Closed a cohort's evaluation"),
    "evaluation_paper_keyed": N_("Keyed in a paper evaluation form"),
    "evaluation_comment_reviewed": N_("Reviewed an evaluation comment"),
    "evaluation_token_rejected": N_("An evaluation link was refused"),
    audit.LOGIN: N_("Logged in"),
    audit.LOGIN_FAILED: N_("Login failed"),
    audit.LOGIN_THROTTLED: N_("Login held back after too many tries"),
    audit.LOGOUT: N_("Logged out"),
    audit.TOKEN_CREATED: N_("Made an API key"),
    audit.TOKEN_REVOKED: N_("Revoked an API key"),
    audit.USER_CREATED: N_("Created a user"),
    audit.USER_UPDATED: N_("Changed a user"),
    audit.PASSWORD_CHANGED: N_("Changed a password"),
    audit.OFFICE_CREATED: N_("Created an office"),
    audit.OFFICE_UPDATED: N_("Changed an office"),
}
DOCUMENT_LABELS = {"cv": N_("Resource CV"), "plan": N_("Action plan")}


def action_label(event: audit.EventOut, translate) -> str:
    """The action in plain words, with the document it was about; an action this
    page does not know by name (added later) as it is written in the log."""
    label = ACTION_LABELS.get(event.action)
    text = translate(label) if label else event.action
    kind = event.details.get("kind")
    if isinstance(kind, str) and kind in DOCUMENT_LABELS:
        text += f" ({translate(DOCUMENT_LABELS[kind])})"
    return text


def csv_download(chosen: audit.AuditFilter) -> Stream:
    """The events as CSV, streamed piece by piece (``audit.export_csv``)."""
    return Stream(
        audit.export_csv(chosen),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="logg.csv"'},
    )


EXCEL_COLUMNS = (
    Column("id", N_("No."), "number"),
    Column("at", N_("Time"), "datetime"),
    Column("action", N_("What")),
    Column("actor_id", N_("Staff no."), "number"),
    Column("actor", N_("Who")),
    Column("account", N_("Account")),
    Column("participant_id", N_("Participant no."), "number"),
    Column("office_id", N_("Office no."), "number"),
    Column("target_user_id", N_("User no."), "number"),
    Column("address", N_("From where")),
    Column("details", N_("Details")),
)
EXCEL_PAGE = audit.MAX_LIMIT


async def _excel_pieces(chosen: audit.AuditFilter, translate: Callable[[str], str]) -> AsyncIterator[str]:
    yield excel_csv_head(EXCEL_COLUMNS, translate)
    before = None
    while True:
        page = await audit.find_events(chosen, limit=EXCEL_PAGE, before=before)
        yield excel_csv_rows(
            EXCEL_COLUMNS,
            (
                [
                    e.id,
                    e.at,
                    action_label(e, translate),
                    e.actor_id,
                    e.actor_name,
                    e.account,
                    e.participant_id,
                    e.office_id,
                    e.target_user_id,
                    e.address,
                    json.dumps(e.details, ensure_ascii=False, sort_keys=True) if e.details else None,
                ]
                for e in page.events
            ),
            translate,
        )
        if page.next is None:
            return
        before = page.next


def excel_csv_download(chosen: audit.AuditFilter, gettext: Callable[[str], str]) -> Stream:
    """The events as CSV for Norwegian Excel, streamed a page of events at a time; the
    actions in plain words. The words are looked up before the stream starts."""
    words = [c.label for c in EXCEL_COLUMNS] + list(ACTION_LABELS.values()) + list(DOCUMENT_LABELS.values())
    table = {w: gettext(w) for w in words}
    return Stream(
        _excel_pieces(chosen, lambda w: table.get(w, w)),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="logg-excel.csv"'},
    )
