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
import logging
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from course import clock, pdf
from course.accounts.schemas import Staff
from course.accounts.tables import StaffUser
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.cohorts.tables import Cohort
from course.db import is_unique_violation, lock, write_transaction
from course.documents import content as rules
from course.documents import policies
from course.documents.tables import DocumentVersion, EmployerCv, ZipJob
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
    office_name: str = ""


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
    Enrolment.cohort._.office._.name.as_alias("office_name"),  # the PDFs' author
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
        office_name=row.get("office_name") or "",
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


async def _read(actor: Actor, ctx: Context, action: str, kind: str, **details: int | str) -> None:
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
        "office_name": ctx.office_name,
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


# --- the CV for employers ----------------------------------------------------------------------
# The resource CV's own words, the sections the participant chooses and contact details from
# their record, with no course name on it: what they send with a job application.


@dataclass
class EmployerContact:
    """Which contact details from the participant's record the CV shows."""

    phone: bool
    email: bool
    birth_year: bool


@dataclass
class ContactDetails:
    """The participant's contact details from their record (empty: not recorded); the CV
    writes the phone number in Norwegian form (912 34 567)."""

    phone: str
    email: str
    birth_year: int | None


@dataclass
class EmployerSection:
    key: str
    filled: bool  # the resource CV has something in it
    default: bool  # in the CV for employers until someone says otherwise
    private: bool  # what they want to get better at, their network: only when ticked


@dataclass
class EmployerCvOut:
    enrolment_id: int
    participant_name: str
    cohort_title: str
    sections: list[str]  # the chosen ones, in the order they print
    contact: EmployerContact
    contact_details: ContactDetails
    available: list[EmployerSection]  # every section it may hold
    cv_version: int  # the resource CV version it prints (0: nothing saved yet)
    updated_at: datetime | None  # when the choice was last changed (None: the defaults)
    updated_by: str | None


async def _contact_details(ctx: Context) -> ContactDetails:
    row = (
        await Enrolment.select(
            Enrolment.participant._.phone.as_alias("phone"),
            Enrolment.participant._.email.as_alias("email"),
            Enrolment.participant._.birth_year.as_alias("birth_year"),
        )
        .where(Enrolment.id == ctx.enrolment_id)
        .first()
    ) or {}
    return ContactDetails(
        " ".join((row.get("phone") or "").split()),
        " ".join((row.get("email") or "").split()),
        row.get("birth_year") or None,
    )


async def _employer_out(ctx: Context, row: dict | None, cv: DocumentOut) -> EmployerCvOut:
    if row is None:
        sections, contact, updated_by = list(rules.EMPLOYER_DEFAULT), dict(rules.CONTACT_DEFAULT), None
    else:
        sections = json.loads(row["sections"])
        contact = {key: row[key] for key, _ in rules.CONTACT_FIELDS}
        updated_by = _author(row, await _authors([row]), ctx.participant_name)
    return EmployerCvOut(
        enrolment_id=ctx.enrolment_id,
        participant_name=ctx.participant_name,
        cohort_title=ctx.cohort_title,
        sections=[key for key in rules.EMPLOYER_SECTIONS if key in sections],
        contact=EmployerContact(**contact),
        contact_details=await _contact_details(ctx),
        available=[
            EmployerSection(
                key,
                bool(cv.content.get(key)),
                key in rules.EMPLOYER_DEFAULT,
                key in rules.EMPLOYER_PRIVATE,
            )
            for key in rules.EMPLOYER_SECTIONS
        ],
        cv_version=cv.version,
        updated_at=row["updated_at"] if row else None,
        updated_by=updated_by,
    )


async def _employer_row(enrolment_id: int) -> dict | None:
    return await EmployerCv.select().where(EmployerCv.enrolment == enrolment_id).first()


async def _employer(ctx: Context) -> tuple[EmployerCvOut, DocumentOut]:
    cv = await _out(ctx, "cv", await _latest(ctx.enrolment_id, "cv"))
    return await _employer_out(ctx, await _employer_row(ctx.enrolment_id), cv), cv


async def get_employer_cv(actor: Actor, enrolment_id, *, record_read: bool = True) -> EmployerCvOut:
    """What the CV for employers holds, with what the participant may choose from; a
    staff member's read is audited as a read of the CV."""
    ctx = await _context(actor, enrolment_id)
    out, _cv = await _employer(ctx)
    if record_read:
        await _read(actor, ctx, audit.DOCUMENT_READ, "cv", part="employer")
    return out


