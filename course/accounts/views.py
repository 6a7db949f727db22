"""The account page, shown by the account routes here and by the calendar feed's in course.home."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from course.accounts import services
from course.web.guards import current_staff


async def account(request: Request, **extra) -> Template:
    staff = current_staff(request)
    context: dict[str, Any] = {
        "tokens": await services.list_tokens(staff),
        "errors": {},
        "new_token": None,
        "message": None,
        "feed_url": None,
    }
    context.update(extra)
    return Template("accounts/account.html", context=context, status_code=422 if context["errors"] else 200)
