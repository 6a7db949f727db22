"""A message on the page after an action: post, redirect, get, and then "Lagret".

The redirect carries a short-lived cookie naming the message; the next full page
shows it in a success alert, and its answer deletes the cookie. The cookie holds a
message id from the code (never names or other personal data) with an HMAC under
the server's secret, so nobody can make the app show a text of their own."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from litestar import Request
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.response import Redirect
from litestar.types import Message, Scope

from course.web import i18n
from course.web.links import secure_cookies

FLASH_COOKIE = "kjk_flash"
_MAX_AGE = 60


def _mac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), b"flash\0" + message.encode(), hashlib.sha256).hexdigest()[:32]


def encode(secret: str, message: str) -> str:
    text = base64.urlsafe_b64encode(message.encode()).decode().rstrip("=")
    return f"{text}.{_mac(secret, message)}"


def decode(secret: str, value: str) -> str | None:
    """The message id, or None when the cookie was not made by this server."""
    text, _, mac = value.partition(".")
    try:
        message = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return message if hmac.compare_digest(mac.encode(), _mac(secret, message).encode()) else None


def redirect(request: Request, path: str, message: str) -> Redirect:
    """A 303 to ``path`` that shows ``message`` (an ``N_()`` id) on the page it lands on."""
    settings = request.app.state.settings
    cookie = Cookie(
        key=FLASH_COOKIE,
        value=encode(settings.secret_key, message),
        max_age=_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    return Redirect(path=path, cookies=[cookie], status_code=303)


def message(request: Request) -> str:
    """The translated message for this page, or ''."""
    value = request.cookies.get(FLASH_COOKIE)
    if not value:
        return ""
    found = decode(request.app.state.settings.secret_key, value)
    return i18n.gettext(found) if found else ""


def _has_flash_cookie(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"cookie" and FLASH_COOKIE.encode() + b"=" in value:
            return True
    return False


async def clear_after_page(message: Message, scope: Scope) -> None:
    """A full page that could show the message deletes it; redirects and htmx
    partials leave it for the page that comes."""
    if message["type"] != "http.response.start":
        return
    if 300 <= message["status"] < 400:
        return
    if not _has_flash_cookie(scope):
        return
    if any(name == b"hx-request" for name, _ in scope.get("headers", ())):
        return
    headers = MutableScopeHeaders.from_message(message)
    if not (headers.get("content-type") or "").startswith("text/html"):
        return
    headers.add("set-cookie", f"{FLASH_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")
