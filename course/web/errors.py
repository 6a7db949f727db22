"""Turning errors into responses: JSON under /api, friendly pages elsewhere."""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.exceptions.responses import create_exception_response
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_401_UNAUTHORIZED,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

from course.accounts.auth import API_PREFIX
from course.errors import N_, Closed, Conflict, Forbidden, InvalidInput, NotFound, Throttled
from course.web.access_log import redact

log = logging.getLogger("course")

ERROR_TITLES = {
    400: N_("The request could not be read"),
    401: N_("You need to log in"),
    403: N_("You do not have access to this page"),
    404: N_("We could not find the page"),
    405: N_("The request could not be read"),
    409: N_("The change clashes with something else"),
    410: N_("This is over"),
    422: N_("The request could not be read"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
}


def _json(status: int, detail: str, extra=None, headers=None) -> Response:
    body = {"status_code": status, "detail": detail}
    if extra:
        body["extra"] = extra
    return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)


def _page(request: Request, status: int, headers=None) -> Response:
    return Template(
        template_name="errors/error.html",
        context={"status": status, "title": ERROR_TITLES.get(status, ERROR_TITLES[400]), "request": request},
        status_code=status,
        headers=headers,
    )


def handle_exception(request: Request, exc: Exception) -> Response:
    is_api = request.url.path.startswith(API_PREFIX)
    headers = None
    if isinstance(exc, InvalidInput):
        status = HTTP_422_UNPROCESSABLE_ENTITY
        if is_api:
            extra = [{"key": key, "message": message} for key, message in exc.messages().items()]
            return _json(status, "Invalid input: " + ", ".join(exc.errors), extra)
    elif isinstance(exc, NotFound):
        status = HTTP_404_NOT_FOUND
        if is_api:
            return _json(status, "Not found")
    elif isinstance(exc, Forbidden):
        status = 403
        if is_api:
            return _json(status, "Forbidden")
    elif isinstance(exc, Conflict):
        status = HTTP_409_CONFLICT
        if is_api:
            return _json(status, exc.message, [{"key": exc.field, "message": exc.message}] if exc.field else None)
    elif isinstance(exc, Closed):
        status = 410
        if is_api:
            return _json(status, exc.message)
    elif isinstance(exc, Throttled):
        status = HTTP_429_TOO_MANY_REQUESTS
        headers = {"Retry-After": str(exc.retry_after_s)}
        if is_api:
            return _json(status, f"Too many attempts; try again in {exc.retry_after_s} seconds", headers=headers)
    elif isinstance(exc, HTTPException):
        status = exc.status_code
        if is_api:
            return create_exception_response(request, exc)
    else:
        status = HTTP_500_INTERNAL_SERVER_ERROR
        # The path may hold a secret token; the query string personal data.
        log.exception("unhandled error on %s %s", request.method, redact(request.url.path), exc_info=exc)
        if is_api:
            return _json(status, "Internal Server Error")
    if status == HTTP_401_UNAUTHORIZED:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(path=f"/login?next={quote(target, safe='')}")
    return _page(request, status, headers)
