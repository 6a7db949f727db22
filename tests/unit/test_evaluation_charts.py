"""The evaluation charts (SVG drawn on the server) and the CSV/XLSX exports, as pure
functions: well-formed, described in words, escaped, and never carrying a figure the
report hides."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from course.evaluations import charts, exports
from course.evaluations.reporting import PartFigures, Report, ShownComment
from course.evaluations.reports import AREAS, aggregate, split
from course.web import formats

SVG = "{http://www.w3.org/2000/svg}"
WORDS = charts.Words(
    target="mål %(value)s", below="under målet", mean="snitt %(value)s", too_few="for få svar", answers="%(count)s svar"
)
LABELS = {area: f"Område «{area}» <b>&</b> æøå" for area in AREAS}

answer = st.fixed_dictionaries({area: st.integers(0, 10) for area in AREAS})
group = st.lists(answer, min_size=3, max_size=30)


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


@given(group)
def test_the_means_chart_is_well_formed_and_says_every_figure_in_words(answers):
    figures = aggregate(answers)
    svg = parse(charts.area_means(figures.areas, LABELS, WORDS, "Snitt per område"))
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    for a in figures.areas:
        assert LABELS[a.area] in desc.text  # the label, unescaped once parsed: it was escaped in the markup
        assert f"snitt {charts._num(a.mean)}" in desc.text
    assert desc.text.count("under målet") == sum(a.below_target for a in figures.areas)
    assert len(svg.findall(f"{SVG}rect")) == len(AREAS)


@given(group)
def test_the_distribution_has_a_column_per_score_and_counts_that_add_up(answers):
    area = aggregate(answers).areas[0]
    svg = parse(charts.distribution(area, LABELS[area.area], WORDS))
    assert len(svg.findall(f"{SVG}rect")) == 11
    desc = svg.find(f"{SVG}desc").text
    assert desc.startswith(f"{len(answers)} svar")
    said = [int(part.split(": ")[1]) for part in desc.split(". ", 1)[1].rstrip(".").split(", ") if part]
    assert sum(said) == len(answers)


@given(st.lists(st.one_of(st.none(), st.floats(0, 10, allow_nan=False)), min_size=1, max_size=40))
def test_a_trend_leaves_a_gap_for_periods_with_too_few_answers(means):
    points = [(f"20{20 + i // 4}-Q{i % 4 + 1}", m) for i, m in enumerate(means)]
    svg = parse(charts.trend(points, "Utbytte", 9.0, WORDS))
    runs, current = [], 0
    for m in means:
        if m is None:
            runs.append(current)
            current = 0
        else:
            current += 1
    runs.append(current)
    assert len(svg.findall(f"{SVG}polyline")) == sum(1 for r in runs if r > 1)
    assert len(svg.findall(f"{SVG}circle")) == sum(1 for m in means if m is not None)
    assert svg.find(f"{SVG}desc").text.count("for få svar") == means.count(None)


def test_user_text_in_a_chart_is_escaped():
    hostile = '<script>alert(1)</script><img src="file:///etc/passwd">'
    markup = str(charts.trend([(hostile, 9.0), ("2027-Q1", 8.0)], hostile, 9.0, WORDS))
    assert "<script>" not in markup and "<img" not in markup
    assert parse(markup).find(f"{SVG}title").text == hostile


def report_from(parts: dict[str, list[dict]]) -> Report:
    every = [a for answers in parts.values() for a in answers]
    shown = split(parts)
    return Report(
        responses=len(every),
        invited=len(every),
        response_rate=1.0 if every else None,
        figures=aggregate(every),
        cohorts=[PartFigures(key, key, figures) for key, figures in shown.items()],
        trend=[PartFigures("2027-Q1", "2027-Q1", aggregate(every))],
        comments=[ShownComment(1, "overall", '=HYPERLINK("http://x")')],
    )


parts = st.dictionaries(
    st.sampled_from(["Gruppe Åsen", "Gruppe Ørje", "=1+1", "Bæreia"]), st.lists(answer, max_size=8), min_size=1
)


@given(parts)
def test_the_csv_carries_the_figures_shown_and_nothing_hidden(split_answers):
    report = report_from(split_answers)
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(report))))
    assert len(rows) == (2 + len(split_answers)) * len(AREAS)
    by_group = {}
    for row in rows:
        by_group.setdefault((row["level"], row["group"]), []).append(row)
    for (level, name), group_rows in by_group.items():
        figures = (
            report.figures
            if level != "cohort"
            else next(p.figures for p in report.cohorts if exports._inert(p.label) == name)
        )
        assert [r["area"] for r in group_rows] == list(AREAS)
        for r, area in zip(group_rows, AREAS, strict=True):
            if figures.suppressed:
                assert r["suppressed"] == "true" and r["mean"] == "" and r["n10"] == ""
            else:
                a = next(x for x in figures.areas if x.area == area)
                assert float(r["mean"]) == a.mean and [int(r[f"n{n}"]) for n in range(11)] == list(a.distribution)
    assert all(not row["group"].startswith("=") for row in rows)


def test_the_workbook_keeps_text_as_text_and_marks_groups_with_too_few_answers():
    answers = [{area: 9 for area in AREAS}] * 4 + [{area: 6 for area in AREAS}]
    report = report_from({"=1+1": answers[:2], "Gruppe Åsen": answers[2:]})
    body = exports.to_xlsx(report, lambda s: s, {a: a for a in AREAS}, "Kursevalueringer")
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Whole", "Per cohort", "Per quarter", "Comments"]
    cohort_rows = list(book["Per cohort"].iter_rows(min_row=3, values_only=True))
    assert {row[0] for row in cohort_rows} == {"=1+1", "Gruppe Åsen"}
    assert all(row[2] == "too few answers" for row in cohort_rows)  # split: both hidden
    assert book["Per cohort"]["A3"].data_type == "s"
    assert book["Comments"]["B2"].data_type == "s"
    whole = list(book["Whole"].iter_rows(min_row=3, values_only=True))
    assert whole[0][3] == 8.4 and len(whole) == len(AREAS)


@given(group)
def test_the_means_chart_writes_each_figure_as_the_table_does_and_below_target_in_words(answers):
    figures = aggregate(answers)
    svg = parse(charts.area_means(figures.areas, LABELS, WORDS, "Snitt per område"))
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert not any("▼" in t for t in texts)  # a sign beside a figure reads as a second score
    for a in figures.areas:
        assert formats.decimal(a.mean) in texts  # 7,0 as in the table beside it, never 7
    assert texts.count("under målet") == sum(a.below_target for a in figures.areas)


# The labels as the report shows them, and longer ones: a translation may say more.
NORWEGIAN = {
    "benefit": "Utbytte og læring",
    "next_step": "Muligheter for å komme i tiltak etter kurset",
    "atmosphere": "Stemning og trygghet i kursgruppen",
    "leaders": "Kursledernes kompetanse og evne til å ivareta deg og gruppen",
    "participation": "Opplevelse av medvirkning",
}
LONG = {
    **NORWEGIAN,
    "benefit": "Arbeidsmarkedstiltaksdeltakelsesmulighetsvurderingsgrunnlaget for ungdommene",
    "participation": "Å bli hørt, sett og tatt på alvor – også når det er vanskelig, ærlig talt. " * 3,
}
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøåABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅWM()–-'«» ", min_size=1)


@given(words, st.integers(40, 400))
def test_wrapped_lines_fit_their_width_and_keep_every_letter(text, width):
    lines = charts.wrap(text, width, 14)
    assert all(charts.text_width(line, 14) <= width for line in lines if len(line) > 2)
    assert "".join("".join(lines).split()).replace("-", "") == "".join(text.split()).replace("-", "")


def label_lines(svg: ET.Element) -> list[tuple[float, float, str]]:
    """Each label line of the means chart as (left edge, baseline, text), measured as the
    chart measures it."""
    found = []
    for text in svg.iter(f"{SVG}text"):
        if text.get("text-anchor") != "end" or not list(text):
            continue
        y = float(text.get("y"))
        for span in text:
            y += float(span.get("dy"))
            found.append((float(span.get("x")) - charts.text_width(span.text, 14), y, span.text))
    return found


@given(group, st.sampled_from([NORWEGIAN, LONG]))
def test_no_label_of_the_means_chart_is_cut_at_its_edges(answers, labels):
    figures = aggregate(answers)
    svg = parse(charts.area_means(figures.areas, labels, WORDS, "Snitt per område"))
    _, _, width, height = (float(v) for v in svg.get("viewBox").split())
    lines = label_lines(svg)
    for left, baseline, _ in lines:
        assert left >= 0 and baseline - 14 >= 0 and baseline + 4 <= height
    # Every word of every label is there, in order, and no two lines overlap.
    assert "".join("".join(t for *_, t in lines).split()).replace("-", "") == "".join(
        "".join(labels[a.area].split()).replace("-", "") for a in figures.areas
    )
    baselines = [b for _, b, _ in lines]
    assert all(later - earlier >= 16 for earlier, later in zip(baselines, baselines[1:], strict=False))
    # The figures to the right stay inside too: "under målet" ends within the width.
    for text in svg.iter(f"{SVG}text"):
        if text.text == "under målet":
            assert float(text.get("x")) + charts.text_width(text.text, 11) <= width


def test_the_atmosphere_label_is_whole_on_two_lines():
    figures = aggregate([{area: 9 for area in AREAS}] * 3)
    svg = parse(charts.area_means(figures.areas, NORWEGIAN, WORDS, "Snitt per område"))
    assert [t for *_, t in label_lines(svg) if t in ("Stemning og trygghet i", "kursgruppen")] == [
        "Stemning og trygghet i",
        "kursgruppen",
    ]
    assert "'Source Sans 3'" in svg.get("font-family")  # quoted: unquoted, the "3" voids the whole list
