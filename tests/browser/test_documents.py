"""A participant fills in their resource CV on a phone, through their own page,
and downloads it as PDF."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pypdf
import pytest

from course.demo import DEMO_PASSWORD
from course.web.i18n import gettext
from tests.browser.helpers import assert_no_horizontal_scroll

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
    page.screenshot(path=artifacts / f"{phone.server.engine}-resource-cv-phone.png", full_page=True)

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
