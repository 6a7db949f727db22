"""Turning errors into responses: JSON under /api, friendly pages elsewhere."""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.exceptions.responses import create_exception_response
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_401_UNAUTHORIZED,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from course import db
from course.accounts.auth import API_PREFIX
from course.errors import N_, Closed, Forbidden, InvalidInput, NotFound, Refusal, Throttled
from course.web import i18n
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
    503: N_("Contact with the database was lost for a moment"),
}


def _json(status: int, detail: str, extra=None, headers=None) -> Response:
    body = {"status_code": status, "detail": detail}
    if extra:
        body["extra"] = extra
    return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)


def _page(request: Request, status: int, headers=None, problems: dict[str, str] | None = None) -> Response:
    """The error page; ``problems`` names each bad field of the address with what is wrong."""
    return Template(
        template_name="errors/error.html",
        context={
            "status": status,
            "title": ERROR_TITLES.get(status, ERROR_TITLES[400]),
            "request": request,
            "problems": problems or {},
        },
        status_code=status,
        headers=headers,
    )


API_MESSAGES = {
    "invalid": N_("Invalid input"),
    "off_schema": N_("Does not match the schema: a wrong type, an unknown field or a value out of range"),
    "not_found": N_("Not found"),
    "forbidden": N_("Forbidden"),
    "throttled": N_("Too many attempts; try again in %(seconds)s seconds"),
    "error": N_("Internal Server Error"),
    "db_lost": N_("Contact with the database was lost; try again in a moment"),
}
# A lost database connection (a restarted server, a terminated backend) is passing:
# the client is told when to try again instead of getting a 500.
DB_LOST_RETRY_AFTER_S = 1


def handle_exception(request: Request, exc: Exception) -> Response:
    """Pages in Norwegian; the API in the language of Accept-Language (nb or en),
    with the same shape ``{status_code, detail, extra}``."""
    is_api = request.url.path.startswith(API_PREFIX)
    locale = i18n.negotiate(request.headers.get("accept-language")) if is_api else i18n.DEFAULT_LOCALE
    translate = i18n.translator(locale)
    headers = {"Content-Language": locale} if is_api else None
    problems: dict[str, str] = {}
    if isinstance(exc, InvalidInput):
        status = HTTP_422_UNPROCESSABLE_ENTITY
        if is_api:
            extra = [{"key": key, "message": message} for key, message in exc.messages(translate).items()]
            return _json(status, translate(API_MESSAGES["invalid"]) + ": " + ", ".join(exc.errors), extra, headers)
        problems = exc.messages(translate)
    elif isinstance(exc, NotFound):
        status = HTTP_404_NOT_FOUND
        if is_api:
            return _json(status, translate(API_MESSAGES["not_found"]), headers=headers)
    elif isinstance(exc, Forbidden):
        status = 403
        if is_api:
            return _json(status, translate(API_MESSAGES["forbidden"]), headers=headers)
    elif isinstance(exc, Refusal):
        status = 410 if isinstance(exc, Closed) else HTTP_409_CONFLICT
        if is_api:
            text = exc.text(translate)
            return _json(status, text, [{"key": exc.field, "message": text}] if exc.field else None, headers)
    elif isinstance(exc, Throttled):
        status = HTTP_429_TOO_MANY_REQUESTS
        headers = {**(headers or {}), "Retry-After": str(exc.retry_after_s)}
        if is_api:
            return _json(status, translate(API_MESSAGES["throttled"]) % {"seconds": exc.retry_after_s}, headers=headers)
    elif is_api and isinstance(exc, ValidationException):
        # A body, path or query parameter off its schema, named as the services' 422s name
        # theirs, in the request's language (msgspec explains the fault in English only).
        status = exc.status_code
        fields = [e for e in exc.extra or [] if isinstance(e, dict)] if isinstance(exc.extra, list) else []
        extra = [
            {
                "key": str(e.get("key") or "body"),
                "message": str(e.get("message")) if locale == "en" else translate(API_MESSAGES["off_schema"]),
                "source": e.get("source", "body"),
            }
            for e in fields
        ] or [{"key": "body", "message": translate(API_MESSAGES["off_schema"]), "source": "body"}]
        detail = translate(API_MESSAGES["invalid"]) + ": " + ", ".join(e["key"] for e in extra)
        return _json(status, detail, extra, headers)
    elif isinstance(exc, ValidationException):
        # A query parameter off its schema on a page (a limit out of range, say): named.
        status = exc.status_code
        extra = exc.extra if isinstance(exc.extra, list) else []
        problems = {
            str(e["key"]): translate(API_MESSAGES["off_schema"]) for e in extra if isinstance(e, dict) and e.get("key")
        }
    elif isinstance(exc, HTTPException):
        status = exc.status_code
        if is_api:
            return create_exception_response(request, exc)
    elif db.is_connection_lost(exc):
        status = HTTP_503_SERVICE_UNAVAILABLE
        # Once, without the query's values: the error's type and the address, redacted.
        log.warning(
            "database connection lost on %s %s (%s)", request.method, redact(request.url.path), type(exc).__name__
        )
        headers = {**(headers or {}), "Retry-After": str(DB_LOST_RETRY_AFTER_S)}
        if is_api:
            return _json(status, translate(API_MESSAGES["db_lost"]), headers=headers)
    else:
        status = HTTP_500_INTERNAL_SERVER_ERROR
        log.exception("unhandled error on %s %s", request.method, redact(request.url.path), exc_info=exc)
        if is_api:
            return _json(status, translate(API_MESSAGES["error"]), headers=headers)
    if status == HTTP_401_UNAUTHORIZED:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(path=f"/login?next={quote(target, safe='')}")
    return _page(request, status, headers, problems)
