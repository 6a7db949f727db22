"""Every page of the app in a real browser, for every role that may see it, at 1280 and
at 320 px: nothing axe-core rates moderate, serious or critical, no sideways scrolling at
320 px, no CSP error nor script error, and the error pages the same.

The pages are found by following links from each role's start page (so the ids are real
ones), plus the pages that only a form or a state leads to: the term planner's and the talk
planner's proposals, the evaluation's slips, the paper form and a closed evaluation's
comments, a new personal link and the question before revoking it, the ZIP's progress page,
the participant's own pages through a personal link and the form through an evaluation link,
and the 400, 401, 403, 404, 410 and 422 pages. Every GET page of the app's routes must be
among them (test_every_page_of_the_app_is_visited).

One browser context per role; each page is loaded once, checked at 1280 px, then resized to
320 px and checked again. With KJK_SCREENSHOTS=1 a full-page screenshot of each page at
both widths goes to tests/browser/artifacts/every-page/ (ignored by git), to be looked at;
the list of pages checked goes there always.

It runs on the SQLite server only: the pages are the same on PostgreSQL, and the round takes
a couple of minutes.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from course import clock
from course.web.i18n import gettext
from tests.browser.conftest import CSP_MESSAGE, DESKTOP, NARROW, ROOT, Browse, new_browse
from tests.browser.helpers import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("server", ["sqlite"], indirect=True)]

LEADER = "ase.bo@demo.kjk.no"
MANAGER = "bjorn.asheim@demo.kjk.no"
ADMIN = "siv.odegard@demo.kjk.no"
COHORT_A = "Klart jeg kan – gruppe A"
ROLES = ["leader", "manager", "admin", "participant"]

WIDTHS = {1280: DESKTOP, 320: NARROW}
# Not pages: files, feeds, health checks, and the htmx fragment of the cohort page's person
# picker (checked inside the cohort page, searched without script: /cohorts/{id}?find=).
NOT_PAGES = re.compile(
    r"\.(pdf|csv|xlsx|ics|zip)$|^/(api|static|schema)(/|$)|^/calendar/|^/(healthz|readyz|logout)$"
    r"|^/documents/zip/[^/]+/download$|^/consent-texts/|/candidates$"
)
TOKEN_BEFORE = {"p", "e", "zip"}  # /p/{token}, /e/{token}, /documents/zip/{token}

# The elements that stick out of the 320 px page, outermost first, leaving out those inside
# something that scrolls or clips on its own (a table in a scrolling box is no fault).
OVERFLOW_JS = """() => {
  const root = document.documentElement, limit = root.clientWidth;
  if (root.scrollWidth <= limit) return null;
  const clipped = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.right > limit + 0.5 && !clipped(el);
  });
  const outer = wide.filter(el => !wide.includes(el.parentElement));
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map(c => "." + c).join("");
  const path = el => [el.parentElement, el].filter(Boolean).map(name).join(" > ");
  return {scroll: root.scrollWidth, client: limit, culprits: outer.slice(0, 6).map(el =>
    path(el) + " (right edge " + Math.round(el.getBoundingClientRect().right) + " px: \\""
    + (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40) + "\\")")};
}"""

ROUTES_SCRIPT = """
import json
from course.app import create_app
from course.settings import get_settings
app = create_app(get_settings())
print(json.dumps(sorted({r.path for r in app.routes if "GET" in getattr(r, "methods", ())})))
"""


def route_of(url: str) -> str:
    """The route a URL is an address of: ``/cohorts/7/talks`` → ``/cohorts/{id}/talks``."""
    segments = urlsplit(url).path.split("/")
    route = []
    for i, segment in enumerate(segments):
        if segment.isdigit():
            route.append("{id}")
        elif i and segments[i - 1] in TOKEN_BEFORE and segment:
            route.append("{token}")
        else:
            route.append(segment)
    return "/".join(route)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("{", "").replace("}", "")).strip("-")[:70] or "start"


@dataclass
class Tour:
    """One role's round: a browser context, one page, and what was found wrong."""

    role: str
    browse: Browse
    shots: Path
    problems: list[str] = field(default_factory=list)
    routes: set[str] = field(default_factory=set)
    crawled: set[str] = field(default_factory=set)
    checked: int = 0
    index: list[str] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    console_mark: int = 0
    errors_mark: int = 0

    def __post_init__(self) -> None:
        self.page = self.browse.new_page()

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def step(self, label: str, action: Callable[[], object]):
        """Run one step; what goes wrong becomes a problem, and the round goes on."""
        try:
            return action()
        except Exception as exc:  # any failure is reported with the others
            self.problem(f"{label}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            return None

    def open(self, path: str, status: int = 200, label: str = "") -> None:
        """Go to ``path`` at 1280 px and check the page."""
        self.page.set_viewport_size(DESKTOP)
        response = self.page.goto(path)
        self.expect_status(response.status if response else None, status, path)
        self.check(label)

    def expect_status(self, got: int | None, status: int, what: str) -> None:
        if got != status:
            self.problem(f"{what}: status {got}, expected {status}")

    def submit(self, click: Callable[[], None], status: int = 200, label: str = "") -> None:
        """Post a form by clicking (``click``) and check the page that answers."""
        with self.page.expect_navigation() as navigation:
            click()
        self.expect_status(navigation.value.status if navigation.value else None, status, label)
        self.check(label)

    def check(self, label: str = "", widths: tuple[int, ...] = (1280, 320)) -> None:
        """Check the page as it is now at each width (and keep a screenshot of each, if asked)."""
        page = self.page
        url = page.url.removeprefix(self.browse.base_url)
        what = url + (f" ({label})" if label else "")
        self.routes.add(route_of(url))
        self.checked += 1
        name = f"{self.browse.server.engine}-{self.role}-{self.checked:02d}-{slug(route_of(url) + ' ' + label)}"
        self.index.append(f"{name}  {what}")
        started = time.monotonic()
        for width in widths:
            if page.viewport_size != WIDTHS[width]:
                page.set_viewport_size(WIDTHS[width])
            for line in self.browse.axe_failures(page):
                self.problem(f"{what} at {width} px: axe {line}")
            if width == 320:
                overflow = page.evaluate(OVERFLOW_JS)
                if overflow:
                    self.problem(
                        f"{what} at 320 px: scrolls sideways (scrollWidth {overflow['scroll']} > "
                        f"clientWidth {overflow['client']}); sticking out: " + "; ".join(overflow["culprits"])
                    )
            screenshot(page, self.shots / f"{name}-{width}.png")
        self.console_since_last(what)
        self.slowest.append((time.monotonic() - started, what))

    def console_since_last(self, what: str) -> None:
        console, errors = self.browse.console, self.browse.page_errors
        for message in console[self.console_mark :]:
            if CSP_MESSAGE.search(message):
                self.problem(f"{what}: console: {message}")
        for message in errors[self.errors_mark :]:
            self.problem(f"{what}: script error: {message}")
        self.console_mark, self.errors_mark = len(console), len(errors)

    def links(self, pattern: str, scope: str = "main") -> list[str]:
        """The hrefs on the current page that match ``pattern``, in the page's order."""
        hrefs = self.page.locator(f"{scope} a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        return [h for h in hrefs if re.search(pattern, h)]

    def first_link(self, pattern: str, scope: str = "main") -> str:
        found = self.links(pattern, scope)
        assert found, f"no link like {pattern} on {self.page.url}"
        return found[0]

    def crawl(self, start: str, within: str = "/") -> None:
        """Check ``start`` and every page its links lead to, one page per route (the
        first link found), breadth first; only addresses that start with ``within``."""
        queue = [start]
        while queue:
            href = queue.pop(0).split("#")[0]
            if not href or (route_of(href) in self.crawled and href != start):
                continue
            self.crawled.add(route_of(href))
            self.step(href, lambda href=href: self.open(href))
            if not self.page.url.startswith(self.browse.base_url + within):
                continue
            for link in self.links("^/", scope="body"):
                path = link.split("#")[0]
                if (
                    path.startswith(within)
                    and not path.startswith("//")
                    and not NOT_PAGES.search(urlsplit(path).path)
                    and route_of(path) not in self.crawled
                ):
                    queue.append(path)


@dataclass
class Handover:
    """What one role's round leaves to another's: a personal link, an evaluation slip."""

    own: str = ""
    slip: str = ""
    person: str = ""


def leader_round(tour: Tour, handover: Handover) -> None:
    page = tour.page
    tour.step("login", lambda: tour.open("/login"))

    def failed_login() -> None:
        page.get_by_label("E-post").fill(LEADER)
        page.get_by_label("Passord").fill("feil-passord-helt-sikkert")
        tour.submit(lambda: page.get_by_role("button", name="Logg inn").click(), 401, "wrong password")

    tour.step("failed login", failed_login)
    page.goto("/login")
    log_in(page, LEADER)

    def menu_open() -> None:
        page.goto("/")
        page.set_viewport_size(NARROW)
        page.locator("details.phone-menu > summary").click()
        tour.check("menu open", widths=(320,))

    tour.crawl("/")
    tour.step("the phone menu", menu_open)

    def cohort_a() -> str | None:
        page.goto("/")
        href = page.get_by_role("link", name=COHORT_A).first.get_attribute("href")
        return href.split("#")[0] if href else None

    cohort = tour.step("cohort A", cohort_a)
    if cohort:
        tour.step("search without script", lambda: tour.open(f"{cohort}?find=a", label="person search"))
        tour.step("changes", lambda: tour.open(f"{cohort}/changes"))
        tour.step("changes: bad address", lambda: tour.open(f"{cohort}/changes?before=nei", 400, "bad query"))

        def zip_started() -> str:
            page.goto(cohort)
            tour.submit(lambda: page.get_by_role("button", name=re.compile("ZIP")).click(), label="ZIP running")
            return page.url

        zip_page = tour.step("ZIP", zip_started)

        def cancel_question() -> None:
            page.goto(cohort)
            tour.submit(
                lambda: page.get_by_role("button", name=gettext("Cancel the cohort")).click(), label="asks first"
            )

        tour.step("cancel the cohort: the question", cancel_question)

        def talk_plan() -> None:
            page.goto(f"{cohort}/talks")
            tour.submit(lambda: page.get_by_role("button", name=gettext("Propose talks")).click(), label="proposals")

        tour.step("talk planner", talk_plan)

        def personal_link() -> None:
            page.goto(cohort)
            people = tour.links(r"^/participants/\d+$", scope="#participants")
            handover.person = people[2]
            page.goto(handover.person)
            tour.submit(lambda: page.get_by_role("button", name=gettext("Make a link")).click(), label="new link")
            handover.own = "/p/" + page.locator("#new-link").inner_text().strip().rsplit("/p/", 1)[1]

        tour.step("personal link", personal_link)
        # The participant's whole message log (the participant page shows the latest ten).
        tour.step("messages", lambda: tour.open(f"{handover.person}/messages"))

        # Named slips are put on the personal links there are: the link first.
        def evaluation() -> None:
            page.goto(f"{cohort}/evaluation")
            page.get_by_label(gettext("Slips with names")).check()
            tour.submit(lambda: page.get_by_role("button", name=re.compile("lapper")).click(), label="named slips")
            page.goto(f"{cohort}/evaluation")
            tour.submit(lambda: page.get_by_role("button", name=gettext("Make one slip")).click(), label="one slip")
            handover.slip = "/e/" + page.locator(".slip-url").first.inner_text().strip().rsplit("/e/", 1)[1]
            tour.open(f"{cohort}/evaluation", label="open")
            tour.open(f"{cohort}/evaluation/paper")

        tour.step("evaluation", evaluation)

        if zip_page:

            def zip_done() -> None:
                page.goto(zip_page)
                page.locator("#zip-status [role=status]").wait_for(timeout=60_000)
                tour.check("ZIP ready")

            tour.step("ZIP ready", zip_done)

    def finished_cohort() -> None:
        page.goto("/reports/evaluations")
        finished = tour.first_link(r"^/cohorts/\d+$")
        tour.open(f"{finished}/evaluation", label="closed")
        page.get_by_role("link", name=re.compile(gettext("Review comments"))).click()
        tour.check()

    tour.step("a finished cohort's evaluation", finished_cohort)

    def follow_ups() -> None:
        page.goto("/")
        enrolment = tour.first_link(r"^/enrolments/\d+")
        tour.open(enrolment.split("#")[0] + "/follow-ups")

    tour.step("follow-ups", follow_ups)

    def versions() -> None:
        """One saved version shown: the first CV on cohort A with a version saved."""
        page.goto("/")
        page.get_by_role("link", name=COHORT_A).first.click()
        for cv in tour.links(r"^/enrolments/\d+/cv$"):
            page.goto(f"{cv}/versions")
            shown = tour.links(r"/versions\?number=\d+")
            if shown:
                tour.open(shown[0], label="one version")
                return
        raise AssertionError("no CV on cohort A has a version saved")

    tour.step("a CV version", versions)
    tour.step("month", lambda: tour.open("/schedule?view=month", label="month"))
    tour.step("outcomes", lambda: tour.open("/reports/outcomes"))

    def term_plan() -> None:
        page.goto("/cohorts/plan")
        page.evaluate("document.querySelectorAll('main form').forEach(f => f.noValidate = true)")
        tour.submit(lambda: page.locator("main form button[type=submit]").last.click(), 422, "empty form")
        # A Tuesday (the form's first weekday) well after the demo's cohorts.
        later = clock.today() + timedelta(weeks=30)
        start = later + timedelta(days=(1 - later.weekday()) % 7)
        page.get_by_label(gettext("Title"), exact=True).fill("Klart jeg kan – høst")
        page.get_by_label(gettext("First session"), exact=True).fill(start.isoformat())
        page.get_by_label(gettext("Place"), exact=True).fill("Grønland 32, møterom Åsen")
        page.locator("main input[name=leader_ids]").first.check()
        tour.submit(lambda: page.locator("main form button[type=submit]").last.click(), label="proposals")

    tour.step("term planner", term_plan)

    def participant_form_errors() -> None:
        page.goto("/participants/new")
        page.evaluate("document.querySelectorAll('main form').forEach(f => f.noValidate = true)")
        tour.submit(lambda: page.locator("main form button[type=submit]").last.click(), 422, "empty form")

    tour.step("new participant: errors", participant_form_errors)
    tour.step("404", lambda: tour.open("/finnes-ikke", 404, "unknown address"))
    tour.step("404 cohort", lambda: tour.open("/cohorts/99999999", 404, "no such cohort"))
    tour.step("422 report", lambda: tour.open("/reports/way-in?from=nei", 422, "bad date"))


def revoke_and_gone(leader: Tour, participant: Tour, handover: Handover) -> None:
    """The question before revoking, then the revoked link as the participant meets it."""
    page = leader.page

    def revoke() -> None:
        page.goto(handover.person)
        leader.submit(lambda: page.get_by_role("button", name=gettext("Revoke the link")).click(), label="asks first")
        with page.expect_navigation():
            page.get_by_role("button", name=gettext("Yes, revoke the link")).click()

    leader.step("revoke the link", revoke)
    participant.step("revoked link", lambda: participant.open(handover.own, 410, "revoked link"))


def manager_round(tour: Tour) -> None:
    tour.page.goto("/login")
    log_in(tour.page, MANAGER)
    tour.crawl("/")
    tour.step("403", lambda: tour.open("/participants", 403, "not for managers"))
    tour.step("403 admin", lambda: tour.open("/admin", 403, "not for managers"))


def admin_round(tour: Tour) -> None:
    """The admin's own pages, and the pages every staff member has as an admin sees them
    (every office); the pages within a cohort or an enrolment are the leader's, the same
    templates, so they are left to the leader's round to keep the whole round short."""
    page = tour.page
    page.goto("/login")
    log_in(page, ADMIN)
    tour.crawl("/admin", within="/admin")  # /admin/messages too, from the index
    for path in (
        "/participants",
        "/participants/new",
        "/cohorts/new",
        "/schedule",
        "/closures",
        "/reflection-tasks",
        "/attendance/export",
        "/reports/evaluations",
        "/reports/outcomes",
        "/reports/way-in",
        "/account",
    ):
        tour.step(path, lambda path=path: tour.open(path))

    def person() -> None:
        page.goto("/participants")
        someone = tour.first_link(r"^/participants/\d+$")
        tour.open(someone)
        tour.open(f"{someone}/erase")

    tour.step("a participant", person)


def participant_round(tour: Tour, handover: Handover) -> None:
    page = tour.page
    if handover.own:
        tour.crawl(handover.own, within=handover.own)

        def answer_named() -> None:
            page.goto(handover.own)
            # wait for the form: reading the groups on the page being left finds none
            with page.expect_navigation():
                page.get_by_role("link", name=gettext("Answer the evaluation")).click()
            for group in page.locator("main fieldset.score-group").all():
                group.locator("label.score").last.click()
            tour.submit(lambda: page.get_by_role("button", name=gettext("Send my answer")).click(), label="thanks")

        tour.step("the evaluation on the own page", answer_named)
    else:
        tour.problem("no personal link to follow (see the leader's round)")
    if handover.slip:

        def answer() -> None:
            tour.open(handover.slip, label="evaluation link")
            tour.submit(
                lambda: page.get_by_role("button", name=gettext("Send my answer")).click(), 422, "nothing chosen"
            )
            for group in page.locator("main fieldset.score-group").all():
                group.locator("label.score").last.click()
            tour.submit(lambda: page.get_by_role("button", name=gettext("Send my answer")).click(), label="thanks")
            tour.open(handover.slip, label="already answered")

        tour.step("evaluation link", answer)
    else:
        tour.problem("no evaluation slip to answer (see the leader's round)")
    tour.step("unknown personal link", lambda: tour.open("/p/ukjent-lenke-" + secrets.token_hex(4), 404, "unknown"))
    tour.step("unknown evaluation link", lambda: tour.open("/e/ukjent-lenke-" + secrets.token_hex(4), 404, "unknown"))


@dataclass
class Rounds:
    tours: dict[str, Tour]
    seconds: float


@pytest.fixture(scope="module")
def rounds(browser, server, axe_source, artifacts):
    shots = artifacts / "every-page"
    shots.mkdir(exist_ok=True)
    for old in shots.glob(f"{server.engine}-*"):
        old.unlink()
    started = time.monotonic()
    tours: dict[str, Tour] = {}
    for role in ROLES:
        tours[role] = Tour(role, new_browse(browser, server, axe_source, viewport=DESKTOP), shots)
    handover = Handover()
    try:
        leader_round(tours["leader"], handover)
        manager_round(tours["manager"])
        admin_round(tours["admin"])
        participant_round(tours["participant"], handover)
        revoke_and_gone(tours["leader"], tours["participant"], handover)
        seconds = time.monotonic() - started
        pages = sum(t.checked for t in tours.values())
        (shots / f"{server.engine}-pages.txt").write_text("\n".join(n for t in tours.values() for n in t.index) + "\n")
        slowest = sorted((s for t in tours.values() for s in t.slowest), reverse=True)[:5]
        print(
            f"\nevery page: {pages} pages in {seconds:.0f} s; slowest: "
            + ", ".join(f"{w} {s:.1f} s" for s, w in slowest)
        )
        yield Rounds(tours, seconds)
    finally:
        for tour in tours.values():
            tour.browse.context.close()


@pytest.fixture(scope="module")
def app_pages(tmp_path_factory) -> set[str]:
    """The GET routes of the app that answer a page, as route_of writes them."""
    var = tmp_path_factory.mktemp("routes")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KJK_")}
    env.update(KJK_VAR_DIR=str(var), KJK_DATABASE_URL=f"sqlite:///{var / 'kjk.sqlite'}", KJK_SECRET_KEY="r" * 40)
    out = subprocess.run(
        [sys.executable, "-c", ROUTES_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    paths = json.loads(out.stdout.strip().splitlines()[-1])
    routes = {re.sub(r"\{\w+:str\}", "{token}", re.sub(r"\{\w+:int\}", "{id}", p)) for p in paths}
    return {r for r in routes if not NOT_PAGES.search(r)}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_fits_320_px(rounds, role):
    tour = rounds.tours[role]
    assert tour.checked, f"the {role} saw no page"
    if tour.problems:
        pytest.fail(f"{len(tour.problems)} problems on the {role}'s pages:\n" + "\n".join(tour.problems), pytrace=False)


def test_every_page_of_the_app_is_visited(rounds, app_pages):
    visited = set().union(*(t.routes for t in rounds.tours.values()))
    missing = sorted(app_pages - visited)
    assert not missing, "pages no round visited: " + ", ".join(missing)
