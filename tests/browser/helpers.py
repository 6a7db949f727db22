"""Small page helpers shared by the browser tests."""

from __future__ import annotations

from course.demo import DEMO_PASSWORD


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
