"""Consent texts in versions, in Norwegian: the version in force on a day, every
version, a new one (admins), the one-page consent form to print and sign, and what a
participant has consented to, for their own page.

The version with the latest effective date on or before the day is in force (two on
the same day: the one written last). A text never changes once written, so a consent
recorded with a version always means the words shown: a change is a new version,
which may take effect on a later day so that it can be prepared in advance."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from course import clock, pdf
from course.accounts.schemas import Role, Staff
from course.audit import services as audit
from course.cohorts import services as cohorts
from course.db import is_unique_violation, write_transaction
from course.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from course.participants import rules
from course.participants.common import PersonRef
from course.participants.records import consent_events
from course.participants.tables import Consent, ConsentText, Participant
from course.validation import has_control_chars

VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")
# Bounded so that the consent form, with every text at its longest, fits on one A4 page.
INTRO_MAX = (1000, 5)  # characters, lines
SCOPE_MAX = (500, 3)
# The one text beside the two boxes for reminders and messages by SMS and e-mail.
CONTACT_MAX = (250, 2)
# Beyond this many characters in all, the form is set a little tighter.
COMPACT_FROM = 1100
TEXT_FIELDS = ("intro", *rules.TEXT_FIELDS)
LIMITS = {"intro": INTRO_MAX, "contact": CONTACT_MAX} | {name: SCOPE_MAX for name in rules.TEXT_FIELDS[:3]}


@dataclass
class ConsentTextOut:
    version: str
    effective_from: date
    intro: str
    participation: str
    sharing: str
    evaluation: str
    created_at: datetime
    created_by: PersonRef | None
    # in_force today, upcoming (takes effect later), or earlier (replaced)
    status: str = "earlier"
    # Beside the boxes for reminders and messages by SMS and by e-mail; "" in a
    # version written before those boxes were on the form.
    contact: str = ""

    def words(self, scope: str) -> str:
        """The text shown beside a scope's box."""
        return str(getattr(self, rules.SCOPE_TEXT[scope]))


@dataclass
class ConsentTextInput:
    version: str
    effective_from: str
    intro: str
    participation: str
    sharing: str
    evaluation: str
    # Beside the boxes for SMS and e-mail; may be left out or empty.
    contact: str = ""


def text_scope(staff: Staff):
    """Consent texts the caller may read: course leaders and admins, who record
    consent and print the form. Managers see counts only."""
    if staff.role in (Role.leader, Role.admin):
        return ConsentText.id.is_not_null()
    return ConsentText.id.is_null()


def _out(row: dict, status: str = "earlier") -> ConsentTextOut:
    creator = row.get("created_by")
    return ConsentTextOut(
        version=row["version"],
        effective_from=row["effective_from"],
        intro=row["intro"],
        participation=row["participation"],
        sharing=row["sharing"],
        evaluation=row["evaluation"],
        contact=row["contact"],
        created_at=row["created_at"],
        created_by=PersonRef(creator, row.get("creator_name") or "") if creator else None,
        status=status,
    )


_COLUMNS = (
    *ConsentText.all_columns(),
    ConsentText.created_by.name.as_alias("creator_name"),
)


def in_force_first(rows: Iterable[dict], day: date) -> tuple[list[dict], dict | None]:
    """The rows newest effective date first (the one written last first on the same
    day), and the one in force on ``day``: the first that has taken effect by then."""
    ordered = sorted(rows, key=lambda r: (r["effective_from"], r["id"]), reverse=True)
    return ordered, next((r for r in ordered if r["effective_from"] <= day), None)


async def text_in_force(on: date | None = None) -> ConsentTextOut:
    """The version in force on a day (today by default). Before the first version
    took effect, the first one: a consent is always recorded with some text."""
    day = on or clock.today()
    row = (
        await ConsentText.select(*_COLUMNS)
        .where(ConsentText.effective_from <= day)
        .order_by(ConsentText.effective_from, ConsentText.id, ascending=False)
        .first()
    )
    if row is None:
        row = await ConsentText.select(*_COLUMNS).order_by(ConsentText.effective_from, ConsentText.id).first()
    if row is None:
        raise NotFound
    return _out(row, "in_force" if row["effective_from"] <= day else "upcoming")


