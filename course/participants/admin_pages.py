"""The administrator's pages for the participants domain: the consent texts. And the
consent form to print, for course leaders and admins."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Redirect, Template

from course import clock
from course.errors import Conflict, InvalidInput, NotFound
from course.participants import rules, services
from course.web.forms import PDF, attachment, form_data, translated
from course.web.guards import admin_only, current_staff, see_people
from course.web.i18n import gettext

# A version's file: ``2026-1.pdf``.
VersionFile = Annotated[str, PathParameter(max_length=60)]


async def _texts_page(request: Request, values: dict | None = None, errors: dict | None = None, status: int = 200):
    texts = await services.list_consent_texts(current_staff(request))
    if values is None:
        # A new version starts from the words of the newest one.
        newest = texts[0] if texts else None
        values = {"effective_from": clock.today().isoformat()}
        if newest:
            values |= {name: getattr(newest, name) for name in ("intro", *rules.TEXT_FIELDS)}
    return Template(
        "participants/consent_texts.html",
        context={
            "texts": texts,
            "values": values,
            "errors": errors or {},
            "scopes": rules.SCOPE_LABELS,
            "text_labels": rules.TEXT_LABELS,
            "created": request.query_params.get("created"),
            "limits": {
                "intro": services.CONSENT_INTRO_MAX,
                "scope": services.CONSENT_SCOPE_MAX,
                "contact": services.CONSENT_CONTACT_MAX,
            },
        },
        status_code=status,
    )


@get("/admin/consent-texts", guards=[admin_only], include_in_schema=False)
async def consent_texts_page(request: Request) -> Template:
    return await _texts_page(request)


@post("/admin/consent-texts", guards=[admin_only], include_in_schema=False)
async def create_consent_text(request: Request) -> Response:
    data = await form_data(request)
    fields = {name: data.get(name, "") for name in ("version", "effective_from", "intro", *rules.TEXT_FIELDS)}
    try:
        text = await services.create_consent_text(current_staff(request), services.ConsentTextInput(**fields))
    except InvalidInput as exc:
        return await _texts_page(request, fields, translated(exc), 422)
    except Conflict as exc:
        return await _texts_page(request, fields, {exc.field or "version": exc.text(gettext)}, 409)
    return Redirect(path=f"/admin/consent-texts?created={text.version}")


async def _pdf(request: Request, version: str | None) -> Response:
    body, name = await services.consent_form_pdf(current_staff(request), version)
    return attachment(body, PDF, name)


@get("/consent-form.pdf", guards=[see_people], include_in_schema=False, media_type=PDF)
async def consent_form(request: Request) -> Response:
    """The consent form of the version in force, to print and sign."""
    return await _pdf(request, None)


@get("/consent-texts/{file:str}", guards=[see_people], include_in_schema=False, media_type=PDF)
async def consent_text_form(request: Request, file: VersionFile) -> Response:
    """The consent form of one version: ``/consent-texts/2026-1.pdf``."""
    if not file.endswith(".pdf"):
        raise NotFound
    return await _pdf(request, file.removesuffix(".pdf"))


route_handlers: list = [consent_texts_page, create_consent_text, consent_form, consent_text_form]
