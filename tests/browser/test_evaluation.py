"""A participant answers the course evaluation on a phone, through the link."""

from __future__ import annotations

import httpx
import pytest

from course.demo import DEMO_PASSWORD
from tests.browser.helpers import assert_no_horizontal_scroll

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
