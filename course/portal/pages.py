"""The participant's own pages under /p/{token}: no login, the personal link is the key.

One door over four domains: the sessions (participants), the guidance talks, the
evaluation to answer and the CV and plan to write. Everything here finds the person
from the link first; a revoked or expired link is gone (410) on the main page.
"""

from __future__ import annotations

from datetime import time

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from course import clock
from course.audit import services as audit
from course.cohorts import calendar
from course.documents import services as documents
from course.documents import views as document_views
from course.errors import Closed, Conflict, InvalidInput
from course.evaluations import services as evaluations
from course.evaluations import views as evaluation_views
from course.guidance import services as guidance
from course.participants import reflection
from course.participants import services as participants
from course.web.forms import ICS, PDF, PathId, Token, attachment, form_data, translated
from course.web.i18n import gettext


async def _schedule(token: str) -> participants.OwnPage:
    """Sessions and talks, in time order."""
    page = await participants.own_schedule(token)
    page.items += [
        participants.OwnItem(
            "talk",
            t.date,
            t.start_time.strftime("%H:%M"),
            t.end_time.strftime("%H:%M"),
            gettext("Guidance talk with %(name)s") % {"name": t.leader_name},
            t.location,
            t.cancelled,
            f"kjk-talk-{t.id}@klart-jeg-kan",
        )
        for t in await guidance.own_talks(page.participant_id)
    ]
    page.items.sort(key=lambda i: (i.date, i.start_time))
    return page


@get("/p/{token:str}", include_in_schema=False)
async def own_page(request: Request, token: Token) -> Response:
    try:
        page = await _schedule(token)
    except participants.LinkExpired:
        return Template("participants/own_gone.html", context={}, status_code=410)
    today = clock.today()
    return Template(
        "participants/own.html",
        context={
            "page": page,
            "token": token,
            "today": today,
            "evaluations": await evaluations.own_evaluations(page.participant_id, token),
            "documents": await documents.for_participant(page.participant_id),
            "consents": await participants.own_consents(page.participant_id),
            "reflections": await reflection.own_tasks(page.participant_id),
            # Innsyn: who at NAV has read or changed the CV and plan, the latest 50.
            "innsyn": await audit.innsyn(page.participant_id),
            "innsyn_limit": audit.INNSYN_LIMIT,
            "upcoming": [i for i in page.items if i.date >= today],
            "earlier": [i for i in page.items if i.date < today],
        },
    )


@get("/p/{token:str}/calendar.ics", include_in_schema=False, media_type=ICS)
async def own_calendar(request: Request, token: Token) -> Response:
    page = await _schedule(token)  # an expired link is simply not found here
    entries = [
        calendar.CalendarEntry(
            uid=i.uid,
            date=i.date,
            start=time.fromisoformat(i.start_time),
            end=time.fromisoformat(i.end_time),
            summary=i.title,
            location=i.location,
            description=gettext("Guest leader") + f": {i.guest_leader}" if i.guest_leader else "",
            cancelled=i.cancelled,
            sequence=i.sequence,
            modified=i.modified_at,
        )
        for i in page.items
    ]
    body = calendar.build_calendar("Klart jeg kan", entries)
    return Response(body, media_type=ICS, headers={"Content-Disposition": 'attachment; filename="klart-jeg-kan.ics"'})


# --- the evaluation ----------------------------------------------------------------------------


async def _own_evaluation(token: str, cohort_id: int) -> evaluations.OwnEvaluation:
    person = await participants.participant_for_token(token)
    return await evaluations.own_evaluation(person, token, cohort_id)


@get("/p/{token:str}/evaluation/{cohort_id:int}", include_in_schema=False)
async def own_evaluation_form(request: Request, token: Token, cohort_id: PathId) -> Response:
    if (await _own_evaluation(token, cohort_id)).answered:
        return evaluation_views.answered(back=f"/p/{token}")
    return evaluation_views.page(f"/p/{token}/evaluation/{cohort_id}", {}, {}, back=f"/p/{token}")


