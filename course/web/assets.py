"""Vendored front-end assets: NAV's design system (Aksel) and the web fonts.

``make vendor`` fetches the pinned ``@navikt/ds-css`` and ``@navikt/aksel-icons`` from
the npm registry, checks their checksums and writes what the app serves. The design
system's stylesheet loads Source Sans 3 from NAV's CDN; those ``@font-face`` rules are
dropped here, and the app serves the font itself (``static/fonts``), so a page fetches
nothing from another host."""

from __future__ import annotations

import re
import sys
from pathlib import Path

_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_REMOTE = re.compile(r"url\(\s*[\"']?(https?:)?//")


def without_remote_fonts(css: str) -> str:
    """The stylesheet less every ``@font-face`` rule; refuses one that still loads from elsewhere."""
    stripped = _FONT_FACE.sub("", css)
    if _REMOTE.search(stripped):
        raise ValueError("the stylesheet still loads something from another host")
    return stripped


def main(source: str, target: str) -> None:
    Path(target).write_text(without_remote_fonts(Path(source).read_text()))


if __name__ == "__main__":
    main(*sys.argv[1:3])
