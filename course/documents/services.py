"""The resource CV and the action plan of one enrolment: read, save as a new version,
list and restore versions, render as PDF, and a cohort's PDFs as one ZIP.

Who: the cohort's leaders, the participant's primary contact and admins, and the
participant through their personal link. Every save is a new version (who, when);
a save made from an older version than the newest is refused, so two people
editing at once cannot overwrite each other without knowing."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime

from course import clock, pdf
from course.accounts.schemas import Staff
from course.accounts.tables import StaffUser
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort
from course.db import is_unique_violation, lock, write_transaction
from course.documents import content as rules
from course.documents import policies
from course.documents.tables import DocumentVersion
from course.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from course.participants.tables import Enrolment
from course.validation import valid_id

# Enrolments that have documents: on the cohort, or done with it.
HAS_DOCUMENTS = ("invited", "enrolled", "completed")


@dataclass(frozen=True)
class Actor:
    """Who is at the keyboard: a staff member, or the participant with their link."""

    staff: Staff | None = None
    participant_id: int | None = None


@dataclass
class Context:
    enrolment_id: int
    participant_id: int
    participant_name: str
    primary_contact: str
    cohort_id: int
    cohort_title: str
    variant: str
    office_id: int
    start_date: object
    end_date: object


@dataclass
class DocumentOut:
    enrolment_id: int
    kind: str
    version: int  # 0: nothing saved yet
    updated_at: datetime | None
    updated_by: str | None
    participant_name: str
    cohort_title: str
    content: dict


@dataclass
class VersionOut:
    number: int
    created_at: datetime
    author: str
    restored_from: int | None


ENROLMENT_COLUMNS = (
    Enrolment.id,
    Enrolment.status,
    Enrolment.cohort,
    Enrolment.participant,
    Enrolment.participant.name.as_alias("name"),
    Enrolment.participant._.primary_contact._.name.as_alias("contact"),
)


def _make_context(row: dict, cohort) -> Context:
    return Context(
        enrolment_id=row["id"],
        participant_id=row["participant"],
        participant_name=row["name"],
        primary_contact=row["contact"],
        cohort_id=cohort.id,
        cohort_title=cohort.title,
        variant=cohort.variant,
        office_id=cohort.office_id,
        start_date=cohort.start_date,
        end_date=cohort.end_date,
    )


def _scope(actor: Actor):
    """The enrolments whose documents the actor reads and writes."""
    if actor.staff is not None:
        return policies.document_scope(actor.staff)
    return policies.own_scope(actor.participant_id)


async def _context(actor: Actor, enrolment_id) -> Context:
    """The enrolment with documents, selected through the actor's scope: one of
    another office (or, for a participant, anyone else's) is not found; one of the
    caller's office whose documents they do not edit is refused."""
    if not valid_id(enrolment_id):
        raise NotFound
    staff = actor.staff
    scope = _scope(actor)
    row = (
        await Enrolment.select(*ENROLMENT_COLUMNS)
        .where(scope, Enrolment.id == enrolment_id, Enrolment.status.is_in(list(HAS_DOCUMENTS)))
        .first()
    )
    if row is None:
        if staff is not None and await Enrolment.exists().where(
            policies.enrolment_scope(staff), Enrolment.id == enrolment_id, Enrolment.status.is_in(list(HAS_DOCUMENTS))
        ):
            raise Forbidden
        raise NotFound
    if staff is not None:
        cohort = await cohorts.get_cohort(staff, row["cohort"])
    else:
        cohort = (await cohorts.load(await Cohort.select().where(Cohort.id == row["cohort"])))[0]
    return _make_context(row, cohort)


def _kind(kind: str) -> str:
    if kind not in rules.KINDS:
        raise NotFound
    return kind


async def _authors(rows: list[dict]) -> dict[int, str]:
    ids = sorted({r["staff"] for r in rows if r["staff"]})
    if not ids:
        return {}
    return {
        r["id"]: r["name"] for r in await StaffUser.select(StaffUser.id, StaffUser.name).where(StaffUser.id.is_in(ids))
    }


def _author(row: dict, names: dict[int, str], participant_name: str) -> str:
    if row["by_participant"]:
        return participant_name
    return names.get(row["staff"], "–")


async def _latest(enrolment_id: int, kind: str) -> dict | None:
    return (
        await DocumentVersion.select()
        .where(DocumentVersion.enrolment == enrolment_id, DocumentVersion.kind == kind)
        .order_by(DocumentVersion.number, ascending=False)
        .first()
    )


async def _out(ctx: Context, kind: str, row: dict | None) -> DocumentOut:
    if row is None:
        return DocumentOut(
            ctx.enrolment_id, kind, 0, None, None, ctx.participant_name, ctx.cohort_title, rules.empty(kind)
        )
    names = await _authors([row])
    return DocumentOut(
        ctx.enrolment_id,
        kind,
        row["number"],
        row["created_at"],
        _author(row, names, ctx.participant_name),
        ctx.participant_name,
        ctx.cohort_title,
        {**rules.empty(kind), **json.loads(row["content"])},
    )


async def _read(actor: Actor, ctx: Context, action: str, kind: str, **details: int) -> None:
    """A staff member's read of the participant's document goes into the audit log (the
    participant's own reads do not): which enrolment and document, never the content."""
    if actor.staff is not None:
        await audit.read(
            action,
            actor=actor.staff.id,
            participant=ctx.participant_id,
            office=ctx.office_id,
            details={"enrolment": ctx.enrolment_id, "kind": kind, **details},
        )


async def get_document(actor: Actor, enrolment_id, kind: str, *, record_read: bool = True) -> DocumentOut:
    """The newest version; a staff member's read is audited unless ``record_read`` is
    False, for a page that shows only the document's title and version number."""
    ctx = await _context(actor, enrolment_id)
    doc = await _out(ctx, _kind(kind), await _latest(ctx.enrolment_id, kind))
    if record_read:
        await _read(actor, ctx, audit.DOCUMENT_READ, kind)
    return doc


async def _write(
    actor: Actor, ctx: Context, kind: str, clean: dict, base_version, restored_from: int | None = None
) -> DocumentOut:
    if base_version is not None and (isinstance(base_version, bool) or not isinstance(base_version, int)):
        raise InvalidInput({"version": N_("The version is the number you started from.")})
    async with write_transaction():
        # The participant's lock too, in the same call: an erasure and a save cannot
        # interleave, and the enrolment is selected again through the actor's scope,
        # which holds no erased participant's, so a save begun before an erasure
        # writes nothing (404).
        await lock(f"participant:{ctx.participant_id}", f"document:{ctx.enrolment_id}:{kind}")
        if not await Enrolment.exists().where(
            _scope(actor), Enrolment.id == ctx.enrolment_id, Enrolment.status.is_in(list(HAS_DOCUMENTS))
        ):
            raise NotFound
        latest = await _latest(ctx.enrolment_id, kind)
        number = latest["number"] if latest else 0
        if base_version is not None and base_version != number:
            raise Conflict(
                N_(
                    "Someone else changed the document while you were writing. Reload the page and enter "
                    "your changes again."
                ),
                field="version",
            )
        try:
            row = (
                await DocumentVersion.insert(
                    DocumentVersion(
                        enrolment=ctx.enrolment_id,
                        kind=kind,
                        number=number + 1,
                        content=json.dumps(clean, ensure_ascii=False),
                        created_at=clock.now(),
                        staff=actor.staff.id if actor.staff else None,
                        by_participant=actor.staff is None,
                        restored_from=restored_from,
                    )
                ).returning(*DocumentVersion.all_columns())
            )[0]
        except Exception as exc:
            if is_unique_violation(exc):
                raise Conflict(
                    N_("Someone else saved the document at the same moment. Try again."), field="version"
                ) from exc
            raise
        await audit.record(
            audit.DOCUMENT_RESTORED if restored_from else audit.DOCUMENT_SAVED,
            actor=actor.staff.id if actor.staff else None,
            office=ctx.office_id,
            participant=ctx.participant_id,
            details={
                "enrolment": ctx.enrolment_id,
                "kind": kind,
                "version": number + 1,
                "by": "staff" if actor.staff else "participant",
            },
        )
    return await _out(ctx, kind, row)


async def save_document(actor: Actor, enrolment_id, kind: str, content, base_version=None) -> DocumentOut:
    """Save the content as the next version. ``base_version`` is the version the
    editor started from; when given, it must still be the newest."""
    ctx = await _context(actor, enrolment_id)
    clean = rules.check(_kind(kind), content)
    return await _write(actor, ctx, kind, clean, base_version)


async def list_versions(actor: Actor, enrolment_id, kind: str) -> list[VersionOut]:
    ctx = await _context(actor, enrolment_id)
    rows = (
        await DocumentVersion.select(
            DocumentVersion.number,
            DocumentVersion.created_at,
            DocumentVersion.staff,
            DocumentVersion.by_participant,
            DocumentVersion.restored_from,
        )
        .where(DocumentVersion.enrolment == ctx.enrolment_id, DocumentVersion.kind == _kind(kind))
        .order_by(DocumentVersion.number, ascending=False)
    )
    names = await _authors(rows)
    await _read(actor, ctx, audit.DOCUMENT_VERSIONS_READ, kind)
    return [
        VersionOut(r["number"], r["created_at"], _author(r, names, ctx.participant_name), r["restored_from"])
        for r in rows
    ]


async def _version_row(ctx: Context, kind: str, number) -> dict:
    if not valid_id(number):
        raise NotFound
    row = (
        await DocumentVersion.select()
        .where(
            DocumentVersion.enrolment == ctx.enrolment_id,
            DocumentVersion.kind == kind,
            DocumentVersion.number == number,
        )
        .first()
    )
    if row is None:
        raise NotFound
    return row


async def get_version(actor: Actor, enrolment_id, kind: str, number) -> DocumentOut:
    ctx = await _context(actor, enrolment_id)
    doc = await _out(ctx, kind, await _version_row(ctx, _kind(kind), number))
    await _read(actor, ctx, audit.DOCUMENT_VERSION_READ, kind, version=doc.version)
    return doc


async def restore_version(actor: Actor, enrolment_id, kind: str, number, base_version=None) -> DocumentOut:
    """Make an earlier version the newest again, as a new version: nothing is lost."""
    ctx = await _context(actor, enrolment_id)
    row = await _version_row(ctx, _kind(kind), number)
    return await _write(actor, ctx, kind, json.loads(row["content"]), base_version, restored_from=row["number"])


# --- PDFs ------------------------------------------------------------------------------------


def document_html(doc: DocumentOut, ctx_extra: dict) -> str:
    from course.web.layout import environment

    template = environment().get_template(f"pdf/{doc.kind}.html")
    return template.render(
        doc=doc,
        sections=rules.SECTIONS[doc.kind],
        kind_labels=dict(rules.EXPERIENCE_KINDS),
        responsible_labels=dict(rules.RESPONSIBLE),
        status_labels=dict(rules.MEASURE_STATUSES),
        **ctx_extra,
    )


def _pdf_context(ctx: Context) -> dict:
    return {
        "primary_contact": ctx.primary_contact,
        "variant": ctx.variant,
        "start_date": ctx.start_date,
        "end_date": ctx.end_date,
    }


async def document_pdf(actor: Actor, enrolment_id, kind: str) -> tuple[bytes, str]:
    """The PDF and a file name for it."""
    ctx = await _context(actor, enrolment_id)
    doc = await _out(ctx, _kind(kind), await _latest(ctx.enrolment_id, kind))
    body = await pdf.render(document_html(doc, _pdf_context(ctx)))
    await _read(actor, ctx, audit.DOCUMENT_PDF_READ, kind)
    return body, file_name(doc)


def file_name(doc: DocumentOut) -> str:
    what = "ressurs-CV" if doc.kind == "cv" else "handlingsplan"
    return f"{_safe(doc.participant_name) or 'deltaker'} – {what}.pdf"


def _safe(name: str) -> str:
    """A name fit for a file: letters (æ, ø and å too), digits, spaces and hyphens."""
    return " ".join("".join(ch if ch.isalnum() or ch == "-" else " " for ch in name).split())


async def cohort_zip(staff: Staff, cohort_id: int) -> tuple[bytes, str]:
    """Every CV and plan of the cohort's participants in one ZIP, rendered in the pool."""
    cohort = await cohorts.get_cohort(staff, cohort_id)
    if not policies.may_see_documents(staff):
        raise NotFound
    # The cohort's leaders (and admins) get everyone's; a primary contact gets their own people's.
    mine = await Enrolment.select(*ENROLMENT_COLUMNS).where(
        policies.document_scope(staff), Enrolment.cohort == cohort.id, Enrolment.status.is_in(["enrolled", "completed"])
    )
    if not mine and not policies.edits_whole_cohort(staff, cohort.leader_ids):
        raise Forbidden
    jobs = []
    for r in mine:
        ctx = _make_context(r, cohort)
        for kind in rules.KINDS:
            doc = await _out(ctx, kind, await _latest(ctx.enrolment_id, kind))
            jobs.append((doc, document_html(doc, _pdf_context(ctx))))
    rendered = await asyncio.gather(*(pdf.render(html) for _, html in jobs))
    names: set[str] = set()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for (doc, _), body in zip(jobs, rendered, strict=True):
            name = file_name(doc)
            while name in names:  # two participants with the same name
                name = name.replace(".pdf", f" ({doc.enrolment_id}).pdf")
            names.add(name)
            archive.writestr(name, body)
    # One event for each participant whose CV and plan are in it, in one insert.
    await audit.record_many(
        audit.DOCUMENTS_ZIPPED,
        [(r["participant"], {"cohort": cohort.id, "enrolment": r["id"]}) for r in mine],
        actor=staff.id,
        office=cohort.office_id,
    )
    return out.getvalue(), f"{_safe(cohort.title) or 'kurs'} – dokumenter.zip"


async def for_participant(participant_id: int) -> list[dict]:
    """The participant's enrolments with documents: {enrolment_id, cohort_title}."""
    rows = await Enrolment.select(
        Enrolment.id, Enrolment.cohort.title.as_alias("title"), Enrolment.cohort.start_date.as_alias("start")
    ).where(
        policies.own_scope(participant_id),
        Enrolment.status.is_in(list(HAS_DOCUMENTS)),
        Enrolment.cohort.cancelled_at.is_null(),
    )
    return [{"enrolment_id": r["id"], "cohort_title": r["title"]} for r in sorted(rows, key=lambda r: r["start"])]


# --- one participant's documents as a whole: export and erasure ------------------------------


@dataclass
class VersionContent:
    number: int
    created_at: datetime
    author: str
    restored_from: int | None
    content: dict


@dataclass
class DocumentHistory:
    enrolment_id: int
    cohort_title: str
    kind: str  # cv | plan
    versions: list[VersionContent]  # newest first


@dataclass
class ParticipantDocuments:
    documents: list[DocumentHistory]
    # The participant's documents (a CV or a plan on one enrolment) that the caller may
    # not read, being neither the cohort's leader nor the primary contact: counted, not shown.
    withheld: int


async def participant_documents(staff: Staff, participant_id: int) -> ParticipantDocuments:
    """Every version of every CV and plan of a participant, with its content, for the
    enrolments whose documents the caller reads (``document_scope`` in the query)."""
    rows = await Enrolment.select(*ENROLMENT_COLUMNS, Enrolment.cohort.title.as_alias("title")).where(
        policies.document_scope(staff), Enrolment.participant == participant_id
    )
    readable = {r["id"]: r for r in rows}
    versions = (
        await DocumentVersion.select()
        .where(DocumentVersion.enrolment.is_in(sorted(readable) or [0]))
        .order_by(DocumentVersion.enrolment)
        .order_by(DocumentVersion.kind)
        .order_by(DocumentVersion.number, ascending=False)
    )
    names = await _authors(versions)
    out: dict[tuple[int, str], DocumentHistory] = {}
    for v in versions:
        enrolment = readable[v["enrolment"]]
        history = out.setdefault(
            (v["enrolment"], v["kind"]), DocumentHistory(v["enrolment"], enrolment["title"], v["kind"], [])
        )
        history.versions.append(
            VersionContent(
                v["number"],
                v["created_at"],
                _author(v, names, enrolment["name"]),
                v["restored_from"],
                {**rules.empty(v["kind"]), **json.loads(v["content"])},
            )
        )
    withheld = await DocumentVersion.count().where(
        DocumentVersion.enrolment.is_in(
            Enrolment.select(Enrolment.id).where(
                policies.enrolment_scope(staff),
                Enrolment.participant == participant_id,
                Enrolment.id.not_in(sorted(readable) or [0]),
            )
        ),
        DocumentVersion.number == 1,
    )
    return ParticipantDocuments(list(out.values()), withheld)


@dataclass
class ReadableSection:
    label: str
    lines: list[str]


def readable_content(kind: str, content: dict) -> list[ReadableSection]:
    """A version's content as headed lines of text in the current language, for
    reading: the sections that have anything in them, rows as "Column: value; …"."""
    from course.web.i18n import gettext

    out = []
    for section in rules.SECTIONS[kind]:
        value = content.get(section.key)
        if not value:
            continue
        if section.kind == "rows":
            lines = []
            for row in value:
                cells = []
                for column in section.columns:
                    cell = row.get(column.key)
                    if not cell:
                        continue
                    text = gettext(dict(column.choices).get(cell, "")) or cell if column.choices else cell
                    cells.append(f"{gettext(column.label)}: {text}")
                lines.append("; ".join(cells))
        elif section.kind == "lines":
            lines = [str(line) for line in value]
        else:
            lines = [str(value)]
        out.append(ReadableSection(gettext(section.label), lines))
    return out


async def erase_documents(participant_id: int) -> int:
    """Delete every version of every CV and plan of a participant's enrolments (inside
    the caller's write transaction); answers how many versions went."""
    rows = (
        await DocumentVersion.delete()
        .where(
            DocumentVersion.enrolment.is_in(
                Enrolment.select(Enrolment.id).where(Enrolment.participant == participant_id)
            )
        )
        .returning(DocumentVersion.id)
    )
    return len(rows)
