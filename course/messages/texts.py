"""The texts of messages: Jinja templates under templates/messages/, one per kind and
channel (``<kind>.sms.txt``, ``<kind>.email.txt`` whose first line is ``Emne: …``).

A participant's own link is never written into the stored text: the template writes
``LINK_MARK`` where it goes, and the link is put in only when the message is sent
(course/messages/delivery.py), so the outbox and the log hold no secret."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from course.messages import rules
from course.settings import ROOT

LINK_MARK = "[[lenke]]"
# A staff page (``{{ page("/participants/12") }}``), made absolute when it is sent.
PAGE_MARK = re.compile(r"\[\[side:(/[^\]\s]*)\]\]")
# What the link takes in an SMS, for counting segments before it is known: the
# longest base address we expect and a 43-character token.
LINK_BUDGET = len("https://klartjegkan.nav.no/p/") + 43

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def day_text(day: date) -> str:
    """'tirsdag 10. mars'."""
    return f"{WEEKDAYS[day.weekday()]} {day.day}. {MONTHS[day.month - 1]}"


def clock_text(at: time) -> str:
    return at.strftime("%H:%M")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ROOT / "templates" / "messages"),
        autoescape=False,  # plain text, never HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["day"] = day_text
    env.filters["clock"] = clock_text
    env.globals["link"] = LINK_MARK
    env.globals["page"] = lambda path: f"[[side:{path}]]"
    return env


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def render(kind: str, channel: str, context: dict) -> Text:
    text = _environment().get_template(f"{kind}.{channel}.txt").render(**context).strip()
    if channel == "sms":
        return Text("", rules.plain_sms(_tidy(text)))
    first, _, rest = text.partition("\n")
    if not first.startswith("Emne:"):
        raise ValueError(f"{kind}.email.txt must start with 'Emne: '")
    return Text(first.removeprefix("Emne:").strip(), _tidy(rest).strip() + "\n")


def _tidy(text: str) -> str:
    """Blank lines where an optional part was left out become one."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip()


def with_link(body: str, link: str | None, base_url: str | None = None) -> str:
    """The text as sent: the participant's link in, or its line out when they have none;
    staff pages as absolute addresses, or their lines out when there is no address."""
    if base_url:
        body = PAGE_MARK.sub(lambda m: base_url + m.group(1), body)
    lines = body.split("\n")
    if link:
        lines = [line.replace(LINK_MARK, link) for line in lines]
    return "\n".join(line for line in lines if LINK_MARK not in line and not PAGE_MARK.search(line))
