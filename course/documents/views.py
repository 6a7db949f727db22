"""The CV and plan form, shared by the staff pages and the participant's own pages."""

from __future__ import annotations

from litestar import Request, Response
from litestar.response import Redirect, Template

from course.cohorts.schedule import MODULES
from course.documents import content as rules
from course.documents import services
from course.errors import Conflict, InvalidInput
from course.validation import whole_number
from course.web.forms import form_data, translated
from course.web.i18n import gettext as _

TITLES = {"cv": "Resource CV", "plan": "Action plan"}
SPARE_ROWS = 2


def rows_shown(doc_content: dict, values: dict | None) -> dict[str, int]:
    """How many rows each table shows: what is there, and two empty ones to add to."""
    counts = {}
    for section in rules.SECTIONS_ROWS:
        shown = whole_number(values.get(f"{section.key}-rows", "")) if values is not None else None
        if shown is not None:
            counts[section.key] = min(shown, rules.MAX_ITEMS + 1)
        else:
            counts[section.key] = len(doc_content.get(section.key) or []) + SPARE_ROWS
    return counts


def form_values(kind: str, content: dict) -> dict[str, str]:
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


def groups(kind: str) -> list[tuple[str | None, str | None, list[rules.Section]]]:
    """(anchor, heading, sections): the CV's sections under the module where they come
    up, so ``#module-4`` jumps to what to fill in after session 4; the plan as one group."""
    if kind == "plan":
        return [(None, None, list(rules.PLAN))]
    by_module: dict[int, list] = {}
    for section in rules.CV:
        if section.module is not None:
            by_module.setdefault(section.module, []).append(section)
    return [
        (f"module-{m}", _("Module %(number)s: %(name)s") % {"number": m, "name": _(MODULES[m - 1])}, sections)
        for m, sections in sorted(by_module.items())
    ]


def form(
    kind: str,
    doc: services.DocumentOut,
    action: str,
    back: str,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    status: int = 200,
    staff_view: bool = True,
    saved: bool = False,
    conflict: str | None = None,
    pdf_url: str = "",
    versions_url: str = "",
    employer_url: str = "",
) -> Template:
    return Template(
        "documents/form.html",
        status_code=status,
        context={
            "kind": kind,
            "title": _(TITLES[kind]),
            "doc": doc,
            "action": action,
            "back": back,
            "values": values if values is not None else form_values(kind, doc.content),
            "rows": rows_shown(doc.content, values),
            "errors": errors or {},
            "groups": groups(kind),
            "error_labels": error_labels(kind, errors or {}),
            "staff_view": staff_view,
            "saved": saved,
            "conflict": conflict,
            "pdf_url": pdf_url,
            "versions_url": versions_url,
            "employer_url": employer_url,
            "max_rows": rules.MAX_ITEMS,
        },
    )


def field_errors(exc: InvalidInput) -> dict[str, str]:
    return {rules.form_key(key): message for key, message in translated(exc).items()}


def error_labels(kind: str, errors: dict[str, str]) -> dict[str, str]:
    """What the error summary calls each field: "Measures, row 2: What"."""
    labels = {s.key: _(s.label) for s in rules.SECTIONS[kind]}
    for key in errors:
        parts = key.split("-")
        section = next((s for s in rules.SECTIONS[kind] if s.key == parts[0]), None)
        if section and len(parts) == 3 and whole_number(parts[1]) is not None:
            column = next((c for c in section.columns if c.key == parts[2]), None)
            labels[key] = _("%(section)s, row %(n)s: %(column)s") % {
                "section": _(section.label),
                "n": int(parts[1]) + 1,
                "column": _(column.label) if column else parts[2],
            }
    return labels


async def submit(
    request: Request, actor: services.Actor, enrolment_id: int, kind: str, action: str, back: str, **links
) -> Response:
    data = await form_data(request)
    version = whole_number(data.get("version", ""))
    try:
        await services.save_document(actor, enrolment_id, kind, rules.from_form(kind, data), version)
    except InvalidInput as exc:
        doc = await services.get_document(actor, enrolment_id, kind, record_read=False)  # shows what was typed
        doc.version = version if version is not None else doc.version
        return form(
            kind,
            doc,
            action,
            back,
            values=data,
            errors=field_errors(exc),
            status=422,
            staff_view=actor.staff is not None,
            **links,
        )
    except Conflict as exc:
        # Keep what they typed; the next save, made knowingly, goes on top of the newest version.
        doc = await services.get_document(actor, enrolment_id, kind, record_read=False)  # shows what was typed
        return form(
            kind,
            doc,
            action,
            back,
            values=data,
            status=409,
            staff_view=actor.staff is not None,
            conflict=exc.text(_),
            **links,
        )
    return Redirect(path=f"{action}?saved=1")


# --- the CV for employers ------------------------------------------------------------------------


def employer_choice_from_form(data: dict[str, str]) -> tuple[list[str], dict[str, bool]]:
    """The sections and contact details ticked in the form: a box ticked is sent, one not
    ticked is not, so the form always says the whole choice."""
    sections = [key for key in rules.EMPLOYER_SECTIONS if data.get(f"section-{key}")]
    contact = {key: bool(data.get(f"contact-{key}")) for key, _ in rules.CONTACT_FIELDS}
    return sections, contact


def employer_form(
    out: services.EmployerCvOut,
    action: str,
    back: str,
    *,
    pdf_url: str,
    cv_url: str,
    staff_view: bool = True,
    saved: bool = False,
) -> Template:
    labels = {s.key: s.label for s in rules.CV}
    return Template(
        "documents/employer_cv.html",
        context={
            "out": out,
            "action": action,
            "back": back,
            "pdf_url": pdf_url,
            "cv_url": cv_url,
            "staff_view": staff_view,
            "saved": saved,
            "section_labels": labels,
            "contact_fields": rules.CONTACT_FIELDS,
        },
    )


async def employer_submit(request: Request, actor: services.Actor, enrolment_id: int, action: str) -> Response:
    """Save the ticked boxes (the form offers only what may be chosen) and show the form again."""
    sections, contact = employer_choice_from_form(await form_data(request))
    await services.save_employer_cv(actor, enrolment_id, sections, contact)
    return Redirect(path=f"{action}?saved=1")
