"""The participant's own pages under /p/{token}: no login, the personal link is the key.

One door over four domains: the sessions (participants), the guidance talks, the
evaluation to answer and the CV and plan to write. Everything here finds the person
from the link first; a revoked or expired link is gone (410) on the main page.
"""

from __future__ import annotations

from datetime import time

from litestar import Request, Response, Router, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from course import clock
from course.audit import services as audit
from course.cohorts import calendar
from course.documents import services as documents
from course.documents import views as document_views
from course.errors import N_, Closed, Conflict, InvalidInput, NotFound
from course.evaluations import services as evaluations
from course.evaluations import views as evaluation_views
from course.guidance import services as guidance
from course.participants import reflection
from course.participants import services as participants
from course.web import flash
from course.web.forms import ICS, NO_COOKIE, PDF, PathId, Token, attachment, form_data, translated
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
            sequence=calendar.sequence_between(t.created_at, t.changed_at),
            modified_at=t.changed_at,
        )
        for t in await guidance.own_talks(page.participant_id)
    ]
    page.items.sort(key=lambda i: (i.date, i.start_time))
    return page


async def _own_page(
    token: str, contact_values: dict | None = None, contact_errors: dict | None = None, status: int = 200
) -> Response:
    try:
        page = await _schedule(token)
    except participants.LinkExpired:
        return Template("participants/own_gone.html", context={}, status_code=410)
    today = clock.today()
    contact = await participants.own_contact(page.participant_id)
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
            # The contact details the participant may correct, and the channels they consented to.
            "contact": contact,
            "contact_values": contact_values
            or {"phone": contact.phone, "email": contact.email, "preferred_channel": contact.preferred_channel},
            "contact_errors": contact_errors or {},
            "channels": participants.rules.CHANNEL_LABELS,
        },
        status_code=status,
    )


@get("/p/{token:str}", include_in_schema=False)
async def own_page(request: Request, token: Token) -> Response:
    return await _own_page(token)


@post("/p/{token:str}/contact", include_in_schema=False)
async def own_contact_submit(request: Request, token: Token) -> Response:
    """The participant corrects their phone number, e-mail and preferred channel."""
    data = await form_data(request)
    values = {name: data.get(name, "") for name in ("phone", "email", "preferred_channel")}
    try:
        await participants.update_own_contact(token, participants.OwnContactInput(**values))
    except participants.LinkExpired:
        return Template("participants/own_gone.html", context={}, status_code=410)
    except InvalidInput as exc:
        return await _own_page(token, values, translated(exc), 422)
    return flash.redirect(request, f"/p/{token}#contact", N_("Saved."))


@get("/p/{token:str}/calendar.ics", include_in_schema=False, media_type=ICS, opt=NO_COOKIE)
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
    return Redirect(path=f"/p/{token}/evaluation/{cohort_id}/thanks", status_code=303)  # post/redirect/get


@get("/p/{token:str}/evaluation/{cohort_id:int}/thanks", include_in_schema=False)
async def own_evaluation_thanks(token: Token, cohort_id: PathId) -> Response:
    if not (await _own_evaluation(token, cohort_id)).answered:
        return Redirect(path=f"/p/{token}/evaluation/{cohort_id}", status_code=303)
    return evaluation_views.thanks(back=f"/p/{token}")


# --- the CV and the plan -------------------------------------------------------------------------


async def _actor(token: str) -> documents.Actor:
    return documents.Actor(participant_id=await participants.participant_for_token(token))


def _document_pages(kind: str) -> list:
    base = f"/p/{{token:str}}/documents/{{enrolment_id:int}}/{kind}"

    def links(token: str, enrolment_id: int) -> dict:
        return {
            "pdf_url": f"/p/{token}/documents/{enrolment_id}/{kind}.pdf",
            "employer_url": f"/p/{token}/documents/{enrolment_id}/cv/employer" if kind == "cv" else "",
        }

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


@get("/p/{token:str}/documents/{enrolment_id:int}/cv/employer", include_in_schema=False)
async def own_employer_form(
    request: Request, token: Token, enrolment_id: PathId, saved: FromQuery[bool] = False
) -> Template:
    out = await documents.get_employer_cv(await _actor(token), enrolment_id)
    return document_views.employer_form(
        out,
        f"/p/{token}/documents/{enrolment_id}/cv/employer",
        f"/p/{token}",
        pdf_url=f"/p/{token}/documents/{enrolment_id}/cv-employer.pdf",
        cv_url=f"/p/{token}/documents/{enrolment_id}/cv",
        staff_view=False,
        saved=saved,
    )


@post("/p/{token:str}/documents/{enrolment_id:int}/cv/employer", include_in_schema=False)
async def own_employer_submit(request: Request, token: Token, enrolment_id: PathId) -> Response:
    return await document_views.employer_submit(
        request, await _actor(token), enrolment_id, f"/p/{token}/documents/{enrolment_id}/cv/employer"
    )


@get("/p/{token:str}/documents/{enrolment_id:int}/cv-employer.pdf", include_in_schema=False, media_type=PDF)
async def own_employer_pdf(request: Request, token: Token, enrolment_id: PathId) -> Response:
    body, name = await documents.employer_cv_pdf(await _actor(token), enrolment_id)
    return attachment(body, PDF, name)


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


def link_not_found(request: Request, exc: Exception) -> Response:
    """An unknown link (or a page it does not lead to) answers the participant's own 404:
    what to do, and no way into the staff's pages."""
    return Template("portal/not_found.html", context={}, status_code=404)


portal_pages = [
    own_page,
    own_contact_submit,
    own_calendar,
    own_evaluation_form,
    own_evaluation_submit,
    own_evaluation_thanks,
    *_document_pages("cv"),
    *_document_pages("plan"),
    own_employer_form,
    own_employer_submit,
    own_employer_pdf,
    own_reflection_form,
    own_reflection_submit,
]
# One router for them all, so that every page under /p/ answers its own 404.
route_handlers = [Router(path="/", route_handlers=portal_pages, exception_handlers={NotFound: link_not_found})]