@post("/p/{token:str}/evaluation/{cohort_id:int}", include_in_schema=False)
async def own_evaluation_submit(request: Request, token: Token, cohort_id: PathId) -> Response:
    own = await _own_evaluation(token, cohort_id)
    data = await form_data(request)
    back = f"/p/{token}"
    if own.answered:
        return evaluation_views.answered(409, back=back)
    try:
        await evaluations.answer(own.token, *evaluation_views.form_values(data))
    except InvalidInput as exc:
        return evaluation_views.page(
            f"/p/{token}/evaluation/{cohort_id}", data, evaluation_views.form_errors(exc), 422, back=back
        )
    except Conflict as exc:
        return evaluation_views.refused(exc, back=back)
    except Closed:
        return evaluation_views.closed(back=back)
    return Template("evaluations/thanks.html", context={"back": back})


# --- the CV and the plan -------------------------------------------------------------------------


async def _actor(token: str) -> documents.Actor:
    return documents.Actor(participant_id=await participants.participant_for_token(token))


def _document_pages(kind: str) -> list:
    base = f"/p/{{token:str}}/documents/{{enrolment_id:int}}/{kind}"

    def links(token: str, enrolment_id: int) -> dict:
        return {"pdf_url": f"/p/{token}/documents/{enrolment_id}/{kind}.pdf"}

    @get(base, include_in_schema=False, name=f"own_{kind}_form")
    async def own_form(
        request: Request, token: Token, enrolment_id: PathId, saved: FromQuery[bool] = False
    ) -> Template:
        doc = await documents.get_document(await _actor(token), enrolment_id, kind)
        return document_views.form(
            kind,
            doc,
            f"/p/{token}/documents/{enrolment_id}/{kind}",
            f"/p/{token}",
            saved=saved,
            staff_view=False,
            **links(token, enrolment_id),
        )

    @post(base, include_in_schema=False, name=f"own_{kind}_submit")
    async def own_submit(request: Request, token: Token, enrolment_id: PathId) -> Response:
        return await document_views.submit(
            request,
            await _actor(token),
            enrolment_id,
            kind,
            f"/p/{token}/documents/{enrolment_id}/{kind}",
            f"/p/{token}",
            **links(token, enrolment_id),
        )

    @get(f"{base}.pdf", include_in_schema=False, media_type=PDF, name=f"own_{kind}_pdf")
    async def own_pdf(request: Request, token: Token, enrolment_id: PathId) -> Response:
        body, name = await documents.document_pdf(await _actor(token), enrolment_id, kind)
        return attachment(body, PDF, name)

    return [own_form, own_submit, own_pdf]


# --- reflection tasks ----------------------------------------------------------------------------


def _reflection_page(token: str, task: reflection.OwnTask, value: str, errors=None, saved=False, status=200):
    return Template(
        "participants/reflection_own.html",
        context={
            "token": token,
            "task": task,
            "value": value,
            "errors": errors or {},
            "saved": saved,
            "max_answer": reflection.MAX_ANSWER,
        },
        status_code=status,
    )


@get("/p/{token:str}/reflections/{enrolment_id:int}/{module:int}", include_in_schema=False)
async def own_reflection_form(
    request: Request, token: Token, enrolment_id: PathId, module: PathId, saved: FromQuery[bool] = False
) -> Template:
    person = await participants.participant_for_token(token)
    task = await reflection.own_task(person, enrolment_id, module)
    return _reflection_page(token, task, task.answer, saved=saved)


@post("/p/{token:str}/reflections/{enrolment_id:int}/{module:int}", include_in_schema=False)
async def own_reflection_submit(request: Request, token: Token, enrolment_id: PathId, module: PathId) -> Response:
    person = await participants.participant_for_token(token)
    data = await form_data(request)
    try:
        await reflection.save_own_answer(person, enrolment_id, module, data.get("text", ""))
    except InvalidInput as exc:
        task = await reflection.own_task(person, enrolment_id, module)
        return _reflection_page(token, task, data.get("text", ""), translated(exc), status=422)
    return Redirect(path=f"/p/{token}/reflections/{enrolment_id}/{module}?saved=1")


route_handlers = [
    own_page,
    own_calendar,
    own_evaluation_form,
    own_evaluation_submit,
    *_document_pages("cv"),
    *_document_pages("plan"),
    own_reflection_form,
    own_reflection_submit,
]
