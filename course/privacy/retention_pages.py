"""Retention: extending how long a participant's data is kept, with a reason. The
state and the form are on the participant's page (``privacy/_retention.html``); a
form with mistakes comes back on a page of its own."""

from __future__ import annotations

from litestar import Request, Response, post
from litestar.response import Template

from course.errors import N_, InvalidInput
from course.participants import services as participants
from course.web import flash
from course.web.forms import PathId, form_data, translated
from course.web.guards import current_staff, see_people


@post("/participants/{participant_id:int}/retention", guards=[see_people], include_in_schema=False)
async def extend_retention(request: Request, participant_id: PathId) -> Response:
    staff = current_staff(request)
    data = await form_data(request)
    try:
        await participants.extend_retention(staff, participant_id, data.get("until", ""), data.get("reason", ""))
    except InvalidInput as exc:
        return Template(
            "privacy/retention.html",
            context={
                "retention": await participants.retention_state(staff, participant_id),
                "retention_errors": translated(exc),
                "retention_values": data,
            },
            status_code=422,
        )
    return flash.redirect(request, f"/participants/{participant_id}#retention", N_("The data is kept longer."))


route_handlers: list = [extend_retention]
