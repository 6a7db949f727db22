"""The JSON API's contract as the OpenAPI document states it: the bearer scheme,
the error body, the error answers each operation names (``responses=error_responses(…)``),
and request bodies read strictly by their schema.

Two kinds of bad input, two answers: a body that does not match its schema (a wrong
JSON type, an unknown field, a value out of its range) is 400, as Litestar answers it;
a well-formed body that breaks a rule is 422 from the services. Both name the field
in ``extra``.
"""

from __future__ import annotations

import re
from typing import Annotated

import msgspec
from litestar import Request
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Reference, SecurityScheme
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

from course.validation import MAX_ID

BEARER_SCHEME = "BearerToken"
SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    BEARER_SCHEME: SecurityScheme(
        type="http",
        scheme="bearer",
        description="A token from POST /api/v1/auth/token (or made on the account page), "
        "sent as `Authorization: Bearer <token>`",
    )
}
# The security requirement of an operation that needs a token.
BEARER: list[dict[str, list[str]]] = [{BEARER_SCHEME: []}]


# Field types shared by the request bodies. Dates and times stay strings, so that a
# bad one gets the services' 422 naming the field.
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID, description="A record's id")]
Date = Annotated[str, msgspec.Meta(description="A date as YYYY-MM-DD", examples=["2027-03-02"])]
Time = Annotated[str, msgspec.Meta(description="A time of day as HH:MM (24 hours)", examples=["09:00"])]
Weekday = Annotated[int, msgspec.Meta(ge=1, le=7, description="1 (Monday) to 7 (Sunday)")]


class ErrorDetail(msgspec.Struct):
    """One field's error; the key names it as ``section.2.column`` inside objects and lists."""

    key: str
    message: str


class ErrorBody(msgspec.Struct):
    """The body of every error answer of the API; ``extra`` names the fields at fault."""

    status_code: int
    detail: str
    extra: list[ErrorDetail] = msgspec.field(default_factory=list)


ANSWERS = {
    400: "The body, a path or a query parameter does not match the schema (a wrong JSON type, an unknown "
    "field, a value out of range); `extra` names the field",
    401: "No valid bearer token (when logging in: a wrong e-mail address or password)",
    403: "The caller's role may not do this",
    404: "Not found, or outside what the caller may see",
    409: "Clashes with what exists (a booking, a newer version, a full cohort…); `extra` names the field",
    410: "Closed for good",
    422: "Well-formed, but breaks a rule; `extra` names each field",
    429: "Too many attempts; the Retry-After header gives the seconds to wait",
}


def error_responses(*codes: int) -> dict[int, ResponseSpec]:
    """The error answers an operation documents, each with the error body."""
    return {
        code: ResponseSpec(data_container=ErrorBody, description=ANSWERS[code], generate_examples=False)
        for code in codes
    }


_WHERE = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_FIELD = re.compile(r"(?:missing required|unknown) field `(?P<name>[^`]+)`")


def _key(error: msgspec.ValidationError) -> tuple[str, str]:
    """The field an error names, in the services' style (``weekly.0.weekday``), and the message."""
    text = str(error)
    match = _WHERE.search(text)
    message = text[: match.start()] if match else text
    path = re.sub(r"\[(\d+)\]", r".\1", match.group("path")) if match else ""
    if field := _FIELD.search(message):
        path = f"{path}.{field.group('name')}"
    return path.strip("."), message


async def strict_body(request: Request) -> None:
    """Before an API handler (the API router's ``before_request``, after the guards): its
    JSON body decoded strictly by its schema, so that a string is never taken for a
    number nor 1 for true, as Litestar's own reading of the body would. A body sent as
    anything but JSON (a form, plain text) is 415; JSON nested too deep is 400 naming the
    body. Litestar answers an empty body or one that is not JSON."""
    field = request.route_handler.parsed_data_field
    if field is None:
        return
    body = await request.body()
    if not body.strip():
        return
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media and media != "application/json" and not media.endswith("+json"):
        # A form or plain text sent where JSON is read: said as such, not as malformed JSON.
        raise HTTPException(
            status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail="Send the body as JSON (Content-Type: application/json)",
            extra=[{"key": "body", "message": f"Content-Type {media} is not JSON", "source": "body"}],
        )
    try:
        msgspec.json.decode(body, type=field.annotation, strict=True)
    except msgspec.ValidationError as error:
        key, message = _key(error)
        raise ValidationException(
            detail=f"Validation failed for {request.method} {request.url.path}",
            extra=[{"key": key or "body", "message": message, "source": "body"}],
        ) from None
    except RecursionError:  # JSON nested deeper than anything the schemas hold
        raise ValidationException(
            detail=f"Validation failed for {request.method} {request.url.path}",
            extra=[{"key": "body", "message": "The JSON is nested too deep", "source": "body"}],
        ) from None
    except msgspec.DecodeError:
        return
