"""The data-protection pages on a phone, as an admin and a leader would open them: no
sideways scrolling, nothing axe-core calls serious, no CSP error."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_no_horizontal_scroll, log_in, path_of, screenshot

ADMIN = "siv.odegard@demo.kjk.no"
LEADER = "ase.bo@demo.kjk.no"


def first_participant(page) -> str:
    page.goto("/participants")
    href = page.locator("main a[href^='/participants/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href')).find(h => /^\\/participants\\/\\d+$/.test(h))"
    )
    assert href, "no participant on the list"
    return href


@pytest.mark.parametrize(
    ("email", "paths"),
    [
        (ADMIN, ["/admin/audit", "/admin/consent-texts", "{person}", "{person}/erase"]),
        (LEADER, ["/participants/new", "{person}"]),
    ],
    ids=["admin", "leader"],
)
def test_privacy_pages_on_a_phone(phone, artifacts, email, paths):
    page = phone.new_page()
    page.goto("/login")
    log_in(page, email)
    person = first_participant(page)
    for path in paths:
        target = path.format(person=person)
        response = page.goto(target)
        assert response.status == 200 and path_of(page) == target, target
        assert_no_horizontal_scroll(page)
        phone.check_accessibility(page)
    screenshot(page, artifacts / f"{phone.server.engine}-privacy-{email.split('.')[0]}-phone.png")
