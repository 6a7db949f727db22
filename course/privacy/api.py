"""The API for a participant's data as a whole: export and erasure."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Request, Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from course.accounts.schemas import Staff
from course.participants import services as participants
from course.privacy import erasure
from course.privacy import export as exports
from course.web import i18n
from course.web.forms import PathId
from course.web.guards import see_people
from course.web.openapi import Date, error_responses


class Erasure(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[
        str,
        msgspec.Meta(
            # The length is checked by the service (422 naming `reason`), as for the retention's reason.
            description="Why the participant is erased: one line, 1 to 500 characters. It stays in the audit "
            "log, so it names no one",
            examples=["Deltakeren ba selv om å bli slettet"],
        ),
    ]


@get(
    "/participants/{participant_id:int}/export",
    guards=[see_people],
    summary="Everything held about the participant (access and portability); evaluation answers are not "
    "linked to anyone and so not included. The export is audited",
    responses=error_responses(400, 401, 403, 404),
)
async def export_participant(
    request: Request, staff: NamedDependency[Staff], participant_id: PathId
) -> exports.ParticipantExport:
    out = await exports.export(staff, participant_id)
    out.evaluation_answers = i18n.translator(i18n.negotiate(request.headers.get("accept-language")))(
        out.evaluation_answers
    )
    return out


@delete(
    "/participants/{participant_id:int}",
    guards=[see_people],
    summary="Erase the participant (admins, and the primary contact): everything about the person goes, "
    "the anonymous counts stay",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def erase_participant(staff: NamedDependency[Staff], participant_id: PathId, data: JSONBody[Erasure]) -> None:
    await erasure.erase(staff, participant_id, data.reason)


# --- retention ---------------------------------------------------------------------------


class RetentionExtension(msgspec.Struct, forbid_unknown_fields=True):
    until: Annotated[
        Date, msgspec.Meta(description="Keep the data until this day, included: after today, at most 24 months ahead")
    ]
    reason: Annotated[
        str,
        msgspec.Meta(
            description="Why the data is needed longer: one line, 1 to 500 characters. Shown with the "
            "participant, never written to the audit log",
            examples=["Venter på svar fra videregående skole om skoleplass"],
        ),
    ]


@get(
    "/participants/{participant_id:int}/retention",
    guards=[see_people],
    summary="How long the participant's data is kept: the day it is erased, from what, and any extension",
    responses=error_responses(400, 401, 403, 404),
)
async def get_retention(staff: NamedDependency[Staff], participant_id: PathId) -> participants.RetentionOut:
    return await participants.retention_state(staff, participant_id)


@post(
    "/participants/{participant_id:int}/retention",
    guards=[see_people],
    status_code=HTTP_201_CREATED,
    summary="Keep the participant's data longer than the office's period, until a day and for a reason; "
    "the newest extension counts",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def extend_retention(
    staff: NamedDependency[Staff], participant_id: PathId, data: JSONBody[RetentionExtension]
) -> participants.RetentionOut:
    return await participants.extend_retention(staff, participant_id, data.until, data.reason)


privacy_api = Router(
    path="/",
    tags=["privacy"],
    route_handlers=[export_participant, erase_participant, get_retention, extend_retention],
)
