"""What the audit log's page and its API share: a label in plain words for each
action, and the CSV download."""

from __future__ import annotations

from litestar.response import Stream

from course.audit import services as audit
from course.errors import N_

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
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="logg.csv"'},
    )
