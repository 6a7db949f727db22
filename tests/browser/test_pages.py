"""The pages in a real browser: login per role, errors, keyboard, phone size, admin."""

from __future__ import annotations

import re
import secrets

import pytest

from tests.browser.helpers import assert_no_horizontal_scroll, log_in, path_of, screenshot

pytestmark = pytest.mark.browser

LEADER = "ase.bo@demo.kjk.no"
MANAGER = "bjorn.asheim@demo.kjk.no"
ADMIN = "siv.odegard@demo.kjk.no"

# role: (e-mail, start path, heading on the start page)
ROLES = {
    "leader": (LEADER, "/", "Mine kurs"),
    "manager": (MANAGER, "/", "Kontoroversikt"),
    "admin": (ADMIN, "/admin", "Brukere og kontorer"),
}


def test_root_redirects_to_login(browse):
    page = browse.new_page()
    response = page.goto("/")
    assert path_of(page) == "/login"
    assert response.status == 200
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp, "the login page has no CSP, so the CSP checks would prove nothing"
    assert page.get_by_role("heading", level=1).inner_text() == "Logg inn"
    assert page.evaluate("document.documentElement.lang") == "nb"
    browse.check_accessibility(page)


@pytest.mark.parametrize("role", list(ROLES))
def test_login_start_page_and_logout(browse, role):
    email, start_path, heading = ROLES[role]
    page = browse.new_page()
    page.goto("/")
    log_in(page, email)

    assert path_of(page) == start_path
    assert page.get_by_role("heading", level=1).inner_text() == heading
    nav = page.get_by_role("navigation", name="Hovedmeny")
    assert nav.get_by_role("link", name=heading).get_attribute("aria-current") == "page"
    browse.check_accessibility(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Logg ut").click()
    assert path_of(page) == "/login"
    assert page.get_by_role("heading", level=1).inner_text() == "Logg inn"
    assert page.get_by_role("button", name="Logg ut").count() == 0

    page.goto("/")
    assert path_of(page) == "/login"
    page.goto(start_path)
    assert path_of(page) == "/login"


def test_failed_login_shows_error_summary(browse):
    page = browse.new_page()
    page.goto("/login")
    page.get_by_label("E-post").fill("pal.kvaerne@demo.kjk.no")
    page.get_by_label("Passord").fill("feil-passord-helt-sikkert")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Logg inn").click()
    assert navigation.value.status == 401
    assert path_of(page) == "/login"

    summary = page.get_by_role("alert")
    assert summary.count() == 1
    assert "Rett opp følgende" in summary.inner_text()
    assert "Feil e-postadresse eller passord" in summary.inner_text()
    link = summary.get_by_role("link")
    assert link.get_attribute("href") == "#email"

    assert page.locator("#email").input_value() == "pal.kvaerne@demo.kjk.no"
    assert page.locator("#password").input_value() == ""

    link.click()
    assert page.evaluate("document.activeElement.id") == "email"
    browse.check_accessibility(page)


def _submit_wrong_password(page) -> None:
    page.goto("/login")
    page.get_by_label("E-post").fill("marte.saeboe@demo.kjk.no")
    page.get_by_label("Passord").fill("feil-passord-helt-sikkert")
    with page.expect_navigation():
        page.get_by_role("button", name="Logg inn").click()


def input_attributes(page, selector: str) -> dict[str, str]:
    return page.eval_on_selector(selector, "e => Object.fromEntries([...e.attributes].map(a => [a.name, a.value]))")


def test_field_with_error_is_marked_invalid_and_described(browse):
    page = browse.new_page()
    _submit_wrong_password(page)
    email = input_attributes(page, "#email")
    assert email.get("aria-invalid") == "true", email
    assert "email-error" in email.get("aria-describedby", "").split(), email
    assert "required" in email, email
    assert "required" in input_attributes(page, "#password")


def test_skip_link_is_first_and_visibly_focused(browse):
    page = browse.new_page()
    page.goto("/login")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {text: el.textContent.trim(), href: el.getAttribute("href"),
                    outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
                    left: box.left, top: box.top, width: box.width, height: box.height};
        }"""
    )
    assert focused["text"] == "Hopp til innholdet"
    assert focused["href"] == "#main"
    assert focused["outlineStyle"] != "none", focused
    assert focused["outlineWidth"] not in ("0px", ""), focused
    assert focused["left"] >= 0 and focused["top"] >= 0 and focused["width"] > 0, f"skip link is off screen: {focused}"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"


@pytest.mark.parametrize("role", list(ROLES))
def test_phone_login_has_no_horizontal_scroll(phone, artifacts, role):
    email, start_path, heading = ROLES[role]
    page = phone.new_page()
    page.goto("/login")
    assert_no_horizontal_scroll(page)
    if role == "leader":
        screenshot(page, artifacts / f"{phone.server.engine}-login-phone.png")

    log_in(page, email)
    assert path_of(page) == start_path
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert_no_horizontal_scroll(page)
    # The header is one line on a phone; its menu, with "Logg ut", folds out below it.
    assert page.locator(".site-header").bounding_box()["height"] < 80
    assert not page.get_by_role("button", name="Logg ut").is_visible()
    page.locator(".phone-menu > summary").click()
    assert page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=heading).is_visible()
    assert page.get_by_role("button", name="Logg ut").is_visible()
    screenshot(page, artifacts / f"{phone.server.engine}-{role}-start-phone.png")
    phone.check_accessibility(page)


def test_admin_creates_leader_with_norwegian_letters(browse, artifacts):
    suffix = secrets.token_hex(3)
    name = f"Ærlige Øystein Håkonsæter Blåbær {suffix}"
    email = f"oystein.{suffix}@demo.kjk.no"
    password = "et-langt-nytt-passord"

    page = browse.new_page()
    page.goto("/login")
    log_in(page, ADMIN)
    assert path_of(page) == "/admin"

    page.get_by_role("link", name="Ny bruker").click()
    page.wait_for_url(re.compile(r"/admin/users/new$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Ny bruker"
    browse.check_accessibility(page)

    page.get_by_label("E-post").fill(email)
    page.get_by_label("Navn").fill(name)
    page.get_by_label("Rolle").select_option(label="Kursleder")
    page.get_by_label("Kontor").select_option(label="NAV Lier – Ungteam")
    page.get_by_label("Passord").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()

    assert path_of(page) == "/admin"
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    assert row.count() == 1
    cells = [c.strip() for c in row.get_by_role("cell").all_inner_texts()]
    assert cells == [name, email, "Kursleder", "NAV Lier – Ungteam", "Aktiv"]

    # Their edit page is about them, not about the admin looking at it.
    row.get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(re.compile(r"/admin/users/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Endre bruker"
    assert email in page.locator("main").inner_text()
    assert ADMIN not in page.locator("main").inner_text()
    assert page.get_by_label("Navn").input_value() == name

    # The new leader can log in, and the name comes back intact from the database.
    with page.expect_navigation():
        page.get_by_role("button", name="Logg ut").click()
    log_in(page, email, password)
    assert path_of(page) == "/"
    assert page.get_by_role("heading", level=1).inner_text() == "Mine kurs"
    assert name in page.locator(".who-wide .who-name").inner_text()
