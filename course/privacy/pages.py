"""Pages for a participant's data as a whole: the export as PDF, erasure and
retention extensions."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from course.errors import Forbidden, InvalidInput
from course.participants import services as participants
from course.privacy import erasure
from course.privacy import export as exports
from course.web.forms import PDF, PathId, attachment, form_data, translated
from course.web.guards import current_staff, see_people


@get("/participants/{participant_id:int}/export.pdf", guards=[see_people], include_in_schema=False)
async def export_pdf(request: Request, participant_id: PathId) -> Response:
    """Everything held about the participant, to hand to them; the export is audited."""
    body, name = await exports.export_pdf(current_staff(request), participant_id)
    return attachment(body, PDF, name)


async def _erase_page(request: Request, participant_id: int, values: dict, errors: dict, status: int = 200):
    staff = current_staff(request)
    if not await erasure.may_erase(staff, participant_id):
        raise Forbidden
    person = await participants.get_participant(staff, participant_id)
    return Template(
        "privacy/erase.html",
        context={"person": person, "values": values, "errors": errors},
        status_code=status,
    )


@get("/participants/{participant_id:int}/erase", guards=[see_people], include_in_schema=False)
async def erase_form(request: Request, participant_id: PathId) -> Template:
    return await _erase_page(request, participant_id, {}, {})


@post("/participants/{participant_id:int}/erase", guards=[see_people], include_in_schema=False)
async def erase(request: Request, participant_id: PathId) -> Response:
    data = await form_data(request)
    try:
        await erasure.erase(current_staff(request), participant_id, data.get("reason", ""))
    except InvalidInput as exc:
        return await _erase_page(request, participant_id, data, translated(exc), 422)
    return Redirect(path="/participants?erased=1")


route_handlers: list = [export_pdf, erase_form, erase]
