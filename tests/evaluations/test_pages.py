"""The evaluation pages and files over HTTP: the leader's page (opening, anonymous and
named slips with QR codes, one more slip, the closing day, closing by hand, results
once closed), paper forms, comment review (API and page), the status JSON, the form
behind the participant's own page, the report page with its CSV, XLSX and PDF, and
the PDF renderer's refusal to fetch anything but the app's own static files."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest
from openpyxl import load_workbook

from course import clock, pdf
from course.evaluations.reports import AREA_LABELS, AREAS
from course.evaluations.tables import (
    Evaluation,
    EvaluationPending,
    EvaluationRemark,
    EvaluationResponse,
    EvaluationTicket,
)
from course.web.access_log import redact
from course.web.i18n import gettext
from course.web.layout import format_long_date
from tests.conftest import EMAILS, csrf_from, csrf_post, web_login
from tests.evaluations.helpers import (
    SCORES,
    after_closing,
    answer,
    answered_cohort,
    close,
    cohort_with,
    open_evaluation,
    opened_cohort,
    token_of,
)
from tests.participants.helpers import (
    enrolled,
    error_keys,
    office_a_leader,
    participant,
    running_cohort,
)

FORM = {"benefit": "9", "next_step": "7", "atmosphere": "10", "leaders": "10", "participation": "8"}
PAPER = {"benefit": "4", "next_step": "3", "atmosphere": "6", "leaders": "5", "participation": "2"}
SLIP_RE = re.compile(r'<p class="slip-name">([^<]*)</p>.*?<p class="slip-url">([^<]*)</p>', re.DOTALL)
CSV_HEADER = "level,group,answers,suppressed,area,mean,median,target,below_target," + ",".join(
    f"n{n}" for n in range(11)
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIL = '<img src="file:///etc/passwd">'
RESULTS = f"<h2>{gettext('Results')}</h2>"
CHART = '<svg class="chart'
# Each leader form of the evaluation, with a body that would change something.
FORMS = {"": {}, "/slips": {}, "/change": {"closed": "1"}, "/paper": PAPER}


# --- helpers ---------------------------------------------------------------------------------


async def login(client, email: str) -> None:
    """A cookie session for the pages, in place of any earlier one."""
    client.cookies.clear()
    response = await web_login(client, email)
    assert response.status_code in (302, 303), response.text


def redirects_to_login(response) -> bool:
    return response.status_code in (302, 303) and response.headers["location"].startswith("/login")


async def cohort_named(
    client, world, as_, names: list[str], no_consent: tuple[str, ...] = (), **changes
) -> tuple[dict, dict[str, dict]]:
    """A running cohort led by the office A leader, with these participants enrolled;
    those in ``no_consent`` have not consented to the evaluation."""
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin, **changes)
    persons = {}
    for name in names:
        extra = (
            {"consent": {"scopes": ["participation", "sharing"], "date": clock.today().isoformat()}}
            if name in no_consent
            else {}
        )
        persons[name] = await participant(client, leader, world, name=name, **extra)
        await enrolled(client, leader, course["id"], persons[name]["id"])
    return course, persons


async def say(client, link: dict, comments: dict | None = None, comment: str | None = None) -> None:
    """Answer through a link, with comments."""
    body = {"scores": SCORES, "comments": comments or None, "comment": comment}
    response = await client.post(f"/api/v1/evaluations/{token_of(link)}", json=body)
    assert response.status_code == 201, response.text


async def commented_cohort(client, world, as_, comments: list[dict], closed: bool = True, **changes) -> dict:
    """A cohort whose participants all answered, ``comments[i]`` with answer i (an
    area's comment, or "overall" for the comment on the whole); closed by hand."""
    leader, admin = await as_("leader"), await as_("admin")
    course, _ = await cohort_with(client, world, leader, admin, len(comments), **changes)
    opened = await open_evaluation(client, leader, course["id"])
    for link, given in zip(opened["links"], comments, strict=True):
        await say(client, link, {k: v for k, v in given.items() if k != "overall"}, given.get("overall"))
    if closed:
        await close(client, leader, course["id"])
    return course


async def snapshot(cohort_id: int) -> tuple:
    """What a leader's form could change: the evaluation's row, its links and answers."""
    row = (
        await Evaluation.select(Evaluation.closes_on, Evaluation.closed_at, Evaluation.invited)
        .where(Evaluation.cohort == cohort_id)
        .first()
    )
    return (row, await EvaluationTicket.count(), await EvaluationPending.count(), await EvaluationResponse.count())


async def personal_token(client, headers, participant_id: int) -> str:
    """A personal link issued through the API (it carries a seal key)."""
    response = await client.post(f"/api/v1/participants/{participant_id}/link", headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["url"].rsplit("/p/", 1)[1]


def last_day(course: dict) -> date:
    return max(date.fromisoformat(s["date"]) for s in course["sessions"] if s["status"] != "cancelled")


def slips_section(html: str) -> str:
    return html.split('<ul class="slips">', 1)[1].split("</ul>", 1)[0]


def slips(html: str) -> list[tuple[str, str]]:
    """(name, url) of each slip on the slips page."""
    return SLIP_RE.findall(slips_section(html))


def slip_items(html: str) -> list[str]:
    return slips_section(html).split('<li class="slip"')[1:]


def pdf_text(body: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def keys_in(value) -> set[str]:
    """Every key of every mapping in a JSON value."""
    if isinstance(value, dict):
        return set(value).union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value))
    return set()


# --- 1. who may use the leader's pages and forms ----------------------------------------------


@pytest.mark.parametrize("page", ["", "/paper", "/comments"])
async def test_each_leader_page_is_for_the_office_leader_and_admin_only(client, world, as_, page):
    course, _ = await cohort_named(client, world, as_, ["Åsmund Ørnes"])
    await open_evaluation(client, await as_("leader"), course["id"])
    path = f"/cohorts/{course['id']}/evaluation{page}"
    assert redirects_to_login(await client.get(path))
    for who, status in (("leader", 200), ("admin", 200), ("manager", 403), ("manager_b", 403), ("leader_b", 404)):
        await login(client, EMAILS[who])
        response = await client.get(path)
        assert response.status_code == status, who
        if status == 200:
            assert f'href="/cohorts/{course["id"]}' in response.text, who
        else:
            assert "Åsmund Ørnes" not in response.text and course["title"] not in response.text, who


@pytest.mark.parametrize("form", FORMS)
async def test_each_leader_form_refuses_other_roles_and_changes_nothing(client, world, as_, form):
    course, opened, _ = await opened_cohort(client, world, as_, people=4)
    for link in opened["links"][:3]:  # enough to close by hand, room for a paper form
        await answer(client, link)
    path = f"/cohorts/{course['id']}/evaluation{form}"
    before = await snapshot(course["id"])
    token = csrf_from((await client.get("/login")).text)
    assert redirects_to_login(await client.post(path, data={**FORMS[form], "_csrf_token": token}))
    for who, status in (("manager", 403), ("manager_b", 403), ("leader_b", 404)):
        await login(client, EMAILS[who])
        token = csrf_from((await client.get("/")).text)  # the log-out form on any page carries one
        response = await client.post(path, data={**FORMS[form], "_csrf_token": token})
        assert response.status_code == status, who
        assert "Åsmund" not in response.text, who
    assert await snapshot(course["id"]) == before
    await login(client, EMAILS["admin"])
    allowed = await csrf_post(client, path, FORMS[form], page=f"/cohorts/{course['id']}/evaluation")
    assert allowed.status_code in (200, 302, 303), allowed.text
    assert await snapshot(course["id"]) != before  # so the same post did change something when allowed


async def test_a_leader_form_posted_without_its_csrf_token_changes_nothing(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=4)
    for link in opened["links"][:3]:
        await answer(client, link)
    before = await snapshot(course["id"])
    await login(client, EMAILS["leader"])
    for form, data in FORMS.items():
        path = f"/cohorts/{course['id']}/evaluation{form}"
        assert (await client.post(path, data=data)).status_code == 403, form
        assert (await client.post(path, data={**data, "_csrf_token": "forged" * 10})).status_code == 403, form
    assert await snapshot(course["id"]) == before


# --- 2. opening and the slips -----------------------------------------------------------------


async def test_opening_on_the_page_gives_anonymous_qr_slips_unless_names_are_asked_for(client, world, as_):
    names = ["Åsmund Ørnes", "Bjørg Ækre", "Dagfinn Sæther"]
    course, _ = await cohort_named(client, world, as_, names, no_consent=("Dagfinn Sæther",))
    path = f"/cohorts/{course['id']}/evaluation"
    await login(client, EMAILS["leader"])
    page = await client.get(path)
    assert (
        gettext(
            "The evaluation is not open yet. Open it near the end of the course, at the last session or the one before."
        )
        in page.text
    )
    assert gettext("Open the evaluation and make slips") in page.text and 'name="named" value="1"' in page.text
    assert "Dagfinn Sæther" in page.text  # listed as without consent, so without a link

    first = await csrf_post(client, path)
    assert first.status_code == 200, first.text
    section = slips_section(first.text)
    assert section.count("<svg") == 2 and section.count('<svg role="img"') == 2
    shown = slips(first.text)
    assert [name for name, _ in shown] == [gettext("Course evaluation")] * 2  # no names on the slips
    for name in names:
        assert name not in first.text, name
    assert (
        gettext(
            "The slips carry no names. Shuffle them and let each participant take one: then no one knows "
            "whose answer is whose. The links are shown only now: print them before you leave this "
            "page."
        )
        in first.text
    )
    urls = [url for _, url in shown]
    for url in urls:
        assert url.startswith("http://testserver.local/e/") and len(url.rsplit("/e/", 1)[1]) >= 43
    assert len(set(urls)) == 2 and await EvaluationTicket.count() == 2
    for n in (1, 2):  # each slip can be shown large on the screen
        assert f'id="slip-{n}"' in section and f'href="#slip-{n}">{gettext("Show large")}' in section

    status = await client.get(path)
    assert "0 av 2 har svart" in status.text and format_long_date(last_day(course) + timedelta(7)) in status.text
    assert gettext("Make a new set of slips for everyone") in status.text

    # Slips with names, on request: a fresh set for everyone, sorted by name; none voided.
    named = await csrf_post(client, path, {"named": "1"})
    assert named.status_code == 200, named.text
    assert [name for name, _ in slips(named.text)] == ["Bjørg Ækre", "Åsmund Ørnes"]
    assert slips_section(named.text).count('<svg role="img"') == 2
    assert "Dagfinn Sæther" not in named.text
    assert await EvaluationTicket.count() == 4

    client.cookies.clear()
    spent = urls[0].rsplit("/e/", 1)[1]
    form = await client.get(f"/e/{spent}")
    assert form.status_code == 200
    assert (await client.post(f"/e/{spent}", data={**FORM, "_csrf_token": csrf_from(form.text)})).status_code == 303
    for _, url in (*shown[1:], *slips(named.text)):  # the other slips of both sets still work
        response = await client.get(url.removeprefix("http://testserver.local"))
        assert response.status_code == 200 and "Hvordan var kurset?" in response.text

    # Opening again after an answer still gives everyone a slip: it says nothing of who answered.
    await login(client, EMAILS["leader"])
    again = await csrf_post(client, path, {"named": "1"})
    assert [name for name, _ in slips(again.text)] == ["Bjørg Ækre", "Åsmund Ørnes"]


async def test_markup_in_a_name_on_a_named_slip_is_text(client, world, as_):
    name = "Pål <script>alert(1)</script> Ås"
    course, _ = await cohort_named(client, world, as_, [name])
    await login(client, EMAILS["leader"])
    opened = await csrf_post(client, f"/cohorts/{course['id']}/evaluation", {"named": "1"})
    assert opened.status_code == 200
    section = slips_section(opened.text)
    assert "<script>" not in opened.text and section.count("<svg") == 1
    escaped = "Pål &lt;script&gt;alert(1)&lt;/script&gt; Ås"
    assert section.count(escaped) >= 3  # the name, the QR code's title and the 'show large' link
    page = await client.get(f"/cohorts/{course['id']}/evaluation")
    assert "<script>alert" not in page.text and escaped in page.text  # the extra slip's list


async def test_one_more_slip_is_anonymous_or_named_and_voids_nothing(client, world, as_):
    leader = await as_("leader")
    course, persons = await cohort_named(client, world, as_, ["Eirin Løvås", "Frøydis Haugå"])
    eirin, froydis = persons["Eirin Løvås"]["id"], persons["Frøydis Haugå"]["id"]
    page_path, path = f"/cohorts/{course['id']}/evaluation", f"/cohorts/{course['id']}/evaluation/slips"
    await login(client, EMAILS["leader"])
    early = await csrf_post(client, path, page=page_path)
    assert early.status_code == 409 and 'href="#cohort"' in early.text
    assert "Evalueringen er ikke åpnet ennå." in early.text and await EvaluationTicket.count() == 0

    opened = await open_evaluation(client, leader, course["id"])
    own = f"/p/{await personal_token(client, leader, froydis)}"
    page = await client.get(page_path)
    assert '<select id="participant_id" name="participant_id"' in page.text
    assert f'<option value="" selected>{gettext("Anonymous slip")}</option>' in page.text  # by default
    assert f'<option value="{eirin}">Eirin Løvås</option>' in page.text
    assert f'<option value="{froydis}">Frøydis Haugå</option>' in page.text

    anonymous = await csrf_post(client, path, {"participant_id": ""}, page=page_path)
    assert anonymous.status_code == 200, anonymous.text
    assert [name for name, _ in slips(anonymous.text)] == [gettext("Course evaluation")]
    assert "Eirin" not in anonymous.text and "Frøydis" not in anonymous.text
    assert slips_section(anonymous.text).count('<svg role="img"') == 1

    named = await csrf_post(client, path, {"participant_id": str(froydis)}, page=page_path)
    assert named.status_code == 200, named.text
    assert [name for name, _ in slips(named.text)] == ["Frøydis Haugå"]
    assert gettext("The link is also on the participant's own page.") in named.text  # her link has a seal key
    assert gettext("The link is also on the participant's own page.") not in anonymous.text
    assert await EvaluationTicket.count() == 4

    stranger = await participant(client, leader, world, name="Ørnulf Åmodt")
    for bad in (str(stranger["id"]), "abc", "-1"):
        refused = await csrf_post(client, path, {"participant_id": bad}, page=page_path)
        assert refused.status_code == 422, bad
        assert 'href="#participant_id"' in refused.text, bad
        assert gettext("Choose a participant on this cohort who has consented to the evaluation.") in refused.text
    assert await EvaluationTicket.count() == 4

    client.cookies.clear()
    for _, url in (*slips(anonymous.text), *slips(named.text)):
        assert (await client.get(url.removeprefix("http://testserver.local"))).status_code == 200
    for link in opened["links"]:  # the first set still works
        assert (await client.get(f"/e/{token_of(link)}")).status_code == 200
    assert f'href="{own}/evaluation/{course["id"]}"' in (await client.get(own)).text


# --- 3. the closing day, closing by hand, and what is shown when ------------------------------


async def test_the_closing_day_is_moved_on_the_page_and_a_bad_day_names_the_field(client, world, as_, today):
    course, _, _ = await opened_cohort(client, world, as_, people=1)
    page_path, path = f"/cohorts/{course['id']}/evaluation", f"/cohorts/{course['id']}/evaluation/change"
    await login(client, EMAILS["leader"])
    page = await client.get(page_path)
    default = last_day(course) + timedelta(days=7)
    assert f'id="closes_on" name="closes_on" type="date" value="{default.isoformat()}"' in page.text
    assert format_long_date(default) in page.text

    later = today + timedelta(days=30)
    moved = await csrf_post(client, path, {"closes_on": later.isoformat()}, page=page_path)
    assert moved.status_code in (302, 303) and moved.headers["location"] == page_path
    assert (await Evaluation.select(Evaluation.closes_on).first())["closes_on"] == later
    shown = (await client.get(page_path)).text
    assert format_long_date(later) in shown and "Siste svardag er endret." in shown

    out_of_range = gettext("Choose a day from today until eight weeks after the last session.")
    for bad in (
        "2027-02-30",
        "i morgen",
        (today - timedelta(days=1)).isoformat(),
        (last_day(course) + timedelta(weeks=8, days=1)).isoformat(),
    ):
        response = await csrf_post(client, path, {"closes_on": bad}, page=page_path)
        assert response.status_code == 422, bad
        assert 'href="#closes_on"' in response.text and f'value="{bad}"' in response.text, bad
        assert 'id="closes_on-error"' in response.text, bad
    assert out_of_range in response.text
    assert (await Evaluation.select(Evaluation.closes_on).first())["closes_on"] == later
    assert (await Evaluation.select(Evaluation.closed_at).first())["closed_at"] is None


async def test_closing_by_hand_needs_three_answers_and_then_takes_nothing_more(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=4)
    page_path, path = f"/cohorts/{course['id']}/evaluation", f"/cohorts/{course['id']}/evaluation/change"
    for link in opened["links"][:2]:
        await answer(client, link)
    await login(client, EMAILS["leader"])
    page = await client.get(page_path)
    assert "2 av 4 har svart" in page.text
    assert gettext("It can be closed by hand once at least three have answered.") in page.text
    assert gettext("Close the evaluation now") not in page.text
    early = await csrf_post(client, path, {"closed": "1"}, page=page_path)
    assert early.status_code == 422 and 'href="#closed"' in early.text
    assert gettext("The evaluation can be closed by hand once at least three have answered.") in early.text
    assert (await Evaluation.select(Evaluation.closed_at).first())["closed_at"] is None

    await answer(client, opened["links"][2])
    page = await client.get(page_path)
    assert gettext("Close the evaluation now") in page.text
    closed = await csrf_post(client, path, {"closed": "1"}, page=page_path)
    assert closed.status_code in (302, 303) and closed.headers["location"] == page_path
    assert (await Evaluation.select(Evaluation.closed_at).first())["closed_at"] is not None
    assert await EvaluationResponse.count() == 3 and await EvaluationPending.count() == 0

    page = await client.get(page_path)
    assert "3 av 4 svarte" in page.text
    for action in ("", "/slips", "/change"):  # no forms left but the way back
        assert f'action="{page_path}{action}"' not in page.text, action
    assert f'href="{page_path}/paper"' not in page.text
    before = await snapshot(course["id"])
    again = await csrf_post(client, path, {"closed": "1"}, page=page_path)
    assert again.status_code == 409 and 'href="#closed"' in again.text and "Evalueringen er avsluttet" in again.text
    moved = await csrf_post(client, path, {"closes_on": clock.today().isoformat()}, page=page_path)
    assert moved.status_code == 409
    reopened = await csrf_post(client, page_path)
    assert reopened.status_code == 409 and 'href="#cohort"' in reopened.text
    extra = await csrf_post(client, f"{page_path}/slips", page=page_path)
    assert extra.status_code == 409 and 'class="slips"' not in extra.text
    assert await snapshot(course["id"]) == before


async def test_results_and_comments_are_hidden_while_open_and_shown_once_closed(client, world, as_):
    course = await commented_cohort(
        client,
        world,
        as_,
        [{"benefit": "Lærte å skrive søknad på Åssiden."}, {"overall": "Takk for kurset!"}, {}],
        closed=False,
    )
    page_path, comments_path = f"/cohorts/{course['id']}/evaluation", f"/cohorts/{course['id']}/evaluation/comments"
    _, torbjorn = await office_a_leader(world, "torbjorn@a.no", "Torbjørn Ås")
    locked = gettext(
        "The comments can be read once the evaluation has closed with at least three answers, so no "
        "comment can be tied to one person."
    )
    for who in ("leader", "admin"):
        await login(client, EMAILS[who])
        page = await client.get(page_path)
        assert page.status_code == 200 and "3 av 3 har svart" in page.text, who
        assert RESULTS not in page.text and CHART not in page.text, who
        assert f'href="{comments_path}"' not in page.text, who
        comments = await client.get(comments_path)
        assert comments.status_code == 200 and locked in comments.text, who
        assert "Lærte å skrive søknad" not in comments.text and "Takk for kurset!" not in comments.text, who
    assert (await client.get(f"/api/v1{comments_path}", headers=await as_("leader"))).json() == []

    await close(client, await as_("leader"), course["id"])
    for who in ("leader", "admin"):
        await login(client, EMAILS[who])
        page = await client.get(page_path)
        assert RESULTS in page.text and page.text.count(CHART) == 1 + len(AREAS), who  # the means, a distribution each
        for area in AREAS:
            assert gettext(AREA_LABELS[area]) in page.text, area
        assert f'href="{comments_path}">{gettext("Review comments")} ({gettext("%(n)s new", n=2)})' in page.text, who
        comments = await client.get(comments_path)
        assert locked not in comments.text, who
        assert "Lærte å skrive søknad på Åssiden." in comments.text and "Takk for kurset!" in comments.text, who
        assert comments.text.count('action="/evaluation-comments/') == 2, who

    # Another leader of the office sees the count, but neither results nor comments.
    await login(client, "torbjorn@a.no")
    page = await client.get(page_path)
    assert page.status_code == 200 and "3 av 3 svarte" in page.text
    assert RESULTS not in page.text and CHART not in page.text and f'href="{comments_path}"' not in page.text
    assert (await client.get(comments_path)).status_code == 403
    assert (await client.get(f"/api/v1{comments_path}", headers=torbjorn)).status_code == 403


async def test_an_evaluation_closed_with_too_few_answers_shows_no_results_and_no_comments(client, world, as_):
    course, opened, _ = await opened_cohort(client, world, as_, people=3)
    await say(client, opened["links"][0], comment="Bare to av oss svarte.")
    await answer(client, opened["links"][1])
    page_path, comments_path = f"/cohorts/{course['id']}/evaluation", f"/cohorts/{course['id']}/evaluation/comments"
    with after_closing(course):
        await login(client, EMAILS["leader"])
        page = await client.get(page_path)
        assert "2 av 3 svarte" in page.text
        assert (
            gettext(
                "With fewer than three answers the results are not shown anywhere, so that no one's answer "
                "can be recognised."
            )
            in page.text
        )
        assert RESULTS not in page.text and CHART not in page.text and f'href="{comments_path}"' not in page.text
        comments = await client.get(comments_path)
        assert comments.status_code == 200 and "Bare to av oss svarte." not in comments.text
        assert (await client.get(f"/api/v1{comments_path}", headers=await as_("leader"))).json() == []
        assert await EvaluationResponse.count() == 2  # written out when it closed, all the same


# --- 4. paper forms --------------------------------------------------------------------------


async def test_a_paper_form_names_no_one_and_is_counted_apart(client, world, as_):
    course, opened, persons = await opened_cohort(client, world, as_, people=3)
    path = f"/cohorts/{course['id']}/evaluation/paper"
    await login(client, EMAILS["leader"])
    page = await client.get(path)
    assert page.status_code == 200 and page.text.count('type="radio"') == 55
    assert "<select" not in page.text and "participant_id" not in page.text  # no one to choose
    for person in persons:
        assert person["name"] not in page.text
    assert (
        gettext(
            "Type in the scores as the participant wrote them. The answer is stored without a name, marked "
            "as keyed in from paper, and counted apart in the reports."
        )
        in page.text
    )

    keyed = await csrf_post(client, path, {**PAPER, "comment": "Skrevet for hånd på Åssiden."})
    assert keyed.status_code == 200, keyed.text
    assert gettext("The paper form has been keyed in.") in keyed.text
    assert " checked" not in keyed.text  # an empty form for the next one
    assert await EvaluationPending.count() == 1 and await EvaluationResponse.count() == 0

    missing = await csrf_post(client, path, {**PAPER, "leaders": "", "comment": "Fint å være med <b>her</b>."})
    assert missing.status_code == 422
    assert 'href="#leaders"' in missing.text and 'id="leaders-error"' in missing.text
    assert "Fint å være med &lt;b&gt;her&lt;/b&gt;." in missing.text and "<b>her" not in missing.text
    assert 'id="benefit-4" name="benefit" value="4" checked' in missing.text  # kept for the next try
    assert await EvaluationPending.count() == 1

    for link in opened["links"][:2]:
        await answer(client, link)
    await close(client, await as_("leader"), course["id"])
    rows = await EvaluationResponse.select()
    assert sorted(r["on_paper"] for r in rows) == [False, False, True]
    paper = next(r for r in rows if r["on_paper"])
    assert [paper[a] for a in AREAS] == [int(PAPER[a]) for a in AREAS]
    assert [r["text"] for r in await EvaluationRemark.select(EvaluationRemark.text)] == ["Skrevet for hånd på Åssiden."]
    page = await client.get(f"/cohorts/{course['id']}/evaluation")
    assert gettext("Of these, %(n)s were keyed in from paper forms.", n=1) in page.text
    report = await client.get("/reports/evaluations")
    assert gettext("%(n)s from paper forms", n=1) in report.text


async def test_paper_forms_are_taken_only_while_the_evaluation_is_open_and_not_full(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    course, _ = await cohort_with(client, world, leader, admin, people=1)
    path = f"/cohorts/{course['id']}/evaluation/paper"
    only_while_open = gettext("Paper forms can be keyed in while the evaluation is open.")
    await login(client, EMAILS["leader"])
    page = await client.get(path)
    assert page.status_code == 200 and only_while_open in page.text and 'type="radio"' not in page.text
    early = await csrf_post(client, path, PAPER)
    assert early.status_code == 409 and only_while_open in early.text
    assert await Evaluation.count() == 0 and await EvaluationPending.count() == 0

    await open_evaluation(client, leader, course["id"])
    assert (await csrf_post(client, path, PAPER)).status_code == 200
    full = await csrf_post(client, path, PAPER)  # as many answers as participants
    assert full.status_code == 409 and 'href="#cohort"' in full.text
    assert "Evalueringen har fått like mange svar som det er deltakere." in full.text
    assert 'value="4" checked' in full.text
    assert await EvaluationPending.count() == 1

    with after_closing(course):
        await login(client, EMAILS["leader"])  # a week on, the session read from the same clock is over
        page = await client.get(path)
        assert only_while_open in page.text and 'type="radio"' not in page.text
        late = await csrf_post(client, path, PAPER)
        assert late.status_code == 410 and only_while_open in late.text
        assert await EvaluationResponse.count() == 1 and await EvaluationPending.count() == 0


# --- 5. comment review ------------------------------------------------------------------------


async def test_comments_are_locked_until_closed_with_three_answers_and_come_in_the_order_of_the_areas(
    client, world, as_
):
    leader = await as_("leader")
    course, opened, persons = await opened_cohort(client, world, as_, people=3)
    path = f"/api/v1/cohorts/{course['id']}/evaluation/comments"
    await say(client, opened["links"][0], {"participation": "Jeg ble hørt, også av Åse."}, "Takk for nå!")
    await say(client, opened["links"][1], {"benefit": "Lærte mye om meg selv."})
    await say(client, opened["links"][2], {"atmosphere": "Trygt og godt på kurset."})
    assert (await client.get(path, headers=leader)).json() == []  # three answers, but still open
    await close(client, leader, course["id"])
    response = await client.get(path, headers=leader)
    assert response.status_code == 200
    comments = response.json()
    assert [(c["area"], c["text"]) for c in comments] == [
        ("benefit", "Lærte mye om meg selv."),
        ("atmosphere", "Trygt og godt på kurset."),
        ("participation", "Jeg ble hørt, også av Åse."),
        ("overall", "Takk for nå!"),
    ]
    assert all(set(c) == {"id", "cohort_id", "area", "text", "status"} for c in comments)
    assert all(c["status"] == "pending" and c["cohort_id"] == course["id"] for c in comments)
    for person in persons:
        assert person["name"] not in response.text
    assert (await client.get(path, headers=await as_("admin"))).status_code == 200
    assert (await client.get(path, headers=await as_("manager"))).status_code == 403
    assert (await client.get(path, headers=await as_("leader_b"))).status_code == 404


async def test_a_comment_is_reviewed_by_the_cohorts_own_leader_or_an_admin(client, world, as_):
    leader = await as_("leader")
    course = await commented_cohort(
        client, world, as_, [{"benefit": "Nyttig og lærerikt."}, {"leaders": "Kursholderne så meg."}, {}]
    )
    comments = (await client.get(f"/api/v1/cohorts/{course['id']}/evaluation/comments", headers=leader)).json()
    first, second = comments[0]["id"], comments[1]["id"]
    path = f"/api/v1/evaluation-comments/{first}"

    shown = await client.patch(path, json={"status": "shown"}, headers=leader)
    assert shown.status_code == 200, shown.text
    assert shown.json() == {
        "id": first,
        "cohort_id": course["id"],
        "area": "benefit",
        "text": "Nyttig og lærerikt.",
        "status": "shown",
    }
    hidden = await client.patch(path, json={"status": "hidden"}, headers=await as_("admin"))
    assert hidden.status_code == 200 and hidden.json()["status"] == "hidden"

    _, torbjorn = await office_a_leader(world, "torbjorn@a.no", "Torbjørn Ås")
    assert (await client.patch(path, json={"status": "shown"}, headers=torbjorn)).status_code == 403
    assert (await client.patch(path, json={"status": "shown"}, headers=await as_("leader_b"))).status_code == 404
    assert (await client.patch(path, json={"status": "shown"}, headers=await as_("manager"))).status_code == 403
    assert (await client.patch(path, json={"status": "shown"}, headers=await as_("manager_b"))).status_code == 403
    for bad in ("pending", "vist", "", None, 1):  # shown or hidden, as the schema says
        response = await client.patch(path, json={"status": bad}, headers=leader)
        assert response.status_code == 400, bad
        assert error_keys(response) == {"status"}, bad
    assert (await client.patch(path, json={"status": "shown"})).status_code == 401
    assert (await EvaluationRemark.select(EvaluationRemark.status).where(EvaluationRemark.ref == first).first())[
        "status"
    ] == "hidden"

    # The same through the page: a form field ``status``, then back to the list.
    await login(client, EMAILS["leader"])
    page = await client.get(f"/cohorts/{course['id']}/evaluation/comments")
    assert page.status_code == 200 and "Kursholderne så meg." in page.text
    assert f'action="/evaluation-comments/{second}"' in page.text
    assert (await client.post(f"/evaluation-comments/{second}", data={"status": "shown"})).status_code == 403
    reviewed = await client.post(
        f"/evaluation-comments/{second}", data={"status": "shown", "_csrf_token": csrf_from(page.text)}
    )
    assert reviewed.status_code in (302, 303), reviewed.text
    assert reviewed.headers["location"] == f"/cohorts/{course['id']}/evaluation/comments#c{second}"
    assert (await EvaluationRemark.select(EvaluationRemark.status).where(EvaluationRemark.ref == second).first())[
        "status"
    ] == "shown"
    listed = await client.get(f"/cohorts/{course['id']}/evaluation/comments")
    assert f'id="c{second}"' in listed.text and gettext("Shown in reports") in listed.text

    for who, status in (("leader_b", 404), ("manager", 403)):
        await login(client, EMAILS[who])
        token = csrf_from((await client.get("/")).text)
        response = await client.post(f"/evaluation-comments/{first}", data={"status": "shown", "_csrf_token": token})
        assert response.status_code == status, who
    await login(client, "torbjorn@a.no")
    token = csrf_from((await client.get("/")).text)
    assert (
        await client.post(f"/evaluation-comments/{first}", data={"status": "shown", "_csrf_token": token})
    ).status_code == 403
    assert (await EvaluationRemark.select(EvaluationRemark.status).where(EvaluationRemark.ref == first).first())[
        "status"
    ] == "hidden"


async def test_the_report_has_only_shown_comments_of_whole_closed_cohorts_with_three_answers(client, world, as_):
    leader, manager = await as_("leader"), await as_("manager")
    big = await commented_cohort(
        client,
        world,
        as_,
        [
            {"benefit": "Vist: lærte å skrive CV."},
            {"atmosphere": "Skjult: Pål var slem."},
            {"leaders": "Ventende: fine kursholdere."},
        ],
        title="Vårkurset på Åssiden",
    )
    review = {
        c["text"]: c["id"]
        for c in (await client.get(f"/api/v1/cohorts/{big['id']}/evaluation/comments", headers=leader)).json()
    }
    for text, status in (("Vist: lærte å skrive CV.", "shown"), ("Skjult: Pål var slem.", "hidden")):
        response = await client.patch(
            f"/api/v1/evaluation-comments/{review[text]}", json={"status": status}, headers=leader
        )
        assert response.status_code == 200

    # Two more cohorts, with two answers and one: while open they count nowhere, and
    # once closed their comments can be neither reviewed nor reported, even when
    # marked shown behind the app's back.
    small = await commented_cohort(
        client,
        world,
        as_,
        [{"benefit": "Lite kurs: for få svar."}, {}],
        closed=False,
        title="Høstkurset i Ørnes",
        start_time="15:00",
        end_time="16:00",
        location="Rom Ærfugl",
    )
    tiny = await commented_cohort(
        client,
        world,
        as_,
        [{"leaders": "Alene: for få svar."}],
        closed=False,
        title="Sommerkurset på Bø",
        weeks_ago=2,
        start_time="16:30",
        end_time="17:30",
        location="Rom Lånke",
    )
    await login(client, EMAILS["manager"])
    page = await client.get("/reports/evaluations")
    assert page.status_code == 200 and "Vist: lærte å skrive CV." in page.text
    assert gettext("%(n)s with the evaluation still open", n=2) in page.text

    with after_closing(small):
        for course in (small, tiny):
            comments = f"/api/v1/cohorts/{course['id']}/evaluation/comments"
            assert (await client.get(comments, headers=leader)).json() == []
        refs = [
            r["ref"]
            for r in await EvaluationRemark.select(EvaluationRemark.ref).where(
                EvaluationRemark.cohort.is_in([small["id"], tiny["id"]])
            )
        ]
        assert len(refs) == 2
        for ref in refs:
            response = await client.patch(
                f"/api/v1/evaluation-comments/{ref}", json={"status": "shown"}, headers=leader
            )
            assert response.status_code == 404
        await EvaluationRemark.update({EvaluationRemark.status: "shown"}).where(EvaluationRemark.ref.is_in(refs))

        for who in (manager, await as_("admin"), leader):
            report = (await client.get("/api/v1/reports/evaluations", headers=who)).json()
            assert report["responses"] == 3  # the two small cohorts count nowhere, not even in the totals
            texts = [c["text"] for c in report["comments"]]
            assert texts == ["Vist: lærte å skrive CV."], texts
        await login(client, EMAILS["manager"])  # a week on, the session read from the same clock is over
        page = await client.get("/reports/evaluations")
        assert page.status_code == 200
        assert "Høstkurset i Ørnes" not in page.text and "Sommerkurset på Bø" not in page.text
        assert "Lite kurs" not in page.text and "Alene" not in page.text and "Skjult" not in page.text
        assert "Ventende" not in page.text and "Vist: lærte å skrive CV." in page.text
        note = page.text.split('<p class="card hint" role="note">', 1)[1].split("</p>", 1)[0]
        assert gettext("%(n)s closed with fewer than three answers", n=2) in note
        assert "2 kurs i utvalget er ikke tatt med" in note and "åpen" not in note


async def test_a_comments_reference_tells_neither_order_nor_author(client, world, as_):
    """Two comments from one answer, one from another: their references are random,
    so neither the order they came in nor which of them belong together shows."""
    comments = [
        {"benefit": "Lærte mye om meg selv.", "leaders": "Åse var god."},
        {"atmosphere": "Trygt å være her, takk for kurset!"},
        {},
    ]
    course = await commented_cohort(client, world, as_, comments)
    leader = await as_("leader")
    listed = (await client.get(f"/api/v1/cohorts/{course['id']}/evaluation/comments", headers=leader)).json()
    refs = [c["id"] for c in listed]
    assert len(refs) == 3 and len(set(refs)) == 3
    assert all(isinstance(r, str) and len(r) == 16 for r in refs)
    rows = await EvaluationRemark.select(EvaluationRemark.id, EvaluationRemark.ref)
    assert sorted(r["ref"] for r in rows) == sorted(refs)
    assert not any(str(r["id"]) in refs for r in rows)
    for guess in ("1", str(rows[0]["id"])):  # neither a row number nor the row's id
        response = await client.patch(f"/api/v1/evaluation-comments/{guess}", json={"status": "shown"}, headers=leader)
        assert response.status_code == 404, guess


# --- 6. the status -------------------------------------------------------------------------------


async def test_the_status_counts_and_never_says_who_answered(client, world, as_):
    leader = await as_("leader")
    names = ["Gunnhild Bråten", "Håkon Strømme", "Ingrid Kværnå"]
    course, _ = await cohort_named(client, world, as_, names, no_consent=("Ingrid Kværnå",))
    path = f"/api/v1/cohorts/{course['id']}/evaluation"
    before = (await client.get(path, headers=leader)).json()
    assert before["opened_at"] is None and before["closes_on"] is None and before["answered"] == 0
    assert before["invited"] == 2  # those who may answer
    opened = await open_evaluation(client, leader, course["id"])
    status = (await client.get(path, headers=leader)).json()
    assert set(status) == {
        "cohort_id",
        "opened_at",
        "closes_on",
        "closed_at",
        "invited",
        "answered",
        "on_paper",
        "without_consent",
        "participants",
        "comments_pending",
        "comments_locked",
        "may_close",
    }
    assert status["invited"] == 2 and status["answered"] == 0 and status["comments_locked"] is True
    assert status["closed_at"] is None and status["on_paper"] is None and status["may_close"] is False
    assert [p["name"] for p in status["without_consent"]] == ["Ingrid Kværnå"]
    await say(client, opened["links"][0], comment="Bra!")
    after = (await client.get(path, headers=leader)).json()
    assert after["invited"] == 2 and after["answered"] == 1
    assert after["comments_pending"] == 0 and after["comments_locked"] is True  # nothing to read while open
    assert not {"used", "answered_by", "has_answered", "respondents"} & keys_in(after)
    assert all(set(p) == {"id", "name"} for p in after["participants"])
    # Nothing about a person changes when they answer: the lists are the same as before.
    assert after["participants"] == status["participants"]
    assert after["without_consent"] == status["without_consent"]
    assert (await client.get(path, headers=await as_("manager"))).status_code == 403
    assert (await client.get(path, headers=await as_("leader_b"))).status_code == 404


# --- 7. the participant's own page ---------------------------------------------------------------


async def test_the_own_page_offers_the_evaluation_after_a_named_opening_and_thanks_after_answering(client, world, as_):
    leader = await as_("leader")
    course, persons = await cohort_named(client, world, as_, ["Jørgen Fjæra", "Kåre Nærø"])
    own = f"/p/{await personal_token(client, leader, persons['Jørgen Fjæra']['id'])}"
    form_path = f"{own}/evaluation/{course['id']}"
    on_own_page = gettext("The link is also on the participant's own page.")
    assert form_path not in (await client.get(own)).text  # not open yet
    assert (await client.get(form_path)).status_code == 404

    # Anonymous slips are on no one's page.
    await login(client, EMAILS["leader"])
    anonymous = await csrf_post(client, f"/cohorts/{course['id']}/evaluation")
    assert anonymous.status_code == 200 and on_own_page not in anonymous.text
    client.cookies.clear()
    assert form_path not in (await client.get(own)).text
    assert (await client.get(form_path)).status_code == 404

    # Named slips are also sealed to the personal links there are: Jørgen has one, Kåre not.
    await login(client, EMAILS["leader"])
    named = await csrf_post(client, f"/cohorts/{course['id']}/evaluation", {"named": "1"})
    assert named.status_code == 200
    by_name = dict(zip((n for n, _ in slips(named.text)), slip_items(named.text), strict=True))
    assert on_own_page in by_name["Jørgen Fjæra"] and on_own_page not in by_name["Kåre Nærø"]
    slip = dict(slips(named.text))["Jørgen Fjæra"].rsplit("/e/", 1)[1]

    client.cookies.clear()
    page = await client.get(own)
    assert page.status_code == 200 and f'href="{form_path}"' in page.text
    assert gettext("Answer the evaluation") in page.text
    form = await client.get(form_path)
    assert form.status_code == 200 and form.text.count('type="radio"') == 55
    assert f'action="{form_path}"' in form.text and f'href="{own}"' in form.text
    token = csrf_from(form.text)
    missing = await client.post(form_path, data={**FORM, "benefit": "", "_csrf_token": token})
    assert missing.status_code == 422 and 'href="#benefit"' in missing.text and f'href="{own}"' in missing.text
    # Before the answer its thank-you is the form's; after it, the redirect leads there.
    early = await client.get(f"{form_path}/thanks")
    assert early.status_code == 303 and early.headers["location"] == form_path
    sent = await client.post(
        form_path, data={**FORM, "_csrf_token": token, "comment_leaders": "Åse og Ørjan brydde seg."}
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"{form_path}/thanks", sent.text
    thanks = await client.get(sent.headers["location"])
    assert thanks.status_code == 200
    assert "Svaret ditt er mottatt" in thanks.text and f'href="{own}"' in thanks.text
    assert "brydde" not in thanks.text
    assert redact(sent.headers["location"]) == f"/p/…/evaluation/{course['id']}/thanks"  # in the server's log
    assert await EvaluationPending.count() == 1

    page = await client.get(own)
    assert f'href="{form_path}"' not in page.text  # answered: no longer offered, but thanked
    assert gettext("Thank you for answering the evaluation of %(title)s.", title=course["title"]) in page.text
    twice = await client.post(form_path, data={**FORM, "_csrf_token": token})
    assert twice.status_code == 409 and "Du har allerede svart" in twice.text
    again = await client.get(form_path)
    assert again.status_code == 200 and "Du har allerede svart" in again.text

    # Jørgen's named slip is the same link: spent too.
    spent = await client.get(f"/e/{slip}")
    assert spent.status_code == 200 and "Du har allerede svart" in spent.text
    assert (await client.post(f"/e/{slip}", data={**FORM, "_csrf_token": token})).status_code == 409
    assert await EvaluationPending.count() == 1

    # Once closed it is gone from the page.
    with after_closing(course):
        page = await client.get(own)
        assert page.status_code == 200 and form_path not in page.text
        assert gettext("Answer the evaluation") not in page.text and "Takk for at du svarte" not in page.text
        assert (await client.get(form_path)).status_code == 404
        assert (await client.post(form_path, data={**FORM, "_csrf_token": token})).status_code == 404
    rows = await EvaluationResponse.select()
    assert len(rows) == 1 and rows[0]["cohort"] == course["id"] and rows[0]["on_paper"] is False
    assert [rows[0][a] for a in AREAS] == [int(FORM[a]) for a in AREAS]
    assert [r["text"] for r in await EvaluationRemark.select(EvaluationRemark.text)] == ["Åse og Ørjan brydde seg."]


async def test_a_personal_link_issued_after_the_opening_gets_the_evaluation_with_a_named_extra_slip(client, world, as_):
    leader = await as_("leader")
    course, persons = await cohort_named(client, world, as_, ["Ingrid Kværnå", "Håkon Strømme"])
    await open_evaluation(client, leader, course["id"], named=True)
    ingrid = persons["Ingrid Kværnå"]["id"]
    own = f"/p/{await personal_token(client, leader, ingrid)}"
    form_path = f"{own}/evaluation/{course['id']}"
    assert form_path not in (await client.get(own)).text  # her link came after the slips

    await login(client, EMAILS["leader"])
    extra = await csrf_post(
        client,
        f"/cohorts/{course['id']}/evaluation/slips",
        {"participant_id": str(ingrid)},
        page=f"/cohorts/{course['id']}/evaluation",
    )
    assert extra.status_code == 200 and [n for n, _ in slips(extra.text)] == ["Ingrid Kværnå"]
    assert gettext("The link is also on the participant's own page.") in extra.text
    client.cookies.clear()
    assert f'href="{form_path}"' in (await client.get(own)).text
    assert (await client.get(form_path)).status_code == 200


async def test_without_evaluation_consent_the_own_page_offers_no_evaluation(client, world, as_):
    leader = await as_("leader")
    course, persons = await cohort_named(
        client, world, as_, ["Liv Østgård", "Mads Ødegaard"], no_consent=("Liv Østgård",)
    )
    own = f"/p/{await personal_token(client, leader, persons['Liv Østgård']['id'])}"
    other = f"/p/{await personal_token(client, leader, persons['Mads Ødegaard']['id'])}"
    opened = await open_evaluation(client, leader, course["id"], named=True)
    assert [link["participant"]["name"] for link in opened["links"]] == ["Mads Ødegaard"]
    page = await client.get(own)
    assert page.status_code == 200 and "/evaluation/" not in page.text
    form_path = f"{own}/evaluation/{course['id']}"
    assert (await client.get(form_path)).status_code == 404
    offered = await client.get(f"{other}/evaluation/{course['id']}")  # Mads has it
    assert offered.status_code == 200
    token = csrf_from(offered.text)
    assert (await client.post(form_path, data={**FORM, "_csrf_token": token})).status_code == 404
    assert await EvaluationPending.count() == 0


# --- 8. the report page and its files ---------------------------------------------------------


OFFICE_NAME = "NAV Bærum – Ungdomsteamet på Østerås"


@pytest.mark.parametrize("who", ["leader", "manager", "admin"])
async def test_the_report_page_and_its_files_for_each_role(client, world, as_, who):
    admin = await as_("admin")
    renamed = await client.patch(f"/api/v1/offices/{world.office_a}", json={"name": OFFICE_NAME}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    course = await commented_cohort(
        client, world, as_, [{"benefit": "Lærte å skrive søknad."}, {}, {}], title="Vårkurset på Åssiden"
    )
    comment = (
        await client.get(f"/api/v1/cohorts/{course['id']}/evaluation/comments", headers=await as_("leader"))
    ).json()[0]
    await client.patch(
        f"/api/v1/evaluation-comments/{comment['id']}", json={"status": "shown"}, headers=await as_("leader")
    )
    labels = [gettext(AREA_LABELS[a]) for a in AREAS]

    await login(client, EMAILS[who])
    page = await client.get("/reports/evaluations")
    assert page.status_code == 200
    assert "Vårkurset på Åssiden" in page.text and "Lærte å skrive søknad." in page.text
    for label in labels:
        assert label in page.text, label
    for ext in ("csv", "xlsx", "pdf"):
        assert f'href="/reports/evaluations.{ext}"' in page.text
    assert 'role="note"' not in page.text  # every cohort in the selection counts

    as_csv = await client.get("/reports/evaluations.csv")
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.headers["content-disposition"].startswith("attachment;")
    assert ".csv" in as_csv.headers["content-disposition"]
    lines = as_csv.text.splitlines()
    assert lines[0] == CSV_HEADER
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    whole = {r["area"]: r for r in rows if r["level"] == "all"}
    assert set(whole) == set(AREAS)
    assert whole["benefit"]["answers"] == "3" and whole["benefit"]["suppressed"] == "false"
    assert float(whole["benefit"]["mean"]) == 9.0 and whole["benefit"]["n9"] == "3"
    assert any(r["level"] == "cohort" and r["group"] == "Vårkurset på Åssiden" for r in rows)

    as_xlsx = await client.get("/reports/evaluations.xlsx")
    assert as_xlsx.status_code == 200 and as_xlsx.headers["content-type"].startswith(XLSX)
    assert as_xlsx.headers["content-disposition"].startswith("attachment;")
    assert ".xlsx" in as_xlsx.headers["content-disposition"]
    book = load_workbook(io.BytesIO(as_xlsx.content))
    assert book.sheetnames == [gettext("Whole"), gettext("Per cohort"), gettext("Per quarter"), gettext("Comments")]
    benefit = next(r for r in book[gettext("Whole")].iter_rows(values_only=True) if r[2] == labels[0])
    assert benefit[1] == 3 and benefit[3] == 9.0  # numbers as numbers
    assert any(r[0] == "Vårkurset på Åssiden" for r in book[gettext("Per cohort")].iter_rows(values_only=True))
    assert [("Vårkurset på Åssiden", "Lærte å skrive søknad.")] == [
        (r[0], r[2]) for r in book[gettext("Comments")].iter_rows(min_row=2, values_only=True)
    ]

    as_pdf = await client.get("/reports/evaluations.pdf")
    assert as_pdf.status_code == 200 and as_pdf.headers["content-type"].startswith("application/pdf")
    assert as_pdf.headers["content-disposition"].startswith("attachment;")
    assert ".pdf" in as_pdf.headers["content-disposition"]
    assert as_pdf.content.startswith(b"%PDF-")
    pages, text = pdf_text(as_pdf.content)
    assert pages == 1
    if who != "admin":
        assert OFFICE_NAME in text
    else:  # the admin's report, without an office chosen, covers all offices
        assert gettext("All offices") in text
    for label in labels:
        assert label in text, label
    if who == "leader":
        assert "Åse Ødegård" in text  # made by


async def test_a_cohort_still_open_is_left_out_of_the_report_page_and_its_files(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    await answered_cohort(client, world, leader, admin, [9, 8, 7], closed=False, title="Åpent kurs på Åsen")
    await login(client, EMAILS["manager"])
    page = await client.get("/reports/evaluations")
    assert page.status_code == 200 and "Åpent kurs på Åsen" not in page.text and CHART not in page.text
    assert gettext("No answers in this selection.") in page.text
    note = page.text.split('<p class="card hint" role="note">', 1)[1].split("</p>", 1)[0]
    assert "1 kurs i utvalget er ikke tatt med" in note
    assert gettext("%(n)s with the evaluation still open", n=1) in note
    as_csv = await client.get("/reports/evaluations.csv")
    assert not [r for r in csv.DictReader(io.StringIO(as_csv.text)) if r["level"] == "cohort"]
    assert "Åpent kurs på Åsen" not in as_csv.text


async def test_the_admin_pdf_names_the_office_chosen(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    await client.patch(f"/api/v1/offices/{world.office_a}", json={"name": OFFICE_NAME}, headers=admin)
    await answered_cohort(client, world, leader, admin, [9, 9, 9])
    await login(client, EMAILS["admin"])
    response = await client.get("/reports/evaluations.pdf", params={"office_id": world.office_a})
    assert response.status_code == 200
    pages, text = pdf_text(response.content)
    assert pages == 1 and OFFICE_NAME in text and "Siv Øyen" in text


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("quarter", "2027-Q5", "Give a quarter as YYYY-Qn, for example 2027-Q1."),
        ("variant", "kurs", "Choose the variant kjk or ny_retning."),
    ],
)
async def test_a_bad_filter_names_the_field(client, world, as_, field, value, message):
    await login(client, EMAILS["manager"])
    page = await client.get("/reports/evaluations", params={field: value})
    assert page.status_code == 422
    assert f'href="#{field}"' in page.text and gettext(message) in page.text
    if field == "quarter":
        assert f'value="{value}"' in page.text
    unnamed = []
    for ext in ("csv", "xlsx", "pdf"):
        response = await client.get(f"/reports/evaluations.{ext}", params={field: value})
        assert response.status_code in (400, 422), ext
        assert "attachment" not in response.headers.get("content-disposition", ""), ext
        # The answer says what was wrong: the field, and what to give.
        if not (gettext(message) in response.text and f'href="#{field}"' in response.text):
            unnamed.append(ext)
    assert unnamed == [], f"the answer to a bad {field} does not name the field for: {unnamed}"


async def test_the_report_and_its_files_need_a_login(client, world):
    for path in (
        "/reports/evaluations",
        "/reports/evaluations.csv",
        "/reports/evaluations.xlsx",
        "/reports/evaluations.pdf",
    ):
        response = await client.get(path)
        assert redirects_to_login(response), path
        assert "attachment" not in response.headers.get("content-disposition", "")


async def test_markup_in_a_cohort_title_or_office_name_is_text(client, world, as_):
    leader, admin = await as_("leader"), await as_("admin")
    evil_office = f"NAV Ås {EVIL}"
    renamed = await client.patch(f"/api/v1/offices/{world.office_a}", json={"name": evil_office}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    await answered_cohort(client, world, leader, admin, [9, 9, 9], title=f"Kurs {EVIL}")
    await login(client, EMAILS["manager"])
    page = await client.get("/reports/evaluations")
    assert page.status_code == 200
    assert EVIL not in page.text and "Kurs &lt;img src=" in page.text
    response = await client.get("/reports/evaluations.pdf")
    assert response.status_code == 200
    pages, text = pdf_text(response.content)
    assert pages == 1 and "root:" not in text
    assert evil_office in text  # the office name is shown as typed, not as an image
    as_csv = await client.get("/reports/evaluations.csv")
    groups = [r["group"] for r in csv.DictReader(io.StringIO(as_csv.text)) if r["level"] == "cohort"]
    assert set(groups) == {f"Kurs {EVIL}"}
    book = load_workbook(io.BytesIO((await client.get("/reports/evaluations.xlsx")).content))
    titles = [r[0] for r in book[gettext("Per cohort")].iter_rows(min_row=3, values_only=True)]
    assert set(titles) == {f"Kurs {EVIL}"}


async def test_a_title_that_looks_like_a_formula_stays_text_in_the_files(client, world, as_):
    formula = '=HYPERLINK("http://127.0.0.1:9/x";"Åpne")'
    await answered_cohort(client, world, await as_("leader"), await as_("admin"), [9, 8, 7], title=formula)
    await login(client, EMAILS["manager"])
    as_csv = await client.get("/reports/evaluations.csv")
    groups = {r["group"] for r in csv.DictReader(io.StringIO(as_csv.text)) if r["level"] == "cohort"}
    assert groups == {"'" + formula}
    book = load_workbook(io.BytesIO((await client.get("/reports/evaluations.xlsx")).content))
    cells = [row[0] for row in book[gettext("Per cohort")].iter_rows(min_row=3)]
    assert [(c.value, c.data_type) for c in cells] == [(formula, "s")] * len(AREAS)  # a row per area


# --- 9. the PDF renderer fetches only the app's own static files ---------------------------------


STATIC_FONT = pdf.STATIC_PREFIX + "fonts/SourceSans3-Regular.ttf"
REFUSED = [
    "file:///etc/passwd",
    "http://127.0.0.1:9/x",
    "/static/../../settings.py",
    pdf.STATIC_PREFIX + "../../settings.py",
    pdf.STATIC_PREFIX + "..%2F..%2Fsettings.py",
    pdf.BASE_URL + "settings.py",
    pdf.STATIC_PREFIX + "fonts/SourceSans3-Regular.ttf?x=1",
    "data:text/plain,root:x:0:0",
]


@pytest.mark.parametrize("url", REFUSED)
def test_the_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(ValueError):  # pdf.Refused; WeasyPrint logs it and carries on without the resource
        pdf.StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_static_fonts():
    response = pdf.StaticOnlyFetcher().fetch(STATIC_FONT)
    font = Path(pdf.STATIC_DIR, "fonts", "SourceSans3-Regular.ttf").read_bytes()
    assert response.read() == font and response.content_type == "font/ttf"


def test_a_document_that_asks_for_files_and_the_network_gets_neither():
    html = f"""<!doctype html><html><head><meta charset="utf-8"><style>
      @font-face {{ font-family: Kilde; src: url(/static/fonts/SourceSans3-Regular.ttf); }}
      @import url(file:///etc/passwd);
      body {{ font-family: Kilde; background: url(file:///etc/passwd); }}
      p.net {{ background: url(http://127.0.0.1:9/x); }}
      p.up {{ background-image: url(/static/../../settings.py); }}
      p.passwd::after {{ content: url(file:///etc/passwd); }}
    </style>
    <link rel="stylesheet" href="file:///etc/passwd">
    <link rel="attachment" href="file:///etc/passwd">
    </head><body>
    <h1>Rapport for Ørnes på Åssiden</h1>
    <p>{EVIL}</p>
    <p class="net"><img src="http://127.0.0.1:9/x"></p>
    <p class="up"><img src="/static/../../settings.py"><object data="file:///etc/passwd"></object></p>
    <p class="passwd"><a rel="attachment" href="/static/../../settings.py">vedlegg</a></p>
    </body></html>"""
    body = pdf.write_pdf(html)
    assert body.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Rapport for Ørnes på Åssiden" in " ".join(text.split())
    assert "root:" not in text and "root:" not in body.decode("latin-1")
    assert not reader.attachments
    images = [img for page in reader.pages for img in page.images]
    assert images == []
    # The allowed font was fetched: the text is set in it (a font that fails to load
    # falls back to a system font, named DejaVu or the like).
    fonts = {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts and all(f.endswith(("+Kilde", "+Kilde-Bold")) for f in fonts), fonts
