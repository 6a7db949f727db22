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
    """A figure as Norwegian readers write it: 8,5 and 9."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _wrap(text: str, width: int) -> list[str]:
    """Words on lines of at most ``width`` characters (a longer word keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _svg(width: int, height: int, title: str, desc: str, body: list[str], css_class: str) -> Markup:
    uid = next(_ids)
    return Markup(
        f'<svg class="chart {css_class}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="chart-{uid}-title chart-{uid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Source Sans 3, system-ui, sans-serif" font-size="14">'
        f'<title id="chart-{uid}-title">{escape(title)}</title><desc id="chart-{uid}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def area_means(areas: Sequence[AreaFigures], labels: Mapping[str, str], words: Words, title: str) -> Markup:
    """One horizontal bar per area on a 0–10 scale, the target marked on each; bars
    below target are drawn in another colour and say so in text."""
    label_w, bar_w, row_h, top = 250, 330, 46, 28
    width, height = label_w + bar_w + 70, top + row_h * len(areas) + 8

    def x(v: float) -> float:
        return label_w + bar_w * v / 10

    body = [
        f'<line x1="{x(n)}" y1="{top - 6}" x2="{x(n)}" y2="{height - 8}" stroke="{GRID}"/>'
        f'<text x="{x(n)}" y="{top - 10}" text-anchor="middle" fill="{MUTED}" font-size="12">{n}</text>'
        for n in (0, 2, 4, 6, 8, 10)
    ]
    sentences = []
    for i, a in enumerate(areas):
        y = top + i * row_h
        colour = BELOW if a.below_target else BRAND
        lines = _wrap(labels[a.area], 34)
        first = y + 19 - 8 * (len(lines) - 1)
        body.append(
            f'<text x="{label_w - 10}" y="{first}" text-anchor="end">'
            + "".join(
                f'<tspan x="{label_w - 10}" dy="{0 if n == 0 else 16}">{escape(line)}</tspan>'
                for n, line in enumerate(lines)
            )
            + "</text>"
        )
        body.append(
            f'<rect x="{x(0)}" y="{y + 6}" width="{max(1.0, x(a.mean) - x(0)):.1f}" height="20" '
            f'fill="{colour}" rx="3"/>'
        )
        body.append(
            f'<line x1="{x(a.target):.1f}" y1="{y + 1}" x2="{x(a.target):.1f}" y2="{y + 31}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="3 2"/>'
        )
        mark = " ▼" if a.below_target else ""
        body.append(
            f'<text x="{x(10) + 8}" y="{y + 21}" font-weight="600" fill="{BELOW_TEXT if a.below_target else BRAND}">'
            f"{_num(a.mean)}{mark}</text>"
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
