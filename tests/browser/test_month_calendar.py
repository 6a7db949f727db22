"""The month calendar: a grid of weeks on a desktop, a list of the busy days on a phone
(320 px wide, no sideways scrolling), today marked either way."""

from __future__ import annotations

import pytest

from tests.browser.conftest import new_browse
from tests.browser.helpers import assert_no_horizontal_scroll, log_in, screenshot

pytestmark = pytest.mark.browser

LEADER = "ase.bo@demo.kjk.no"


def open_month(page) -> None:
    page.goto("/")
    log_in(page, LEADER)
    page.goto("/schedule?view=month")
    page.wait_for_selector("table.month-grid")


def busy_month(page) -> None:
    """This month, or the one before when this one has nothing on yet (the demo's
    running cohort began before today)."""
    if page.locator("table.month-grid ul.month-events a").count() == 0:
        page.get_by_role("link", name="← Forrige").click()
        page.wait_for_selector("table.month-grid")


def test_the_month_is_a_grid_on_a_desktop(browse, artifacts):
    page = browse.new_page()
    open_month(page)
    grid = page.locator("table.month-grid")
    headers = grid.locator("thead th")
    assert headers.count() == 7
    shown = headers.locator('span[aria-hidden="true"]').all_inner_texts()
    assert [t.strip() for t in shown] == ["man", "tir", "ons", "tor", "fre", "lør", "søn"]
    tops = {round(box["y"]) for box in (headers.nth(i).bounding_box() for i in range(7))}
    assert len(tops) == 1, "the weekdays stand side by side"
    today = grid.locator('td[aria-current="date"]')
    assert today.count() == 1 and today.is_visible() and "I dag" in today.inner_text()
    rows = grid.locator("tbody tr")
    assert 4 <= rows.count() <= 6 and all(rows.nth(i).locator("td").count() == 7 for i in range(rows.count()))
    assert_no_horizontal_scroll(page)
    browse.check_accessibility(page)
    screenshot(page, artifacts / f"{browse.server.engine}-month-1280.png")

    busy_month(page)
    link = grid.locator("ul.month-events a").first
    cell = link.locator("xpath=ancestor::td[1]")
    assert "month-day" in cell.get_attribute("class") and "month-quiet" not in cell.get_attribute("class")
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{href}")


@pytest.fixture
def narrow_phone(browser, server, axe_source):
    """A 320 px wide phone: the width WCAG's reflow asks for."""
    device = new_browse(
        browser, server, axe_source, viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
    )
    yield device
    device.context.close()
    device.assert_clean_console()


def check_phone_list(device, size: str, artifacts) -> None:
    page = device.new_page()
    open_month(page)
    busy_month(page)
    assert_no_horizontal_scroll(page)
    grid = page.locator("table.month-grid")
    assert not grid.locator("thead").is_visible()
    shown = grid.locator("td:visible")
    assert shown.count() >= 1
    lefts = set()
    for i in range(shown.count()):
        cell = shown.nth(i)
        # Each day shown has something on it, or is today, and says which day it is.
        assert cell.locator("ul.month-events li").count() >= 1 or cell.get_attribute("aria-current") == "date"
        assert cell.locator(".month-day-name").is_visible()
        lefts.add(round(cell.bounding_box()["x"]))
    assert len(lefts) == 1, "the days stand one under the other"
    assert grid.locator("td.month-outside:visible").count() == 0
    device.check_accessibility(page)
    screenshot(page, artifacts / f"{device.server.engine}-month-{size}.png")


def test_the_month_is_a_list_of_busy_days_at_320_px(narrow_phone, artifacts):
    check_phone_list(narrow_phone, "320", artifacts)


def test_the_month_is_a_list_of_busy_days_at_390_px(phone, artifacts):
    check_phone_list(phone, "390", artifacts)
