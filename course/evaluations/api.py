"""JSON API for evaluations: a leader opens one and gets the links; a participant
answers through a link, with no login."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Request, Router, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from course import clock
from course.accounts.schemas import Staff
from course.evaluations import reporting, services
from course.evaluations.reports import AREA_LABELS, AREAS
from course.participants.services import PersonRef
from course.web.forms import PathId, QueryId, client_address
from course.web.guards import login_required, see_people
from course.web.links import absolute_url
from course.web.openapi import Date, Id, error_responses


class LinkOut(msgspec.Struct, omit_defaults=True):
    url: str
    participant: PersonRef | None = None  # only on a named slip


class Opened(msgspec.Struct):
    cohort_id: int
    opened_at: str
    closes_on: str
    answered: int
    links: list[LinkOut]


class OpenIn(msgspec.Struct, forbid_unknown_fields=True):
    named: Annotated[bool, msgspec.Meta(description="Slips with names (and the link on each one's own page)")] = False


class SlipIn(msgspec.Struct, forbid_unknown_fields=True):
    participant_id: (
        Annotated[
            Id,
            msgspec.Meta(
                description="A named slip for this participant on the cohort, who consented to the evaluation"
            ),
        ]
        | None
    ) = None


class EvaluationChange(msgspec.Struct, forbid_unknown_fields=True):
    closes_on: Annotated[
        Date | None,
        msgspec.Meta(description="The last day answers are taken: from today until eight weeks after the last session"),
    ] = None
    closed: Annotated[bool | None, msgspec.Meta(description="true: close now (from three answers)")] = None


Comment = Annotated[str, msgspec.Meta(description="At most 2,000 characters")]
# One field for each area of the questionnaire, in its order.
Scores = msgspec.defstruct(
    "Scores",
    [(area, Annotated[int, msgspec.Meta(ge=0, le=10, description=AREA_LABELS[area])]) for area in AREAS],
    forbid_unknown_fields=True,
    module=__name__,
)
Comments = msgspec.defstruct(
    "Comments",
    [(area, Annotated[Comment | None, msgspec.Meta(description=AREA_LABELS[area])], None) for area in AREAS],
    forbid_unknown_fields=True,
    module=__name__,
)


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    scores: Annotated[Scores, msgspec.Meta(description="A score from 0 to 10 for each area")]  # type: ignore[valid-type]  # made at import from AREAS
    comments: Annotated[Comments | None, msgspec.Meta(description="Comments on any of the areas")] = None  # type: ignore[valid-type]
    comment: Annotated[Comment | None, msgspec.Meta(description="A comment on the whole")] = None


class PaperIn(AnswerIn, forbid_unknown_fields=True):
    # Accepted from older clients and not used: a paper form names no one.
    participant_id: Annotated[int | None, msgspec.Meta(description="Not used: a paper form names no one")] = None


class Received(msgspec.Struct):
    received: bool = True


def _answer(data: AnswerIn) -> tuple[dict, dict | None, str | None]:
    """The scores, comments and comment as the services take them."""
    comments = msgspec.structs.asdict(data.comments) if data.comments else None
    return msgspec.structs.asdict(data.scores), comments, data.comment


def _link(request: Request, link: services.LinkOut) -> LinkOut:
    return LinkOut(url=absolute_url(request, f"/e/{link.token}"), participant=link.participant)


@post(
    "/cohorts/{cohort_id:int}/evaluation",
    guards=[see_people],
    status_code=200,
    summary="Open the cohort's evaluation; answers one link for each participant who consented to it "
    "(anonymous unless named slips are asked for). Opening again makes a fresh set and voids none",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def open_evaluation(
    request: Request, staff: NamedDependency[Staff], cohort_id: PathId, data: JSONBody[OpenIn | None] = None
) -> Opened:
    opened = await services.open_evaluation(staff, cohort_id, named=bool(data and data.named))
    return Opened(
        cohort_id=opened.cohort_id,
        opened_at=clock.rfc3339(opened.opened_at),
        closes_on=opened.closes_on.isoformat(),
        answered=opened.answered,
        links=[_link(request, link) for link in opened.links],
    )


@post(
    "/cohorts/{cohort_id:int}/evaluation/slips",
    guards=[see_people],
    status_code=HTTP_201_CREATED,
    summary="One more link, for a lost slip or a late joiner; named (and put on the participant's own page) "
    "when a participant is given. No other link stops working",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def extra_slip(
    request: Request, staff: NamedDependency[Staff], cohort_id: PathId, data: JSONBody[SlipIn | None] = None
) -> LinkOut:
    link = await services.extra_slip(staff, cohort_id, data.participant_id if data else None)
    return _link(request, link)


@patch(
    "/cohorts/{cohort_id:int}/evaluation",
    guards=[see_people],
    summary="Move the closing day, or close the evaluation now (from three answers); a closed one stays closed",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def change_evaluation(
    staff: NamedDependency[Staff], cohort_id: PathId, data: JSONBody[EvaluationChange]
) -> services.Status:
    return await services.change_evaluation(staff, cohort_id, data.closes_on, data.closed)


@post(
    "/cohorts/{cohort_id:int}/evaluation/paper",
    guards=[see_people],
    status_code=HTTP_201_CREATED,
    summary="Key in a paper form: stored without a name, marked and counted apart as keyed in",
    responses=error_responses(400, 401, 403, 404, 409, 410, 422),
)
async def key_in_paper(staff: NamedDependency[Staff], cohort_id: PathId, data: JSONBody[PaperIn]) -> Received:
    await services.key_in_paper(staff, cohort_id, *_answer(data))
    return Received()


@post(
    "/evaluations/{token:str}",
    status_code=HTTP_201_CREATED,
    tags=["evaluations"],
    summary="Answer the evaluation with a link's token (no login; stored without the person); 410 once closed",
    responses=error_responses(400, 404, 409, 410, 422, 429),
)
async def answer(
    request: Request, token: Annotated[str, PathParameter(max_length=120)], data: JSONBody[AnswerIn]
) -> Received:
    await services.answer(token, *_answer(data), client_address(request))
    return Received()


@get(
    "/cohorts/{cohort_id:int}/evaluation",
    guards=[see_people],
    summary="Where the cohort's evaluation stands: its window, how many may answer and how many have (never who)",
    responses=error_responses(400, 401, 403, 404),
)
async def evaluation_status(staff: NamedDependency[Staff], cohort_id: PathId) -> services.Status:
    return await services.evaluation_status(staff, cohort_id)


@get(
    "/cohorts/{cohort_id:int}/evaluation/comments",
    guards=[see_people],
    summary="The cohort's comments for its leaders to review; empty until it has closed with three answers",
    responses=error_responses(400, 401, 403, 404),
)
async def evaluation_comments(staff: NamedDependency[Staff], cohort_id: PathId) -> list[services.CommentOut]:
    return await services.comments_for_review(staff, cohort_id)


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    status: Annotated[Literal["shown", "hidden"], msgspec.Meta(description="Whether the reports show the comment")]


@patch(
    "/evaluation-comments/{ref:str}",
    guards=[see_people],
    summary="Show or hide a comment in the reports",
    responses=error_responses(400, 401, 403, 404),
)
async def review_comment(
    staff: NamedDependency[Staff], ref: Annotated[str, PathParameter(max_length=40)], data: JSONBody[ReviewIn]
) -> services.CommentOut:
    return await services.review_comment(staff, ref, data.status)


@get(
    "/reports/evaluations",
    guards=[login_required],
    summary="Evaluation figures for the cohorts the caller may see: sums of whole closed cohorts with three "
    "answers or more; the others are counted in cohorts_left_out",
    responses=error_responses(400, 401, 422),
)
async def evaluation_report(
    staff: NamedDependency[Staff],
    office_id: QueryId = None,
    variant: FromQuery[str | None] = None,
    leader_id: QueryId = None,
    from_: Annotated[str | None, QueryParameter(name="from")] = None,
    to: FromQuery[str | None] = None,
    quarter: FromQuery[str | None] = None,
    cohort_id: QueryId = None,
) -> reporting.Report:
    return await reporting.evaluation_report(
        staff,
        reporting.ReportFilter(
            office_id=office_id,
            variant=variant,
            leader_id=leader_id,
            start=from_,
            end=to,
            quarter=quarter,
            cohort_id=cohort_id,
        ),
    )


# ``answer`` is open to anyone with a link, so the app registers it beside these, without a token.
evaluations_api = Router(
    path="/",
    tags=["evaluations"],
    route_handlers=[
        open_evaluation,
        extra_slip,
        change_evaluation,
        evaluation_status,
        key_in_paper,
        evaluation_comments,
        review_comment,
        evaluation_report,
    ],
)
