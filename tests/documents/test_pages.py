"""The resource CV and action plan pages: who may open them, the form with its
module headings, saving with CSRF, errors that link to the field, a save from an
older version, the version history with restore, the participant's own pages
through their personal link, and user text shown as text."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from babel.dates import format_date
from markupsafe import escape

from course.audit.tables import AuditEvent
from course.cohorts.schedule import MODULES
from course.documents import content as rules
from course.documents.tables import DocumentVersion
from course.participants.tables import ParticipantLink
from course.web.i18n import gettext
from tests.conftest import EMAILS, csrf_from
from tests.documents.conftest import (
    KINDS,
    SOLVI,
    cohort_with,
    login,
    personal_token,
    saved,
    versions,
    zip_through_pages,
)
from tests.participants.helpers import office_a_leader

EVIL_IMG = '<img src="file:///etc/passwd">'
EVIL_STYLE = "<style>body{background:url(file:///etc/passwd)}</style>"
EVIL_URL = "url(http://127.0.0.1:9/x)"
CONTACT, OTHER = "torbjorn@a.no", "guro@a.no"
VERSION_RE = re.compile(r'name="version" value="(\d+)"')


def redirects_to_login(response) -> bool:
    return response.status_code in (302, 303) and response.headers["location"].startswith("/login")


def module_heading(number: int) -> str:
    return gettext("Module %(number)s: %(name)s") % {"number": number, "name": gettext(MODULES[number - 1])}


def version_in(html: str) -> int:
    match = VERSION_RE.search(html)
    assert match, "no version field in the form"
    return int(match.group(1))


async def token_for(client) -> str:
    """A CSRF token for the current session (the log-out form on the front page carries one)."""
    return csrf_from((await client.get("/", follow_redirects=True)).text)


async def stored(enrolment_id: int) -> int:
    return await DocumentVersion.count().where(DocumentVersion.enrolment == enrolment_id)


CV_FORM = {
    "about_me": "Jeg heter Sølvi og bor på Årstad.\r\n\r\nJeg liker å gå tur.",
    "skills": "Sykle\r\n\r\n  Lage   mat  \r\n",
    "experience-rows": "3",
    "experience-0-kind": "work",
    "experience-0-what": "Sommerjobb på Bøler bakeri",
    "experience-0-where": "Bøler",
    "experience-0-when": "2025",
    "experience-1-kind": "",
    "experience-1-what": "",
    "experience-1-where": "",
    "experience-1-when": "",
    "experience-2-kind": "volunteering",
    "experience-2-what": "Dugnad i Åsen IL",
    "driving_licence": "Klasse B",
}
PLAN_FORM = {
    "main_goal": "Få meg læreplass som tømrer i Bærum.",
    "sub_goals": "Skrive søknad\r\nØve på intervju",
    "measures-rows": "2",
    "measures-0-what": "Ringe Åsa i Ås",
    "measures-0-responsible": "me",
    "measures-0-deadline": "2027-02-03",
    "measures-0-status": "",
    "follow_up_date": "2027-02-10",
    "follow_up_how": "På Nav-kontoret i Bærum",
}


# --- 1. who may ---------------------------------------------------------------------------------


@pytest.fixture
async def people(client, world, as_):
    """Sølvi on a cohort led by the office A leader, with Torbjørn as primary contact
    (office A, not a leader of the cohort) and Guro (office A, neither), one version each."""
    contact, _ = await office_a_leader(world, CONTACT, "Torbjørn Ås")
    await office_a_leader(world, OTHER, "Guro Bækkelund")
    setup = await cohort_with(client, world, as_, contacts={SOLVI: contact})
    for kind in KINDS:
        await saved(
            client,
            await as_("leader"),
            setup.enrolment(),
            kind,
            rules.check(kind, rules.from_form(kind, CV_FORM if kind == "cv" else PLAN_FORM)),
        )
    return setup


@pytest.mark.parametrize(
    "who,expected",
    [("leader", 200), ("contact", 200), ("admin", 200), ("other", 403), ("manager", 403), ("leader_b", 404)],
)
async def test_each_role_on_every_page(client, people, who, expected):
    e, cohort_id = people.enrolment(), people.cohort["id"]
    await login(client, {"contact": CONTACT, "other": OTHER}.get(who) or EMAILS[who])
    csrf = await token_for(client)
    for kind in KINDS:
        base = f"/enrolments/{e}/{kind}"
        form = await client.get(base)
        assert form.status_code == expected, (kind, who)
        assert ("Årstad" in form.text or "Ringe Åsa" in form.text) == (expected == 200)
        history = await client.get(f"{base}/versions")
        assert history.status_code == expected
        one = await client.get(f"{base}/versions", params={"number": 1})
        assert one.status_code == expected

        before = await stored(e)
        posted = await client.post(
            base, data={**(CV_FORM if kind == "cv" else PLAN_FORM), "version": "", "_csrf_token": csrf}
        )
        assert posted.status_code in ((302, 303) if expected == 200 else (expected,)), (kind, who)
        restored = await client.post(f"{base}/versions/1/restore", data={"_csrf_token": csrf})
        assert restored.status_code in ((302, 303) if expected == 200 else (expected,)), (kind, who)
        assert await stored(e) == before + (2 if expected == 200 else 0)

    as_pdf = await client.get(f"/enrolments/{e}/cv.pdf")
    assert as_pdf.status_code == expected
    assert as_pdf.content.startswith(b"%PDF-") == (expected == 200)
    as_zip = await zip_through_pages(client, cohort_id)
    assert as_zip.status_code == expected
    assert as_zip.content.startswith(b"PK") == (expected == 200)
    assert ("attachment" in as_zip.headers.get("content-disposition", "")) == (expected == 200)
    assert ("filename*=UTF-8''" in as_zip.headers.get("content-disposition", "")) == (expected == 200)


async def test_without_a_login_the_pages_send_to_the_login(client, people):
    e = people.enrolment()
    client.cookies.clear()
    csrf = csrf_from((await client.get("/login")).text)
    for kind in KINDS:
        for path in (f"/enrolments/{e}/{kind}", f"/enrolments/{e}/{kind}/versions", f"/enrolments/{e}/{kind}.pdf"):
            assert redirects_to_login(await client.get(path)), path
        assert redirects_to_login(await client.post(f"/enrolments/{e}/{kind}", data={**CV_FORM, "_csrf_token": csrf}))
        assert redirects_to_login(
            await client.post(f"/enrolments/{e}/{kind}/versions/1/restore", data={"_csrf_token": csrf})
        )
    assert redirects_to_login(
        await client.post(f"/cohorts/{people.cohort['id']}/documents/zip", data={"_csrf_token": csrf})
    )
    assert await stored(e) == 2


async def test_a_post_without_the_csrf_token_stores_nothing(client, people):
    e = people.enrolment()
    await login(client, EMAILS["leader"])
    refused = await client.post(f"/enrolments/{e}/cv", data=CV_FORM)
    assert refused.status_code == 403
    assert (await client.post(f"/enrolments/{e}/cv/versions/1/restore")).status_code == 403
    assert await stored(e) == 2


async def test_the_cohort_and_enrolment_pages_link_to_the_documents(client, people):
    e, cohort_id = people.enrolment(), people.cohort["id"]
    await login(client, EMAILS["leader"])
    detail = await client.get(f"/cohorts/{cohort_id}")
    assert detail.status_code == 200
    for href in (f"/enrolments/{e}/cv", f"/enrolments/{e}/plan"):
        assert f'href="{href}"' in detail.text, href
    assert f'<form method="post" action="/cohorts/{cohort_id}/documents/zip"' in detail.text
    # The old download address leads to that button; following a link starts nothing.
    old = await client.get(f"/cohorts/{cohort_id}/documents.zip")
    assert old.status_code in (302, 303) and old.headers["location"] == f"/cohorts/{cohort_id}#participants"
    enrolment = await client.get(f"/enrolments/{e}")
    assert enrolment.status_code == 200
    assert f'href="/enrolments/{e}/cv"' in enrolment.text and f'href="/enrolments/{e}/plan"' in enrolment.text


# --- 2. the form -------------------------------------------------------------------------------


async def test_the_cv_form_groups_its_sections_under_the_modules(client, world, as_):
    setup = await cohort_with(client, world, as_)
    await login(client, EMAILS["leader"])
    page = await client.get(f"/enrolments/{setup.enrolment()}/cv")
    assert page.status_code == 200
    assert SOLVI in page.text
    modules = sorted({s.module for s in rules.CV})
    positions = [page.text.index(f"<h2>{escape(module_heading(m))}</h2>") for m in modules]
    assert positions == sorted(positions)
    for m in set(range(1, 9)) - set(modules):
        assert str(escape(module_heading(m))) not in page.text
    # Each section under the module where it comes up, in that order.
    for section in rules.CV:
        label = str(escape(gettext(section.label)))
        at = page.text.index(f'for="{section.key}"' if section.kind != "rows" else f'id="{section.key}"')
        heading = max(p for p, m in zip(positions, modules) if p < at)
        assert modules[positions.index(heading)] == section.module, section.key
        assert label in page.text, section.key
    assert 'name="version" value="0"' in page.text

    plan = await client.get(f"/enrolments/{setup.enrolment()}/plan")
    assert plan.status_code == 200 and str(escape(module_heading(1))) not in plan.text
    for section in rules.PLAN:
        assert str(escape(gettext(section.label))) in plan.text, section.key
    for i in range(2):  # two empty rows to start with
        assert f'id="measures-{i}-deadline"' in plan.text and f'name="measures-{i}-what"' in plan.text
    assert 'id="measures-2-what"' not in plan.text


@pytest.mark.parametrize("kind", KINDS)
async def test_saving_the_form_redirects_with_saved_and_stores_the_tidied_content(client, world, as_, kind):
    setup = await cohort_with(client, world, as_)
    e = setup.enrolment()
    await login(client, EMAILS["leader"])
    base = f"/enrolments/{e}/{kind}"
    form = await client.get(base)
    data = CV_FORM if kind == "cv" else PLAN_FORM
    response = await client.post(
        base, data={**data, "version": str(version_in(form.text)), "_csrf_token": csrf_from(form.text)}
    )
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == f"{base}?saved=1"
    shown = await client.get(response.headers["location"])
    assert shown.status_code == 200 and gettext("Saved.") in shown.text
    assert version_in(shown.text) == 1

    doc = (await client.get(f"/api/v1/enrolments/{e}/{kind}", headers=await as_("leader"))).json()
    assert doc["version"] == 1 and doc["updated_by"] == "Åse Ødegård"
    if kind == "cv":
        assert doc["content"]["about_me"] == "Jeg heter Sølvi og bor på Årstad.\n\nJeg liker å gå tur."
        assert doc["content"]["skills"] == ["Sykle", "Lage mat"]
        assert doc["content"]["experience"] == [
            {"kind": "work", "what": "Sommerjobb på Bøler bakeri", "where": "Bøler", "when": "2025"},
            {"kind": "volunteering", "what": "Dugnad i Åsen IL", "where": "", "when": ""},
        ]
        assert 'value="Sommerjobb på Bøler bakeri"' in shown.text
        assert 'id="experience-3-what"' in shown.text and 'id="experience-4-what"' not in shown.text
    else:
        assert doc["content"]["measures"] == [
            {
                "what": "Ringe Åsa i Ås",
                "responsible": "me",
                "responsible_other": "",
                "deadline": "2027-02-03",
                "status": "planned",
            }
        ]
        assert doc["content"]["sub_goals"] == ["Skrive søknad", "Øve på intervju"]
        assert 'value="2027-02-03"' in shown.text


async def test_a_bad_date_answers_422_with_a_summary_linking_to_the_row_field(client, world, as_):
    setup = await cohort_with(client, world, as_)
    e = setup.enrolment()
    await login(client, EMAILS["leader"])
    form = await client.get(f"/enrolments/{e}/plan")
    data = {**PLAN_FORM, "measures-0-deadline": "2027-02-30", "version": "0", "_csrf_token": csrf_from(form.text)}
    response = await client.post(f"/enrolments/{e}/plan", data=data)
    assert response.status_code == 422
    assert 'href="#measures-0-deadline"' in response.text
    label = gettext("%(section)s, row %(n)s: %(column)s") % {
        "section": gettext("Measures"),
        "n": 1,
        "column": gettext("Deadline"),
    }
    assert str(escape(label)) in response.text
    assert str(escape(gettext("Give a date as YYYY-MM-DD."))) in response.text
    field = re.search(r'<input id="measures-0-deadline"[^>]*>', response.text).group(0)
    assert 'aria-invalid="true"' in field and 'value="2027-02-30"' in field
    # What they typed is all still there.
    assert "Få meg læreplass som tømrer i Bærum." in response.text and ">Ringe Åsa i Ås</textarea>" in response.text
    assert "Øve på intervju" in response.text
    assert await stored(e) == 0

    long_line = {
        **PLAN_FORM,
        "sub_goals": "Skrive søknad\r\n" + "å" * 301,
        "version": "0",
        "_csrf_token": csrf_from(form.text),
    }
    too_long = await client.post(f"/enrolments/{e}/plan", data=long_line)
    assert too_long.status_code == 422 and 'href="#sub_goals"' in too_long.text
    assert await stored(e) == 0


async def test_a_form_from_an_older_version_answers_409_and_keeps_the_typed_text(client, world, as_):
    setup = await cohort_with(client, world, as_)
    e = setup.enrolment()
    await login(client, EMAILS["leader"])
    form = await client.get(f"/enrolments/{e}/cv")
    assert version_in(form.text) == 0
    # Meanwhile the primary contact's colleague, an admin, saves.
    await saved(client, await as_("admin"), e, "cv", {"about_me": "Skrevet av Siv på Ås."})

    typed = {
        **CV_FORM,
        "about_me": "Min egen tekst om Ørjan og meg.",
        "version": "0",
        "_csrf_token": csrf_from(form.text),
    }
    response = await client.post(f"/enrolments/{e}/cv", data=typed)
    assert response.status_code == 409
    assert str(escape(gettext("Someone else saved in the meantime"))) in response.text
    assert "Min egen tekst om Ørjan og meg." in response.text
    assert 'value="Sommerjobb på Bøler bakeri"' in response.text
    assert "Skrevet av Siv på Ås." not in response.text
    assert await stored(e) == 1
    assert version_in(response.text) == 1  # the next save, made knowingly, goes on top

    again = await client.post(
        f"/enrolments/{e}/cv",
        data={**typed, "version": str(version_in(response.text)), "_csrf_token": csrf_from(response.text)},
    )
    assert again.status_code in (302, 303)
    history = await versions(client, await as_("leader"), e, "cv")
    assert [(v["number"], v["author"]) for v in history] == [(2, "Åse Ødegård"), (1, "Siv Øyen")]


async def test_a_hostile_row_count_or_version_is_no_server_error(client, world, as_):
    """Row counts and the version are digits from the form; other "digits" (²) and
    numbers too long to convert come from hand-made posts and must not end in a 500."""
    setup = await cohort_with(client, world, as_)
    e = setup.enrolment()
    await login(client, EMAILS["leader"])
    csrf = csrf_from((await client.get(f"/enrolments/{e}/plan")).text)
    server_errors = []
    for data in ({"measures-rows": "²"}, {"version": "²"}, {"measures-rows": "9" * 5000}, {"version": "9" * 5000}):
        response = await client.post(f"/enrolments/{e}/plan", data={**PLAN_FORM, **data, "_csrf_token": csrf})
        if response.status_code >= 500:
            server_errors.append({k: v[:10] for k, v in data.items()})
    assert server_errors == []


# --- 3. versions --------------------------------------------------------------------------------


async def test_the_versions_page_shows_the_history_and_restores_through_the_form(client, world, as_):
    setup = await cohort_with(client, world, as_)
    e = setup.enrolment()
    leader = await as_("leader")
    await saved(client, leader, e, "cv", {"about_me": "Første utkast fra Åse.", "skills": ["Sykle"]})
    await saved(client, await as_("admin"), e, "cv", {"about_me": "Andre utkast fra Siv.", "skills": ["Strikke"]})

    await login(client, EMAILS["leader"])
    page = await client.get(f"/enrolments/{e}/cv/versions")
    assert page.status_code == 200
    assert "Åse Ødegård" in page.text and "Siv Øyen" in page.text
    for n in (1, 2):
        assert f'href="/enrolments/{e}/cv/versions?number={n}#shown"' in page.text
    assert "/restore" not in page.text  # no version chosen yet

    newest = await client.get(f"/enrolments/{e}/cv/versions", params={"number": 2})
    assert newest.status_code == 200 and "Andre utkast fra Siv." in newest.text
    assert "/restore" not in newest.text  # the newest is not restored onto itself

    first = await client.get(f"/enrolments/{e}/cv/versions", params={"number": 1})
    assert first.status_code == 200 and "Første utkast fra Åse." in first.text
    action = f"/enrolments/{e}/cv/versions/1/restore"
    assert f'action="{action}"' in first.text
    assert (await client.get(f"/enrolments/{e}/cv/versions", params={"number": 9})).status_code == 404

    restored = await client.post(action, data={"_csrf_token": csrf_from(first.text)})
    assert restored.status_code in (302, 303)
    assert restored.headers["location"] == f"/enrolments/{e}/cv?saved=1"
    form = await client.get(restored.headers["location"])
    assert "Første utkast fra Åse." in form.text and gettext("Saved.") in form.text
    history = await versions(client, leader, e, "cv")
    assert [(v["number"], v["restored_from"], v["author"]) for v in history] == [
        (3, 1, "Åse Ødegård"),
        (2, None, "Siv Øyen"),
        (1, None, "Åse Ødegård"),
    ]
    shown = (await client.get(f"/api/v1/enrolments/{e}/cv", headers=leader)).json()
    first_content = (await client.get(f"/api/v1/enrolments/{e}/cv/versions/1", headers=leader)).json()["content"]
    assert shown["version"] == 3 and shown["content"] == first_content
    after = await client.get(f"/enrolments/{e}/cv/versions")
    assert str(escape(gettext("restored from version %(n)s", n=1))) in after.text


# --- 4. the participant's own pages -----------------------------------------------------------


@pytest.fixture
async def two(client, world, as_):
    """Sølvi and Åsmund on the same cohort, each with a personal link."""
    setup = await cohort_with(client, world, as_, names=(SOLVI, "Åsmund Ørnes"))
    leader = await as_("leader")
    tokens = {name: await personal_token(client, leader, setup.people[name]["id"]) for name in setup.people}
    return setup, tokens


async def test_the_participant_edits_their_own_cv_and_plan_through_the_link(client, two, as_):
    setup, tokens = two
    token, e = tokens[SOLVI], setup.enrolment()
    client.cookies.clear()
    own = await client.get(f"/p/{token}")
    assert own.status_code == 200
    cv_path, plan_path = f"/p/{token}/documents/{e}/cv", f"/p/{token}/documents/{e}/plan"
    assert f'href="{cv_path}"' in own.text and f'href="{plan_path}"' in own.text
    assert str(escape(gettext("My resource CV"))) in own.text

    for kind, path, data in (("cv", cv_path, CV_FORM), ("plan", plan_path, PLAN_FORM)):
        form = await client.get(path)
        assert form.status_code == 200 and f'action="{path}"' in form.text
        assert f'href="{path}.pdf"' in form.text and f'href="/p/{token}"' in form.text
        assert "/versions" not in form.text  # the history is for staff
        response = await client.post(
            path, data={**data, "version": str(version_in(form.text)), "_csrf_token": csrf_from(form.text)}
        )
        assert response.status_code in (302, 303), response.text
        assert response.headers["location"] == f"{path}?saved=1"
        assert gettext("Saved.") in (await client.get(response.headers["location"])).text

        history = await versions(client, await as_("leader"), e, kind)
        assert [(v["number"], v["author"]) for v in history] == [(1, SOLVI)]
        row = await DocumentVersion.select().where(DocumentVersion.enrolment == e, DocumentVersion.kind == kind).first()
        assert row["by_participant"] is True and row["staff"] is None
        shown = await client.get(path)
        assert SOLVI in shown.text and 'name="version" value="1"' in shown.text

        as_pdf = await client.get(f"{path}.pdf")
        assert as_pdf.status_code == 200 and as_pdf.content.startswith(b"%PDF-")

    # A bad date from the own page: the same summary, the same link to the field.
    form = await client.get(plan_path)
    bad = await client.post(
        plan_path,
        data={**PLAN_FORM, "measures-0-deadline": "3. februar", "version": "1", "_csrf_token": csrf_from(form.text)},
    )
    assert bad.status_code == 422 and 'href="#measures-0-deadline"' in bad.text
    assert await stored(e) == 2
    logged = await AuditEvent.select(AuditEvent.actor, AuditEvent.details).where(AuditEvent.action == "document_saved")
    details = [json.loads(r["details"]) if isinstance(r["details"], str) else r["details"] for r in logged]
    assert [(r["actor"], d["kind"], d["by"]) for r, d in zip(logged, details)] == [
        (None, "cv", "participant"),
        (None, "plan", "participant"),
    ]


async def test_a_participant_token_opens_no_one_elses_documents(client, two):
    setup, tokens = two
    token, other = tokens[SOLVI], setup.enrolment("Åsmund Ørnes")
    client.cookies.clear()
    csrf = csrf_from((await client.get(f"/p/{token}/documents/{setup.enrolment()}/cv")).text)
    for kind in KINDS:
        path = f"/p/{token}/documents/{other}/{kind}"
        assert (await client.get(path)).status_code == 404
        assert (await client.post(path, data={**CV_FORM, "version": "0", "_csrf_token": csrf})).status_code == 404
        assert (await client.get(f"{path}.pdf")).status_code == 404
        assert (await client.get(f"/p/{'A' * 43}/documents/{setup.enrolment()}/{kind}")).status_code == 404
        # Nor the staff pages: a personal link is no login.
        assert redirects_to_login(await client.get(f"/enrolments/{setup.enrolment()}/{kind}"))
    assert await stored(other) == 0


@pytest.mark.parametrize("how", ["expired", "revoked"])
async def test_an_expired_or_revoked_link_opens_no_documents(client, two, as_, how):
    setup, tokens = two
    token, e, person = tokens[SOLVI], setup.enrolment(), setup.people[SOLVI]["id"]
    client.cookies.clear()
    form = await client.get(f"/p/{token}/documents/{e}/cv")
    assert form.status_code == 200
    if how == "expired":
        await ParticipantLink.update({ParticipantLink.expires_at: ParticipantLink.created_at}).where(
            ParticipantLink.participant == person
        )
    else:
        revoked = await client.delete(f"/api/v1/participants/{person}/link", headers=await as_("leader"))
        assert revoked.status_code in (200, 204), revoked.text
    for kind in KINDS:
        path = f"/p/{token}/documents/{e}/{kind}"
        assert (await client.get(path)).status_code == 404, kind
        posted = await client.post(path, data={**CV_FORM, "version": "0", "_csrf_token": csrf_from(form.text)})
        assert posted.status_code == 404, kind
        assert (await client.get(f"{path}.pdf")).status_code == 404, kind
    assert await stored(e) == 0


# --- 5. user text is text ---------------------------------------------------------------------


async def test_markup_in_the_documents_is_escaped_on_every_page(client, world, as_):
    setup = await cohort_with(client, world, as_)
    e, leader = setup.enrolment(), await as_("leader")
    token = await personal_token(client, leader, setup.people[SOLVI]["id"])
    await saved(
        client,
        leader,
        e,
        "cv",
        {
            "about_me": f"Hei {EVIL_STYLE}",
            "skills": [EVIL_IMG, EVIL_URL],
            "experience": [{"what": EVIL_IMG, "where": EVIL_STYLE}],
            "driving_licence": EVIL_IMG,
        },
    )
    await saved(
        client,
        leader,
        e,
        "plan",
        {
            "main_goal": EVIL_STYLE,
            "sub_goals": [EVIL_IMG],
            "measures": [{"what": EVIL_IMG, "responsible": "other", "responsible_other": EVIL_URL}],
        },
    )

    await login(client, EMAILS["leader"])
    pages = [
        await client.get(f"/enrolments/{e}/cv"),
        await client.get(f"/enrolments/{e}/plan"),
        await client.get(f"/enrolments/{e}/cv/versions", params={"number": 1}),
        await client.get(f"/enrolments/{e}/plan/versions", params={"number": 1}),
    ]
    client.cookies.clear()
    pages += [await client.get(f"/p/{token}/documents/{e}/cv"), await client.get(f"/p/{token}/documents/{e}/plan")]
    for page in pages:
        assert page.status_code == 200, page.url
        assert EVIL_IMG not in page.text and "<style>body{" not in page.text, page.url
        assert str(escape(EVIL_IMG)) in page.text, page.url
        assert "&lt;img src=" in page.text


async def test_an_earlier_plan_shows_its_dates_and_choices_in_words(client, world, as_):
    setup = await cohort_with(client, world, as_)
    e, leader = setup.enrolment(), await as_("leader")
    await saved(
        client,
        leader,
        e,
        "plan",
        rules.check("plan", rules.from_form("plan", {**PLAN_FORM, "measures-0-status": "in_progress"})),
    )
    await saved(client, leader, e, "plan", {"main_goal": "Et nytt mål."})
    await login(client, EMAILS["leader"])
    page = await client.get(f"/enrolments/{e}/plan/versions", params={"number": 1})
    assert page.status_code == 200
    for text in (
        "Ringe Åsa i Ås",
        gettext("Me"),
        gettext("Under way"),
        "Øve på intervju",
        format_date(date(2027, 2, 3), format="long", locale="nb"),
        format_date(date(2027, 2, 10), format="long", locale="nb"),
    ):
        assert str(escape(text)) in page.text, text
    assert "in_progress" not in page.text.split('id="shown"', 1)[1]


# --- 6. adding rows ----------------------------------------------------------------------------


async def test_the_tables_carry_an_empty_row_to_copy_and_a_button_the_script_shows(client, world, as_):
    setup = await cohort_with(client, world, as_)
    await login(client, EMAILS["leader"])
    plan = await client.get(f"/enrolments/{setup.enrolment()}/plan")
    assert '<script src="/static/js/rows.js" defer></script>' in plan.text
    # A measure's "what" takes several lines.
    assert re.search(r'<textarea id="measures-0-what" name="measures-0-what"', plan.text)
    fieldset = plan.text[plan.text.index('<fieldset class="doc-table" id="measures"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert 'data-rows="measures"' in plan.text and f'data-max-rows="{rules.MAX_ITEMS}"' in fieldset
    assert 'name="measures-rows" value="2" data-row-count' in fieldset
    template = fieldset[fieldset.index("<template data-row-template>") : fieldset.index("</template>")]
    for column in ("what", "responsible", "responsible_other", "deadline", "status"):
        assert f'id="measures-__ROW__-{column}" name="measures-__ROW__-{column}"' in template, column
    assert f"{escape(gettext('row %(n)s', n='__NUMBER__'))}" in template
    # Without the script the button stays hidden and the hint says to save.
    assert "<p hidden data-rows-with-script>" in fieldset and "data-add-row" in fieldset
    assert str(escape(gettext("Save to get more empty rows."))) in fieldset
    script = await client.get("/static/js/rows.js")
    assert script.status_code == 200 and "__ROW__" in script.text and "-rows" in script.text


async def test_a_row_added_in_the_browser_is_saved_with_the_next_number(client, world, as_):
    """What the script sends: the count raised by one and the new row's fields numbered after it."""
    setup = await cohort_with(client, world, as_)
    e = setup.enrolment()
    await login(client, EMAILS["leader"])
    form = await client.get(f"/enrolments/{e}/plan")
    added = {
        "measures-rows": "3",
        "measures-1-what": "",
        "measures-2-what": "Ringe Ørjan\r\nog avtale et møte",
        "measures-2-responsible": "nav",
    }
    response = await client.post(
        f"/enrolments/{e}/plan", data={**PLAN_FORM, **added, "version": "0", "_csrf_token": csrf_from(form.text)}
    )
    assert response.status_code in (302, 303), response.text
    doc = (await client.get(f"/api/v1/enrolments/{e}/plan", headers=await as_("leader"))).json()
    assert [(m["what"], m["responsible"]) for m in doc["content"]["measures"]] == [
        ("Ringe Åsa i Ås", "me"),
        ("Ringe Ørjan\nog avtale et møte", "nav"),
    ]
    shown = await client.get(response.headers["location"])
    assert ">Ringe Ørjan\nog avtale et møte</textarea>" in shown.text
