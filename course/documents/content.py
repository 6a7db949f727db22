"""What a resource CV and an action plan hold, and how their content is checked:
pure rules with no database.

A document's content is a JSON object of sections. A section is free text, one
line, a list of lines, a date, or a table of rows (experience, network, measures…).
Each CV section belongs to the course module where it usually comes up, so a
leader can fill in what came up after each session. Empty lines and rows are
dropped; errors name the field as ``section``, ``section.<row>.<column>`` (rows
counted from 0) or ``section.<line>``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from course.errors import N_, InvalidInput
from course.validation import has_control_chars, whole_number

KINDS = ("cv", "plan")
MAX_TEXT = 4000
MAX_LINE = 300
MAX_CELL_TEXT = 1000  # a table cell of several lines (a measure's "what")
MAX_ITEMS = 100
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()  # (value, label); empty: free text
    kind: str = "line"  # line | text (several lines) | date | choice
    required: bool = False  # in a row that has anything in it
    default: str | None = None  # filled in for a row that has anything in it


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    kind: str  # text | line | lines | date | rows
    module: int | None = None  # the course module (1–8) where it comes up
    hint: str = ""
    columns: tuple[Column, ...] = field(default=())
    optional: bool = False  # shown as optional in the form and left out of the PDF when empty


EXPERIENCE_KINDS = (
    ("work", N_("Work")),
    ("school", N_("School")),
    ("volunteering", N_("Volunteering")),
    ("home", N_("Home and family")),
    ("leisure", N_("Leisure")),
)
RESPONSIBLE = (
    ("me", N_("Me")),
    ("primary_contact", N_("Primary contact")),
    ("nav", N_("NAV")),
    ("school", N_("School")),
    ("other", N_("Other")),
)
MEASURE_STATUSES = (
    ("planned", N_("Not started")),
    ("in_progress", N_("Under way")),
    ("done", N_("Done")),
    ("dropped", N_("Dropped")),
)

CV = (
    Section("about_me", N_("About me"), "text", 1, N_("A few sentences on who you are, in your own words.")),
    Section("skills", N_("Skills"), "lines", 1, N_("What you know how to do. One per line.")),
    Section(
        "experience",
        N_("Experience"),
        "rows",
        1,
        N_("Work, school, volunteering, home and family, leisure: all of it counts."),
        columns=(
            Column("kind", N_("Kind"), EXPERIENCE_KINDS, "choice"),
            Column("what", N_("What"), required=True),
            Column("where", N_("Where")),
            Column("when", N_("When")),
        ),
    ),
    Section("roles", N_("Roles"), "lines", 2, N_("The roles you have: big sister, team mate, friend who listens…")),
    Section("interests", N_("Interests"), "lines", 2, N_("What you like to do. One per line.")),
    Section("strengths", N_("Strengths"), "lines", 4, N_("What you are good at, and what others say you are good at.")),
    Section("improve", N_("What I want to get better at"), "lines", 6),
    Section(
        "network",
        N_("My network"),
        "rows",
        7,
        N_("The people who support you."),
        columns=(
            Column("name", N_("Name"), required=True),
            Column("relation", N_("Who they are to me")),
            Column("support", N_("How they support me")),
        ),
    ),
    Section(
        "education",
        N_("Education and courses"),
        "rows",
        8,
        columns=(
            Column("what", N_("What"), required=True),
            Column("where", N_("Where")),
            Column("when", N_("When")),
        ),
    ),
    Section(
        "languages",
        N_("Languages"),
        "rows",
        8,
        columns=(
            Column("language", N_("Language"), required=True),
            Column("level", N_("How well")),
        ),
    ),
    Section("driving_licence", N_("Driving licence"), "line", 8, N_("For example: class B, or learning for class B.")),
    Section(
        "references",
        N_("References"),
        "rows",
        8,
        N_("Only with their permission."),
        columns=(
            Column("name", N_("Name"), required=True),
            Column("relation", N_("Who they are to me")),
            Column("phone", N_("Phone")),
        ),
        optional=True,
    ),
)

PLAN = (
    Section("main_goal", N_("Main goal"), "text", hint=N_("What you want to reach. In your own words.")),
    Section("sub_goals", N_("Sub-goals"), "lines", hint=N_("Steps on the way. One per line.")),
    Section(
        "measures",
        N_("Measures"),
        "rows",
        hint=N_("What will be done, who is responsible, and by when."),
        columns=(
            Column("what", N_("What"), kind="text", required=True),
            Column("responsible", N_("Responsible"), RESPONSIBLE, "choice"),
            Column("responsible_other", N_("Who, if other")),
            Column("deadline", N_("Deadline"), kind="date"),
            Column("status", N_("Status"), MEASURE_STATUSES, "choice", default="planned"),
        ),
    ),
    Section("follow_up_date", N_("Next follow-up with the primary contact"), "date"),
    Section("follow_up_how", N_("Where or how"), "line", hint=N_("For example: at the NAV office, or on the phone.")),
    Section("agreed_date", N_("Date agreed"), "date"),
)

SECTIONS = {"cv": CV, "plan": PLAN}
SECTIONS_ROWS = tuple(s for kind in KINDS for s in SECTIONS[kind] if s.kind == "rows")


def empty(kind: str) -> dict:
    return {s.key: _empty_value(s) for s in SECTIONS[kind]}


def _empty_value(section: Section):
    return [] if section.kind in ("lines", "rows") else None if section.kind == "date" else ""


def _tidy(text: str, multiline: bool) -> str:
    text = unicodedata.normalize("NFC", text)
    if multiline:
        lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return " ".join(text.split())


def _text(value, key: str, errors: dict, params: dict, multiline: bool, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[key] = N_("Write text here.")
        return ""
    text = _tidy(value, multiline)
    if has_control_chars(text.replace("\n", " ")):
        errors[key] = N_("The text contains characters that are not allowed.")
    elif len(text) > limit:
        errors[key] = N_("At most %(limit)s characters.")
        params[key] = {"limit": limit}
    return text


def _date(value, key: str, errors: dict) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            date.fromisoformat(value)
            return value
        except ValueError:
            pass
    errors[key] = N_("Give a date as YYYY-MM-DD.")
    return None


def check(kind: str, content) -> dict:
    """The content, tidied, with every section present; InvalidInput naming each bad field."""
    errors: dict[str, str] = {}
    params: dict[str, dict] = {}
    if not isinstance(content, dict):
        raise InvalidInput({"content": N_("The content is an object with the document's sections.")})
    sections = {s.key: s for s in SECTIONS[kind]}
    for key in content:
        if key not in sections:
            errors[key] = N_("There is no such section.")
    clean: dict = {}
    for section in SECTIONS[kind]:
        value = content.get(section.key)
        key = section.key
        if section.kind in ("text", "line"):
            clean[key] = _text(
                value, key, errors, params, section.kind == "text", MAX_TEXT if section.kind == "text" else MAX_LINE
            )
        elif section.kind == "date":
            clean[key] = _date(value, key, errors)
        elif section.kind == "lines":
            clean[key] = _lines(value, key, errors, params)
        else:
            clean[key] = _rows(section, value, errors, params)
    if errors:
        raise InvalidInput(errors, params)
    return clean


def _lines(value, key: str, errors: dict, params: dict) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors[key] = N_("A list of lines.")
        return []
    if len(value) > MAX_ITEMS:
        errors[key] = N_("At most %(limit)s lines.")
        params[key] = {"limit": MAX_ITEMS}
        return []
    lines = [_text(v, f"{key}.{i}", errors, params, False, MAX_LINE) for i, v in enumerate(value)]
    return [line for line in lines if line]


def _rows(section: Section, value, errors: dict, params: dict) -> list[dict]:
    key = section.key
    if value is None:
        return []
    if not isinstance(value, list):
        errors[key] = N_("A list of rows.")
        return []
    if len(value) > MAX_ITEMS:
        errors[key] = N_("At most %(limit)s rows.")
        params[key] = {"limit": MAX_ITEMS}
        return []
    rows = []
    for i, row in enumerate(value):
        if not isinstance(row, dict):
            errors[f"{key}.{i}"] = N_("A row is an object.")
            continue
        for name in row:
            if name not in {c.key for c in section.columns}:
                errors[f"{key}.{i}.{name}"] = N_("There is no such column.")
        clean: dict = {}
        for column in section.columns:
            field_key = f"{key}.{i}.{column.key}"
            raw = row.get(column.key)
            if column.kind == "date":
                clean[column.key] = _date(raw, field_key, errors)
            elif column.kind == "choice":
                if raw not in (None, "") and (not isinstance(raw, str) or raw not in {v for v, _ in column.choices}):
                    errors[field_key] = N_("Choose one of the options.")
                clean[column.key] = raw or None
            elif column.kind == "text":
                clean[column.key] = _text(raw, field_key, errors, params, True, MAX_CELL_TEXT)
            else:
                clean[column.key] = _text(raw, field_key, errors, params, False, MAX_LINE)
        if not any(clean.values()):
            continue  # an empty row is left out
        for column in section.columns:
            if column.default and not clean[column.key]:
                clean[column.key] = column.default
        for column in section.columns:
            if column.required and not clean[column.key]:
                errors.setdefault(f"{key}.{i}.{column.key}", N_("Fill this in, or empty the row."))
        rows.append(clean)
    return rows


def from_form(kind: str, data: dict[str, str]) -> dict:
    """Content from a web form: a textarea per list (one line each), and for a table
    the fields ``<section>-<row>-<column>`` for rows 0 to ``<section>-rows`` − 1."""
    content: dict = {}
    for section in SECTIONS[kind]:
        key = section.key
        if section.kind == "lines":
            content[key] = data.get(key, "").splitlines()
        elif section.kind == "rows":
            count = min(whole_number(data.get(f"{key}-rows", "0")) or 0, MAX_ITEMS + 1)
            content[key] = [{c.key: data.get(f"{key}-{i}-{c.key}", "") for c in section.columns} for i in range(count)]
        else:
            content[key] = data.get(key, "")
    return content


def form_key(error_key: str) -> str:
    """The id of the form field an error key names: ``measures.2.what`` → ``measures-2-what``;
    a bad line in a list points to the list's textarea."""
    parts = error_key.split(".")
    return parts[0] if len(parts) == 2 else "-".join(parts)


