"""A participant answers the course evaluation on a phone, through the link."""

from __future__ import annotations

import re

import httpx
import pytest

from course.demo import DEMO_PASSWORD
from tests.browser.helpers import assert_no_horizontal_scroll, log_in

pytestmark = pytest.mark.browser

AREAS = ["Utbytte og læring", "Muligheter for å komme i tiltak etter kurset", "Stemning og trygghet i kursgruppen",
         "Kursledernes kompetanse og evne til å ivareta deg og gruppen", "Opplevelse av medvirkning"]


def evaluation_link(base_url: str) -> str:
    with httpx.Client(base_url=base_url, timeout=30) as api:
        token = api.post("/api/v1/auth/token", json={"email": "ase.bo@demo.kjk.no", "password": DEMO_PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        cohorts = api.get("/api/v1/cohorts", params={"status": "running"}, headers=headers).json()
        cohort = next(c for c in cohorts if c["title"] == "Klart jeg kan – gruppe A")
        opened = api.post(f"/api/v1/cohorts/{cohort['id']}/evaluation", headers=headers)
        assert opened.status_code == 200, opened.text
        return "/e/" + opened.json()["links"][0]["url"].rsplit("/e/", 1)[1]


def test_participant_answers_the_evaluation_on_a_phone(phone, artifacts):
    path = evaluation_link(phone.server.base_url)
    page = phone.new_page()
    page.goto(path)
    assert page.get_by_role("heading", level=1).inner_text() == "Hvordan var kurset?"
    assert_no_horizontal_scroll(page)
    phone.check_accessibility(page)

    # Four areas answered, one forgotten: the summary links to the missing one.
    for area, score in zip(AREAS[:4], ("9", "7", "10", "10"), strict=True):
        page.get_by_role("group", name=area).locator("label.score", has_text=score).first.click()
    page.get_by_label("Er det noe annet du vil si?").fill("Takk til Åse og Ørjan – kjempefint kurs!")
    page.get_by_role("button", name="Send svaret mitt").click()
    summary = page.get_by_role("alert")
    assert "Opplevelse av medvirkning" in summary.inner_text()
    assert summary.get_by_role("link").get_attribute("href") == "#participation"
    assert page.get_by_label("Er det noe annet du vil si?").input_value() == "Takk til Åse og Ørjan – kjempefint kurs!"
    assert page.get_by_role("group", name=AREAS[1]).get_by_role("radio", name="7").is_checked()
    phone.check_accessibility(page)

    page.get_by_role("group", name=AREAS[4]).locator("label.score", has_text="8").click()
    page.get_by_role("button", name="Send svaret mitt").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Takk!"
    page.screenshot(path=artifacts / f"{phone.server.engine}-evaluation-thanks-phone.png", full_page=True)
    page.goto(path)
    assert page.get_by_role("heading", level=1).inner_text() == "Du har allerede svart"


def test_participant_finds_the_evaluation_on_their_own_page(phone, artifacts):
    base = phone.server.base_url
    with httpx.Client(base_url=base, timeout=30) as api:
        token = api.post("/api/v1/auth/token", json={"email": "ase.bo@demo.kjk.no", "password": DEMO_PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        cohorts = api.get("/api/v1/cohorts", params={"status": "running"}, headers=headers).json()
        cohort = next(c for c in cohorts if c["title"] == "Klart jeg kan – gruppe A")
        opened = api.post(f"/api/v1/cohorts/{cohort['id']}/evaluation", headers=headers).json()
        person = opened["links"][-1]["participant"]
        link = api.post(f"/api/v1/participants/{person['id']}/link", headers=headers).json()["url"]
    page = phone.new_page()
    page.goto("/p/" + link.rsplit("/p/", 1)[1])
    page.get_by_role("link", name="Svar på evalueringen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Hvordan var kurset?"
    for area, score in zip(AREAS, ("10", "8", "9", "10", "9"), strict=True):
        page.get_by_role("group", name=area).locator("label.score", has_text=score).first.click()
    page.get_by_role("button", name="Send svaret mitt").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Takk!"
    page.get_by_role("link", name="Kurset mitt").click()
    assert page.get_by_role("link", name="Svar på evalueringen").count() == 0
    phone.check_accessibility(page)


def test_manager_reads_the_report_with_charts_on_a_phone(phone, artifacts):
    page = phone.new_page()
    page.goto("/login")
    log_in(page, "bjorn.asheim@demo.kjk.no")
    page.goto("/reports/evaluations")
    assert page.get_by_role("heading", level=1).inner_text() == "Evalueringsrapporter"
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() >= 6  # the areas, a distribution per area, a trend per area
    assert "Muligheter for å komme i tiltak etter kurset" in charts.first.locator("desc").text_content()
    assert_no_horizontal_scroll(page)
    phone.check_accessibility(page)
    page.screenshot(path=artifacts / f"{phone.server.engine}-evaluation-report-phone.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Rapport på én side (PDF)").click()
    assert download.value.suggested_filename == "evaluering.pdf"


def test_leader_opens_the_evaluation_and_gets_slips_with_qr_codes(browse, artifacts):
    page = browse.new_page()
    page.goto("/login")
    log_in(page, "ase.bo@demo.kjk.no")
    page.goto("/")
    page.get_by_role("link", name="Klart jeg kan – gruppe A").first.click()
    page.get_by_role("link", name="Evaluering", exact=True).click()
    browse.check_accessibility(page)
    page.get_by_role("button", name=re.compile("lapper")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Evalueringslapper"
    slips = page.locator(".slip")
    assert slips.count() >= 1
    assert slips.first.get_by_role("img").count() == 1  # the QR code, with its title
    browse.check_accessibility(page)
    browse.assert_clean_console()
    page.screenshot(path=artifacts / f"{browse.server.engine}-evaluation-slips.png", full_page=True)