async def find_text(version: str) -> ConsentTextOut | None:
    """The version named, for recording a consent with it; None if there is none."""
    row = await ConsentText.select(*_COLUMNS).where(ConsentText.version == version).first()
    return _out(row) if row else None


async def list_consent_texts(staff: Staff) -> list[ConsentTextOut]:
    """Every version the caller may read, newest effective date first, each marked
    in force, upcoming or earlier."""
    today = clock.today()
    ordered, current = in_force_first(await ConsentText.select(*_COLUMNS).where(text_scope(staff)), today)
    return [
        _out(r, "in_force" if r is current else "upcoming" if r["effective_from"] > today else "earlier")
        for r in ordered
    ]


async def get_consent_text(staff: Staff, version: str | None = None) -> ConsentTextOut:
    """One version (the one in force without a name) if the caller may read it."""
    if version is None:
        text = await text_in_force()
        version = text.version
    if not isinstance(version, str) or not VERSION_RE.match(version):
        raise NotFound
    for text in await list_consent_texts(staff):
        if text.version == version:
            return text
    raise NotFound


WRITE_THE_TEXT = N_("Write the text.")


def tidy_text(value, field: str, errors: dict[str, str], limits: tuple[int, int]) -> str:
    """A text of a few paragraphs: spaces tidied on each line, runs of empty lines made
    one, NFC; a message in ``errors`` if it is empty, too long, has too many lines or
    holds control characters."""
    raw = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    lines: list[str] = []
    for line in (" ".join(part.split()) for part in raw.split("\n")):
        if line or (lines and lines[-1]):
            lines.append(line)
    text = "\n".join(lines).strip()
    max_chars, max_lines = limits
    if has_control_chars(raw):
        errors[field] = N_("The text contains characters that are not allowed.")
    elif not text:
        errors[field] = WRITE_THE_TEXT
    elif len(text) > max_chars:
        errors[field] = N_("The text can be at most %(max)s characters.")
    elif text.count("\n") >= max_lines:
        errors[field] = N_("The text can have at most %(lines)s lines.")
    return text


async def create_consent_text(staff: Staff, data: ConsentTextInput) -> ConsentTextOut:
    """A new version of the consent text (admins). It takes effect on its day, today
    or later, and never changes after."""
    if staff.role is not Role.admin:
        raise Forbidden
    errors: dict[str, str] = {}
    version = str(data.version or "").strip()
    if not VERSION_RE.match(version):
        errors["version"] = N_(
            "Give a version of 1 to 40 letters (a–z), digits, points, hyphens or underscores, such as 2027-1."
        )
    day = cohorts.parse_date(data.effective_from, errors, "effective_from")
    if day and day < clock.today():
        errors["effective_from"] = N_("The date cannot be in the past.")
    elif day and day > clock.today() + timedelta(days=366):
        # A version never changes and its name stays taken: a mistyped year would stay.
        errors["effective_from"] = N_("The date can be at most a year ahead.")
    texts = {name: tidy_text(getattr(data, name), name, errors, LIMITS[name]) for name in TEXT_FIELDS}
    if not texts["contact"] and errors.get("contact") == WRITE_THE_TEXT:
        del errors["contact"]  # a version may leave the contact boxes without words of their own
    if errors:
        raise InvalidInput(errors, {name: {"max": chars, "lines": lines} for name, (chars, lines) in LIMITS.items()})
    taken = Conflict(N_("A consent text with this version already exists."), field="version")
    if await ConsentText.exists().where(ConsentText.version == version):
        raise taken
    async with write_transaction():
        try:
            await ConsentText.insert(
                ConsentText(
                    version=version,
                    effective_from=day,
                    created_by=staff.id,
                    created_at=clock.utc_now(),
                    intro=texts["intro"],
                    participation=texts["participation"],
                    sharing=texts["sharing"],
                    evaluation=texts["evaluation"],
                    contact=texts["contact"],
                )
            )
        except Exception as exc:
            if is_unique_violation(exc):  # a parallel request took the version first
                raise taken from None
            raise
        await audit.record("consent_text_created", actor=staff.id, details={"version": version})
    return await get_consent_text(staff, version)