def filled(kind: str, content: dict) -> list[str]:
    """The sections that have anything in them."""
    return [s.key for s in SECTIONS[kind] if content.get(s.key)]


# --- the CV for employers ------------------------------------------------------------------------

# The resource CV's sections an employer's CV may hold, in the order it prints them.
EMPLOYER_SECTIONS = (
    "about_me",
    "experience",
    "education",
    "skills",
    "strengths",
    "languages",
    "driving_licence",
    "interests",
    "roles",
    "references",
    "improve",
    "network",
)
# In it until the participant says otherwise. What they want to get better at and who
# supports them are theirs: in an employer's CV only when they tick them.
EMPLOYER_DEFAULT = ("about_me", "experience", "education", "skills", "languages", "driving_licence", "references")
EMPLOYER_PRIVATE = ("improve", "network")
# Contact details from the participant's record, each shown or not.
CONTACT_FIELDS = (("phone", N_("Phone")), ("email", N_("E-mail")), ("birth_year", N_("Birth year")))
CONTACT_DEFAULT = {"phone": True, "email": True, "birth_year": False}


def employer_choice(sections, contact) -> tuple[list[str], dict[str, bool]]:
    """The chosen sections of the CV for employers, each once and in the order it prints
    them, and which contact details it shows (each field present); InvalidInput naming
    ``sections.<n>`` for a section not offered, ``contact.<field>`` for an unknown field
    or a value that is not true or false."""
    errors: dict[str, str] = {}
    chosen: list[str] = []
    if not isinstance(sections, (list, tuple)):
        errors["sections"] = N_("A list of sections.")
    else:
        errors |= {
            f"sections.{i}": N_("There is no such section.")
            for i, key in enumerate(sections)
            if not isinstance(key, str) or key not in EMPLOYER_SECTIONS
        }
        chosen = [key for key in EMPLOYER_SECTIONS if key in sections]
    shown = dict(CONTACT_DEFAULT)
    if not isinstance(contact, dict):
        errors["contact"] = N_("The contact details to show, each true or false.")
    else:
        for key, value in contact.items():
            if key not in CONTACT_DEFAULT:
                errors[f"contact.{key}"] = N_("There is no such field.")
            elif not isinstance(value, bool):
                errors[f"contact.{key}"] = N_("True or false.")
            else:
                shown[key] = value
    if errors:
        raise InvalidInput(errors)
    return chosen, shown
