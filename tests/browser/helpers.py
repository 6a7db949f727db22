"""Small page helpers shared by the browser tests."""

from __future__ import annotations

import os
from pathlib import Path

from course.demo import DEMO_PASSWORD

# Full-page screenshots to look at, in tests/browser/artifacts/: only when asked for
# (KJK_SCREENSHOTS=1), as a PNG of a long page takes longer than the checks on it.
SCREENSHOTS = os.environ.get("KJK_SCREENSHOTS") == "1"


def screenshot(page, path: Path) -> None:
    if SCREENSHOTS:
        page.screenshot(path=path, full_page=True)


def path_of(page) -> str:
    return page.evaluate("location.pathname")


def log_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Logg inn").click()


def assert_no_horizontal_scroll(page) -> None:
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert sizes["scroll"] <= sizes["client"], f"horizontal scroll on {page.url}: {sizes}"
