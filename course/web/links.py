"""Absolute links to this app: a participant's personal link, evaluation slips and their
QR codes, the calendar feed. ``KJK_BASE_URL`` when set; otherwise the scheme and host the
request came to, so ``kjk serve --port 8123`` (or a proxy's public name) gives links that
work without being told the address twice."""

from __future__ import annotations

from typing import Any

import segno
from litestar.connection import ASGIConnection
from markupsafe import Markup


def base_url(request: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The app's public address without a trailing slash: ``KJK_BASE_URL``, else the
    request's own scheme and host (the scheme a trusted proxy reported, through
    ``kjk serve``'s forwarded headers; the host from the ``Host`` header)."""
    configured = request.app.state.settings.base_url
    if configured:
        return configured
    return str(request.base_url).rstrip("/")


def absolute_url(request: ASGIConnection[Any, Any, Any, Any], path: str) -> str:
    """``path`` (starting with ``/``) as an address that works from outside the app."""
    if not path.startswith("/"):
        raise ValueError(f"an absolute path is needed, not {path!r}")
    return base_url(request) + path


def secure_cookies(request: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """Whether cookies set on this answer get ``Secure``: always when ``KJK_BASE_URL`` is
    https, and whenever the request itself came over https."""
    return request.app.state.settings.secure_cookies or request.url.scheme == "https"


def qr_svg(url: str, title: str, size: int | None = None) -> Markup:
    """A QR code for ``url`` as inline SVG (segno, no network), named by ``title`` for
    screen readers. ``size``: its width and height in pixels as attributes (no inline
    style); without it the page's stylesheet sizes it."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=4, border=2, dark="#1f2328", omitsize=True, svgclass="qr", title=title)
    attributes = 'role="img" ' + (f'width="{size}" height="{size}" ' if size else "")
    return Markup(svg.replace("<svg ", "<svg " + attributes, 1))
