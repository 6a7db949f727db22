"""JSON API for participants, consent, enrolments, attendance, outcomes and the
personal link. Course leaders and admins only: managers read the cohort summary."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Router, delete, get, patch, post, put
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from course.web.guards import current_staff, login_required, see_people
from course.participants import services
from course.validation import MAX_ID
from course.web.forms import PathId, SessionNumber



class ConsentCreate(msgspec.Struct, forbid_unknown_fields=True):
    scopes: list[Any]
    date: str
    text_version: str = services.rules.CURRENT_CONSENT_VERSION
    action: str = "given"


class ParticipantCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    birth_year: Any
    primary_contact_id: Any
    phone: str = ""
    email: str = ""
    referral_date: str | None = None
    office_id: Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)] | None = None
    consent: ConsentCreate | None = None


class ParticipantUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    birth_year: Any = None
    primary_contact_id: Any = None
    phone: str | None = None
    email: str | None = None
    referral_date: str | None = None


class CategoryUpdate(msgspec.Struct, forbid_unknown_fields=True):
    category: Any


class EnrolmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    participant_id: Any
    status: str = "enrolled"


class EnrolmentUpdate(msgspec.Struct, forbid_unknown_fields=True):
    status: str
    reason: str = ""


class AttendanceMark(msgspec.Struct, forbid_unknown_fields=True):
    status: str
    note: str = ""


class OutcomeSet(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    date: str
    note: str = ""


class LinkCreate(msgspec.Struct, forbid_unknown_fields=True):
    days: Any = services.LINK_DAYS


class LinkOut(msgspec.Struct):
    url: str
    expires_at: str


def _consent(data: ConsentCreate | None) -> services.ConsentInput | None:
    return services.ConsentInput(**msgspec.structs.asdict(data)) if data else None


@get("/participants", guards=[see_people], summary="The office's participants; q searches names")
async def list_participants(request: Request, q: FromQuery[str] = "") -> list[services.ParticipantSummary]:
    return await services.list_participants(current_staff(request), q[:200])


@post("/participants", guards=[see_people], status_code=HTTP_201_CREATED, summary="Register a participant")
async def create_participant(request: Request, data: JSONBody[ParticipantCreate]) -> services.ParticipantOut:
    fields = msgspec.structs.asdict(data)
    fields["consent"] = _consent(data.consent)
    return await services.create_participant(current_staff(request), services.ParticipantInput(**fields))


@get("/participants/{participant_id:int}", guards=[see_people])
async def get_participant(request: Request, participant_id: PathId) -> services.ParticipantOut:
    return await services.get_participant(current_staff(request), participant_id)


@patch("/participants/{participant_id:int}", guards=[see_people], summary="Change a participant's details")
async def update_participant(
    request: Request, participant_id: PathId, data: JSONBody[ParticipantUpdate]
) -> services.ParticipantOut:
    changes = services.ParticipantChanges(**msgspec.structs.asdict(data))
    return await services.update_participant(current_staff(request), participant_id, changes)


@post("/participants/{participant_id:int}/consents", guards=[see_people], status_code=HTTP_201_CREATED,
      summary="Record a consent given or withdrawn")
async def record_consent(
    request: Request, participant_id: PathId, data: JSONBody[ConsentCreate]
) -> services.ParticipantOut:
    return await services.record_consent(current_staff(request), participant_id, _consent(data))


@put("/participants/{participant_id:int}/category", guards=[see_people],
     summary="Set the follow-up category (1–4); the history is kept")
async def set_category(request: Request, participant_id: PathId, data: JSONBody[CategoryUpdate]) -> services.ParticipantOut:
    return await services.set_category(current_staff(request), participant_id, data.category)


@post("/participants/{participant_id:int}/link", guards=[see_people], status_code=HTTP_201_CREATED,
      summary="Issue a new personal link (earlier links stop working)")
async def issue_link(request: Request, participant_id: PathId, data: JSONBody[LinkCreate | None] = None) -> LinkOut:
    link = await services.issue_link(current_staff(request), participant_id,
                                     data.days if data else services.LINK_DAYS)
    return LinkOut(url=f"{request.app.state.settings.base_url}/p/{link.token}",
                   expires_at=link.expires_at.isoformat())


@delete("/participants/{participant_id:int}/link", guards=[see_people], summary="Revoke the personal link")
async def revoke_link(request: Request, participant_id: PathId) -> None:
    await services.revoke_link(current_staff(request), participant_id)


@get("/cohorts/{cohort_id:int}/enrolments", guards=[see_people],
     summary="Everyone on the cohort with attendance, talks, outcome and warnings")
async def list_enrolments(request: Request, cohort_id: PathId) -> list[services.RosterRow]:
    return await services.roster(current_staff(request), cohort_id)


@post("/cohorts/{cohort_id:int}/enrolments", guards=[see_people], status_code=HTTP_201_CREATED,
      summary="Invite or enrol a participant (the waiting list when the cohort is full)")
async def enrol(request: Request, cohort_id: PathId, data: JSONBody[EnrolmentCreate]) -> services.EnrolmentOut:
    return await services.enrol(current_staff(request), cohort_id, data.participant_id, data.status)


@patch("/enrolments/{enrolment_id:int}", guards=[see_people], summary="Change an enrolment's status")
async def change_enrolment(request: Request, enrolment_id: PathId, data: JSONBody[EnrolmentUpdate]) -> services.EnrolmentOut:
    return await services.change_enrolment(current_staff(request), enrolment_id, data.status, data.reason)


@put("/enrolments/{enrolment_id:int}/outcome", guards=[see_people], summary="Record or change the outcome")
async def set_outcome(request: Request, enrolment_id: PathId, data: JSONBody[OutcomeSet]) -> services.EnrolmentOut:
    return await services.set_outcome(current_staff(request), enrolment_id, data.kind, data.date, data.note)


@get("/cohorts/{cohort_id:int}/sessions/{number:int}/attendance", guards=[see_people],
     summary="The register for one session")
async def get_register(request: Request, cohort_id: PathId, number: SessionNumber) -> services.RegisterOut:
    return await services.register(current_staff(request), cohort_id, number)


@put("/cohorts/{cohort_id:int}/sessions/{number:int}/attendance/{participant_id:int}", guards=[see_people],
     summary="Mark one participant present, absent or excused")
async def mark_attendance(
    request: Request, cohort_id: PathId, number: SessionNumber, participant_id: PathId,
    data: JSONBody[AttendanceMark],
) -> services.RegisterRow:
    return await services.mark_attendance(current_staff(request), cohort_id, number, participant_id, data.status,
                                          data.note)


@get("/cohorts/{cohort_id:int}/summary", guards=[login_required],
     summary="Counts and rates for a cohort: no names, so managers may read it")
async def cohort_summary(request: Request, cohort_id: PathId) -> services.CohortSummary:
    return await services.cohort_summary(current_staff(request), cohort_id)


@get("/me/warnings", guards=[login_required],
     summary="Warnings for the caller's cohorts and the participants they are primary contact for")
async def my_warnings(request: Request) -> list[services.WarningOut]:
    return await services.warnings_for(current_staff(request))


participants_api = Router(
    path="/",
    tags=["participants"],
    route_handlers=[
        list_participants, create_participant, get_participant, update_participant, record_consent, set_category,
        issue_link, revoke_link, list_enrolments, enrol, change_enrolment, set_outcome, get_register,
        mark_attendance, cohort_summary, my_warnings,
    ],
)
