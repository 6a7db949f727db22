"""JSON API for evaluations: a leader opens one and gets the links; a participant
answers through a link, with no login."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Router, get, patch, post
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from course.accounts.auth import current_staff, login_required
from course.evaluations import services
from course.participants.api import see_people
from course.participants.services import PersonRef
from course.web.forms import PathId, QueryId, client_address


class LinkOut(msgspec.Struct):
    participant: PersonRef
    url: str


class Opened(msgspec.Struct):
    cohort_id: int
    opened_at: str
    answered: int
    links: list[LinkOut]


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    scores: Any
    comments: Any = None
    comment: Any = None


class PaperIn(AnswerIn, forbid_unknown_fields=True):
    participant_id: Any = None


class Received(msgspec.Struct):
    received: bool = True


@post("/cohorts/{cohort_id:int}/evaluation", guards=[see_people], status_code=200,
      summary="Open the cohort's evaluation; answers a fresh link for everyone who has not answered")
async def open_evaluation(request: Request, cohort_id: PathId) -> Opened:
    opened = await services.open_evaluation(current_staff(request), cohort_id)
    base = request.app.state.settings.base_url
    return Opened(
        cohort_id=opened.cohort_id, opened_at=opened.opened_at.isoformat(), answered=opened.answered,
        links=[LinkOut(participant=link.participant, url=f"{base}/e/{link.token}") for link in opened.links],
    )


@post("/cohorts/{cohort_id:int}/evaluation/paper", guards=[see_people], status_code=HTTP_201_CREATED,
      summary="Key in a participant's paper form (marked as such)")
async def key_in_paper(request: Request, cohort_id: PathId, data: JSONBody[PaperIn]) -> Received:
    await services.key_in_paper(current_staff(request), cohort_id, data.participant_id, data.scores,
                                data.comments, data.comment)
    return Received()


@post("/evaluations/{token:str}", status_code=HTTP_201_CREATED, security=[],
      summary="Answer the evaluation with a link's token (no login; stored without the person)")
async def answer(request: Request, token: Annotated[str, PathParameter(max_length=120)],
                 data: JSONBody[AnswerIn]) -> Received:
    await services.answer(token, data.scores, data.comments, data.comment, client_address(request))
    return Received()


@get("/cohorts/{cohort_id:int}/evaluation", guards=[see_people],
     summary="Where the cohort's evaluation stands: how many have links and how many answered (never who)")
async def evaluation_status(request: Request, cohort_id: PathId) -> services.Status:
    return await services.evaluation_status(current_staff(request), cohort_id)


@get("/cohorts/{cohort_id:int}/evaluation/comments", guards=[see_people],
     summary="The cohort's comments for its leaders to review; empty until three have answered")
async def evaluation_comments(request: Request, cohort_id: PathId) -> list[services.CommentOut]:
    return await services.comments_for_review(current_staff(request), cohort_id)


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    status: Any


@patch("/evaluation-comments/{ref:str}", guards=[see_people],
       summary="Show or hide a comment in the reports")
async def review_comment(request: Request, ref: Annotated[str, PathParameter(max_length=40)],
                         data: JSONBody[ReviewIn]) -> services.CommentOut:
    return await services.review_comment(current_staff(request), ref, data.status)


@get("/reports/evaluations", guards=[login_required],
     summary="Evaluation figures for the cohorts the caller may see; small groups show no figures")
async def evaluation_report(
    request: Request,
    office_id: QueryId = None,
    variant: FromQuery[str | None] = None,
    leader_id: QueryId = None,
    from_: Annotated[str | None, QueryParameter(name="from")] = None,
    to: FromQuery[str | None] = None,
    quarter: FromQuery[str | None] = None,
    cohort_id: QueryId = None,
) -> services.Report:
    return await services.evaluation_report(current_staff(request), services.ReportFilter(
        office_id=office_id, variant=variant, leader_id=leader_id, start=from_, end=to, quarter=quarter,
        cohort_id=cohort_id))


evaluations_api = Router(path="/", tags=["evaluations"],
                         route_handlers=[open_evaluation, evaluation_status, key_in_paper, answer, evaluation_comments,
                                         review_comment, evaluation_report])
