"""Headers on every response: CSP without inline script, no framing, no
referrer, no sniffing, no caching of anything but static assets, and HSTS when the
public address is https; and which peers' forwarded headers are believed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Scope
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# Browsers that have seen the site over https keep to https for a year, subdomains too.
HSTS = "max-age=31536000; includeSubDomains"


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in HEADERS.items():
        headers[name] = value
    app = scope.get("app")
    settings = app.state.get("settings") if app is not None else None
    if settings is not None and settings.secure_cookies:  # KJK_BASE_URL is https
        headers["Strict-Transport-Security"] = HSTS
    # Pages and API answers may hold personal data: never keep them in a cache.
    if not scope.get("path", "").startswith("/static/"):
        headers["Cache-Control"] = "no-store"


def forwarded_headers(trusted_proxies: tuple[str, ...]) -> Callable[[ASGIApp], ASGIApp]:
    """The app's middleware that believes ``X-Forwarded-For`` and ``X-Forwarded-Proto``
    only from a peer in ``KJK_TRUSTED_PROXIES`` (addresses, networks or ``*``): the
    client's address is then the nearest one in ``X-Forwarded-For`` that is not a trusted
    proxy. From any other peer, loopback too, the headers are ignored, so changing them
    cannot move a guesser to a fresh address. With none configured, none is believed.
    (``kjk serve`` leaves uvicorn's own handling off, so this is the only place.)"""

    def wrap(app: ASGIApp) -> ASGIApp:
        if not trusted_proxies:
            return app
        return cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, app), trusted_hosts=list(trusted_proxies)))

    return wrap
