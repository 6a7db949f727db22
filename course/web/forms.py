"""Small helpers for server-rendered forms."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from litestar import Request, Response
from litestar.params import PathParameter, QueryParameter

from course.errors import InvalidInput
from course.validation import MAX_ID
from course.web.i18n import gettext

# Record ids in paths and queries: 32-bit on PostgreSQL, so larger ones are bad input.
PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
# A secret link's token in a path (personal links, evaluation slips, calendar feeds).
Token = Annotated[str, PathParameter(max_length=120)]
SessionNumber = Annotated[int, PathParameter(ge=1, le=8)]


async def form_data(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


def translated(errors: dict[str, str] | InvalidInput) -> dict[str, str]:
    if isinstance(errors, InvalidInput):
        return errors.messages(gettext)
    return {field: gettext(message) for field, message in errors.items()}


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def safe_next(target: str | None) -> str:
    """Only a path on this site, so the login page cannot be used to send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


PDF = "application/pdf"
ZIP = "application/zip"
# Litestar adds "; charset=utf-8" to every text/ type itself: naming it here would send it twice.
ICS = "text/calendar"
# A route's opt for files other programs fetch (calendar feeds, .ics downloads): the CSRF
# middleware stays out, so the answer sets no cookie. Only for GET routes.
NO_COOKIE = {"exclude_from_csrf": True}


def ics_download(body: bytes, cohort_id: int) -> Response:
    return Response(
        body, media_type=ICS, headers={"Content-Disposition": f'attachment; filename="kurs-{cohort_id}.ics"'}
    )


def attachment(body: bytes | str, media_type: str, name: str) -> Response:
    """A download; the name as ASCII for old clients and as UTF-8 (RFC 6266) for æ, ø and å."""
    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"},
    )
