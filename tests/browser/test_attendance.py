"""A leader takes attendance on a phone: each tap is saved at once, without a page load."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_horizontal_scroll, log_in, path_of, screenshot

pytestmark = pytest.mark.browser

LEADER = "ase.bo@demo.kjk.no"
COHORT = "Klart jeg kan – gruppe A"
PERSON = "Sølvi Åkerø Dæhli"
OTHER = "Yusuf Kværnø"


def row_of(page, name: str):
    return page.locator("li.register-row").filter(has=page.get_by_text(name, exact=True))


def errors_in(browse) -> list[str]:
    """What the browser's console logged as an error (a refused inline style among them),
    but the network line for the row's 422 answer, which asks for the note by design."""
    expected = "[error] Failed to load resource: the server responded with a status of 422"
    return [m for m in browse.console if m.startswith("[error]") and not m.startswith(expected)]


def test_leader_takes_attendance_on_a_phone(phone, artifacts):
    page = phone.new_page()
    page.goto("/")
    log_in(page, LEADER)
    page.locator("ul.cohorts").get_by_role("link", name=COHORT, exact=True).click()
    page.wait_for_url(re.compile(r"/cohorts/\d+$"))
    page.get_by_role("link", name="Registrer oppmøte samling 1").click()
    page.wait_for_url(re.compile(r"/sessions/1/attendance$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Oppmøte, samling 1"
    register_path = path_of(page)
    assert_no_horizontal_scroll(page)
    phone.check_accessibility(page)

    # One tap saves: no navigation, the row says so, and the choice survives a reload.
    row = row_of(page, PERSON)
    marker = page.evaluate("() => (window.__stay = Math.random())")
    row.locator("label.tap-label", has_text="Ikke møtt").click()
    expect(row_of(page, PERSON).get_by_role("status")).to_have_text("Lagret")
    assert page.evaluate("() => window.__stay") == marker, "the page was reloaded"
    expect(row_of(page, PERSON).get_by_role("radio", name="Ikke møtt")).to_be_checked()

    assert errors_in(phone) == []

    # Something in the browser (autofill, a password manager) may style the row's inputs;
    # a tap still logs no error: htmx does not copy those styles onto the new row, which
    # the CSP (no inline style) would refuse.
    page.evaluate("() => document.querySelectorAll('li.register-row input').forEach(i => i.style.outline = 'none')")

    # Excused needs a note: the row asks for it, and saving the note stores both.
    other = row_of(page, OTHER)
    other.locator("label.tap-label", has_text="Gyldig fravær").click()
    other = row_of(page, OTHER)
    expect(other.locator(".error-message")).to_contain_text("Skriv hvorfor")
    note = other.get_by_label("Merknad (trengs ved gyldig fravær)")
    note.fill("Jobbintervju hos Bærum kommune")
    note.press("Tab")
    expect(row_of(page, OTHER).get_by_role("status")).to_have_text("Lagret")
    assert errors_in(phone) == []
    screenshot(page, artifacts / f"{phone.server.engine}-attendance-phone.png")

    page.goto(register_path)
    expect(row_of(page, PERSON).get_by_role("radio", name="Ikke møtt")).to_be_checked()
    expect(row_of(page, OTHER).get_by_role("radio", name="Gyldig fravær")).to_be_checked()
    expect(row_of(page, OTHER).get_by_label("Merknad (trengs ved gyldig fravær)")).to_have_value(
        "Jobbintervju hos Bærum kommune"
    )
    phone.check_accessibility(page)

    # Put it back as it was, for the other tests on this server.
    row_of(page, PERSON).locator("label.tap-label", has_text="Til stede").click()
    expect(row_of(page, PERSON).get_by_role("status")).to_have_text("Lagret")
    row_of(page, OTHER).locator("label.tap-label", has_text="Til stede").click()
    expect(row_of(page, OTHER).get_by_role("status")).to_have_text("Lagret")
    assert errors_in(phone) == []
