"""The course evaluation in a real browser: a participant answers on a phone, through
an anonymous slip or from their own page after a named opening; a manager reads the
report; a leader opens the evaluation and gets slips with QR codes, named on request,
one more slip, and an error that names the closing day."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from course.demo import DEMO_PASSWORD
from tests.browser.helpers import assert_no_horizontal_scroll, log_in, screenshot

pytestmark = pytest.mark.browser

LEADER = "ase.bo@demo.kjk.no"
COHORT = "Klart jeg kan – gruppe A"
AREAS = [
    "Utbytte og læring",
    "Muligheter for å komme i tiltak etter kurset",
    "Stemning og trygghet i kursgruppen",
    "Kursledernes kompetanse og evne til å ivareta deg og gruppen",
    "Opplevelse av medvirkning",
]


@contextmanager
def leader_api(base_url: str) -> Iterator[tuple[httpx.Client, dict]]:
    """The leader's API client and cohort A."""
    with httpx.Client(base_url=base_url, timeout=30) as api:
        token = api.post("/api/v1/auth/token", json={"email": LEADER, "password": DEMO_PASSWORD})
        api.headers["Authorization"] = f"Bearer {token.json()['token']}"
        cohorts = api.get("/api/v1/cohorts", params={"status": "running"}).json()
        yield api, next(c for c in cohorts if c["title"] == COHORT)


def evaluation_link(base_url: str) -> str:
    """The path of one anonymous slip of cohort A."""
    with leader_api(base_url) as (api, cohort):
        opened = api.post(f"/api/v1/cohorts/{cohort['id']}/evaluation")
        assert opened.status_code == 200, opened.text
        link = opened.json()["links"][0]
        assert "participant" not in link  # anonymous unless names are asked for
        return "/e/" + link["url"].rsplit("/e/", 1)[1]


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
    screenshot(page, artifacts / f"{phone.server.engine}-evaluation-thanks-phone.png")
    page.goto(path)
    assert page.get_by_role("heading", level=1).inner_text() == "Du har allerede svart"


def test_participant_finds_the_evaluation_on_their_own_page_after_a_named_opening(phone, artifacts):
    with leader_api(phone.server.base_url) as (api, cohort):
        status = api.get(f"/api/v1/cohorts/{cohort['id']}/evaluation").json()
        person = status["participants"][-1]  # one who may answer
        # The personal link first: named slips are also sealed to the links there are.
        link = api.post(f"/api/v1/participants/{person['id']}/link").json()["url"]
        opened = api.post(f"/api/v1/cohorts/{cohort['id']}/evaluation", json={"named": True})
        assert opened.status_code == 200, opened.text
        assert person["id"] in [slip["participant"]["id"] for slip in opened.json()["links"]]
    page = phone.new_page()
    page.goto("/p/" + link.rsplit("/p/", 1)[1])
    page.get_by_role("link", name="Svar på evalueringen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Hvordan var kurset?"
    for area, score in zip(AREAS, ("10", "8", "9", "10", "9"), strict=True):
        page.get_by_role("group", name=area).locator("label.score", has_text=score).first.click()
    page.get_by_role("button", name="Send svaret mitt").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Takk!"
    with page.expect_navigation():
        page.get_by_role("link", name="Kurset mitt").click()
    assert page.get_by_role("link", name="Svar på evalueringen").count() == 0
    assert page.get_by_text(f"Takk for at du svarte på evalueringen av {COHORT}.").is_visible()
    assert_no_horizontal_scroll(page)
    phone.check_accessibility(page)
    screenshot(page, artifacts / f"{phone.server.engine}-evaluation-own-page-phone.png")


def test_manager_reads_the_report_with_charts_on_a_phone(phone, artifacts):
    page = phone.new_page()
    page.goto("/login")
    log_in(page, "bjorn.asheim@demo.kjk.no")
    page.goto("/reports/evaluations")
    assert page.get_by_role("heading", level=1).inner_text() == "Evalueringsrapporter"
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() >= 6  # the areas, a distribution per area, a trend per area
    assert "Muligheter for å komme i tiltak etter kurset" in charts.first.locator("desc").text_content()
    # Cohort A is under way: it counts nowhere yet, and the page says so.
    note = page.locator("p[role=note]", has_text="i utvalget er ikke tatt med")
    assert note.count() == 1 and "minst tre svar" in note.inner_text()
    assert_no_horizontal_scroll(page)
    phone.check_accessibility(page)
    screenshot(page, artifacts / f"{phone.server.engine}-evaluation-report-phone.png")
    with page.expect_download() as download:
        page.get_by_role("link", name="Rapport på én side (PDF)").click()
    # The report's period, the last year by default, names the file.
    assert re.fullmatch(r"evaluering-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename)


def test_leader_opens_the_evaluation_and_gets_slips_with_qr_codes(browse, artifacts):
    page = browse.new_page()
    page.goto("/login")
    log_in(page, LEADER)
    page.goto("/")
    page.get_by_role("link", name=COHORT).first.click()
    page.get_by_role("link", name="Evaluering", exact=True).click()
    leader_page = page.url
    browse.check_accessibility(page)

    # Anonymous slips by default.
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("lapper")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Evalueringslapper"
    slips = page.locator(".slip")
    assert slips.count() == 9  # everyone on cohort A who consented to the evaluation
    assert set(page.locator(".slip-name").all_inner_texts()) == {"Kursevaluering"}
    assert slips.first.get_by_role("img").count() == 1  # the QR code, with its title
    slips.nth(1).get_by_role("link", name=re.compile("Vis stort")).click()
    assert page.url.endswith("#slip-2")
    browse.check_accessibility(page)
    browse.assert_clean_console()
    screenshot(page, artifacts / f"{browse.server.engine}-evaluation-slips.png")

    # Named on request.
    page.goto(leader_page)
    page.get_by_label("Lapper med navn").check()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("lapper")).click()
    names = page.locator(".slip-name").all_inner_texts()
    assert len(names) == 9 and "Sølvi Åkerø Dæhli" in names and "Yusuf Kværnø" not in names
    assert slips.first.get_by_role("img").count() == 1

    # One more slip, for someone by name.
    page.goto(leader_page)
    page.get_by_label("Til hvem (valgfritt)").select_option(label="Linnéa Åsen")
    with page.expect_navigation():
        page.get_by_role("button", name="Lag én lapp").click()
    assert page.locator(".slip-name").all_inner_texts() == ["Linnéa Åsen"]
    assert page.locator(".slip").get_by_role("img").count() == 1

    # A closing day in the past is refused, and the summary names the field.
    page.goto(leader_page)
    page.get_by_label("Siste dag for å svare").fill("2000-01-01")
    page.get_by_role("button", name="Endre dagen").click()
    summary = page.get_by_role("alert")
    assert "Siste dag for å svare" in summary.inner_text()
    assert summary.get_by_role("link").get_attribute("href") == "#closes_on"
    assert page.get_by_label("Siste dag for å svare").input_value() == "2000-01-01"
    browse.check_accessibility(page)
    browse.assert_clean_console()
