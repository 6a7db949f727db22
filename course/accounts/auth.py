"""Who is asking: the session cookie for web pages, a bearer token for the API.

The middleware only identifies; the guards in ``course.web.guards`` decide, and
every handler states its guard.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from course.accounts import services
from course.audit import services as audit

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
        client = scope.get("client")
        audit.request_address.set(client[0] if client else None)
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
