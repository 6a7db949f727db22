"""The evaluation form a participant opens from their link, on a phone, with no login."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Template

from course.errors import Conflict, InvalidInput
from course.evaluations import reports, services
from course.web.forms import client_address, form_data, translated

Token = Annotated[str, PathParameter(max_length=120)]


def _page(token: str, values: dict, errors: dict, status: int = 200) -> Template:
    return Template("evaluations/form.html", status_code=status, context={
        "token": token, "areas": reports.AREAS, "labels": reports.AREA_LABELS, "values": values, "errors": errors,
    })


def _answered(status: int = 200) -> Template:
    return Template("evaluations/answered.html", context={}, status_code=status)


@get("/e/{token:str}", include_in_schema=False)
async def evaluation_form(request: Request, token: Token) -> Response:
    if await services.link_state(token, client_address(request)) == "used":
        return _answered()
    return _page(token, {}, {})


@post("/e/{token:str}", include_in_schema=False)
async def evaluation_submit(request: Request, token: Token) -> Response:
    data = await form_data(request)
    scores = {}
    for area in reports.AREAS:
        raw = data.get(area, "")
        scores[area] = int(raw) if raw.isdigit() else raw or None
    comments = {area: data[f"comment_{area}"] for area in reports.AREAS if data.get(f"comment_{area}", "").strip()}
    try:
        await services.answer(token, scores, comments, data.get("comment"), client_address(request))
    except InvalidInput as exc:
        # Each area's fieldset carries the area's name as its id, so the summary links to it.
        errors = {key.removeprefix("scores.").replace("comments.", "comment_"): message
                  for key, message in translated(exc).items()}
        return _page(token, data, errors, 422)
    except Conflict:
        return _answered(409)
    return Template("evaluations/thanks.html", context={})


route_handlers = [evaluation_form, evaluation_submit]
