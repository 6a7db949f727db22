"""Every kind of PDF is tagged PDF/UA-1 for screen readers and archives: a structure
tree, marked content, the language (nb), the title shown by the viewer, XMP metadata
with the title, and the title and author (the office's name where known, else
'Klart jeg kan'). And the text reads in order: the CV's heading as 'Ressurs-CV', a
report's key figures each number with its label, a long word wrapped on the page."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime
from types import SimpleNamespace

import pikepdf
import pytest

from course import pdf
from course.documents.services import (
    ContactDetails,
    DocumentOut,
    EmployerContact,
    EmployerCvOut,
    document_html,
    employer_cv_html,
)
from course.participants.attendance_export import AttendanceExport, ExportCohort, to_html
from course.participants.consent_texts import ConsentTextOut, consent_form_html
from course.web.layout import environment
from tests.documents.conftest import SOLVI, cohort_with, saved
from tests.documents.test_pdf import FULL_CV, PLAN
from tests.participants.helpers import as_  # noqa: F401  (fixture)

NAME = "Sølvi Åkerø Dæhli"
OFFICE = "Nav Bærum og Asker"
LONG_WORD = "Øvelseskjøringsinstruktørsertifiseringsdokumentasjonsgjennomgangsrutine" * 3
CTX = {
    "primary_contact": "Åse Bø",
    "variant": "kjk",
    "start_date": date(2027, 1, 4),
    "end_date": date(2027, 3, 26),
    "office_name": "",
}


def _doc(kind: str, content: dict) -> DocumentOut:
    return DocumentOut(1, kind, 3, datetime(2027, 2, 1, 12), "Åse Bø", NAME, "Vårkurset på Åssiden", content)


def _cv() -> str:
    return document_html(_doc("cv", {**FULL_CV, "about_me": f"Jeg heter Sølvi. {LONG_WORD} og mer."}), CTX)


def _plan() -> str:
    measures = [*PLAN["measures"], {"what": LONG_WORD, "responsible": "me"}]
    return document_html(_doc("plan", {**PLAN, "measures": measures}), CTX)


def _employer_cv() -> str:
    out = EmployerCvOut(
        enrolment_id=1,
        participant_name=NAME,
        cohort_title="Vårkurset på Åssiden",
        sections=["about_me", "experience", "references"],
        contact=EmployerContact(phone=True, email=True, birth_year=False),
        contact_details=ContactDetails(phone="91234567", email="solvi@eksempel.no", birth_year=2004),
        available=[],
        cv_version=3,
        updated_at=None,
        updated_by=None,
    )
    return employer_cv_html(out, _doc("cv", FULL_CV))


def _consent_form() -> str:
    text = ConsentTextOut(
        version="2",
        effective_from=date(2027, 1, 1),
        intro="Vi spør om lov til å bruke opplysningene dine.",
        participation="Jeg blir med på kurset.",
        sharing="Kontoret får vite om oppmøtet mitt.",
        evaluation="Svarene mine brukes anonymt.",
        created_at=datetime(2026, 12, 1, 9),
        created_by=None,
    )
    return consent_form_html(text, OFFICE)


def _attendance() -> str:
    cohort = ExportCohort(1, "Vårkurset på Åssiden", "kjk", 1, ["Åse Bø"], date(2027, 1, 4), date(2027, 3, 26), [], [])
    return to_html(AttendanceExport(None, None, datetime(2027, 2, 1, 12), "Åse Bø", [cohort]))


def _left_out() -> SimpleNamespace:
    return SimpleNamespace(count=0)


def _evaluation_report() -> str:
    report = SimpleNamespace(
        responses=50,
        cohorts=[1, 2, 3, 4, 5, 6],
        response_rate=0.79,
        figures=SimpleNamespace(suppressed=True, areas=[]),
        on_paper=0,
        cohorts_left_out=_left_out(),
    )
    return (
        environment()
        .get_template("pdf/evaluation_report.html")
        .render(
            report=report,
            title="Kursevaluering 2027",
            office=SimpleNamespace(name=OFFICE),
            made=date(2027, 2, 1),
            made_by="Bjørn Åsheim",
            variant=None,
            charts=SimpleNamespace(means="", trends=[]),
            area_labels={},
        )
    )


def _outcome_report() -> str:
    report = SimpleNamespace(
        cohorts=6,
        participants=48,
        attendance_suppressed=False,
        attendance_rate=0.83,
        talks_suppressed=False,
        talks_per_participant=2.5,
        outcomes=[],
        categories=[SimpleNamespace(point="end", counts=[])],
    )
    evaluation = SimpleNamespace(responses=50, figures=SimpleNamespace(suppressed=True), response_rate=0.79)
    return (
        environment()
        .get_template("pdf/outcome_report.html")
        .render(
            report=report,
            evaluation=evaluation,
            outcome_groups={},
            kind_labels={"none": "Ingen"},
            category_labels={},
            point_labels={},
            area_labels={},
            title="Resultatrapport 2027",
            office=None,
            variant=None,
            leader_scope=False,
            made=date(2027, 2, 1),
            made_by="Bjørn Åsheim",
        )
    )


# (what, the HTML as the app makes it, the title starts, the author)
KINDS = [
    ("cv", _cv, "Ressurs-CV – " + NAME, "Klart jeg kan"),
    ("plan", _plan, "Handlingsplan – " + NAME, "Klart jeg kan"),
    ("employer cv", _employer_cv, "CV – " + NAME, NAME),  # their own: no course name on it
    ("consent form", _consent_form, "Samtykkeskjema", OFFICE),
    ("attendance", _attendance, "Oppmøteliste", "Klart jeg kan"),
    ("evaluation report", _evaluation_report, "Kursevaluering 2027", OFFICE),
    ("outcome report", _outcome_report, "Resultatrapport 2027", "Klart jeg kan"),
]


def text_of(body: bytes, *args: str) -> str:
    done = subprocess.run(["pdftotext", *args, "-", "-"], input=body, capture_output=True, check=True)
    return done.stdout.decode()


def assert_tagged(body: bytes, title: str, author: str) -> None:
    with pikepdf.open(io.BytesIO(body)) as doc:
        root = doc.Root
        assert "/StructTreeRoot" in root
        assert "/K" in root.StructTreeRoot  # it has content
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "nb"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert str(doc.docinfo["/Title"]).startswith(title)
        assert str(doc.docinfo["/Author"]) == author
        with doc.open_metadata() as xmp:
            assert xmp["dc:title"].startswith(title)
            assert xmp["pdfuaid:part"] == "1"


@pytest.mark.parametrize(("what", "make", "title", "author"), KINDS, ids=[k[0] for k in KINDS])
def test_every_kind_of_pdf_is_tagged_with_title_author_and_language(what, make, title, author):
    assert_tagged(pdf.write_pdf(make()), title, author)


async def test_a_pdf_from_the_renderers_is_tagged_too():
    try:
        body = await pdf.render(_plan())
    finally:
        pdf.shutdown()
    assert_tagged(body, "Handlingsplan – " + NAME, "Klart jeg kan")


def assert_within_the_margins(body: bytes) -> None:
    with pikepdf.open(io.BytesIO(body)) as doc:
        width = float(doc.pages[0].MediaBox[2])
    bbox = text_of(body, "-bbox")
    right = [float(part.split('"')[1]) for part in bbox.split("xMax=")[1:]]
    assert right and max(right) <= width - 18 * 72 / 25.4 + 1  # within the right margin
    assert "Øvelseskjørings" in text_of(body)  # and the long word is there, wrapped


def test_the_cv_heading_reads_as_written_and_a_long_word_stays_on_the_page():
    body = pdf.write_pdf(_cv())
    text = text_of(body)
    # The page header's and the heading's, neither as "RESSURS -CV".
    assert "RESSURS" not in text and text.split("Om meg")[0].count("Ressurs-CV") == 2, text[:300]
    assert_within_the_margins(body)


def test_a_long_word_in_a_plans_table_stays_on_the_page():
    assert_within_the_margins(pdf.write_pdf(_plan()))


def test_a_reports_key_figures_read_each_number_with_its_label():
    for args in ((), ("-layout",)):
        text = " ".join(text_of(pdf.write_pdf(_evaluation_report()), *args).split())
        assert "50 svar" in text and "6 kurs" in text and "79 % svarprosent" in text, text
        outcome = " ".join(text_of(pdf.write_pdf(_outcome_report()), *args).split())
        assert "48 deltakere" in outcome and "83 % oppmøte" in outcome, outcome


def test_the_employer_cvs_labels_read_apart_from_their_values():
    text = " ".join(text_of(pdf.write_pdf(_employer_cv())).split())
    assert "Telefon 912 34 567" in text and "E-post solvi@eksempel.no" in text, text


async def test_the_served_cv_and_plan_name_the_office_as_author(client, world, as_):  # noqa: F811
    """Through the API, as users get them: the cohort's office is the author, and the
    CV for employers (their own) names the participant."""
    setup = await cohort_with(client, world, as_)
    leader = await as_("leader")
    await saved(client, leader, setup.enrolment(), "cv", FULL_CV)
    await saved(client, leader, setup.enrolment(), "plan", PLAN)
    office = "NAV Drammen – Ungdomsteamet"  # office A of the world fixture
    for kind, title, author in (
        ("cv", "Ressurs-CV – " + SOLVI, office),
        ("plan", "Handlingsplan – " + SOLVI, office),
        ("cv-employer", "CV – " + SOLVI, SOLVI),
    ):
        response = await client.get(f"/api/v1/enrolments/{setup.enrolment()}/{kind}.pdf", headers=leader)
        assert response.status_code == 200, response.text
        assert_tagged(response.content, title, author)


def test_every_pdf_goes_through_the_one_renderer():
    """No PDF is written around course.pdf.write_pdf (and so untagged)."""
    import pathlib

    root = pathlib.Path(pdf.__file__).parent
    for path in root.rglob("*.py"):
        if path != pathlib.Path(pdf.__file__):
            assert ".write_pdf(" not in path.read_text(encoding="utf-8"), path
