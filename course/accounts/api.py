"""JSON API for login tokens, the caller, offices and staff users."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Request, Response, Router, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from course import clock, paging
from course.accounts import services
from course.accounts.offices import (
    AUDIT_MONTHS,
    DEFAULT_AUDIT_MONTHS,
    DEFAULT_RETENTION_MONTHS,
    RETENTION_MONTHS,
    OfficeDetail,
)
from course.accounts.schemas import OfficeOut, Role, Staff, UserOut
from course.errors import InvalidInput
from course.web.forms import PathId, QueryId, client_address
from course.web.guards import admin_only, login_required
from course.web.openapi import Id, error_responses
from course.web.paging import Cursor, Limit, paged_headers, paged_response

Email = Annotated[str, msgspec.Meta(description="An e-mail address", examples=["ase@nav.no"])]
Name = Annotated[str, msgspec.Meta(description="One line, at most 200 characters")]
Password = Annotated[str, msgspec.Meta(description="12 to 1024 characters")]


class TokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Annotated[str, msgspec.Meta(description="The staff user's password")]
    name: Annotated[str, msgspec.Meta(max_length=100, description="A name for the token, to tell it apart")] = "API"


class TokenResponse(msgspec.Struct):
    token: str


class Me(msgspec.Struct):
    id: int
    email: str
    name: str
    role: Role
    office: OfficeOut


class TokenInfoOut(msgspec.Struct):
    id: int
    name: str
    created_at: str
    last_used_at: str | None
    revoked: bool


RetentionMonths = Annotated[
    int,
    msgspec.Meta(
        ge=RETENTION_MONTHS[0],
        le=RETENTION_MONTHS[1],
        description="Personal data is erased this many months after a participant's last cohort ends",
    ),
]
AuditMonths = Annotated[
    int,
    msgspec.Meta(
        ge=AUDIT_MONTHS[0], le=AUDIT_MONTHS[1], description="The office's audit events are kept this many months"
    ),
]


OfficePhone = Annotated[
    str,
    msgspec.Meta(
        description="The office's phone number for messages to participants: Norwegian unless it starts with a "
        "country code; kept as +4722123456; empty for none",
        examples=["22 12 34 56"],
    ),
]


class OfficeCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(description="1 to 20 letters, digits, - or _; unique", examples=["drammen"])]
    name: Name
    retention_months: RetentionMonths = DEFAULT_RETENTION_MONTHS
    audit_months: AuditMonths = DEFAULT_AUDIT_MONTHS
    phone: OfficePhone = ""


class OfficeUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | None = None
    retention_months: RetentionMonths | None = None
    audit_months: AuditMonths | None = None
    phone: OfficePhone | None = None


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[Email, msgspec.Meta(description="Unique among the staff users")]
    name: Name
    role: Role
    office_id: Id
    password: Password


class UserUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | None = None
    role: Annotated[Role | None, msgspec.Meta(description="An admin cannot take away their own admin access")] = None
    office_id: Id | None = None
    active: Annotated[bool | None, msgspec.Meta(description="false locks the user out")] = None
    password: Password | None = None


@post(
    "/auth/token",
    status_code=HTTP_201_CREATED,
    summary="Log in and get an API token",
    tags=["accounts"],
    responses=error_responses(400, 401, 429),
)
async def create_token(request: Request, data: JSONBody[TokenRequest]) -> TokenResponse:
    address = client_address(request)
    try:
        staff = await services.authenticate(data.email, data.password, address)
    except InvalidInput:
        raise NotAuthorizedException(detail="Wrong e-mail address or password") from None
    return TokenResponse(token=await services.create_token(staff, data.name, address))


@delete(
    "/auth/token",
    guards=[login_required],
    summary="Revoke the token used for this call",
    responses=error_responses(401),
)
async def revoke_current_token(request: Request, staff: NamedDependency[Staff]) -> None:
    await services.revoke_token(staff, request.scope["auth"]["token_id"], client_address(request))


@get("/auth/tokens", guards=[login_required], summary="The caller's API tokens", responses=error_responses(401))
async def list_tokens(staff: NamedDependency[Staff]) -> list[TokenInfoOut]:
    return [
        TokenInfoOut(
            id=t.id,
            name=t.name,
            created_at=clock.rfc3339(t.created_at),
            last_used_at=clock.rfc3339(t.last_used_at) if t.last_used_at else None,
            revoked=t.revoked_at is not None,
        )
        for t in await services.list_tokens(staff)
    ]


@delete(
    "/auth/tokens/{token_id:int}",
    guards=[login_required],
    status_code=HTTP_204_NO_CONTENT,
    responses=error_responses(400, 401, 404),
)
async def revoke_token(request: Request, staff: NamedDependency[Staff], token_id: PathId) -> None:
    await services.revoke_token(staff, token_id, client_address(request))


@get("/me", guards=[login_required], summary="The signed-in staff user", responses=error_responses(401))
async def me(staff: NamedDependency[Staff]) -> Me:
    return Me(
        id=staff.id,
        email=staff.email,
        name=staff.name,
        role=staff.role,
        office=OfficeOut(id=staff.office_id, code=staff.office_code, name=staff.office_name),
    )


@get(
    "/offices",
    guards=[login_required],
    summary="Offices the caller may see, by name, a page at a time",
    responses=error_responses(400, 401, 422),
    response_headers=paged_headers(),
)
async def list_offices(
    request: Request, staff: NamedDependency[Staff], limit: Limit = None, cursor: Cursor = None
) -> Response[list[OfficeDetail]]:
    found = await services.offices_page(staff, paging.parse(services.OFFICE_ORDER, limit, cursor))
    return paged_response(request, found.items, found)


@get("/offices/{office_id:int}", guards=[login_required], responses=error_responses(400, 401, 404))
async def get_office(staff: NamedDependency[Staff], office_id: PathId) -> OfficeDetail:
    return await services.get_office(staff, office_id)


@post("/offices", guards=[admin_only], status_code=HTTP_201_CREATED, responses=error_responses(400, 401, 403, 422))
async def create_office(staff: NamedDependency[Staff], data: JSONBody[OfficeCreate]) -> OfficeDetail:
    return await services.create_office(
        data.code,
        data.name,
        retention_months=data.retention_months,
        audit_months=data.audit_months,
        phone=data.phone,
        actor=staff.id,
    )


@patch("/offices/{office_id:int}", guards=[admin_only], responses=error_responses(400, 401, 403, 404, 422))
async def update_office(staff: NamedDependency[Staff], office_id: PathId, data: JSONBody[OfficeUpdate]) -> OfficeDetail:
    return await services.update_office(
        office_id,
        data.name,
        retention_months=data.retention_months,
        audit_months=data.audit_months,
        phone=data.phone,
        actor=staff.id,
    )


@get(
    "/users",
    guards=[login_required],
    summary="Staff users the caller may see, by name, a page at a time",
    responses=error_responses(400, 401, 422),
    response_headers=paged_headers(),
)
async def list_users(
    request: Request,
    staff: NamedDependency[Staff],
    office_id: QueryId = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response[list[UserOut]]:
    found = await services.users_page(staff, office_id, paging.parse(services.USER_ORDER, limit, cursor))
    return paged_response(request, found.items, found)


@get("/users/{user_id:int}", guards=[login_required], responses=error_responses(400, 401, 404))
async def get_user(staff: NamedDependency[Staff], user_id: PathId) -> UserOut:
    return await services.get_user(staff, user_id)


@post("/users", guards=[admin_only], status_code=HTTP_201_CREATED, responses=error_responses(400, 401, 403, 422))
async def create_user(staff: NamedDependency[Staff], data: JSONBody[UserCreate]) -> UserOut:
    return await services.create_user(
        email=data.email,
        name=data.name,
        role=data.role.value,
        password=data.password,
        office_id=data.office_id,
        actor=staff.id,
    )


@patch("/users/{user_id:int}", guards=[admin_only], responses=error_responses(400, 401, 403, 404, 422))
async def update_user(staff: NamedDependency[Staff], user_id: PathId, data: JSONBody[UserUpdate]) -> UserOut:
    await services.get_user(staff, user_id)
    changes = services.UserChanges(
        name=data.name,
        role=data.role.value if data.role else None,
        office_id=data.office_id,
        active=data.active,
        password=data.password,
    )
    return await services.update_user(user_id, changes, actor=staff.id)


# ``create_token`` needs no token, so the app registers it beside these.
accounts_api = Router(
    path="/",
    tags=["accounts"],
    route_handlers=[
        revoke_current_token,
        list_tokens,
        revoke_token,
        me,
        list_offices,
        get_office,
        create_office,
        update_office,
        list_users,
        get_user,
        create_user,
        update_user,
    ],
)
