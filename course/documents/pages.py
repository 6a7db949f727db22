"""Pages for the resource CV and the action plan: the same form for the cohort's
leaders (and the primary contact) and for the participant on their own page,
version history with restore for staff, PDF downloads and the cohort's ZIP."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get, post
from litestar.params import FromQuery, PathParameter
from litestar.response import Redirect, Template

from course.accounts.auth import current_staff
from course.cohorts.schedule import MODULES
from course.documents import content as rules
from course.documents import services
from course.documents.api import PDF, ZIP
from course.errors import Conflict, InvalidInput
from course.participants import services as participants
from course.participants.api import see_people
from course.validation import whole_number
from course.web.forms import PathId, QueryId, attachment, form_data, translated
from course.web.i18n import gettext as _

Token = Annotated[str, PathParameter(max_length=120)]
TITLES = {"cv": "Resource CV", "plan": "Action plan"}
SPARE_ROWS = 2


def _rows_shown(doc_content: dict, values: dict | None) -> dict[str, int]:
    """How many rows each table shows: what is there, and two empty ones to add to."""
    counts = {}
    for section in rules.SECTIONS_ROWS:
        shown = whole_number(values.get(f"{section.key}-rows", "")) if values is not None else None
        if shown is not None:
            counts[section.key] = min(shown, rules.MAX_ITEMS + 1)
        else:
            counts[section.key] = len(doc_content.get(section.key) or []) + SPARE_ROWS
    return counts


def _form_values(kind: str, content: dict) -> dict[str, str]:
    """The saved content as the form's field values."""
    values: dict[str, str] = {}
    for section in rules.SECTIONS[kind]:
        value = content.get(section.key)
        if section.kind == "lines":
            values[section.key] = "\n".join(value or [])
        elif section.kind == "rows":
            values[f"{section.key}-rows"] = str(len(value or []) + SPARE_ROWS)
            for i, row in enumerate(value or []):
                for column in section.columns:
                    values[f"{section.key}-{i}-{column.key}"] = row.get(column.key) or ""
        else:
            values[section.key] = value or ""
    return values


def _groups(kind: str) -> list[tuple[str | None, str | None, list[rules.Section]]]:
    """(anchor, heading, sections): the CV's sections under the module where they come
    up, so ``#module-4`` jumps to what to fill in after session 4; the plan as one group."""
    if kind == "plan":
        return [(None, None, list(rules.PLAN))]
    groups: dict[int, list] = {}
    for section in rules.CV:
        groups.setdefault(section.module, []).append(section)
    return [(f"module-{m}", _("Module %(number)s: %(name)s") % {"number": m, "name": _(MODULES[m - 1])}, sections)
            for m, sections in sorted(groups.items())]


def _form(kind: str, doc: services.DocumentOut, action: str, back: str, *, values: dict | None = None,
          errors: dict | None = None, status: int = 200, staff_view: bool = True, saved: bool = False,
          conflict: str | None = None, pdf_url: str = "", versions_url: str = "") -> Template:
    return Template("documents/form.html", status_code=status, context={
        "kind": kind, "title": _(TITLES[kind]), "doc": doc, "action": action, "back": back,
        "values": values if values is not None else _form_values(kind, doc.content),
        "rows": _rows_shown(doc.content, values), "errors": errors or {}, "groups": _groups(kind),
        "error_labels": _error_labels(kind, errors or {}),
        "staff_view": staff_view, "saved": saved, "conflict": conflict, "pdf_url": pdf_url,
        "versions_url": versions_url,
    })


def _errors(exc: InvalidInput) -> dict[str, str]:
    return {rules.form_key(key): message for key, message in translated(exc).items()}


def _error_labels(kind: str, errors: dict[str, str]) -> dict[str, str]:
    """What the error summary calls each field: "Measures, row 2: What"."""
    labels = {s.key: _(s.label) for s in rules.SECTIONS[kind]}
    for key in errors:
        parts = key.split("-")
        section = next((s for s in rules.SECTIONS[kind] if s.key == parts[0]), None)
        if section and len(parts) == 3 and whole_number(parts[1]) is not None:
            column = next((c for c in section.columns if c.key == parts[2]), None)
            labels[key] = _("%(section)s, row %(n)s: %(column)s") % {
                "section": _(section.label), "n": int(parts[1]) + 1, "column": _(column.label) if column else parts[2]}
    return labels


async def _submit(request: Request, actor: services.Actor, enrolment_id: int, kind: str, action: str, back: str,
                  **links) -> Response:
    data = await form_data(request)
    version = whole_number(data.get("version", ""))
    try:
        await services.save_document(actor, enrolment_id, kind, rules.from_form(kind, data), version)
    except InvalidInput as exc:
        doc = await services.get_document(actor, enrolment_id, kind)
        doc.version = version if version is not None else doc.version
        return _form(kind, doc, action, back, values=data, errors=_errors(exc), status=422,
                     staff_view=actor.staff is not None, **links)
    except Conflict as exc:
        # Keep what they typed; the next save, made knowingly, goes on top of the newest version.
        doc = await services.get_document(actor, enrolment_id, kind)
        return _form(kind, doc, action, back, values=data, status=409, staff_view=actor.staff is not None,
                     conflict=exc.text(_), **links)
    return Redirect(path=f"{action}?saved=1")


