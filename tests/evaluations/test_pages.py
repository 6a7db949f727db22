"""The evaluation pages and files over HTTP: the leader's page and slips with QR codes,
paper forms, comment review (API and page), the status JSON, the form behind the
participant's own page, the report page with its CSV, XLSX and PDF, and the PDF
renderer's refusal to fetch anything but the app's own static files."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pypdf
import pytest
from openpyxl import load_workbook

from course import pdf
from course.evaluations.reports import AREA_LABELS, AREAS
from course.evaluations.tables import (
    EvaluationAnswer,
    EvaluationComment,
    EvaluationLink,
)
from course.web.i18n import gettext
from tests.conftest import EMAILS, csrf_from, csrf_post, web_login
from tests.evaluations.test_api import SCORES, token_of
from tests.participants.helpers import (
    NAMES,
    enrolled,
    error_keys,
    office_a_leader,
    participant,
    running_cohort,
)
from tests.participants.helpers import shared_app as app  # noqa: F401  (one app for every test here)

FORM = {"benefit": "9", "next_step": "7", "atmosphere": "10", "leaders": "10", "participation": "8"}
NO_EVALUATION = {"scopes": ["participation", "sharing"], "date": date.today().isoformat()}
SLIP_RE = re.compile(r'<p class="slip-name">([^<]*)</p>.*?<p class="slip-url">([^<]*)</p>', re.DOTALL)
CSV_HEADER = "level,group,answers,suppressed,area,mean,median,target,below_target," + ",".join(
    f"n{n}" for n in range(11))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIL = '<img src="file:///etc/passwd">'


@pytest.fixture(scope="module", autouse=True)
def _pdf_pool():
    """Renders run in a process pool the app's lifespan shuts down; the tests do not
    enter the lifespan, so the pool is shut down after this module."""
    yield
    pdf.shutdown()


# --- helpers ---------------------------------------------------------------------------------


async def login(client, email: str) -> None:
    """A cookie session for the pages, in place of any earlier one."""
    client.cookies.clear()
    response = await web_login(client, email)
    assert response.status_code in (302, 303), response.text


def redirects_to_login(response) -> bool:
    return response.status_code in (302, 303) and response.headers["location"].startswith("/login")


async def cohort_with(client, world, as_, names: list[str], no_consent: tuple[str, ...] = (),
                      **changes) -> tuple[dict, dict[str, dict]]:
    """A running cohort led by the office A leader, with these participants enrolled."""
    leader, admin = await as_("leader"), await as_("admin")
    course = await running_cohort(client, world, admin, **changes)
    persons = {}
    for name in names:
        extra = {"consent": NO_EVALUATION} if name in no_consent else {}
        persons[name] = await participant(client, leader, world, name=name, **extra)
        await enrolled(client, leader, course["id"], persons[name]["id"])
    return course, persons


async def open_api(client, headers, cohort_id: int) -> dict[str, str]:
    """Open the evaluation over the API: {participant name: token}."""
    response = await client.post(f"/api/v1/cohorts/{cohort_id}/evaluation", headers=headers)
    assert response.status_code == 200, response.text
    return {link["participant"]["name"]: token_of(link) for link in response.json()["links"]}


async def answer(client, token: str, scores: dict | None = None, comments: dict | None = None,
                 comment: str | None = None) -> None:
    body = {"scores": scores or SCORES, "comments": comments, "comment": comment}
    response = await client.post(f"/api/v1/evaluations/{token}", json=body)
    assert response.status_code == 201, response.text


async def answered_cohort(client, world, as_, count: int, comments: list[dict] | None = None, first: int = 0,
                          **changes) -> tuple[dict, dict[str, dict]]:
    """A cohort whose ``count`` participants (from NAMES[first]) have all answered;
    ``comments[i]`` goes with answer i."""
    course, persons = await cohort_with(client, world, as_, NAMES[first:first + count], **changes)
    tokens = await open_api(client, await as_("leader"), course["id"])
    for i, token in enumerate(tokens.values()):
        await answer(client, token, comments=(comments or [{}] * count)[i] or None)
    return course, persons


def slips_section(html: str) -> str:
    return html.split('<ul class="slips">', 1)[1].split("</ul>", 1)[0]


def slips(html: str) -> list[tuple[str, str]]:
    """(name, url) of each slip on the slips page."""
    return SLIP_RE.findall(slips_section(html))


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


# --- 1. the leader's page and the slips -------------------------------------------------------


async def test_the_leader_page_is_for_the_office_leader_and_admin_only(client, world, as_):
    course, _ = await cohort_with(client, world, as_, NAMES[:1])
    path = f"/cohorts/{course['id']}/evaluation"
    assert redirects_to_login(await client.get(path))
    for who, status in (("leader", 200), ("admin", 200), ("manager", 403), ("leader_b", 404)):
        await login(client, EMAILS[who])
        response = await client.get(path)
        assert response.status_code == status, who
        if status == 200:
            assert course["title"] in response.text and f'action="/cohorts/{course["id"]}/evaluation"' in response.text
        else:
            assert "Åsmund Ørnes" not in response.text
    client.cookies.clear()
    token = csrf_from((await client.get("/login")).text)
    assert redirects_to_login(await client.post(path, data={"_csrf_token": token}))
    assert await EvaluationLink.count() == 0


async def test_opening_on_the_page_gives_a_qr_slip_per_consenting_participant(client, world, as_):
    names = ["Åsmund Ørnes", "Bjørg Ækre", "Dagfinn Sæther"]
    course, _ = await cohort_with(client, world, as_, names, no_consent=("Dagfinn Sæther",))
    path = f"/cohorts/{course['id']}/evaluation"
    await login(client, EMAILS["leader"])
    first = await csrf_post(client, path)
    assert first.status_code == 200, first.text
    section = slips_section(first.text)
    assert section.count("<svg") == 2 and section.count('<svg role="img"') == 2
    shown = slips(first.text)
    assert {name for name, _ in shown} == {"Åsmund Ørnes", "Bjørg Ækre"} and len(shown) == 2
    assert "Dagfinn Sæther" not in first.text
    urls = dict(shown)
    for url in urls.values():
        assert url.startswith("http://testserver.local/e/") and len(url.rsplit("/e/", 1)[1]) >= 43
    assert len(set(urls.values())) == 2
    assert await EvaluationLink.count() == 2

    # Åsmund answers through his slip; a second opening makes a slip for Bjørg only.
    asmund, bjorg = (urls[n].rsplit("/e/", 1)[1] for n in ("Åsmund Ørnes", "Bjørg Ækre"))
    client.cookies.clear()
    form = await client.get(f"/e/{asmund}")
    assert form.status_code == 200
    sent = await client.post(f"/e/{asmund}", data={**FORM, "_csrf_token": csrf_from(form.text)})
    assert sent.status_code == 200

    await login(client, EMAILS["leader"])
    second = await csrf_post(client, path)
    assert second.status_code == 200, second.text
    assert slips_section(second.text).count("<svg") == 1
    assert [name for name, _ in slips(second.text)] == ["Bjørg Ækre"]
    assert "Åsmund Ørnes" not in second.text and asmund not in second.text
    client.cookies.clear()
    assert "Du har allerede svart" in (await client.get(f"/e/{asmund}")).text
    assert (await client.get(f"/e/{bjorg}")).status_code == 404  # the old slip was replaced
    fresh = slips(second.text)[0][1].rsplit("/e/", 1)[1]
    assert (await client.get(f"/e/{fresh}")).status_code == 200


async def test_only_the_leader_and_admin_open_on_the_page(client, world, as_):
    course, _ = await cohort_with(client, world, as_, NAMES[:1])
    path = f"/cohorts/{course['id']}/evaluation"
    for who, status in (("manager", 403), ("leader_b", 404), ("admin", 200)):
        await login(client, EMAILS[who])
        token = csrf_from((await client.get(path)).text)  # the log-out form on any page carries one
        response = await client.post(path, data={"_csrf_token": token})
        assert response.status_code == status, who
        assert await EvaluationLink.count() == (1 if status == 200 else 0), who


async def test_markup_in_a_name_on_a_slip_is_text(client, world, as_):
    name = "Pål <script>alert(1)</script> Ås"
    course, _ = await cohort_with(client, world, as_, [name])
    await login(client, EMAILS["leader"])
    opened = await csrf_post(client, f"/cohorts/{course['id']}/evaluation")
    assert opened.status_code == 200
    section = slips_section(opened.text)
    assert "<script>" not in section and section.count("<svg") == 1
    assert "Pål &lt;script&gt;alert(1)&lt;/script&gt; Ås" in section  # the name, and the QR code's title


# --- 2. paper forms --------------------------------------------------------------------------


async def test_a_paper_form_is_keyed_in_once_and_a_missing_score_stores_nothing(client, world, as_):
    course, persons = await cohort_with(client, world, as_, ["Eirin Løvås", "Frøydis Haugå"])
    await open_api(client, await as_("leader"), course["id"])
    path = f"/cohorts/{course['id']}/evaluation/paper"
    await login(client, EMAILS["leader"])
    page = await client.get(path)
    assert page.status_code == 200 and "Eirin Løvås" in page.text and "Frøydis Haugå" in page.text
    eirin, froydis = persons["Eirin Løvås"]["id"], persons["Frøydis Haugå"]["id"]

    keyed = await csrf_post(client, path, {**FORM, "participant_id": str(eirin),
                                           "comment": "Skrevet for hånd på Åssiden."})
    assert keyed.status_code == 200, keyed.text
    assert gettext("The paper form has been keyed in.") in keyed.text
    rows = await EvaluationAnswer.select()
    assert len(rows) == 1 and rows[0]["on_paper"] is True and rows[0]["cohort"] == course["id"]
    assert (rows[0]["benefit"], rows[0]["next_step"], rows[0]["participation"]) == (9, 7, 8)

    again = await csrf_post(client, path, {**FORM, "participant_id": str(eirin)})
    assert again.status_code == 409 and "allerede svart" in again.text
    assert await EvaluationAnswer.count() == 1

    missing = await csrf_post(client, path, {**FORM, "leaders": "", "participant_id": str(froydis),
                                             "comment": "Fint å være med."})
    assert missing.status_code == 422
    assert 'href="#leaders"' in missing.text and "Fint å være med." in missing.text
    assert await EvaluationAnswer.count() == 1 and await EvaluationComment.count() == 1
    link = await EvaluationLink.select(EvaluationLink.used).where(EvaluationLink.participant == froydis).first()
    assert link["used"] is False


# --- 3. comment review ------------------------------------------------------------------------


async def test_comments_are_locked_until_three_answers_and_come_in_the_order_of_the_areas(client, world, as_):
    leader = await as_("leader")
    course, persons = await cohort_with(client, world, as_, NAMES[:3])
    tokens = list((await open_api(client, leader, course["id"])).values())
    path = f"/api/v1/cohorts/{course['id']}/evaluation/comments"
    await answer(client, tokens[0], comments={"participation": "Jeg ble hørt, også av Åse."},
                 comment="Takk for nå!")
    assert (await client.get(path, headers=leader)).json() == []
    await answer(client, tokens[1], comments={"benefit": "Lærte mye om meg selv."})
    assert (await client.get(path, headers=leader)).json() == []
    await answer(client, tokens[2], comments={"atmosphere": "Trygt og godt på kurset."})
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
    for name in persons:
        assert name not in response.text and name.split()[1] not in response.text
    assert (await client.get(path, headers=await as_("admin"))).status_code == 200


async def test_a_comment_is_reviewed_by_the_cohorts_own_leader_or_an_admin(client, world, as_):
    leader = await as_("leader")
    course, _ = await answered_cohort(client, world, as_, 3, comments=[
        {"benefit": "Nyttig og lærerikt."}, {"leaders": "Kursholderne så meg."}, {}])
    comments = (await client.get(f"/api/v1/cohorts/{course['id']}/evaluation/comments", headers=leader)).json()
    first, second = comments[0]["id"], comments[1]["id"]
    path = f"/api/v1/evaluation-comments/{first}"

    shown = await client.patch(path, json={"status": "shown"}, headers=leader)
    assert shown.status_code == 200, shown.text
    assert shown.json() == {"id": first, "cohort_id": course["id"], "area": "benefit",
                            "text": "Nyttig og lærerikt.", "status": "shown"}
    hidden = await client.patch(path, json={"status": "hidden"}, headers=await as_("admin"))
    assert hidden.status_code == 200 and hidden.json()["status"] == "hidden"

    _, torbjorn = await office_a_leader(world, "torbjorn@a.no", "Torbjørn Ås")
    assert (await client.patch(path, json={"status": "shown"}, headers=torbjorn)).status_code == 403
    assert (await client.patch(path, json={"status": "shown"}, headers=await as_("leader_b"))).status_code == 404
    assert (await client.patch(path, json={"status": "shown"}, headers=await as_("manager"))).status_code == 403
    for bad in ("pending", "vist", "", None, 1):
        response = await client.patch(path, json={"status": bad}, headers=leader)
        assert response.status_code == 422, bad
        assert error_keys(response) == {"status"}, bad
    assert (await client.patch(path, json={"status": "shown"})).status_code == 401
    assert (await EvaluationComment.select(EvaluationComment.status).where(
        EvaluationComment.ref == first).first())["status"] == "hidden"

    # The same through the page: a form field ``status``, then back to the list.
    await login(client, EMAILS["leader"])
    page = await client.get(f"/cohorts/{course['id']}/evaluation/comments")
    assert page.status_code == 200 and "Kursholderne så meg." in page.text
    assert f'action="/evaluation-comments/{second}"' in page.text
    reviewed = await client.post(f"/evaluation-comments/{second}",
                                 data={"status": "shown", "_csrf_token": csrf_from(page.text)})
    assert reviewed.status_code in (302, 303), reviewed.text
    assert reviewed.headers["location"].startswith(f"/cohorts/{course['id']}/evaluation/comments")
    assert (await EvaluationComment.select(EvaluationComment.status).where(
        EvaluationComment.ref == second).first())["status"] == "shown"


async def test_the_report_has_only_shown_comments_of_cohorts_with_three_answers(client, world, as_):
    leader, manager = await as_("leader"), await as_("manager")
    big, _ = await answered_cohort(client, world, as_, 3, title="Vårkurset på Åssiden", comments=[
        {"benefit": "Vist: lærte å skrive CV."}, {"atmosphere": "Skjult: Pål var slem."},
        {"leaders": "Ventende: fine kursholdere."}])
    review = {c["text"]: c["id"] for c in (await client.get(
        f"/api/v1/cohorts/{big['id']}/evaluation/comments", headers=leader)).json()}
    for text, status in (("Vist: lærte å skrive CV.", "shown"), ("Skjult: Pål var slem.", "hidden")):
        response = await client.patch(f"/api/v1/evaluation-comments/{review[text]}", json={"status": status},
                                      headers=leader)
        assert response.status_code == 200

    report = (await client.get("/api/v1/reports/evaluations", headers=manager)).json()
    assert report["comments"] == [{"cohort_id": big["id"], "area": "benefit", "text": "Vist: lærte å skrive CV."}]

    # Two more cohorts, with two answers and one: their comments can be neither reviewed
    # nor reported, even when marked shown behind the app's back.
    small, _ = await answered_cohort(client, world, as_, 2, title="Høstkurset i Ørnes", first=3, start_time="15:00",
                                     end_time="16:00", location="Rom Ærfugl", comments=[
                                         {"benefit": "Lite kurs: for få svar."}, {}])
    tiny, _ = await answered_cohort(client, world, as_, 1, title="Sommerkurset på Bø", first=5, weeks_ago=2,
                                    start_time="16:30", end_time="17:30", location="Rom Lånke",
                                    comments=[{"leaders": "Alene: for få svar."}])
    for course in (small, tiny):
        comments = f"/api/v1/cohorts/{course['id']}/evaluation/comments"
        assert (await client.get(comments, headers=leader)).json() == []
    hidden_ids = [r["id"] for r in await EvaluationComment.select(EvaluationComment.id).where(
        EvaluationComment.cohort.is_in([small["id"], tiny["id"]]))]
    assert len(hidden_ids) == 2
    for comment_id in hidden_ids:
        response = await client.patch(f"/api/v1/evaluation-comments/{comment_id}", json={"status": "shown"},
                                      headers=leader)
        assert response.status_code == 404
    await EvaluationComment.update({EvaluationComment.status: "shown"}).where(
        EvaluationComment.id.is_in(hidden_ids))

    for who in (manager, await as_("admin"), leader):
        report = (await client.get("/api/v1/reports/evaluations", headers=who)).json()
        assert report["responses"] == 6
        texts = [c["text"] for c in report["comments"]]
        assert "Lite kurs: for få svar." not in texts and "Alene: for få svar." not in texts
        assert "Skjult: Pål var slem." not in texts and "Ventende: fine kursholdere." not in texts
        # Three answers hidden between the two small cohorts: the big one's figures show.
        assert texts == ["Vist: lærte å skrive CV."], texts


# --- 4. the status -------------------------------------------------------------------------------


async def test_the_status_counts_and_never_says_who_answered(client, world, as_):
    leader = await as_("leader")
    names = ["Gunnhild Bråten", "Håkon Strømme", "Ingrid Kværnå"]
    course, _ = await cohort_with(client, world, as_, names, no_consent=("Ingrid Kværnå",))
    path = f"/api/v1/cohorts/{course['id']}/evaluation"
    before = (await client.get(path, headers=leader)).json()
    assert before["opened_at"] is None and before["invited"] == 0 and before["answered"] == 0
    tokens = await open_api(client, leader, course["id"])
    opened = (await client.get(path, headers=leader)).json()
    assert set(opened) == {"cohort_id", "opened_at", "invited", "answered", "without_consent", "participants",
                           "comments_pending", "comments_locked"}
    assert opened["invited"] == 2 and opened["answered"] == 0 and opened["comments_locked"] is True
    assert [p["name"] for p in opened["without_consent"]] == ["Ingrid Kværnå"]
    await answer(client, tokens["Håkon Strømme"], comment="Bra!")
    after = (await client.get(path, headers=leader)).json()
    assert after["invited"] == 2 and after["answered"] == 1 and after["comments_pending"] == 1
    assert not {"used", "answered_by", "has_answered", "respondents"} & keys_in(after)
    assert all(set(p) == {"id", "name"} for p in after["participants"])
    # Nothing about a person changes when they answer: the lists are the same as before.
    assert after["participants"] == opened["participants"]
    assert after["without_consent"] == opened["without_consent"]
    assert (await client.get(path, headers=await as_("manager"))).status_code == 403
    assert (await client.get(path, headers=await as_("leader_b"))).status_code == 404


# --- 5. the participant's own page ---------------------------------------------------------------


async def personal_token(client, headers, participant_id: int) -> str:
    response = await client.post(f"/api/v1/participants/{participant_id}/link", headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["url"].rsplit("/p/", 1)[1]


async def test_the_own_page_leads_to_the_evaluation_and_takes_one_answer(client, world, as_):
    leader = await as_("leader")
    course, persons = await cohort_with(client, world, as_, ["Jørgen Fjæra", "Kåre Nærø"])
    person = persons["Jørgen Fjæra"]
    own = f"/p/{await personal_token(client, leader, person['id'])}"
    form_path = f"{own}/evaluation/{course['id']}"
    assert form_path not in (await client.get(own)).text  # not open yet

    await login(client, EMAILS["leader"])
    opened = await csrf_post(client, f"/cohorts/{course['id']}/evaluation")
    assert opened.status_code == 200
    slip = dict(slips(opened.text))["Jørgen Fjæra"].rsplit("/e/", 1)[1]

    client.cookies.clear()
    page = await client.get(own)
    assert page.status_code == 200 and f'href="{form_path}"' in page.text
    form = await client.get(form_path)
    assert form.status_code == 200 and form.text.count('type="radio"') == 55
    assert f'action="{form_path}"' in form.text
    token = csrf_from(form.text)
    sent = await client.post(form_path, data={**FORM, "_csrf_token": token,
                                              "comment_leaders": "Åse og Ørjan brydde seg."})
    assert sent.status_code == 200, sent.text
    assert f'href="{own}"' in sent.text
    rows = await EvaluationAnswer.select()
    assert len(rows) == 1 and rows[0]["cohort"] == course["id"] and rows[0]["on_paper"] is False
    assert [rows[0][a] for a in AREAS] == [int(FORM[a]) for a in AREAS]

    twice = await client.post(form_path, data={**FORM, "_csrf_token": token})
    assert twice.status_code == 409 and "Du har allerede svart" in twice.text
    assert await EvaluationAnswer.count() == 1 and await EvaluationComment.count() == 1
    again = await client.get(form_path)
    assert again.status_code == 200 and "Du har allerede svart" in again.text
    assert form_path not in (await client.get(own)).text  # answered: no longer offered

    # The slip for the same person is spent too.
    answered = await client.get(f"/e/{slip}")
    assert answered.status_code == 200 and "Du har allerede svart" in answered.text
    refused = await client.post(f"/e/{slip}", data={**FORM, "_csrf_token": csrf_from(form.text)})
    assert refused.status_code == 409
    assert await EvaluationAnswer.count() == 1


async def test_without_evaluation_consent_the_own_page_offers_no_evaluation(client, world, as_):
    leader = await as_("leader")
    course, persons = await cohort_with(client, world, as_, ["Liv Østgård", "Mads Ødegaard"],
                                        no_consent=("Liv Østgård",))
    own = f"/p/{await personal_token(client, leader, persons['Liv Østgård']['id'])}"
    await open_api(client, leader, course["id"])
    page = await client.get(own)
    assert page.status_code == 200 and "/evaluation/" not in page.text
    form_path = f"{own}/evaluation/{course['id']}"
    assert (await client.get(form_path)).status_code == 404
    other = f"/p/{await personal_token(client, leader, persons['Mads Ødegaard']['id'])}"
    token = csrf_from((await client.get(f"{other}/evaluation/{course['id']}")).text)
    assert (await client.post(form_path, data={**FORM, "_csrf_token": token})).status_code == 404
    assert await EvaluationAnswer.count() == 0


# --- 6. the report page and its files ---------------------------------------------------------


OFFICE_NAME = "NAV Bærum – Ungdomsteamet på Østerås"


@pytest.mark.parametrize("who", ["leader", "manager", "admin"])
async def test_the_report_page_and_its_files_for_each_role(client, world, as_, who):
    admin = await as_("admin")
    renamed = await client.patch(f"/api/v1/offices/{world.office_a}", json={"name": OFFICE_NAME}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    course, _ = await answered_cohort(client, world, as_, 3, title="Vårkurset på Åssiden", comments=[
        {"benefit": "Lærte å skrive søknad."}, {}, {}])
    comment = (await client.get(f"/api/v1/cohorts/{course['id']}/evaluation/comments",
                                headers=await as_("leader"))).json()[0]
    await client.patch(f"/api/v1/evaluation-comments/{comment['id']}", json={"status": "shown"},
                       headers=await as_("leader"))
    labels = [gettext(AREA_LABELS[a]) for a in AREAS]

    await login(client, EMAILS[who])
    page = await client.get("/reports/evaluations")
    assert page.status_code == 200
    assert "Vårkurset på Åssiden" in page.text and "Lærte å skrive søknad." in page.text
    for label in labels:
        assert label in page.text, label
    for ext in ("csv", "xlsx", "pdf"):
        assert f'href="/reports/evaluations.{ext}"' in page.text

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
    assert book.sheetnames == [gettext("Whole"), gettext("Per cohort"), gettext("Per quarter"),
                               gettext("Comments")]
    benefit = next(r for r in book[gettext("Whole")].iter_rows(values_only=True) if r[2] == labels[0])
    assert benefit[1] == 3 and benefit[3] == 9.0  # numbers as numbers
    assert any(r[0] == "Vårkurset på Åssiden" for r in book[gettext("Per cohort")].iter_rows(values_only=True))
    assert ["Lærte å skrive søknad."] == [r[1] for r in book[gettext("Comments")].iter_rows(min_row=2,
                                                                                          values_only=True)]

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


async def test_the_admin_pdf_names_the_office_chosen(client, world, as_):
    admin = await as_("admin")
    await client.patch(f"/api/v1/offices/{world.office_a}", json={"name": OFFICE_NAME}, headers=admin)
    await answered_cohort(client, world, as_, 3)
    await login(client, EMAILS["admin"])
    response = await client.get("/reports/evaluations.pdf", params={"office_id": world.office_a})
    assert response.status_code == 200
    pages, text = pdf_text(response.content)
    assert pages == 1 and OFFICE_NAME in text and "Siv Øyen" in text


async def test_a_bad_filter_names_the_field(client, world, as_):
    await login(client, EMAILS["manager"])
    page = await client.get("/reports/evaluations", params={"quarter": "2027-Q5"})
    assert page.status_code == 422
    assert 'href="#quarter"' in page.text and 'value="2027-Q5"' in page.text
    message = gettext("Give a quarter as YYYY-Qn, for example 2027-Q1.")
    assert message in page.text
    unnamed = []
    for ext in ("csv", "xlsx", "pdf"):
        response = await client.get(f"/reports/evaluations.{ext}", params={"quarter": "2027-Q5"})
        assert response.status_code in (400, 422), ext
        assert "attachment" not in response.headers.get("content-disposition", ""), ext
        # The answer says what was wrong: the quarter, and how to write one.
        if not (message in response.text or "quarter" in response.text or gettext("Quarter") in response.text):
            unnamed.append(ext)
    assert unnamed == [], f"the answer to a bad quarter does not name the field for: {unnamed}"


async def test_the_report_and_its_files_need_a_login(client, world):
    for path in ("/reports/evaluations", "/reports/evaluations.csv", "/reports/evaluations.xlsx",
                 "/reports/evaluations.pdf"):
        response = await client.get(path)
        assert redirects_to_login(response), path
        assert "attachment" not in response.headers.get("content-disposition", "")


# --- 7. the PDF renderer fetches only the app's own static files ---------------------------------


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
    fonts = {str(f["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    assert fonts and all(f.endswith(("+Kilde", "+Kilde-Bold")) for f in fonts), fonts


async def test_markup_in_a_cohort_title_or_office_name_is_text(client, world, as_):
    admin = await as_("admin")
    evil_office = f"NAV Ås {EVIL}"
    renamed = await client.patch(f"/api/v1/offices/{world.office_a}", json={"name": evil_office}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    await answered_cohort(client, world, as_, 3, title=f"Kurs {EVIL}")
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
    await answered_cohort(client, world, as_, 1, title=formula)
    await login(client, EMAILS["manager"])
    as_csv = await client.get("/reports/evaluations.csv")
    groups = {r["group"] for r in csv.DictReader(io.StringIO(as_csv.text)) if r["level"] == "cohort"}
    assert groups == {"'" + formula}
    book = load_workbook(io.BytesIO((await client.get("/reports/evaluations.xlsx")).content))
    cells = [row[0] for row in book[gettext("Per cohort")].iter_rows(min_row=3)]
    assert [(c.value, c.data_type) for c in cells] == [(formula, "s")]


async def test_a_comments_reference_tells_neither_order_nor_author(client, world, as_):
    """Two comments from one answer, one from another: their references are random,
    so neither the order they came in nor which of them belong together shows."""
    comments = [{"benefit": "Lærte mye om meg selv.", "leaders": "Åse var god."},
                {"atmosphere": "Trygt å være her, takk for kurset!"}, {}]
    course, _ = await answered_cohort(client, world, as_, 3, comments=comments)
    listed = (await client.get(f"/api/v1/cohorts/{course['id']}/evaluation/comments",
                               headers=await as_("leader"))).json()
    refs = [c["id"] for c in listed]
    assert len(refs) == 3 and len(set(refs)) == 3
    assert all(isinstance(r, str) and len(r) == 16 for r in refs)
    rows = await EvaluationComment.select(EvaluationComment.id, EvaluationComment.ref).order_by(EvaluationComment.id)
    assert not any(str(r["id"]) in refs for r in rows)
    assert (await client.patch("/api/v1/evaluation-comments/1", json={"status": "shown"},
                               headers=await as_("leader"))).status_code == 404
