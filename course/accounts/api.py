"""JSON API for login tokens, the caller, offices and staff users."""

from __future__ import annotations

from typing import Annotated


import msgspec
from litestar.params import JSONBody
from litestar import Request, Router, delete, get, patch, post
from litestar.exceptions import NotAuthorizedException
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from course.accounts import services
from course.web.guards import admin_only, current_staff, login_required
from course.accounts.schemas import OfficeOut, Role, UserOut
from course.errors import InvalidInput
from course.validation import MAX_ID
from course.web.forms import PathId, QueryId, client_address


Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


class TokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: str
    password: str
    name: Annotated[str, msgspec.Meta(max_length=100)] = "API"


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


class OfficeCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    name: str


class OfficeUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: str


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    email: str
    name: str
    role: Role
    office_id: Id
    password: str


class UserUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    role: Role | None = None
    office_id: Id | None = None
    active: bool | None = None
    password: str | None = None


@post("/auth/token", status_code=HTTP_201_CREATED, summary="Log in and get an API token")
async def create_token(request: Request, data: JSONBody[TokenRequest]) -> TokenResponse:
    address = client_address(request)
    try:
        staff = await services.authenticate(data.email, data.password, address)
    except InvalidInput:
        raise NotAuthorizedException(detail="Wrong e-mail address or password") from None
    return TokenResponse(token=await services.create_token(staff, data.name, address))


@delete("/auth/token", guards=[login_required], summary="Revoke the token used for this call")
async def revoke_current_token(request: Request) -> None:
    await services.revoke_token(current_staff(request), request.scope["auth"]["token_id"], client_address(request))


@get("/auth/tokens", guards=[login_required], summary="The caller's API tokens")
async def list_tokens(request: Request) -> list[TokenInfoOut]:
    return [
        TokenInfoOut(
            id=t.id,
            name=t.name,
            created_at=t.created_at.isoformat(),
            last_used_at=t.last_used_at.isoformat() if t.last_used_at else None,
            revoked=t.revoked_at is not None,
        )
        for t in await services.list_tokens(current_staff(request))
    ]


@delete("/auth/tokens/{token_id:int}", guards=[login_required], status_code=HTTP_204_NO_CONTENT)
async def revoke_token(request: Request, token_id: PathId) -> None:
    await services.revoke_token(current_staff(request), token_id, client_address(request))


@get("/me", guards=[login_required], summary="The signed-in staff user")
async def me(request: Request) -> Me:
    staff = current_staff(request)
    return Me(
        id=staff.id,
        email=staff.email,
        name=staff.name,
        role=staff.role,
        office=OfficeOut(id=staff.office_id, code=staff.office_code, name=staff.office_name),
    )


@get("/offices", guards=[login_required])
async def list_offices(request: Request) -> list[OfficeOut]:
    return await services.list_offices(current_staff(request))


@get("/offices/{office_id:int}", guards=[login_required])
async def get_office(request: Request, office_id: PathId) -> OfficeOut:
    return await services.get_office(current_staff(request), office_id)


@post("/offices", guards=[admin_only], status_code=HTTP_201_CREATED)
async def create_office(request: Request, data: JSONBody[OfficeCreate]) -> OfficeOut:
    return await services.create_office(data.code, data.name, actor=current_staff(request).id)


@patch("/offices/{office_id:int}", guards=[admin_only])
async def update_office(request: Request, office_id: PathId, data: JSONBody[OfficeUpdate]) -> OfficeOut:
    return await services.update_office(office_id, data.name, actor=current_staff(request).id)


@get("/users", guards=[login_required], summary="Staff users the caller may see")
async def list_users(request: Request, office_id: QueryId = None) -> list[UserOut]:
    return await services.list_users(current_staff(request), office_id)


@get("/users/{user_id:int}", guards=[login_required])
async def get_user(request: Request, user_id: PathId) -> UserOut:
    return await services.get_user(current_staff(request), user_id)


@post("/users", guards=[admin_only], status_code=HTTP_201_CREATED)
async def create_user(request: Request, data: JSONBody[UserCreate]) -> UserOut:
    return await services.create_user(
        email=data.email,
        name=data.name,
        role=data.role.value,
        password=data.password,
        office_id=data.office_id,
        actor=current_staff(request).id,
    )


@patch("/users/{user_id:int}", guards=[admin_only])
async def update_user(request: Request, user_id: PathId, data: JSONBody[UserUpdate]) -> UserOut:
    staff = current_staff(request)
    await services.get_user(staff, user_id)
    changes = services.UserChanges(
        name=data.name,
        role=data.role.value if data.role else None,
        office_id=data.office_id,
        active=data.active,
        password=data.password,
    )
    return await services.update_user(user_id, changes, actor=staff.id)


accounts_api = Router(
    path="/",
    tags=["accounts"],
    route_handlers=[
        create_token,
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

