"""The administrator's audit log: every read and change of personal data, filtered and exported."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from course.accounts import services as accounts
from course.audit import services as audit
from course.errors import InvalidInput
from course.privacy.audit_views import ACTION_LABELS, action_label, csv_download, excel_csv_download
from course.web.forms import translated
from course.web.guards import admin_only, current_staff
from course.web.i18n import gettext as _

From = Annotated[str, QueryParameter(name="from")]


def _values(participant_id: str, user_id: str, action: str, from_: str, to: str) -> dict[str, str]:
    return {"participant_id": participant_id, "user_id": user_id, "action": action, "from": from_, "to": to}


def _filter(values: dict[str, str]) -> audit.AuditFilter:
    return audit.audit_filter(
        participant_id=values["participant_id"],
        user_id=values["user_id"],
        action=values["action"],
        start=values["from"],
        end=values["to"],
    )


async def _page(
    request: Request, values: dict[str, str], before: str = "", after: str = "", limit: str = ""
) -> Template:
    errors: dict[str, str] = {}
    page = None
    try:
        page = await audit.find_events(
            _filter(values), limit=limit or audit.DEFAULT_LIMIT, before=before or None, after=after or None
        )
    except InvalidInput as exc:
        errors = translated(exc)
    chosen = {k: v for k, v in values.items() if v}
    if limit and "limit" not in errors:
        chosen["limit"] = limit
    users = await accounts.list_users(current_staff(request))
    return Template(
        "privacy/audit.html",
        status_code=422 if errors else 200,
        context={
            "page": page,
            "events": [(e, action_label(e, _)) for e in page.events] if page else [],
            "values": values,
            "errors": errors,
            "query": urlencode({k: v for k, v in chosen.items() if k != "limit"}),
            "next_query": urlencode({**chosen, "before": page.next}) if page and page.next else "",
            "previous_query": urlencode({**chosen, "after": page.previous}) if page and page.previous else "",
            "first_query": urlencode(chosen) if before or after else None,
            "users": [(str(u.id), u.name) for u in users],
            "actions": [(action, _(label)) for action, label in ACTION_LABELS.items()],
        },
    )


@get("/admin/audit", guards=[admin_only], include_in_schema=False)
async def audit_page(
    request: Request,
    participant_id: FromQuery[str] = "",
    user_id: FromQuery[str] = "",
    action: FromQuery[str] = "",
    from_: From = "",
    to: FromQuery[str] = "",
    before: FromQuery[str] = "",
    after: FromQuery[str] = "",
    limit: FromQuery[str] = "",
) -> Template:
    """Newest first, 50 to a page (``limit`` up to 200), filtered by participant, staff
    member, action and period; "Neste side" and "Forrige side" by keyset."""
    return await _page(request, _values(participant_id, user_id, action, from_, to), before, after, limit)


@get("/admin/audit.csv", guards=[admin_only], include_in_schema=False)
async def audit_csv(
    request: Request,
    participant_id: FromQuery[str] = "",
    user_id: FromQuery[str] = "",
    action: FromQuery[str] = "",
    from_: From = "",
    to: FromQuery[str] = "",
    excel: FromQuery[bool] = False,
) -> Response:
    """Every event the filter selects, streamed (see ``audit.export_csv``); with
    ``excel=1`` as CSV for Norwegian Excel. A bad filter shows the page, which names
    the field."""
    values = _values(participant_id, user_id, action, from_, to)
    try:
        chosen = _filter(values)
    except InvalidInput:
        return await _page(request, values)
    if excel:
        return excel_csv_download(chosen, _)
    return csv_download(chosen)


route_handlers: list = [audit_page, audit_csv]