# --- the consent form to print -------------------------------------------------------------


def consent_form_html(text: ConsentTextOut, office_name: str) -> str:
    from course.web.layout import environment

    return (
        environment()
        .get_template("pdf/consent_form.html")
        .render(
            text=text,
            office_name=office_name,
            scopes=rules.SCOPE_LABELS,
            compact=sum(len(getattr(text, name)) for name in TEXT_FIELDS) > COMPACT_FROM,
        )
    )


async def consent_form_pdf(staff: Staff, version: str | None = None) -> tuple[bytes, str]:
    """The one-page consent form for signing, with the caller's office named: the
    version named, or the one in force. The PDF and a file name for it."""
    text = await get_consent_text(staff, version)
    body = await pdf.render(consent_form_html(text, staff.office_name))
    return body, f"samtykkeskjema-{text.version}.pdf"


# --- what the participant has consented to ------------------------------------------------


@dataclass(frozen=True)
class ScopeStatus:
    given: bool
    version: str | None  # the version it was given (or declined, or withdrawn) under
    date: date | None


def scope_statuses(events: Iterable[rules.ConsentEvent]) -> dict[str, ScopeStatus]:
    """Each scope's last word: a consent given settles every scope (ticked or not) on
    its day under its version; a withdrawal settles the scopes it names."""
    out = {scope: ScopeStatus(False, None, None) for scope in rules.SCOPES}
    for event in sorted(events, key=lambda e: (e.date, e.order)):
        for scope in rules.SCOPES:
            ticked = getattr(event, scope)
            if event.action == "given":
                out[scope] = ScopeStatus(ticked, event.version, event.date)
            elif ticked:
                out[scope] = ScopeStatus(False, event.version, event.date)
    return out


@dataclass
class OwnConsent:
    scope: str
    label: str  # an English message id, translated where shown
    given: bool
    version: str | None
    date: date | None
    text: str  # the words of that version (of the version in force when there is none)


@dataclass
class OwnConsents:
    scopes: list[OwnConsent]
    primary_contact: str
    office: str


async def own_consents(participant_id: int) -> OwnConsents:
    """What the participant has consented to, for their own page (the link found them):
    each scope yes or no with its version, date and text, and whom to tell to withdraw."""
    person = (
        await Participant.select(
            Participant.primary_contact.name.as_alias("contact"), Participant.office.name.as_alias("office")
        )
        .where(Participant.id == participant_id)
        .first()
    )
    if person is None:
        raise NotFound
    statuses = scope_statuses(consent_events(await Consent.select().where(Consent.participant == participant_id)))
    versions = sorted({s.version for s in statuses.values() if s.version})
    texts = {r["version"]: r for r in await ConsentText.select().where(ConsentText.version.is_in(versions or [""]))}
    current = await text_in_force()
    scopes = []
    for scope, status in statuses.items():
        words = texts.get(status.version or "")
        shown = rules.SCOPE_TEXT[scope]
        scopes.append(
            OwnConsent(
                scope=scope,
                label=rules.SCOPE_LABELS[scope],
                given=status.given,
                version=status.version,
                date=status.date,
                text=words[shown] if words else current.words(scope) if status.version is None else "",
            )
        )
    return OwnConsents(scopes=scopes, primary_contact=person["contact"] or "", office=person["office"] or "")
