"""Everything held about one participant, gathered from each domain through its own
services and scopes, as JSON and as a readable PDF to hand to the person.

Who: the office's course leaders and admins, as for the participant's record;
managers never. Within it each domain's own rule holds: a talk's private note and
an answer to a reflection task are included for the cohort's leaders and the
primary contact (each read audited), a CV or plan for them and admins; what the
caller may not read is counted, and the export says so. The evaluation answers are not included: they are not linked to
anyone, and the export says that too. Every export is written to the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from course import clock, pdf
from course.accounts import services as accounts
from course.accounts.schemas import Staff
from course.audit import services as audit
from course.documents import services as documents
from course.errors import N_
from course.guidance import services as guidance
from course.messages import services as message_services
from course.participants import follow_up_rules, path_rules, reflection
from course.participants import follow_ups as follow_up_service
from course.participants import path as way_in
from course.participants import services as participants

EXPORTED = audit.PARTICIPANT_EXPORTED
EVALUATION_STATEMENT = N_(
    "Answers to the course evaluation are not included: they are anonymous and are not linked to the "
    "person, so nobody can tell which answers are theirs."
)
NOTES_WITHHELD = N_(
    "Private notes from guidance talks are included only for the cohort's leaders and the primary "
    "contact: %(count)s note(s) are left out of this export."
)
REFLECTIONS_WITHHELD = N_(
    "Answers to reflection tasks are included only for the cohort's leaders and the primary contact: "
    "%(count)s answer(s) are left out of this export."
)
MESSAGES_WITHHELD = N_(
    "The message log is included only for the cohort's leaders, the primary contact and admins: "
    "%(count)s message(s) are left out of this export."
)
DOCUMENTS_WITHHELD = N_(
    "A CV or plan is included only for the cohort's leaders, the primary contact and admins: "
    "%(count)s document(s) are left out of this export."
)


@dataclass
class Details:
    id: int
    name: str
    birth_year: int
    phone: str
    email: str
    preferred_channel: str  # sms | email: how they would rather get reminders and messages
    office_id: int
    office_name: str
    primary_contact: participants.PersonRef
    referral_date: date | None
    created_at: datetime


@dataclass
class EnrolmentExtras:
    """What else one enrolment holds: the follow-ups at 3 and 6 months, and the
    answers to the reflection tasks (``text`` null where the caller may not read it)."""

    enrolment_id: int
    follow_ups: list[follow_up_service.FollowUpOut]
    reflections: list[reflection.ReflectionOut]  # the answered tasks only


@dataclass
class ParticipantExport:
    evaluation_answers: str  # why the evaluation answers are not included
    exported_at: datetime
    exported_by: participants.PersonRef
    participant: Details
    consent: participants.ConsentStateOut
    consents: list[participants.ConsentOut]
    categories: list[participants.CategoryOut]
    link: participants.LinkInfo | None
    path: way_in.PathOut  # the way in: referral, the referral committee, intake talk, information meeting, start
    enrolments: list[participants.EnrolmentHistory]
    enrolment_extras: list[EnrolmentExtras]  # one per enrolment, in the same order
    # Answers to reflection tasks the caller may not read (answered, ``text`` null).
    reflections_withheld: int
    talks: list[guidance.TalkOut]
    # Private notes the caller may not read (``note`` is then null and ``has_note`` true).
    notes_withheld: int
    # What each CV for employers is set to hold (before ``documents``, whose name would hide the module).
    employer_cvs: list[documents.EmployerChoice]
    documents: list[documents.DocumentHistory]  # every version of every CV and plan, newest first
    documents_withheld: int  # CVs and plans the caller may not read
    retention: participants.RetentionOut  # how long it is all kept, and any extension with its reason
    # The messages to them and the alerts about them to staff: what, when, channel, how it went; never the text.
    message_log: list[message_services.ExportedMessage]
    messages_withheld: int  # messages about them the caller may not see in the log


async def export(staff: Staff, participant_id: int, kind: str = "json") -> ParticipantExport:
    """Everything the caller may see about the participant; NotFound outside their scope."""
    person = await participants.get_participant(staff, participant_id)
    history = await participants.participant_history(staff, participant_id)
    talks = await guidance.participant_talks(staff, participant_id)
    docs = await documents.participant_documents(staff, participant_id)
    office = await accounts.get_office(staff, person.office_id)
    retention = await participants.retention_state(staff, participant_id)
    path = await way_in.path_of(staff, participant_id)
    extras = [await _extras(staff, e.id) for e in history]
    sent = await message_services.export_log(staff, participant_id)
    await audit.record(
        EXPORTED,
        actor=staff.id,
        office=person.office_id,
        participant=participant_id,
        details={"format": kind},
    )
    return ParticipantExport(
        evaluation_answers=EVALUATION_STATEMENT,
        exported_at=clock.utc_now(),
        exported_by=participants.PersonRef(staff.id, staff.name),
        participant=Details(
            id=person.id,
            name=person.name,
            birth_year=person.birth_year,
            phone=person.phone,
            email=person.email,
            preferred_channel=person.preferred_channel,
            office_id=person.office_id,
            office_name=office.name,
            primary_contact=person.primary_contact,
            referral_date=person.referral_date,
            created_at=person.created_at,
        ),
        consent=person.consent,
        consents=person.consents,
        categories=person.categories,
        link=person.link,
        path=path,
        enrolments=history,
        enrolment_extras=extras,
        reflections_withheld=sum(r.text is None for e in extras for r in e.reflections),
        talks=talks,
        notes_withheld=sum(t.has_note and t.note is None for t in talks),
        documents=docs.documents,
        documents_withheld=docs.withheld,
        employer_cvs=docs.employer_cvs,
        retention=retention,
        message_log=sent.messages,
        messages_withheld=sent.withheld,
    )


async def _extras(staff: Staff, enrolment_id: int) -> EnrolmentExtras:
    """Reading the follow-ups and answers goes to the audit log as their own reads do."""
    follow_ups = await follow_up_service.follow_ups(staff, enrolment_id)
    answers = await reflection.enrolment_reflections(staff, enrolment_id)
    return EnrolmentExtras(enrolment_id, follow_ups.follow_ups, [r for r in answers.modules if r.answered])


def export_html(out: ParticipantExport) -> str:
    from course.web.layout import environment

    return (
        environment()
        .get_template("privacy/export_pdf.html")
        .render(
            out=out,
            scopes=participants.rules.SCOPE_LABELS,
            enrolment_labels=participants.rules.STATUS_LABELS,
            outcome_labels=participants.rules.OUTCOME_LABELS,
            talk_labels=guidance.TALK_STATUS_LABELS,
            readable=documents.readable_content,
            employer_labels=documents.employer_section_labels(),
            evaluation_statement=EVALUATION_STATEMENT,
            notes_withheld=NOTES_WITHHELD,
            documents_withheld=DOCUMENTS_WITHHELD,
            reflections_withheld=REFLECTIONS_WITHHELD,
            extras={e.enrolment_id: e for e in out.enrolment_extras},
            decision_labels=path_rules.DECISION_LABELS,
            point_labels=follow_up_rules.POINT_LABELS,
            message_kinds=message_services.KIND_LABELS,
            message_states=message_services.STATE_LABELS,
            message_channels=message_services.CHANNEL_LABELS,
            messages_withheld=MESSAGES_WITHHELD,
        )
    )


async def export_pdf(staff: Staff, participant_id: int) -> tuple[bytes, str]:
    """The export as a PDF to hand over, and a file name for it."""
    out = await export(staff, participant_id, kind="pdf")
    name = "".join(ch if ch.isalnum() or ch in " -" else " " for ch in out.participant.name)
    return await pdf.render(export_html(out)), f"{' '.join(name.split()) or 'deltaker'} – innsyn.pdf"
