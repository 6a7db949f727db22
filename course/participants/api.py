"""JSON API for participants, consent, enrolments, attendance, outcomes and the
personal link. Course leaders and admins only: managers read the cohort summary."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Request, Response, Router, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from course import clock, paging
from course.accounts.schemas import Staff
from course.participants import enrolment, rules, services
from course.web.forms import PathId, SessionNumber
from course.web.guards import admin_only, login_required, see_people
from course.web.links import absolute_url
from course.web.openapi import Date, Id, error_responses
from course.web.paging import Cursor, Limit, paged_headers, paged_response

Scope = Literal["participation", "sharing", "evaluation", "contact_sms", "contact_email"]
Channel = Annotated[
    Literal["sms", "email"],
    msgspec.Meta(description="How the participant would rather get reminders and messages: sms or email"),
]
BirthYear = Annotated[int, msgspec.Meta(description="From 35 to 14 years before this year", examples=[2006])]
PrimaryContact = Annotated[Id, msgspec.Meta(description="A course leader or admin of the participant's office")]
Phone = Annotated[
    str,
    msgspec.Meta(
        description="8 to 15 digits, with + first if it has a country code; spaces are left out",
        examples=["+47 912 34 567"],
    ),
]
Email = Annotated[str, msgspec.Meta(description="An e-mail address, or empty", examples=["ola@eksempel.no"])]
ReferralDate = Annotated[Date, msgspec.Meta(description="The day of the referral, YYYY-MM-DD, not in the future")]
Name = Annotated[str, msgspec.Meta(description="One line, at most 200 characters", examples=["Sølvi Åkerø"])]


class ConsentCreate(msgspec.Struct, forbid_unknown_fields=True):
    scopes: Annotated[
        list[Scope],
        msgspec.Meta(
            min_length=1,
            max_length=len(rules.SCOPES),
            description="What the consent covers: one or more, each once (contact_sms, contact_email: "
            "reminders and messages by SMS, by e-mail)",
            examples=[["participation", "evaluation"]],
        ),
    ]
    date: Annotated[Date, msgspec.Meta(description="The day it was given or withdrawn, not in the future")]
    text_version: (
        Annotated[
            str,
            msgspec.Meta(
                description="The version of the consent text the person saw (GET /api/v1/consent-texts): one that "
                "has taken effect. Left out, the version in force on `date`. A withdrawal is stamped with the "
                "version in force on the day it is recorded, whatever is sent",
                examples=["2026-1"],
            ),
        ]
        | None
    ) = None
    action: Annotated[str, msgspec.Meta(description="given or withdrawn (a new participant: given)")] = "given"


ConsentWords = Annotated[
    str,
    msgspec.Meta(
        description=f"Shown beside its box: at most {services.CONSENT_SCOPE_MAX[0]} characters "
        f"and {services.CONSENT_SCOPE_MAX[1]} lines"
    ),
]


class ConsentTextCreate(msgspec.Struct, forbid_unknown_fields=True):
    version: Annotated[
        str,
        msgspec.Meta(
            description="A new version's name: 1 to 40 letters a–z, digits, points, hyphens or underscores",
            examples=["2027-1"],
        ),
    ]
    effective_from: Annotated[Date, msgspec.Meta(description="The day it takes effect: today or later")]
    intro: Annotated[
        str,
        msgspec.Meta(
            description=f"The introduction: at most {services.CONSENT_INTRO_MAX[0]} characters "
            f"and {services.CONSENT_INTRO_MAX[1]} lines"
        ),
    ]
    participation: ConsentWords
    sharing: ConsentWords
    evaluation: ConsentWords
    contact: Annotated[
        str,
        msgspec.Meta(
            description="Shown beside both boxes for reminders and messages by SMS and by e-mail: at most "
            f"{services.CONSENT_CONTACT_MAX[0]} characters and {services.CONSENT_CONTACT_MAX[1]} lines; may be empty"
        ),
    ] = ""


class ParticipantCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    birth_year: BirthYear
    primary_contact_id: PrimaryContact
    phone: Phone = ""
    email: Email = ""
    preferred_channel: Channel = "sms"
    referral_date: ReferralDate | None = None
    office_id: (
        Annotated[Id, msgspec.Meta(description="Admins only: the participant's office (others register in their own)")]
        | None
    ) = None
    consent: ConsentCreate | None = None


class ParticipantUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | None = None
    birth_year: BirthYear | None = None
    primary_contact_id: (
        Annotated[PrimaryContact, msgspec.Meta(description="Changed by the primary contact or an admin")] | None
    ) = None
    phone: Phone | None = None
    email: Email | None = None
    preferred_channel: Channel | None = None
    referral_date: ReferralDate | None = None


class CategoryUpdate(msgspec.Struct, forbid_unknown_fields=True):
    category: Annotated[int, msgspec.Meta(ge=1, le=4, description="The follow-up category")]


class EnrolmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    participant_id: Annotated[
        Id, msgspec.Meta(description="A participant of the cohort's office who has consented to taking part")
    ]
    status: Annotated[
        str, msgspec.Meta(description="invited or enrolled (the waiting list when the cohort is full)")
    ] = "enrolled"


class EnrolmentUpdate(msgspec.Struct, forbid_unknown_fields=True):
    status: Annotated[
        str,
        msgspec.Meta(
            description="One of: " + ", ".join(rules.STATUSES) + "; only the changes the enrolment's status allows"
        ),
    ]
    reason: Annotated[str, msgspec.Meta(description="Why: needed for withdrawn and dropped_out")] = ""


class AttendanceMark(msgspec.Struct, forbid_unknown_fields=True):
    status: Annotated[str, msgspec.Meta(description="present, absent or excused")]
    note: Annotated[str, msgspec.Meta(description="Why the absence is excused: needed for excused")] = ""


class OutcomeSet(msgspec.Struct, forbid_unknown_fields=True):
    kind: Annotated[str, msgspec.Meta(description="One of: " + ", ".join(rules.OUTCOMES))]
    date: Annotated[Date, msgspec.Meta(description="When, YYYY-MM-DD: not before the cohort starts")]
    note: Annotated[str, msgspec.Meta(description="At most 2,000 characters")] = ""


class LinkCreate(msgspec.Struct, forbid_unknown_fields=True):
    days: Annotated[int, msgspec.Meta(ge=1, le=services.MAX_LINK_DAYS, description="How long the link lasts")] = (
        services.LINK_DAYS
    )


class LinkOut(msgspec.Struct):
    url: str
    expires_at: str


def _consent(data: ConsentCreate) -> services.ConsentInput:
    return services.ConsentInput(**msgspec.structs.asdict(data))


@get(
    "/participants",
    guards=[see_people],
    summary="The office's participants by name, a page at a time; q searches names",
    responses=error_responses(400, 401, 403, 422),
    response_headers=paged_headers(),
)
async def list_participants(
    request: Request, staff: NamedDependency[Staff], q: FromQuery[str] = "", limit: Limit = None, cursor: Cursor = None
) -> Response[list[services.ParticipantSummary]]:
    page = paging.parse(services.PARTICIPANT_ORDER, limit, cursor)
    found = await services.list_participants(staff, q[:200], page)
    return paged_response(request, found.items, found, found.total, found.more_than)


@post(
    "/participants",
    guards=[see_people],
    status_code=HTTP_201_CREATED,
    summary="Register a participant",
    responses=error_responses(400, 401, 403, 422),
)
async def create_participant(
    staff: NamedDependency[Staff], data: JSONBody[ParticipantCreate]
) -> services.ParticipantOut:
    fields = msgspec.structs.asdict(data)
    fields["consent"] = _consent(data.consent) if data.consent else None
    return await services.create_participant(staff, services.ParticipantInput(**fields))


@get("/participants/{participant_id:int}", guards=[see_people], responses=error_responses(400, 401, 403, 404))
async def get_participant(staff: NamedDependency[Staff], participant_id: PathId) -> services.ParticipantOut:
    return await services.open_participant(staff, participant_id)


@patch(
    "/participants/{participant_id:int}",
    guards=[see_people],
    summary="Change a participant's details",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def update_participant(
    staff: NamedDependency[Staff], participant_id: PathId, data: JSONBody[ParticipantUpdate]
) -> services.ParticipantOut:
    changes = services.ParticipantChanges(**msgspec.structs.asdict(data))
    return await services.update_participant(staff, participant_id, changes)


@post(
    "/participants/{participant_id:int}/consents",
    guards=[see_people],
    status_code=HTTP_201_CREATED,
    summary="Record a consent given or withdrawn",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def record_consent(
    staff: NamedDependency[Staff], participant_id: PathId, data: JSONBody[ConsentCreate]
) -> services.ParticipantOut:
    return await services.record_consent(staff, participant_id, _consent(data))


@get(
    "/consent-texts",
    guards=[see_people],
    summary="Every version of the consent text, newest effective date first, marked in force, upcoming or earlier",
    responses=error_responses(401, 403),
)
async def list_consent_texts(staff: NamedDependency[Staff]) -> list[services.ConsentTextOut]:
    return await services.list_consent_texts(staff)


@post(
    "/consent-texts",
    guards=[admin_only],
    status_code=HTTP_201_CREATED,
    summary="A new version of the consent text (it never changes after); it takes effect on its day",
    responses=error_responses(400, 401, 403, 409, 422),
)
async def create_consent_text(
    staff: NamedDependency[Staff], data: JSONBody[ConsentTextCreate]
) -> services.ConsentTextOut:
    return await services.create_consent_text(staff, services.ConsentTextInput(**msgspec.structs.asdict(data)))


@put(
    "/participants/{participant_id:int}/category",
    guards=[see_people],
    summary="Set the follow-up category (1–4); the history is kept",
    responses=error_responses(400, 401, 403, 404),
)
async def set_category(
    staff: NamedDependency[Staff], participant_id: PathId, data: JSONBody[CategoryUpdate]
) -> services.ParticipantOut:
    return await services.set_category(staff, participant_id, data.category)


@post(
    "/participants/{participant_id:int}/link",
    guards=[see_people],
    status_code=HTTP_201_CREATED,
    summary="Issue a new personal link (earlier links stop working)",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def issue_link(
    request: Request, staff: NamedDependency[Staff], participant_id: PathId, data: JSONBody[LinkCreate | None] = None
) -> LinkOut:
    link = await services.issue_link(staff, participant_id, data.days if data else services.LINK_DAYS)
    return LinkOut(url=absolute_url(request, f"/p/{link.token}"), expires_at=clock.rfc3339(link.expires_at))


@delete(
    "/participants/{participant_id:int}/link",
    guards=[see_people],
    summary="Revoke the personal link",
    responses=error_responses(400, 401, 403, 404),
)
async def revoke_link(staff: NamedDependency[Staff], participant_id: PathId) -> None:
    await services.revoke_link(staff, participant_id)


@get(
    "/cohorts/{cohort_id:int}/enrolments",
    guards=[see_people],
    summary="Everyone on the cohort with attendance, talks, outcome and warnings (each person's read is audited)",
    responses=error_responses(400, 401, 403, 404),
)
async def list_enrolments(staff: NamedDependency[Staff], cohort_id: PathId) -> list[services.RosterRow]:
    return await services.export_roster(staff, cohort_id)


@post(
    "/cohorts/{cohort_id:int}/enrolments",
    guards=[see_people],
    status_code=HTTP_201_CREATED,
    summary="Invite or enrol a participant (the waiting list when the cohort is full)",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def enrol(
    staff: NamedDependency[Staff], cohort_id: PathId, data: JSONBody[EnrolmentCreate]
) -> services.EnrolmentOut:
    return await services.enrol(staff, cohort_id, data.participant_id, data.status)


@post(
    "/cohorts/{cohort_id:int}/waiting-list/invite",
    guards=[see_people],
    status_code=200,
    summary="Invite the first on the waiting list into the free places (after the capacity was raised)",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def invite_waiting_list(staff: NamedDependency[Staff], cohort_id: PathId) -> enrolment.WaitingListInvited:
    return await enrolment.invite_from_waiting_list(staff, cohort_id)


@patch(
    "/enrolments/{enrolment_id:int}",
    guards=[see_people],
    summary="Change an enrolment's status",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def change_enrolment(
    staff: NamedDependency[Staff], enrolment_id: PathId, data: JSONBody[EnrolmentUpdate]
) -> services.EnrolmentOut:
    return await services.change_enrolment(staff, enrolment_id, data.status, data.reason)


@put(
    "/enrolments/{enrolment_id:int}/outcome",
    guards=[see_people],
    summary="Record or change the outcome",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def set_outcome(
    staff: NamedDependency[Staff], enrolment_id: PathId, data: JSONBody[OutcomeSet]
) -> services.EnrolmentOut:
    return await services.set_outcome(staff, enrolment_id, data.kind, data.date, data.note)


@get(
    "/cohorts/{cohort_id:int}/sessions/{number:int}/attendance",
    guards=[see_people],
    summary="The register for one session",
    responses=error_responses(400, 401, 403, 404),
)
async def get_register(staff: NamedDependency[Staff], cohort_id: PathId, number: SessionNumber) -> services.RegisterOut:
    return await services.register(staff, cohort_id, number)


@put(
    "/cohorts/{cohort_id:int}/sessions/{number:int}/attendance/{participant_id:int}",
    guards=[see_people],
    summary="Mark one participant present, absent or excused",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def mark_attendance(
    staff: NamedDependency[Staff],
    cohort_id: PathId,
    number: SessionNumber,
    participant_id: PathId,
    data: JSONBody[AttendanceMark],
) -> services.RegisterRow:
    return await services.mark_attendance(staff, cohort_id, number, participant_id, data.status, data.note)


@get(
    "/cohorts/{cohort_id:int}/summary",
    guards=[login_required],
    summary="Counts and rates for a cohort: no names, so managers may read it",
    responses=error_responses(400, 401, 404),
)
async def cohort_summary(staff: NamedDependency[Staff], cohort_id: PathId) -> services.CohortSummary:
    return await services.cohort_summary(staff, cohort_id)


@get(
    "/me/warnings",
    guards=[login_required],
    summary="Warnings for the caller's cohorts and the participants they are primary contact for",
    responses=error_responses(401),
)
async def my_warnings(staff: NamedDependency[Staff]) -> list[services.WarningOut]:
    return await services.warnings_for(staff)


participants_api = Router(
    path="/",
    tags=["participants"],
    route_handlers=[
        list_participants,
        create_participant,
        get_participant,
        update_participant,
        record_consent,
        list_consent_texts,
        create_consent_text,
        set_category,
        issue_link,
        revoke_link,
        list_enrolments,
        enrol,
        invite_waiting_list,
        change_enrolment,
        set_outcome,
        get_register,
        mark_attendance,
        cohort_summary,
        my_warnings,
    ],
)
