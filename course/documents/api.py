"""JSON API for the resource CV and the action plan of an enrolment, their versions
and PDFs, and a cohort's PDFs as one ZIP. The same routes for both documents:
``/enrolments/{id}/cv…`` and ``/enrolments/{id}/plan…``."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, Router, get, post, put
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from course.web.guards import current_staff
from course.documents import services
from course.web.guards import see_people
from course.web.forms import PDF, ZIP, PathId, attachment



class DocumentIn(msgspec.Struct, forbid_unknown_fields=True):
    content: Any
    version: Any = None  # the version the change was made from; a newer one answers 409


class RestoreIn(msgspec.Struct, forbid_unknown_fields=True):
    version: Any = None


def _handlers(kind: str, what: str) -> list:
    base = f"/enrolments/{{enrolment_id:int}}/{kind}"

    @get(base, guards=[see_people], summary=f"The enrolment's {what} (version 0 until something is saved)")
    async def read(request: Request, enrolment_id: PathId) -> services.DocumentOut:
        return await services.get_document(services.Actor(staff=current_staff(request)), enrolment_id, kind)

    @put(base, guards=[see_people], summary=f"Save the {what} as a new version; 409 if `version` is not the newest")
    async def save(request: Request, enrolment_id: PathId, data: JSONBody[DocumentIn]) -> services.DocumentOut:
        return await services.save_document(services.Actor(staff=current_staff(request)), enrolment_id, kind,
                                            data.content, data.version)

    @get(f"{base}/versions", guards=[see_people], summary=f"The {what}'s versions, newest first")
    async def versions(request: Request, enrolment_id: PathId) -> list[services.VersionOut]:
        return await services.list_versions(services.Actor(staff=current_staff(request)), enrolment_id, kind)

    @get(f"{base}/versions/{{number:int}}", guards=[see_people], summary=f"One earlier version of the {what}")
    async def version(request: Request, enrolment_id: PathId, number: PathId) -> services.DocumentOut:
        return await services.get_version(services.Actor(staff=current_staff(request)), enrolment_id, kind, number)

    @post(f"{base}/versions/{{number:int}}/restore", guards=[see_people], status_code=HTTP_201_CREATED,
          summary=f"Make an earlier version of the {what} the newest, as a new version")
    async def restore(request: Request, enrolment_id: PathId, number: PathId,
                      data: JSONBody[RestoreIn | None] = None) -> services.DocumentOut:
        return await services.restore_version(services.Actor(staff=current_staff(request)), enrolment_id, kind,
                                              number, data.version if data else None)

    @get(f"{base}.pdf", guards=[see_people], media_type=PDF, summary=f"The {what} as PDF (A4)")
    async def as_pdf(request: Request, enrolment_id: PathId) -> Response:
        body, name = await services.document_pdf(services.Actor(staff=current_staff(request)), enrolment_id, kind)
        return attachment(body, PDF, name)

    return [read, save, versions, version, restore, as_pdf]


@get("/cohorts/{cohort_id:int}/documents.zip", guards=[see_people], media_type=ZIP,
     summary="Every CV and action plan of the cohort as PDFs in one ZIP")
async def cohort_zip(request: Request, cohort_id: PathId) -> Response:
    body, name = await services.cohort_zip(current_staff(request), cohort_id)
    return attachment(body, ZIP, name)


documents_api = Router(path="/", tags=["documents"], route_handlers=[
    *_handlers("cv", "resource CV"), *_handlers("plan", "action plan"), cohort_zip])
