"""JSON API for the resource CV and the action plan of an enrolment, their versions
and PDFs, and a cohort's PDFs as one ZIP. The same routes for both documents:
``/enrolments/{id}/cv…`` and ``/enrolments/{id}/plan…``."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Response, Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from course.accounts.schemas import Staff
from course.documents import content as rules
from course.documents import services
from course.errors import N_, InvalidInput
from course.validation import MAX_ID
from course.web.forms import PDF, ZIP, PathId, attachment
from course.web.guards import see_people
from course.web.openapi import error_responses


def _column(column: rules.Column):
    if column.kind == "choice":
        values = tuple(value for value, _ in column.choices)
        return Annotated[
            Literal[(*values, "")] | None,
            msgspec.Meta(description=f"{column.label}: one of {', '.join(values)}, or empty"),
        ]
    if column.kind == "date":
        return Annotated[str | None, msgspec.Meta(description=f"{column.label}: a date as YYYY-MM-DD, or empty")]
    if column.kind == "text":
        return Annotated[
            str | None,
            msgspec.Meta(description=f"{column.label}: at most {rules.MAX_CELL_TEXT} characters, lines kept"),
        ]
    return Annotated[str | None, msgspec.Meta(description=f"{column.label}: at most {rules.MAX_LINE} characters")]


def _section(kind: str, section: rules.Section):
    about = f"{section.label}. {section.hint}".strip() if section.hint else section.label
    if section.kind == "rows":
        row = msgspec.defstruct(
            f"{kind.capitalize()}{section.key.title().replace('_', '')}Row",
            [(column.key, _column(column), None) for column in section.columns],
            forbid_unknown_fields=True,
            module=__name__,
        )
        return Annotated[list[row], msgspec.Meta(max_length=rules.MAX_ITEMS, description=about)] | None  # type: ignore[valid-type]  # a struct made at import from the rules
    if section.kind == "lines":
        return (
            Annotated[
                list[str | None],
                msgspec.Meta(
                    max_length=rules.MAX_ITEMS, description=f"{about} (lines of at most {rules.MAX_LINE} characters)"
                ),
            ]
            | None
        )
    if section.kind == "date":
        return Annotated[str | None, msgspec.Meta(description=f"{about} (a date as YYYY-MM-DD, or empty)")]
    limit = rules.MAX_TEXT if section.kind == "text" else rules.MAX_LINE
    return Annotated[str | None, msgspec.Meta(description=f"{about} (at most {limit} characters)")]


def _content(kind: str) -> type[msgspec.Struct]:
    """The document's content as an object of its sections, made from the sections
    ``course.documents.content`` defines; their rules stay there."""
    return msgspec.defstruct(
        f"{kind.capitalize()}Content",
        [(section.key, _section(kind, section), None) for section in rules.SECTIONS[kind]],
        forbid_unknown_fields=True,
        module=__name__,
    )


Version = (
    Annotated[
        int,
        msgspec.Meta(
            ge=0,
            le=MAX_ID,
            description="The version the change was made from (0: nothing saved yet); a newer one answers 409",
        ),
    ]
    | None
)


class RestoreIn(msgspec.Struct, forbid_unknown_fields=True):
    version: Version = None


# What a save takes, for each kind of document: its content and the version it was made from.
DOCUMENT_IN = {
    kind: msgspec.defstruct(
        f"{kind.capitalize()}In",
        [("content", _content(kind)), ("version", Version, None)],
        forbid_unknown_fields=True,
        module=__name__,
    )
    for kind in rules.KINDS
}


def _handlers(kind: str, what: str) -> list:
    base = f"/enrolments/{{enrolment_id:int}}/{kind}"

    @get(
        base,
        guards=[see_people],
        summary=f"The enrolment's {what} (version 0 until something is saved)",
        responses=error_responses(400, 401, 403, 404),
    )
    async def read(staff: NamedDependency[Staff], enrolment_id: PathId) -> services.DocumentOut:
        return await services.get_document(services.Actor(staff=staff), enrolment_id, kind)

    # The body's type is the kind's own (CvIn or PlanIn), named for the signature here.
    @put(
        base,
        guards=[see_people],
        summary=f"Save the {what} as a new version; `version` is required, 409 if it is not the newest",
        responses=error_responses(400, 401, 403, 404, 409, 422),
        signature_namespace={"DocumentIn": DOCUMENT_IN[kind]},
    )
    async def save(
        staff: NamedDependency[Staff],
        enrolment_id: PathId,
        data: JSONBody[DocumentIn],  # type: ignore[name-defined]  # noqa: F821 (in signature_namespace)
    ) -> services.DocumentOut:
        if data.version is None:  # without it, a save would overwrite someone else's unseen
            raise InvalidInput({"version": N_("Give the version you started from (0 when nothing is saved yet).")})
        return await services.save_document(
            services.Actor(staff=staff), enrolment_id, kind, msgspec.to_builtins(data.content), data.version
        )

    @get(
        f"{base}/versions",
        guards=[see_people],
        summary=f"The {what}'s versions, newest first",
        responses=error_responses(400, 401, 403, 404),
    )
    async def versions(staff: NamedDependency[Staff], enrolment_id: PathId) -> list[services.VersionOut]:
        return await services.list_versions(services.Actor(staff=staff), enrolment_id, kind)

    @get(
        f"{base}/versions/{{number:int}}",
        guards=[see_people],
        summary=f"One earlier version of the {what}",
        responses=error_responses(400, 401, 403, 404),
    )
    async def version(staff: NamedDependency[Staff], enrolment_id: PathId, number: PathId) -> services.DocumentOut:
        return await services.get_version(services.Actor(staff=staff), enrolment_id, kind, number)

    @post(
        f"{base}/versions/{{number:int}}/restore",
        guards=[see_people],
        status_code=HTTP_201_CREATED,
        summary=f"Make an earlier version of the {what} the newest, as a new version",
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def restore(
        staff: NamedDependency[Staff], enrolment_id: PathId, number: PathId, data: JSONBody[RestoreIn | None] = None
    ) -> services.DocumentOut:
        return await services.restore_version(
            services.Actor(staff=staff), enrolment_id, kind, number, data.version if data else None
        )

    @get(
        f"{base}.pdf",
        guards=[see_people],
        media_type=PDF,
        summary=f"The {what} as PDF (A4)",
        responses=error_responses(400, 401, 403, 404),
    )
    async def as_pdf(staff: NamedDependency[Staff], enrolment_id: PathId) -> Response:
        body, name = await services.document_pdf(services.Actor(staff=staff), enrolment_id, kind)
        return attachment(body, PDF, name)

    return [read, save, versions, version, restore, as_pdf]


# --- the CV for employers ----------------------------------------------------------------------

EmployerSectionKey = Literal[rules.EMPLOYER_SECTIONS]  # type: ignore[valid-type]  # the keys, from the rules


class EmployerContactIn(msgspec.Struct, forbid_unknown_fields=True):
    """Which contact details from the participant's record the CV shows."""

    phone: bool = rules.CONTACT_DEFAULT["phone"]
    email: bool = rules.CONTACT_DEFAULT["email"]
    birth_year: bool = rules.CONTACT_DEFAULT["birth_year"]


