"""JSON API for the way in: a participant's path (leaders of the office and admins)
and the way-in report (counts for managers, names of those over target for leaders
and admins)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Response, Router, get, patch
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, QueryParameter

from course.accounts.schemas import Staff
from course.participants import path, path_rules, way_in_export
from course.web.forms import PathId, QueryId, attachment
from course.web.guards import login_required, see_people
from course.web.i18n import gettext
from course.web.openapi import Date, Id, error_responses
from course.web.spreadsheets import EXCEL_DESCRIPTION


class ReferredIn(msgspec.Struct, forbid_unknown_fields=True):
    date: Annotated[Date, msgspec.Meta(description="The day of the referral, not in the future")]
    by: Annotated[
        str,
        msgspec.Meta(
            description="Who referred: a service or a role, one line, at most 200 characters",
            examples=["Oppfølgingstjenesten (OT)"],
        ),
    ] = ""


class HuIn(msgspec.Struct, forbid_unknown_fields=True):
    date: Annotated[
        Date,
        msgspec.Meta(
            description="The day of the referral committee (HU), not in the future nor before the referral; "
            "the participant's referral_date follows it"
        ),
    ]
    decision: Annotated[
        str,
        msgspec.Meta(description="One of: " + ", ".join(path_rules.DECISIONS) + "; empty while not recorded"),
    ] = ""
    note: Annotated[str, msgspec.Meta(description="At most 500 characters")] = ""


class IntakeIn(msgspec.Struct, forbid_unknown_fields=True):
    date: Annotated[
        Date,
        msgspec.Meta(description="The day of the intake talk: not before the referral, at most 90 days ahead"),
    ]
    by_id: (
        Annotated[Id, msgspec.Meta(description="Who held it: a course leader or admin of the participant's office")]
        | None
    ) = None


class InfoMeetingIn(msgspec.Struct, forbid_unknown_fields=True):
    date: Annotated[
        Date,
        msgspec.Meta(
            description="The day of the information meeting: not before the referral nor HU, at most 90 days ahead"
        ),
    ]


class PathChange(msgspec.Struct, forbid_unknown_fields=True):
    """Steps to record or change (an object), or to clear (null); a step left out
    stays as it is."""

    referred: ReferredIn | msgspec.UnsetType | None = msgspec.UNSET
    hu: HuIn | msgspec.UnsetType | None = msgspec.UNSET
    intake: IntakeIn | msgspec.UnsetType | None = msgspec.UNSET
    info_meeting: InfoMeetingIn | msgspec.UnsetType | None = msgspec.UNSET


@get(
    "/participants/{participant_id:int}/path",
    guards=[see_people],
    summary="A participant's way in: referral, HU, intake talk, information meeting and start, with what they "
    "wait for and how long (each read audited)",
    responses=error_responses(400, 401, 403, 404),
)
async def get_path(staff: NamedDependency[Staff], participant_id: PathId) -> path.PathOut:
    return await path.open_path(staff, participant_id)


@patch(
    "/participants/{participant_id:int}/path",
    guards=[see_people],
    summary="Record, change or clear steps of the way in; errors name the field (hu.date)",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def change_path(
    staff: NamedDependency[Staff], participant_id: PathId, data: JSONBody[PathChange]
) -> path.PathOut:
    changes = {
        step: None if value is None else msgspec.structs.asdict(value)
        for step in path_rules.STEPS
        if (value := getattr(data, step)) is not msgspec.UNSET
    }
    return await path.change_path(staff, participant_id, changes)


Period = Annotated[str | None, QueryParameter(name="from", description="First day, YYYY-MM-DD (a year back)")]


@get(
    "/reports/way-in",
    guards=[login_required],
    summary="The way in per office for the paths begun in the period: counts at each step, days from referral "
    "to HU and from HU to the start, and who waited beyond the targets (names for leaders and admins; managers "
    "counts only, none of 1 or 2)",
    responses=error_responses(400, 401, 422),
)
async def way_in_report(
    staff: NamedDependency[Staff],
    office_id: QueryId = None,
    from_: Period = None,
    to: FromQuery[str | None] = None,
) -> path.WayInReport:
    return await path.way_in_report(staff, office_id, from_, to)


@get(
    "/reports/way-in.csv",
    guards=[login_required],
    summary="The way-in report's figures as CSV, one line per office (no names); with excel=true, CSV for "
    "Norwegian Excel",
    responses=error_responses(400, 401, 422),
    media_type="text/csv",
)
async def way_in_csv(
    staff: NamedDependency[Staff],
    office_id: QueryId = None,
    from_: Period = None,
    to: FromQuery[str | None] = None,
    excel: Annotated[bool, QueryParameter(description=EXCEL_DESCRIPTION)] = False,
) -> Response:
    report = await path.way_in_report(staff, office_id, from_, to)
    if excel:
        return attachment(way_in_export.to_excel_csv(report, gettext), "text/csv", way_in_export.file_name(report))
    return Response(
        path.report_csv(report),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="veien-inn-{report.start}_{report.end}.csv"'},
    )


path_api = Router(
    path="/",
    tags=["way in"],
    route_handlers=[get_path, change_path, way_in_report, way_in_csv],
)
