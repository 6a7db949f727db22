"""Small helpers for server-rendered forms."""

from __future__ import annotations

from litestar import Request

from course.web.i18n import gettext


async def form_data(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


def translated(errors: dict[str, str]) -> dict[str, str]:
    return {field: gettext(message) for field, message in errors.items()}


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def safe_next(target: str | None) -> str:
    """Only a path on this site, so the login page cannot be used to send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
