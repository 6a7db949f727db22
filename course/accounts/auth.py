"""Who is asking: the session cookie for web pages, a bearer token for the API.

The middleware only identifies; guards decide. Every handler states its guard,
so authorization lives in one place instead of in scattered if-statements.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from litestar.connection import ASGIConnection
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from course.accounts import services
from course.accounts.schemas import Role, Staff

SESSION_COOKIE = "kjk_session"
CSRF_COOKIE = "kjk_csrf"
API_PREFIX = "/api/"


def _cookie(headers: Headers, name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def bearer_token(headers: Headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class AuthMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    @staticmethod
    def should_bypass_for_scope(scope: Scope) -> bool:
        return scope["path"].startswith("/static/")

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        scope["auth"] = None
        headers = Headers.from_scope(scope)
        # The API trusts only bearer tokens and pages only the session cookie, so
        # a cookie can never authorise an API call made by another site.
        if scope["path"].startswith(API_PREFIX):
            token = bearer_token(headers)
            if token:
                found = await services.resolve_token(token)
                if found:
                    scope["user"], scope["auth"] = found[0], {"kind": "token", "token_id": found[1]}
        else:
            token = _cookie(headers, SESSION_COOKIE)
            if token:
                staff = await services.resolve_session(token)
                if staff:
                    scope["user"], scope["auth"] = staff, {"kind": "session", "token": token}
        await next_app(scope, receive, send)


def current_staff(connection: ASGIConnection) -> Staff:
    staff = connection.scope.get("user")
    if staff is None:
        raise NotAuthorizedException()
    return staff


def login_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    current_staff(connection)


def roles(*allowed: Role):
    """Guard: signed in, with one of the given roles."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if current_staff(connection).role not in allowed:
            raise PermissionDeniedException()

    guard.__name__ = "roles_" + "_".join(r.value for r in allowed)
    return guard


admin_only = roles(Role.admin)