async def save_employer_cv(actor: Actor, enrolment_id, sections, contact) -> EmployerCvOut:
    """Choose the sections and contact details of the CV for employers, in place of the
    earlier choice; audited as a change of the CV (which parts, never the words)."""
    ctx = await _context(actor, enrolment_id)
    chosen, shown = rules.employer_choice(sections, contact)
    values: dict[Any, Any] = {
        EmployerCv.sections: json.dumps(chosen),
        EmployerCv.phone: shown["phone"],
        EmployerCv.email: shown["email"],
        EmployerCv.birth_year: shown["birth_year"],
        EmployerCv.updated_at: clock.now(),
        EmployerCv.staff: actor.staff.id if actor.staff else None,
        EmployerCv.by_participant: actor.staff is None,
    }
    async with write_transaction():
        await lock(f"participant:{ctx.participant_id}", f"document:{ctx.enrolment_id}:cv")
        if not await Enrolment.exists().where(
            _scope(actor), Enrolment.id == ctx.enrolment_id, Enrolment.status.is_in(list(HAS_DOCUMENTS))
        ):
            raise NotFound
        if await EmployerCv.exists().where(EmployerCv.enrolment == ctx.enrolment_id):
            await EmployerCv.update(values).where(EmployerCv.enrolment == ctx.enrolment_id)
        else:
            await EmployerCv.insert(EmployerCv({EmployerCv.enrolment: ctx.enrolment_id, **values}))
        await audit.record(
            audit.DOCUMENT_SAVED,
            actor=actor.staff.id if actor.staff else None,
            office=ctx.office_id,
            participant=ctx.participant_id,
            details={
                "enrolment": ctx.enrolment_id,
                "kind": "cv",
                "part": "employer",
                "sections": chosen,
                "contact": sorted(key for key, on in shown.items() if on),
                "by": "staff" if actor.staff else "participant",
            },
        )
    out, _cv = await _employer(ctx)
    return out


def employer_cv_html(out: EmployerCvOut, cv: DocumentOut) -> str:
    from course.web.layout import environment

    sections = {s.key: s for s in rules.CV}
    return (
        environment()
        .get_template("pdf/cv_employer.html")
        .render(
            out=out,
            content=cv.content,
            shown=[sections[key] for key in out.sections if cv.content.get(key)],
            kind_labels=dict(rules.EXPERIENCE_KINDS),
        )
    )


async def employer_cv_pdf(actor: Actor, enrolment_id) -> tuple[bytes, str]:
    """The CV for employers as PDF, and a file name for it."""
    ctx = await _context(actor, enrolment_id)
    out, cv = await _employer(ctx)
    body = await pdf.render(employer_cv_html(out, cv))
    await _read(actor, ctx, audit.DOCUMENT_PDF_READ, "cv", part="employer")
    return body, f"{_safe(ctx.participant_name) or 'CV'} – CV.pdf"


# --- a cohort's PDFs as one ZIP: at once for the API, in the background for the pages ------------

# A finished ZIP is kept this long for its staff member to download, and no longer.
ZIP_KEPT = timedelta(hours=1)
# The process making a ZIP says so this often; one not heard of for STALE is gone.
HEARTBEAT = timedelta(seconds=5)
STALE = timedelta(seconds=60)

log = logging.getLogger(__name__)
# The jobs this process runs, held so that the event loop does not drop them half-way.
_jobs: set[asyncio.Task] = set()


@dataclass
class _ZipContents:
    cohort: cohorts.CohortOut
    rows: list[dict]  # the enrolments whose CV and plan go in


async def _zip_contents(staff: Staff, cohort_id) -> _ZipContents:
    """The cohort and the enrolments whose documents the caller may have in its ZIP: the
    cohort's leaders (and admins) everyone's, a primary contact their own people's."""
    cohort = await cohorts.get_cohort(staff, cohort_id)
    if not policies.may_see_documents(staff):
        raise NotFound
    mine = await Enrolment.select(*ENROLMENT_COLUMNS).where(
        policies.document_scope(staff), Enrolment.cohort == cohort.id, Enrolment.status.is_in(["enrolled", "completed"])
    )
    if not mine and not policies.edits_whole_cohort(staff, cohort.leader_ids):
        raise Forbidden
    return _ZipContents(cohort, list(mine))


def _zip_name(cohort) -> str:
    return f"{_safe(cohort.title) or 'kurs'} – dokumenter.zip"


async def _zip_body(contents: _ZipContents, progress=None) -> bytes:
    """The ZIP, its PDFs rendered one at a time in the ZIPs' own renderer, so a single
    document asked for meanwhile never waits behind them (see course.pdf). ``progress(n)`` is
    awaited after each PDF with how many are done."""
    names: set[str] = set()
    out = io.BytesIO()
    done = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for r in contents.rows:
            ctx = _make_context(r, contents.cohort)
            for kind in rules.KINDS:
                doc = await _out(ctx, kind, await _latest(ctx.enrolment_id, kind))
                body = await pdf.render(document_html(doc, _pdf_context(ctx)), bulk=True)
                name = file_name(doc)
                while name in names:  # two participants with the same name
                    name = name.replace(".pdf", f" ({doc.enrolment_id}).pdf")
                names.add(name)
                # Compressed in a thread (zlib lets go of the GIL): the event loop answers meanwhile.
                await asyncio.to_thread(archive.writestr, name, body)
                done += 1
                if progress is not None:
                    await progress(done)
    return out.getvalue()


