"""A leader creates a cohort through the form in a real browser, on desktop and on a phone."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta

import pytest

from course import clock
from tests.browser.helpers import assert_no_horizontal_scroll, log_in, path_of, screenshot

pytestmark = pytest.mark.browser

LEADER = "ase.bo@demo.kjk.no"
LEADER_NAME = "Åse Kristoffersen Bø"
TUESDAY = 2  # date.isoweekday()


def tuesday_ahead(min_weeks: int = 3) -> date:
    """A Tuesday at least ``min_weeks`` weeks from today, a random number of weeks further on,
    so cohorts made by other tests for the same leader in the same server are unlikely to clash.
    The server runs unfrozen in its own process, so today is the real day in Oslo, as it sees it."""
    earliest = clock.today() + timedelta(weeks=min_weeks)
    first = earliest + timedelta(days=(TUESDAY - earliest.isoweekday()) % 7)
    return first + timedelta(weeks=secrets.randbelow(26))


def open_new_cohort_form(page) -> None:
    page.goto("/")
    log_in(page, LEADER)
    assert path_of(page) == "/"
    assert page.get_by_role("heading", level=1).inner_text() == "Mine kurs"
    page.get_by_role("link", name="Nytt kurs").click()
    page.wait_for_url(re.compile(r"/cohorts/new$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Nytt kurs"


def fill_cohort_form(page, *, title: str, start: date, start_time: str, end_time: str, location: str) -> None:
    page.get_by_label("Tittel").fill(title)
    page.get_by_label("Variant").select_option(label="Klart jeg kan")
    page.get_by_label("Første samling").fill(start.isoformat())
    page.get_by_label("Første ukedag").select_option(label="tirsdag")
    page.get_by_label("Andre ukedag").select_option(label="torsdag")
    page.get_by_label("Starter", exact=True).fill(start_time)
    page.get_by_label("Slutter", exact=True).fill(end_time)
    page.get_by_label("Sted", exact=True).fill(location)
    page.get_by_label("Plasser", exact=True).fill("10")
    own = page.get_by_role("checkbox", name=LEADER_NAME, exact=True)
    own.check()
    assert own.is_checked()


def submit(page):
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Opprett kurs").click()
    return navigation.value


def test_leader_creates_cohort_with_norwegian_letters(browse, phone, artifacts):
    suffix = secrets.token_hex(3)
    title = f"Klart jeg kan – Ærlig, Øvre og Åpen {suffix}"
    location = f"Møterom Blåbær {suffix}, Øvre Åsgate 2"
    start = tuesday_ahead()

    page = browse.new_page()
    open_new_cohort_form(page)
    browse.check_accessibility(page)

    fill_cohort_form(page, title=title, start=start, start_time="14:15", end_time="15:45", location=location)
    response = submit(page)
    assert response.status == 200, browse.server.log_tail()
    assert re.fullmatch(r"/cohorts/\d+", path_of(page)), page.url
    cohort_path = path_of(page)

    assert page.get_by_role("heading", level=1).inner_text() == title
    lead = page.locator("p.lead").inner_text()
    assert location in lead and LEADER_NAME in lead, lead

    sessions = page.get_by_role("table").locator("tbody tr")
    assert sessions.count() == 8
    modules = [c.strip() for c in sessions.locator("td:nth-child(2)").all_inner_texts()]
    assert modules[0] == "Ressursavklaring", modules
    assert modules[-1] == "Ressurs-CV", modules
    numbers = [c.strip() for c in sessions.locator("td:nth-child(1)").all_inner_texts()]
    assert numbers == [str(n) for n in range(1, 9)]
    times = {c.strip() for c in sessions.locator("td:nth-child(4)").all_inner_texts()}
    assert times == {"14:15–15:45"}, times
    browse.check_accessibility(page)

    # The person picker: nothing listed until a name is typed, then htmx fills the
    # results in as one types; "Meld på" puts the person on the cohort.
    candidates = page.locator("#candidates li")
    assert candidates.count() == 0
    page.get_by_label("Søk på navn").fill("Ør")
    candidates.first.wait_for()
    assert "født" in candidates.first.inner_text()
    first = candidates.filter(has=page.get_by_role("button", name=re.compile("^Meld på"))).first
    name = first.locator(".picker-name").inner_text().split(" (født")[0]
    with page.expect_navigation():
        first.get_by_role("button", name=re.compile("^Meld på")).click()
    assert page.locator("#participants").get_by_role("link", name=name, exact=True).count() >= 1
    browse.check_accessibility(page)

    page.get_by_role("link", name="Mine kurs").first.click()
    page.wait_for_url(re.compile(r"/$"))
    listed = page.get_by_role("link", name=title, exact=True)
    assert listed.count() == 1
    assert listed.get_attribute("href") == cohort_path
    browse.assert_clean_console()

    # The same cohort page on a phone: no sideways scrolling, and a screenshot to look at.
    small = phone.new_page()
    small.goto("/login")
    log_in(small, LEADER)
    small.goto(cohort_path)
    assert small.get_by_role("heading", level=1).inner_text() == title
    assert_no_horizontal_scroll(small)
    screenshot(small, artifacts / f"{phone.server.engine}-cohort-phone.png")
    phone.check_accessibility(small)


def test_phone_form_shows_end_time_error(phone, artifacts):
    suffix = secrets.token_hex(3)
    title = f"Blåbærkurs for Øystein og Åse {suffix}"
    location = f"Rom Ærfugl {suffix}"
    start = tuesday_ahead()

    page = phone.new_page()
    open_new_cohort_form(page)
    assert_no_horizontal_scroll(page)
    fill_cohort_form(page, title=title, start=start, start_time="14:00", end_time="09:30", location=location)
    response = submit(page)
    assert response.status == 422, phone.server.log_tail()
    assert path_of(page) == "/cohorts/new"

    summary = page.get_by_role("alert")
    assert summary.count() == 1
    text = summary.inner_text()
    assert "Rett opp følgende" in text, text
    assert "Sluttid må være etter starttid." in text, text
    assert summary.get_by_role("link").get_attribute("href") == "#end_time"
    assert page.locator("#end_time").get_attribute("aria-invalid") == "true"
    assert "end_time-error" in (page.locator("#end_time").get_attribute("aria-describedby") or "").split()
    # What was typed is kept, letters intact.
    assert page.get_by_label("Tittel").input_value() == title
    assert page.get_by_label("Sted", exact=True).input_value() == location

    assert_no_horizontal_scroll(page)
    screenshot(page, artifacts / f"{phone.server.engine}-cohort-form-errors-phone.png")
    phone.check_accessibility(page)
