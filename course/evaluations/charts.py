"""Evaluation charts drawn on the server as SVG: no scripts, no external assets,
readable in a browser and in a PDF. Each chart is an image with a title and a
description that says in words what the bars and lines show, and every text in
it is escaped. Labels come in translated; this module only draws."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

from course.evaluations.reports import SCORES, AreaFigures
from course.web import formats

BRAND = "#0b5a6b"
BELOW = "#c2571a"
BELOW_TEXT = "#a8470f"  # dark enough for text on white
TARGET = "#1f2328"
GRID = "#d9d5cc"
MUTED = "#5b616b"
_ids = count(1)


@dataclass(frozen=True)
class Words:
    """The translated words a chart needs."""

    target: str  # "target %(value)s"
    below: str  # "below target"
    mean: str  # "mean %(value)s"
    too_few: str  # "too few answers"
    answers: str  # "%(count)s answers"


def _num(value: float) -> str:
    """A figure as the tables beside the chart write it: 8,5 and 9,0."""
    return formats.decimal(value)


# Advance widths in em, Helvetica's (AFM), and 15 % on top: a text measured with them fits
# in Source Sans 3 (the chart's font, some 7 % narrower than Helvetica) and also when the
# browser falls back to Arial or to DejaVu Sans (Linux's system-ui, the widest usual one).
_WIDER = 1.15
_EM: dict[str, float] = {
    **dict.fromkeys("ijl|'", 0.25),
    **dict.fromkeys(" .,:;!I", 0.28),
    **dict.fromkeys("f/", 0.31),
    **dict.fromkeys("t-()[]", 0.34),
    "r": 0.36,
    '"': 0.4,
    **dict.fromkeys("cksvxyzJ«»", 0.5),
    "&": 0.72,
    **dict.fromkeys("øØ", 0.78),
    **dict.fromkeys("mM", 0.84),
    **dict.fromkeys("wÆæ%", 0.9),
    "W": 0.95,
}


def text_width(text: str, size: float) -> float:
    """How wide ``text`` is at ``size`` px, at most (see _EM): capitals 0.72 em, other
    letters and figures 0.56 em unless listed."""
    return size * _WIDER * sum(_EM.get(c, 0.72 if c.isupper() else 0.56) for c in text)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Words on lines at most ``width`` px wide at ``size`` px; a word wider than a line
    is broken with a hyphen."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += " " + word
            continue
        while len(word) > 1 and text_width(word, size) > width:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut] + "-", size) > width:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        lines.append(word)
    return lines or [""]


def _svg(width: int, height: int, title: str, desc: str, body: list[str], css_class: str) -> Markup:
    uid = next(_ids)
    return Markup(
        f'<svg class="chart {css_class}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="chart-{uid}-title chart-{uid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="\'Source Sans 3\', system-ui, sans-serif" font-size="14">'
        f'<title id="chart-{uid}-title">{escape(title)}</title><desc id="chart-{uid}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def area_means(areas: Sequence[AreaFigures], labels: Mapping[str, str], words: Words, title: str) -> Markup:
    """One horizontal bar per area on a 0–10 scale, the target marked on each; bars
    below target are drawn in another colour and say so in text."""
    # A label is wrapped to its column (never cut at the chart's edge), and every row is as
    # tall as the longest label needs; the figure column is as wide as "below target" needs.
    label_w, bar_w, top, size, line_h = 250, 330, 28, 14, 16
    label_lines = {a.area: wrap(labels[a.area], label_w - 16, size) for a in areas}
    row_h = max([46, *(line_h * len(lines) + 14 for lines in label_lines.values())])
    figures_w = max(70, 16 + text_width(words.below, 11)) if any(a.below_target for a in areas) else 70
    width, height = round(label_w + bar_w + figures_w), top + row_h * len(areas) + 8

    def x(v: float) -> float:
        return label_w + bar_w * v / 10

    body = [
        f'<line x1="{x(n)}" y1="{top - 6}" x2="{x(n)}" y2="{height - 8}" stroke="{GRID}"/>'
        f'<text x="{x(n)}" y="{top - 10}" text-anchor="middle" fill="{MUTED}" font-size="12">{n}</text>'
        for n in (0, 2, 4, 6, 8, 10)
    ]
    sentences = []
    for i, a in enumerate(areas):
        y = top + i * row_h + row_h // 2  # the row's middle: the bar, its label and figure centred on it
        colour = BELOW if a.below_target else BRAND
        lines = label_lines[a.area]
        first = y + 5 - line_h // 2 * (len(lines) - 1)
        body.append(
            f'<text x="{label_w - 10}" y="{first}" text-anchor="end">'
            + "".join(
                f'<tspan x="{label_w - 10}" dy="{0 if n == 0 else line_h}">{escape(line)}</tspan>'
                for n, line in enumerate(lines)
            )
            + "</text>"
        )
        body.append(
            f'<rect x="{x(0)}" y="{y - 10}" width="{max(1.0, x(a.mean) - x(0)):.1f}" height="20" '
            f'fill="{colour}" rx="3"/>'
        )
        body.append(
            f'<line x1="{x(a.target):.1f}" y1="{y - 15}" x2="{x(a.target):.1f}" y2="{y + 15}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="3 2"/>'
        )
        body.append(
            f'<text x="{x(10) + 8}" y="{y + 5}" font-weight="600" fill="{BELOW_TEXT if a.below_target else BRAND}">'
            f"{_num(a.mean)}</text>"
        )
        if a.below_target:  # in words under the figure: a sign beside it would read as a second score
            body.append(
                f'<text x="{x(10) + 8}" y="{y + 19}" font-size="11" fill="{BELOW_TEXT}">{escape(words.below)}</text>'
            )
        sentence = (
            f"{labels[a.area]}: {words.mean % {'value': _num(a.mean)}}, {words.target % {'value': _num(a.target)}}"
        )
        sentences.append(sentence + (f" ({words.below})" if a.below_target else ""))
    return _svg(width, height, title, ". ".join(sentences) + ".", body, "chart-means")


def distribution(area: AreaFigures, label: str, words: Words) -> Markup:
    """How many gave each score from 0 to 10, as columns."""
    width, height, left, bottom, col = 330, 150, 8, 24, 28
    peak = max(area.distribution) or 1
    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{left + col * 11}" y2="{height - bottom}" stroke="{GRID}"/>']
    for n in SCORES:
        value = area.distribution[n]
        h = (height - bottom - 22) * value / peak
        cx = left + col * n
        body.append(
            f'<rect x="{cx + 3}" y="{height - bottom - h:.1f}" width="{col - 6}" height="{h:.1f}" '
            f'fill="{BELOW if n < area.target else BRAND}" rx="2"/>'
        )
        if value:
            body.append(
                f'<text x="{cx + col / 2}" y="{height - bottom - h - 4:.1f}" text-anchor="middle" '
                f'font-size="12">{value}</text>'
            )
        body.append(
            f'<text x="{cx + col / 2}" y="{height - 6}" text-anchor="middle" fill="{MUTED}" font-size="12">{n}</text>'
        )
    counts = ", ".join(f"{n}: {area.distribution[n]}" for n in SCORES if area.distribution[n])
    desc = f"{words.answers % {'count': area.answers}}. {counts}."
    return _svg(width, height, label, desc, body, "chart-distribution")


def trend(points: Sequence[tuple[str, float | None]], label: str, target: float, words: Words) -> Markup:
    """The mean per period as a line on a 0–10 scale with the target; a period with
    too few answers leaves a gap."""
    left, right, top, bottom = 34, 26, 14, 40
    step = 56 if len(points) <= 8 else max(16, 448 // max(1, len(points) - 1))
    width = left + right + step * max(1, len(points) - 1)
    height = 170

    def y(v: float) -> float:
        return top + (height - top - bottom) * (10 - v) / 10

    body = []
    for n in (0, 5, 10):
        body.append(
            f'<line x1="{left}" y1="{y(n)}" x2="{width - right}" y2="{y(n)}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y(n) + 4}" text-anchor="end" fill="{MUTED}" font-size="12">{n}</text>'
        )
    body.append(
        f'<line x1="{left}" y1="{y(target):.1f}" x2="{width - right}" y2="{y(target):.1f}" stroke="{TARGET}" '
        f'stroke-width="1.5" stroke-dasharray="4 3"/>'
    )
    segments: list[list[str]] = [[]]
    marks: list[str] = []
    every = max(1, len(points) // 8)
    for i, (period, mean) in enumerate(points):
        px = left + step * i
        if i % every == 0 or i == len(points) - 1:
            body.append(
                f'<text x="{px}" y="{height - bottom + 16}" text-anchor="middle" fill="{MUTED}" '
                f'font-size="11">{escape(period)}</text>'
            )
        if mean is None:
            segments.append([])
            continue
        segments[-1].append(f"{px},{y(mean):.1f}")
        marks.append(f'<circle cx="{px}" cy="{y(mean):.1f}" r="3.5" fill="{BELOW if mean < target else BRAND}"/>')
    body += [
        f'<polyline points="{" ".join(s)}" fill="none" stroke="{BRAND}" stroke-width="2"/>'
        for s in segments
        if len(s) > 1
    ]
    body += marks
    said = [f"{period}: {_num(mean) if mean is not None else words.too_few}" for period, mean in points]
    desc = f"{words.target % {'value': _num(target)}}. " + "; ".join(said) + "."
    return _svg(width, height, label, desc, body, "chart-trend")
