"""The programme's pages on a phone, as a leader and a manager would open them: changing
a cohort, substitutes, its history, the way in, follow-ups, reflection tasks, attendance
lists and the reports. No sideways scrolling, nothing axe-core calls serious, no CSP error."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_no_horizontal_scroll, log_in, path_of, screenshot

LEADER = "ase.bo@demo.kjk.no"
MANAGER = "bjorn.asheim@demo.kjk.no"


def first_link(page, start: str, pattern: str) -> str:
    page.goto(start)
    href = page.locator("main a").evaluate_all(
        f"links => links.map(a => a.getAttribute('href')).find(h => h && /{pattern}/.test(h))"
    )
    assert href, f"no link like {pattern} on {start}"
    return href


@pytest.mark.parametrize(
    ("email", "paths"),
    [
        (
            LEADER,
            [
                "/",
                "{cohort}",
                "{cohort}/edit",
                "{cohort}/substitute",
                "{cohort}/changes",
                "{cohort}/sessions/8",
                "{cohort}/reflections",
                "{person}/path",
                "/reflection-tasks",
                "/attendance/export",
                "/reports/way-in",
                "/reports/outcomes",
            ],
        ),
        (MANAGER, ["/reports/way-in", "/reports/outcomes"]),
    ],
    ids=["leader", "manager"],
)
def test_programme_pages_on_a_phone(phone, artifacts, email, paths):
    page = phone.new_page()
    page.goto("/login")
    log_in(page, email)
    needs_people = any("{" in p for p in paths)
    cohort = first_link(page, "/", r"^\/cohorts\/\d+$") if needs_people else ""
    person = first_link(page, cohort, r"^\/participants\/\d+$") if needs_people else ""
    for path in paths:
        target = path.format(cohort=cohort, person=person)
        response = page.goto(target)
        assert response.status == 200 and path_of(page) == target, target
        assert_no_horizontal_scroll(page)
        phone.check_accessibility(page)
    screenshot(page, artifacts / f"{phone.server.engine}-programme-{email.split('.')[0]}-phone.png")
