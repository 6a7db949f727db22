"""Pages for the resource CV and the action plan: the same form for the cohort's
leaders (and the primary contact) and for the participant on their own page,
version history with restore for staff, PDF downloads, and the cohort's ZIP made in
the background with a progress page."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from course.documents import content as rules
from course.documents import services, views
from course.web.forms import PDF, ZIP, PathId, QueryId, Token, attachment
from course.web.guards import current_staff, see_people
from course.web.i18n import gettext as _

# --- staff ----------------------------------------------------------------------------------


def _staff_links(enrolment_id: int, kind: str) -> dict:
    return {
        "pdf_url": f"/enrolments/{enrolment_id}/{kind}.pdf",
        "versions_url": f"/enrolments/{enrolment_id}/{kind}/versions",
        "employer_url": f"/enrolments/{enrolment_id}/cv/employer" if kind == "cv" else "",
    }


def _staff_pages(kind: str) -> list:
    base = f"/enrolments/{{enrolment_id:int}}/{kind}"

    @get(base, guards=[see_people], include_in_schema=False)
    async def form(request: Request, enrolment_id: PathId, saved: FromQuery[bool] = False) -> Template:
        actor = services.Actor(staff=current_staff(request))
        doc = await services.get_document(actor, enrolment_id, kind)
        return views.form(
            kind,
            doc,
            f"/enrolments/{enrolment_id}/{kind}",
            f"/enrolments/{enrolment_id}",
            saved=saved,
            **_staff_links(enrolment_id, kind),
        )

    @post(base, guards=[see_people], include_in_schema=False)
    async def submit(request: Request, enrolment_id: PathId) -> Response:
        return await views.submit(
            request,
            services.Actor(staff=current_staff(request)),
            enrolment_id,
            kind,
            f"/enrolments/{enrolment_id}/{kind}",
            f"/enrolments/{enrolment_id}",
            **_staff_links(enrolment_id, kind),
        )

    @get(f"{base}/versions", guards=[see_people], include_in_schema=False)
    async def versions(request: Request, enrolment_id: PathId, number: QueryId = None) -> Template:
        actor = services.Actor(staff=current_staff(request))
        # The page names the document and its newest version; the reads it records are
        # of the list of versions and of the one shown.
        doc = await services.get_document(actor, enrolment_id, kind, record_read=False)
        shown = await services.get_version(actor, enrolment_id, kind, number) if number else None
        return Template(
            "documents/versions.html",
            context={
                "kind": kind,
                "title": _(views.TITLES[kind]),
                "doc": doc,
                "shown": shown,
                "versions": await services.list_versions(actor, enrolment_id, kind),
                "groups": views.groups(kind),
                "labels": _choice_labels(),
                "base": f"/enrolments/{enrolment_id}/{kind}",
            },
        )

    @post(f"{base}/versions/{{number:int}}/restore", guards=[see_people], include_in_schema=False)
    async def restore(request: Request, enrolment_id: PathId, number: PathId) -> Response:
        await services.restore_version(services.Actor(staff=current_staff(request)), enrolment_id, kind, number)
        return Redirect(path=f"/enrolments/{enrolment_id}/{kind}?saved=1")

    @get(f"{base}.pdf", guards=[see_people], include_in_schema=False, media_type=PDF)
    async def as_pdf(request: Request, enrolment_id: PathId) -> Response:
        body, name = await services.document_pdf(services.Actor(staff=current_staff(request)), enrolment_id, kind)
        return attachment(body, PDF, name)

    return [form, submit, versions, restore, as_pdf]


# --- the CV for employers ------------------------------------------------------------------------


@get("/enrolments/{enrolment_id:int}/cv/employer", guards=[see_people], include_in_schema=False)
async def employer_form(request: Request, enrolment_id: PathId, saved: FromQuery[bool] = False) -> Template:
    out = await services.get_employer_cv(services.Actor(staff=current_staff(request)), enrolment_id)
    return views.employer_form(
        out,
        f"/enrolments/{enrolment_id}/cv/employer",
        f"/enrolments/{enrolment_id}",
        pdf_url=f"/enrolments/{enrolment_id}/cv-employer.pdf",
        cv_url=f"/enrolments/{enrolment_id}/cv",
        saved=saved,
    )


@post("/enrolments/{enrolment_id:int}/cv/employer", guards=[see_people], include_in_schema=False)
async def employer_submit(request: Request, enrolment_id: PathId) -> Response:
    actor = services.Actor(staff=current_staff(request))
    return await views.employer_submit(request, actor, enrolment_id, f"/enrolments/{enrolment_id}/cv/employer")


@get("/enrolments/{enrolment_id:int}/cv-employer.pdf", guards=[see_people], include_in_schema=False, media_type=PDF)
async def employer_pdf(request: Request, enrolment_id: PathId) -> Response:
    body, name = await services.employer_cv_pdf(services.Actor(staff=current_staff(request)), enrolment_id)
    return attachment(body, PDF, name)


def _choice_labels() -> dict[str, str]:
    return {
        value: label
        for choices in (rules.EXPERIENCE_KINDS, rules.RESPONSIBLE, rules.MEASURE_STATUSES)
        for value, label in choices
    }


# --- a cohort's ZIP, made in the background ------------------------------------------------------


@post("/cohorts/{cohort_id:int}/documents/zip", guards=[see_people], include_in_schema=False)
async def start_zip(request: Request, cohort_id: PathId) -> Redirect:
    key = await services.start_zip_job(current_staff(request), cohort_id)
    return Redirect(path=f"/documents/zip/{key}", status_code=HTTP_303_SEE_OTHER)


@get("/cohorts/{cohort_id:int}/documents.zip", guards=[see_people], include_in_schema=False)
async def old_zip_link(cohort_id: PathId) -> Redirect:
    """Where the ZIP was once downloaded straight away: now the cohort page's button, which
    starts it in the background (a link followed must not start work by itself)."""
    return Redirect(path=f"/cohorts/{cohort_id}#participants")


@get("/documents/zip/{key:str}", guards=[see_people], include_in_schema=False)
async def zip_progress(request: Request, key: Token) -> Template:
    """The job's progress page; htmx asks for the status alone, every two seconds while it runs."""
    job = await services.zip_job(current_staff(request), key)
    partial = request.headers.get("hx-request") == "true"
    return Template("documents/_zip_status.html" if partial else "documents/zip_job.html", context={"job": job})


@get("/documents/zip/{key:str}/download", guards=[see_people], include_in_schema=False, media_type=ZIP)
async def zip_download(request: Request, key: Token) -> Response:
    body, name = await services.download_zip_job(current_staff(request), key)
    return attachment(body, ZIP, name)


route_handlers = [
    *_staff_pages("cv"),
    *_staff_pages("plan"),
    employer_form,
    employer_submit,
    employer_pdf,
    old_zip_link,
    start_zip,
    zip_progress,
    zip_download,
]