class EmployerCvIn(msgspec.Struct, forbid_unknown_fields=True):
    sections: Annotated[
        list[EmployerSectionKey],
        msgspec.Meta(
            max_length=len(rules.EMPLOYER_SECTIONS),
            description="The resource CV's sections the CV for employers holds (it prints them in its own order); "
            f"in it by default: {', '.join(rules.EMPLOYER_DEFAULT)}",
        ),
    ]
    contact: EmployerContactIn = msgspec.field(default_factory=EmployerContactIn)


EMPLOYER_BASE = "/enrolments/{enrolment_id:int}/cv/employer"


@get(
    EMPLOYER_BASE,
    guards=[see_people],
    summary="What the enrolment's CV for employers holds, and the sections and contact details to choose from",
    responses=error_responses(400, 401, 403, 404),
)
async def read_employer_cv(staff: NamedDependency[Staff], enrolment_id: PathId) -> services.EmployerCvOut:
    return await services.get_employer_cv(services.Actor(staff=staff), enrolment_id)


@put(
    EMPLOYER_BASE,
    guards=[see_people],
    summary="Choose the sections and contact details of the CV for employers",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def save_employer_cv(
    staff: NamedDependency[Staff], enrolment_id: PathId, data: JSONBody[EmployerCvIn]
) -> services.EmployerCvOut:
    return await services.save_employer_cv(
        services.Actor(staff=staff), enrolment_id, list(data.sections), msgspec.to_builtins(data.contact)
    )


@get(
    "/enrolments/{enrolment_id:int}/cv-employer.pdf",
    guards=[see_people],
    media_type=PDF,
    summary="The CV for employers as PDF (A4): no course name on it",
    responses=error_responses(400, 401, 403, 404),
)
async def employer_cv_pdf(staff: NamedDependency[Staff], enrolment_id: PathId) -> Response:
    body, name = await services.employer_cv_pdf(services.Actor(staff=staff), enrolment_id)
    return attachment(body, PDF, name)


@get(
    "/cohorts/{cohort_id:int}/documents.zip",
    guards=[see_people],
    media_type=ZIP,
    summary="Every CV and action plan of the cohort as PDFs in one ZIP",
    responses=error_responses(400, 401, 403, 404),
)
async def cohort_zip(staff: NamedDependency[Staff], cohort_id: PathId) -> Response:
    body, name = await services.cohort_zip(staff, cohort_id)
    return attachment(body, ZIP, name)


documents_api = Router(
    path="/",
    tags=["documents"],
    route_handlers=[
        *_handlers("cv", "resource CV"),
        *_handlers("plan", "action plan"),
        read_employer_cv,
        save_employer_cv,
        employer_cv_pdf,
        cohort_zip,
    ],
)
