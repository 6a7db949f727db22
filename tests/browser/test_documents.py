"""A participant fills in their resource CV on a phone, through their own page,
and downloads it as PDF."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pypdf
import pytest
from playwright.sync_api import expect

from course.demo import DEMO_PASSWORD
from course.web.i18n import gettext
from tests.browser.helpers import assert_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser

ABOUT_ME = "Jeg heter det jeg heter, bor på Åssiden og liker å lage mat til mange. Spør meg om bær!"
SKILLS = ["Sykle langt", "Lage mat til mange", "Passe på småsøsken"]
JOB = "Sommerjobb på Bøler bakeri"


def own_link(base_url: str) -> tuple[str, str]:
    """(path to the own page, the participant's name) for someone on group A."""
    with httpx.Client(base_url=base_url, timeout=30) as api:
        token = api.post("/api/v1/auth/token", json={"email": "ase.bo@demo.kjk.no", "password": DEMO_PASSWORD})
        assert token.status_code == 201, token.text
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        cohorts = api.get("/api/v1/cohorts", params={"status": "running"}, headers=headers).json()
        cohort = next(c for c in cohorts if c["title"] == "Klart jeg kan – gruppe A")
        roster = api.get(f"/api/v1/cohorts/{cohort['id']}/enrolments", headers=headers).json()
        person = [r for r in roster if r["status"] == "enrolled"][1]["participant"]
        link = api.post(f"/api/v1/participants/{person['id']}/link", headers=headers)
        assert link.status_code == 201, link.text
        return "/p/" + link.json()["url"].rsplit("/p/", 1)[1], person["name"]


def row_label(column: str, n: int = 1) -> str:
    """A table cell's label as a screen reader hears it: "Hva, rad 1"."""
    return f"{gettext(column)}, {gettext('row %(n)s', n=n)}"


def test_participant_writes_their_resource_cv_on_a_phone(phone, artifacts):
    path, name = own_link(phone.server.base_url)
    page = phone.new_page()
    page.goto(path)
    page.get_by_role("link", name=gettext("My resource CV")).first.click()
    assert name in page.get_by_role("heading", level=1).inner_text()
    assert_no_horizontal_scroll(page)

    page.get_by_label(gettext("About me"), exact=True).fill(ABOUT_ME)
    page.get_by_label(gettext("Skills"), exact=True).fill("\n".join(SKILLS))
    experience = page.get_by_role("group", name=gettext("Experience"))
    experience.get_by_label(row_label("Kind"), exact=True).select_option("work")
    experience.get_by_label(row_label("What"), exact=True).fill(JOB)
    experience.get_by_label(row_label("Where"), exact=True).fill("Bøler")
    experience.get_by_label(row_label("When"), exact=True).fill("Sommeren 2025")
    page.get_by_role("button", name=gettext("Save"), exact=True).click()
    page.wait_for_url("**?saved=1")

    assert page.get_by_role("status").inner_text().strip() == gettext("Saved.")
    assert page.get_by_label(gettext("About me"), exact=True).input_value() == ABOUT_ME
    assert page.get_by_label(gettext("Skills"), exact=True).input_value() == "\n".join(SKILLS)
    experience = page.get_by_role("group", name=gettext("Experience"))
    assert experience.get_by_label(row_label("What"), exact=True).input_value() == JOB
    assert experience.get_by_label(row_label("Kind"), exact=True).input_value() == "work"
    assert_no_horizontal_scroll(page)
    phone.check_accessibility(page)
    screenshot(page, artifacts / f"{phone.server.engine}-resource-cv-phone.png")

    with page.expect_download() as download:
        page.get_by_role("link", name=gettext("Download PDF")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert name in download.value.suggested_filename
    body = Path(download.value.path()).read_bytes()
    assert body.startswith(b"%PDF-")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert name in text and JOB in text and "Spør meg om bær!" in text
    for skill in SKILLS:
        assert skill in text


MEASURE = "Ringe Åsgårdstrand kafé\nSpørre etter praksisplass på kjøkkenet"


def test_participant_adds_a_row_to_their_plan_without_saving_first(phone, artifacts):
    path, name = own_link(phone.server.base_url)
    page = phone.new_page()
    page.goto(path)
    page.get_by_role("link", name=gettext("My action plan")).first.click()
    measures = page.get_by_role("group", name=gettext("Measures"))
    rows = measures.locator("li.doc-row")
    expect(measures).to_be_visible()  # count the rows of the plan, not of the page being left
    before = rows.count()
    # With the script the button shows and the hint about saving for more rows goes.
    add = measures.get_by_role("button", name=gettext("Add a row"))
    expect(add).to_be_visible()
    expect(measures.get_by_text(gettext("Save to get more empty rows."))).to_be_hidden()
    add.click()
    expect(rows).to_have_count(before + 1)
    n = before + 1
    what = measures.get_by_label(row_label("What", n), exact=True)
    assert what.evaluate("e => e === document.activeElement")  # the new row's first field has the focus
    what.fill(MEASURE)
    measures.get_by_label(row_label("Responsible", n), exact=True).select_option("me")
    assert_no_horizontal_scroll(page)
    phone.check_accessibility(page)
    page.get_by_role("button", name=gettext("Save"), exact=True).click()
    page.wait_for_url("**?saved=1")

    assert page.get_by_role("status").inner_text().strip() == gettext("Saved.")
    measures = page.get_by_role("group", name=gettext("Measures"))
    saved_rows = [measures.get_by_label(row_label("What", i), exact=True).input_value() for i in range(1, before + 2)]
    assert MEASURE in saved_rows, saved_rows
    screenshot(page, artifacts / f"{phone.server.engine}-plan-added-row-phone.png")

    with page.expect_download() as download:
        page.get_by_role("link", name=gettext("Download PDF")).click()
    body = Path(download.value.path()).read_bytes()
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert name in text and "Ringe Åsgårdstrand kafé" in text and "Spørre etter praksisplass på kjøkkenet" in text


def test_participant_chooses_what_goes_in_their_cv_for_employers(browse, artifacts):
    path, name = own_link(browse.server.base_url)
    page = browse.new_page()
    page.goto(path)
    page.get_by_role("link", name=gettext("My CV for employers")).click()
    assert name in page.get_by_role("heading", level=1).inner_text()
    network = page.get_by_label(gettext("My network"), exact=True)
    birth_year = page.get_by_label(gettext("Birth year"), exact=True)
    assert page.get_by_label(gettext("About me"), exact=True).is_checked()
    assert not network.is_checked() and not birth_year.is_checked()
    browse.check_accessibility(page)
    birth_year.check()
    page.get_by_role("button", name=gettext("Save"), exact=True).click()
    page.wait_for_url("**?saved=1")
    assert page.get_by_label(gettext("Birth year"), exact=True).is_checked()
    screenshot(page, artifacts / f"{browse.server.engine}-cv-for-employers.png")

    with page.expect_download() as download:
        page.get_by_role("link", name=gettext("Download PDF")).click()
    body = Path(download.value.path()).read_bytes()
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert name in text and "Klart jeg kan" not in text and "Ressurs-CV" not in text
