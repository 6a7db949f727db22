"""Translations complete, nothing fetched from elsewhere, no inline script."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from course.settings import ROOT
from course.web import i18n

CATALOG = ROOT / "course/web/locale/nb/LC_MESSAGES/messages.po"
METHODS = [("course/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted() -> set:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(ROOT, METHODS, OPTIONS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_has_a_norwegian_translation():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="nb")
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    messages = extracted()
    assert len(messages) > 50
    assert sorted(messages - translated) == []


def test_translation_and_plural_forms():
    token = i18n.current_locale.set("nb")
    try:
        assert i18n.gettext("Log in") == "Logg inn"
        assert i18n.gettext("Hello, %(name)s.", name="Åse") == "Hei, Åse."
        assert i18n.ngettext("course leader", "course leaders", 1) == "kursleder"
        assert i18n.ngettext("course leader", "course leaders", 2) == "kursledere"
    finally:
        i18n.current_locale.reset(token)
    token = i18n.current_locale.set("en")
    try:
        assert i18n.gettext("Log in") == "Log in"
    finally:
        i18n.current_locale.reset(token)


def _files(*patterns: str) -> list[Path]:
    return [p for pattern in patterns for p in ROOT.glob(pattern)]


def test_no_assets_from_other_hosts():
    external = re.compile(
        r"""(src|href)\s*=\s*["']?(https?:)?//|@import\s+url\(\s*["']?https?:|url\(\s*["']?(https?:)?//"""
    )
    for path in _files("templates/**/*.html", "course/web/static/**/*.css", "course/web/static/**/*.js"):
        assert not external.search(path.read_text()), path


def test_no_inline_script_or_style_attributes():
    for path in _files("templates/**/*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert " style=" not in text, path
