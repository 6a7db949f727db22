"""The outcome report's charts, drawn on the server as SVG like the evaluation charts:
no scripts, an image with a title and a description that says every figure in
words, every text escaped. A hidden count draws no bar and says so."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

from markupsafe import Markup, escape

from course.evaluations.charts import BRAND, GRID, MUTED

_ids = count(1)


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    uid = next(_ids)
    return Markup(
        f'<svg class="chart chart-outcomes" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="ochart-{uid}-title ochart-{uid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="\'Source Sans 3\', system-ui, sans-serif" font-size="13">'
        f'<title id="ochart-{uid}-title">{escape(title)}</title><desc id="ochart-{uid}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def bars(rows: Sequence[tuple[str, int | None]], title: str, hidden: str, total_text: str) -> Markup:
    """One horizontal bar per row (label, count); None is a hidden count, written as
    ``hidden`` with no bar. ``total_text`` starts the description ("12 participants")."""
    label_w, bar_w, row_h, top = 270, 300, 26, 6
    width, height = label_w + bar_w + 60, top + row_h * max(1, len(rows)) + 4
    peak = max([n for _, n in rows if n] or [1])
    body = [f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - 4}" stroke="{GRID}"/>']
    said = []
    for i, (label, n) in enumerate(rows):
        y = top + i * row_h
        short = label if len(label) <= 36 else label[:35] + "…"
        body.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(short)}</text>')
        if n is None:
            body.append(f'<text x="{label_w + 6}" y="{y + 16}" fill="{MUTED}">{escape(hidden)}</text>')
            said.append(f"{label}: {hidden}")
            continue
        w = bar_w * n / peak
        if n:
            body.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="16" fill="{BRAND}" rx="2"/>')
        body.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-weight="600">{n}</text>')
        said.append(f"{label}: {n}")
    return _svg(width, height, title, f"{total_text}. " + "; ".join(said) + ".", body)