# --- staff ----------------------------------------------------------------------------------


def _staff_links(enrolment_id: int, kind: str) -> dict:
    return {"pdf_url": f"/enrolments/{enrolment_id}/{kind}.pdf",
            "versions_url": f"/enrolments/{enrolment_id}/{kind}/versions"}


def _staff_pages(kind: str) -> list:
    base = f"/enrolments/{{enrolment_id:int}}/{kind}"

    @get(base, guards=[see_people], include_in_schema=False)
    async def form(request: Request, enrolment_id: PathId, saved: FromQuery[bool] = False) -> Template:
        actor = services.Actor(staff=current_staff(request))
        doc = await services.get_document(actor, enrolment_id, kind)
        return _form(kind, doc, f"/enrolments/{enrolment_id}/{kind}", f"/enrolments/{enrolment_id}",
                     saved=saved, **_staff_links(enrolment_id, kind))

    @post(base, guards=[see_people], include_in_schema=False)
    async def submit(request: Request, enrolment_id: PathId) -> Response:
        return await _submit(request, services.Actor(staff=current_staff(request)), enrolment_id, kind,
                             f"/enrolments/{enrolment_id}/{kind}", f"/enrolments/{enrolment_id}",
                             **_staff_links(enrolment_id, kind))

    @get(f"{base}/versions", guards=[see_people], include_in_schema=False)
    async def versions(request: Request, enrolment_id: PathId, number: QueryId = None) -> Template:
        actor = services.Actor(staff=current_staff(request))
        doc = await services.get_document(actor, enrolment_id, kind)
        shown = await services.get_version(actor, enrolment_id, kind, number) if number else None
        return Template("documents/versions.html", context={
            "kind": kind, "title": _(TITLES[kind]), "doc": doc, "shown": shown,
            "versions": await services.list_versions(actor, enrolment_id, kind), "groups": _groups(kind),
            "labels": _choice_labels(), "base": f"/enrolments/{enrolment_id}/{kind}",
        })

    @post(f"{base}/versions/{{number:int}}/restore", guards=[see_people], include_in_schema=False)
    async def restore(request: Request, enrolment_id: PathId, number: PathId) -> Response:
        await services.restore_version(services.Actor(staff=current_staff(request)), enrolment_id, kind, number)
        return Redirect(path=f"/enrolments/{enrolment_id}/{kind}?saved=1")

    @get(f"{base}.pdf", guards=[see_people], include_in_schema=False, media_type=PDF)
    async def as_pdf(request: Request, enrolment_id: PathId) -> Response:
        body, name = await services.document_pdf(services.Actor(staff=current_staff(request)), enrolment_id, kind)
        return attachment(body, PDF, name)

    return [form, submit, versions, restore, as_pdf]


def _choice_labels() -> dict[str, str]:
    return {value: label for choices in (rules.EXPERIENCE_KINDS, rules.RESPONSIBLE, rules.MEASURE_STATUSES)
            for value, label in choices}


@get("/cohorts/{cohort_id:int}/documents.zip", guards=[see_people], include_in_schema=False, media_type=ZIP)
async def cohort_zip(request: Request, cohort_id: PathId) -> Response:
    body, name = await services.cohort_zip(current_staff(request), cohort_id)
    return attachment(body, ZIP, name)


# --- the participant, on their own page -------------------------------------------------------


async def _participant(token: str) -> services.Actor:
    return services.Actor(participant_id=await participants.participant_for_token(token))


def _own_pages(kind: str) -> list:
    base = f"/p/{{token:str}}/documents/{{enrolment_id:int}}/{kind}"

    def links(token: str, enrolment_id: int) -> dict:
        return {"pdf_url": f"/p/{token}/documents/{enrolment_id}/{kind}.pdf"}

    @get(base, include_in_schema=False)
    async def own_form(request: Request, token: Token, enrolment_id: PathId, saved: FromQuery[bool] = False) -> Template:
        actor = await _participant(token)
        doc = await services.get_document(actor, enrolment_id, kind)
        return _form(kind, doc, f"/p/{token}/documents/{enrolment_id}/{kind}", f"/p/{token}", saved=saved,
                     staff_view=False, **links(token, enrolment_id))

    @post(base, include_in_schema=False)
    async def own_submit(request: Request, token: Token, enrolment_id: PathId) -> Response:
        return await _submit(request, await _participant(token), enrolment_id, kind,
                             f"/p/{token}/documents/{enrolment_id}/{kind}", f"/p/{token}", **links(token, enrolment_id))

    @get(f"{base}.pdf", include_in_schema=False, media_type=PDF)
    async def own_pdf(request: Request, token: Token, enrolment_id: PathId) -> Response:
        body, name = await services.document_pdf(await _participant(token), enrolment_id, kind)
        return attachment(body, PDF, name)

    return [own_form, own_submit, own_pdf]


route_handlers = [*_staff_pages("cv"), *_staff_pages("plan"), cohort_zip, *_own_pages("cv"), *_own_pages("plan")]