async def _record_zipped(staff_id: int, office_id: int, cohort_id: int, entries: list[tuple[int, int]]) -> None:
    # One event for each participant whose CV and plan are in it, in one insert.
    await audit.record_many(
        audit.DOCUMENTS_ZIPPED,
        [(participant, {"cohort": cohort_id, "enrolment": enrolment}) for participant, enrolment in entries],
        actor=staff_id,
        office=office_id,
    )


async def cohort_zip(staff: Staff, cohort_id: int) -> tuple[bytes, str]:
    """Every CV and plan of the cohort's participants in one ZIP, made while the caller
    waits (the API)."""
    contents = await _zip_contents(staff, cohort_id)
    body = await _zip_body(contents)
    cohort = contents.cohort
    await _record_zipped(staff.id, cohort.office_id, cohort.id, [(r["participant"], r["id"]) for r in contents.rows])
    return body, _zip_name(cohort)


@dataclass
class ZipJobOut:
    key: str
    cohort_id: int
    cohort_title: str
    status: str  # running | done | failed | downloaded
    done: int
    total: int
    error: str | None  # stopped (its process went away) | error
    expires_at: datetime


def is_stale(status: str, heartbeat_at: datetime, now: datetime) -> bool:
    """A job still running by its row whose process has not said so for ``STALE``:
    that process stopped (a restart, a crash), and nobody will finish it."""
    return status == "running" and now - heartbeat_at > STALE


async def start_zip_job(staff: Staff, cohort_id) -> str:
    """Start making the cohort's ZIP in the background, in this process; answers the
    job's key, for its progress page. The same staff member's job for the cohort that is
    still running is answered instead of a second one (a double click)."""
    contents = await _zip_contents(staff, cohort_id)
    cohort = contents.cohort
    now = clock.utc_now()
    await purge_zip_jobs(now)
    async with write_transaction():
        # Two presses at once (in two processes, say) make one job.
        await lock(f"zip:{staff.id}:{cohort.id}")
        running = (
            await ZipJob.select(ZipJob.key)
            .where(
                ZipJob.staff == staff.id,
                ZipJob.cohort == cohort.id,
                ZipJob.status == "running",
                ZipJob.heartbeat_at > now - STALE,
            )
            .first()
        )
        if running is not None:
            return running["key"]
        key = secrets.token_urlsafe(32)
        entries = [(r["participant"], r["id"]) for r in contents.rows]
        job = (
            await ZipJob.insert(
                ZipJob(
                    key=key,
                    staff=staff.id,
                    cohort=cohort.id,
                    status="running",
                    done=0,
                    total=len(contents.rows) * len(rules.KINDS),
                    created_at=now,
                    heartbeat_at=now,
                    expires_at=now + ZIP_KEPT,
                    file_name=_zip_name(cohort),
                    entries=json.dumps(entries),
                )
            ).returning(ZipJob.id)
        )[0]["id"]
    task = asyncio.get_running_loop().create_task(_run_zip_job(job, contents))
    _jobs.add(task)
    task.add_done_callback(_jobs.discard)
    return key


async def _run_zip_job(job: int, contents: _ZipContents) -> None:
    async def beat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT.total_seconds())
            await ZipJob.update({ZipJob.heartbeat_at: clock.utc_now()}).where(
                ZipJob.id == job, ZipJob.status == "running"
            )

    async def progress(done: int) -> None:
        await ZipJob.update({ZipJob.done: done, ZipJob.heartbeat_at: clock.utc_now()}).where(
            ZipJob.id == job, ZipJob.status == "running"
        )

    heart = asyncio.get_running_loop().create_task(beat())
    try:
        body = await _zip_body(contents, progress)
        now = clock.utc_now()
        # Kept from now; a row erased meanwhile (with a participant) stays gone.
        await ZipJob.update(
            {ZipJob.status: "done", ZipJob.body: body, ZipJob.heartbeat_at: now, ZipJob.expires_at: now + ZIP_KEPT}
        ).where(ZipJob.id == job, ZipJob.status == "running")
    except Exception as exc:
        # The job's number and the error's kind only: a message may quote a document.
        log.error("ZIP job %s failed: %s", job, type(exc).__name__)
        await ZipJob.update({ZipJob.status: "failed", ZipJob.error: "error"}).where(
            ZipJob.id == job, ZipJob.status == "running"
        )
    finally:
        heart.cancel()


async def _job_row(staff: Staff, key) -> dict:
    """The staff member's own job, unexpired; anyone else's, or none, is not found."""
    if not isinstance(key, str) or not 20 <= len(key) <= 64:
        raise NotFound
    row = (
        await ZipJob.select(
            ZipJob.id,
            ZipJob.key,
            ZipJob.cohort,
            ZipJob.cohort.title.as_alias("title"),
            ZipJob.cohort.office.as_alias("office"),
            ZipJob.status,
            ZipJob.done,
            ZipJob.total,
            ZipJob.error,
            ZipJob.heartbeat_at,
            ZipJob.expires_at,
            ZipJob.file_name,
            ZipJob.entries,
        )
        .where(ZipJob.key == key, ZipJob.staff == staff.id, ZipJob.expires_at > clock.utc_now())
        .first()
    )
    if row is None:
        raise NotFound
    return row


async def zip_job(staff: Staff, key) -> ZipJobOut:
    """A job's progress for its staff member. One whose process stopped is marked failed
    here (``error``: stopped), so its page offers to start again instead of waiting."""
    row = await _job_row(staff, key)
    now = clock.utc_now()
    if is_stale(row["status"], row["heartbeat_at"], now):
        await ZipJob.update({ZipJob.status: "failed", ZipJob.error: "stopped"}).where(
            ZipJob.id == row["id"], ZipJob.status == "running", ZipJob.heartbeat_at < now - STALE
        )
        row = await _job_row(staff, key)
    return ZipJobOut(
        row["key"],
        row["cohort"],
        row["title"],
        row["status"],
        row["done"],
        row["total"],
        row["error"],
        row["expires_at"],
    )


async def download_zip_job(staff: Staff, key) -> tuple[bytes, str]:
    """The finished ZIP, once: it is emptied from the database as it is handed over
    (and the download is audited like the API's); a second download is not found."""
    row = await _job_row(staff, key)
    if row["status"] != "done":
        raise NotFound
    await _zip_contents(staff, row["cohort"])  # still theirs to have, as when it was started
    body = (await ZipJob.select(ZipJob.body).where(ZipJob.id == row["id"]).first() or {}).get("body")
    async with write_transaction():
        taken = (
            await ZipJob.update({ZipJob.status: "downloaded", ZipJob.body: None})
            .where(ZipJob.id == row["id"], ZipJob.status == "done")
            .returning(ZipJob.id)
        )
        if not taken or body is None:  # another request took it first
            raise NotFound
        entries = [(participant, enrolment) for participant, enrolment in json.loads(row["entries"])]
        await _record_zipped(staff.id, row["office"], row["cohort"], entries)
    return bytes(body), row["file_name"]


async def purge_zip_jobs(now: datetime, *, dry_run: bool = False) -> int:
    """Delete every ZIP job past its time, downloaded or not (``kjk retention`` and each
    new job); answers how many (would) go."""
    expired = ZipJob.expires_at <= now
    if dry_run:
        return await ZipJob.count().where(expired)
    return len(await ZipJob.delete().where(expired).returning(ZipJob.id))


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


def employer_section_labels() -> dict[str, str]:
    """The resource CV's section labels (message ids), by key."""
    return {s.key: s.label for s in rules.SECTIONS["cv"]}


@dataclass
class EmployerChoice:
    enrolment_id: int
    cohort_title: str
    sections: list[str]  # the sections chosen for the CV for employers, in print order
    contact: EmployerContact  # which contact details it prints
    updated_at: datetime


@dataclass
class ParticipantDocuments:
    documents: list[DocumentHistory]
    employer_cvs: list[EmployerChoice]  # saved choices only; an enrolment without one prints the defaults
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
    choices = (
        await EmployerCv.select(*EmployerCv.all_columns(), EmployerCv.enrolment._.cohort._.title.as_alias("title"))
        .where(
            EmployerCv.enrolment.is_in(
                Enrolment.select(Enrolment.id).where(
                    policies.document_scope(staff), Enrolment.participant == participant_id
                )
            )
        )
        .order_by(EmployerCv.enrolment)
    )
    employer_cvs = [
        EmployerChoice(
            c["enrolment"],
            c["title"],
            [key for key in rules.EMPLOYER_SECTIONS if key in json.loads(c["sections"])],
            EmployerContact(**{key: c[key] for key, _ in rules.CONTACT_FIELDS}),
            c["updated_at"],
        )
        for c in choices
    ]
    return ParticipantDocuments(list(out.values()), employer_cvs, withheld)


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
    the caller's write transaction), and every ZIP made or being made of a cohort they
    are on; answers how many versions went."""
    await ZipJob.delete().where(
        ZipJob.cohort.is_in(Enrolment.select(Enrolment.cohort).where(Enrolment.participant == participant_id))
    )
    await EmployerCv.delete().where(
        EmployerCv.enrolment.is_in(Enrolment.select(Enrolment.id).where(Enrolment.participant == participant_id))
    )
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
