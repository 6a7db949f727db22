"""The CV for employers: who may read, choose and download it (the JSON API, the staff
pages and the participant's own page, from the outside over HTTP); what it holds by
default and after a choice; contact details from the participant's record, the phone
number in Norwegian form; no course name, header or NAV on it; bad choices named;
every change audited without the CV's words."""

from __future__ import annotations

import json

import pytest

from course.accounts.tables import StaffUser
from course.accounts.users import USER_COLUMNS, staff_of
from course.audit import services as audit
from course.audit.tables import AuditEvent
from course.db import write_transaction
from course.documents import services as documents
from course.documents.tables import EmployerCv
from course.errors import InvalidInput
from course.participants.tables import ParticipantLink
from course.web.i18n import gettext
from tests.conftest import EMAILS, csrf_from, web_login
from tests.documents.conftest import SOLVI, cohort_with, login, page_texts, pdf_text, personal_token, saved
from tests.participants.helpers import enrolled, error_keys, office_a_leader, participant, running_cohort

CONTACT, OTHER = "torbjorn@a.no", "guro@a.no"
EMAIL = "solvi.daehli@eksempel.no"
CV = {
    "about_me": "Jeg heter Sølvi og bor på Årstad. Jeg er rolig og pålitelig.",
    "skills": ["Sykle langt", "Lage mat til mange"],
    "experience": [{"kind": "work", "what": "Sommerjobb på Bøler bakeri", "where": "Bøler", "when": "2025"}],
    "strengths": ["Flink med små barn"],
    "roles": ["Storesøster"],
    "interests": ["Gå tur i Østmarka"],
    "improve": ["Møte presis om morgenen"],
    "network": [{"name": "Mamma Åse", "relation": "Mor", "support": "Hjelper meg å stå opp"}],
    "education": [{"what": "Vg1 Restaurant- og matfag", "where": "Ås videregående", "when": "2023"}],
    "languages": [{"language": "Norsk", "level": "Morsmål"}],
    "driving_licence": "Klasse B",
    "references": [{"name": "Kåre Nærø", "relation": "Sjef på Bøler bakeri", "phone": "+4791234567"}],
}
# Words from each section, as the PDF's text holds them.
WORDS = {
    "about_me": "bor på Årstad",
    "skills": "Lage mat til mange",
    "experience": "Sommerjobb på Bøler bakeri",
    "strengths": "Flink med små barn",
    "roles": "Storesøster",
    "interests": "Gå tur i Østmarka",
    "improve": "Møte presis om morgenen",
    "network": "Mamma Åse",
    "education": "Vg1 Restaurant- og matfag",
    "languages": "Morsmål",
    "driving_licence": "Klasse B",
    "references": "Kåre Nærø",
}
DEFAULT = ["about_me", "experience", "education", "skills", "languages", "driving_licence", "references"]
# Nothing on the CV for employers says where it was made.
BRANDING = ("Klart jeg kan", "Ressurs-CV", "Ressurs", "NAV", "Nav", "Ny retning", "Handlingsplan", "Kurs")


def api(enrolment_id: int, rest: str = "/cv/employer") -> str:
    return f"/api/v1/enrolments/{enrolment_id}{rest}"


def no_break(text: str) -> str:
    return text.replace("\u00a0", " ")


async def stored() -> list[dict]:
    return await EmployerCv.select().order_by(EmployerCv.id)


async def events(action: str) -> list[tuple[int | None, dict]]:
    rows = (
        await AuditEvent.select(AuditEvent.actor, AuditEvent.details)
        .where(AuditEvent.action == action)
        .order_by(AuditEvent.id)
    )
    return [(r["actor"], json.loads(r["details"]) if isinstance(r["details"], str) else r["details"]) for r in rows]


async def with_record(client, headers, setup, name: str = SOLVI) -> None:
    """An e-mail address on the participant's record (the phone is there already)."""
    person = setup.people[name]["id"]
    response = await client.patch(f"/api/v1/participants/{person}", json={"email": EMAIL}, headers=headers)
    assert response.status_code == 200, response.text


@pytest.fixture
async def people(client, world, as_):
    """Sølvi, with her CV written and an e-mail address on record, on a cohort led by the
    office A leader, with Torbjørn (office A, not a leader of the cohort) as her primary
    contact, and Guro (office A, neither)."""
    contact, contact_headers = await office_a_leader(world, CONTACT, "Torbjørn Ås")
    _, other_headers = await office_a_leader(world, OTHER, "Guro Bækkelund")
    setup = await cohort_with(client, world, as_, contacts={SOLVI: contact})
    headers = {who: await as_(who) for who in ("leader", "admin", "manager", "leader_b")}
    headers.update(contact=contact_headers, other=other_headers)
    await with_record(client, headers["leader"], setup)
    await saved(client, headers["leader"], setup.enrolment(), "cv", CV)
    return setup, headers


# --- 1. who may, over the API ------------------------------------------------------------------

ALLOWED = ("leader", "contact", "admin")
REFUSED = {"other": 403, "manager": 403, "leader_b": 404}


@pytest.mark.parametrize("who", [*ALLOWED, *REFUSED])
async def test_each_role_on_every_api_route(client, people, who):
    setup, headers = people
    e, h = setup.enrolment(), headers[who]
    expected = 200 if who in ALLOWED else REFUSED[who]

    read = await client.get(api(e), headers=h)
    assert read.status_code == expected, read.text
    if expected == 200:
        assert read.json()["participant_name"] == SOLVI and read.json()["sections"] == DEFAULT
    else:
        assert SOLVI not in read.text and EMAIL not in read.text and "912" not in read.text

    put = await client.put(api(e), json={"sections": ["about_me"]}, headers=h)
    assert put.status_code == expected, put.text
    assert len(await stored()) == (1 if expected == 200 else 0)

    as_pdf = await client.get(api(e, "/cv-employer.pdf"), headers=h)
    assert as_pdf.status_code == expected
    assert as_pdf.content.startswith(b"%PDF-") == (expected == 200)
    assert ("attachment" in as_pdf.headers.get("content-disposition", "")) == (expected == 200)


async def test_without_a_login_the_api_answers_401(client, people):
    setup, _ = people
    e = setup.enrolment()
    assert (await client.get(api(e))).status_code == 401
    assert (await client.put(api(e), json={"sections": []})).status_code == 401
    assert (await client.get(api(e, "/cv-employer.pdf"))).status_code == 401
    assert await stored() == []


async def test_another_offices_enrolment_is_not_found_and_an_admin_reaches_it(client, world, as_):
    admin, leader_b = await as_("admin"), await as_("leader_b")
    course_b = await running_cohort(
        client, world, admin, office_id=world.office_b, leader_ids=[world.leader_b], title="Høstkurs på Lier"
    )
    person_b = await participant(client, leader_b, world, name="Pål Ærø", primary_contact_id=world.leader_b)
    enrolment_b = (await enrolled(client, leader_b, course_b["id"], person_b["id"]))["id"]
    leader = await as_("leader")
    unknown = enrolment_b + 1000
    for e in (enrolment_b, unknown):
        assert (await client.get(api(e), headers=leader)).status_code == 404
        assert (await client.put(api(e), json={"sections": []}, headers=leader)).status_code == 404
        assert (await client.get(api(e, "/cv-employer.pdf"), headers=leader)).status_code == 404
    assert (await client.get(api(enrolment_b), headers=admin)).json()["participant_name"] == "Pål Ærø"
    assert (await client.get(api(enrolment_b), headers=leader_b)).status_code == 200


# --- 2. who may, on the pages ------------------------------------------------------------------


@pytest.mark.parametrize(
    "who,expected",
    [("leader", 200), ("contact", 200), ("admin", 200), ("other", 403), ("manager", 403), ("leader_b", 404)],
)
async def test_each_role_on_every_page(client, people, who, expected):
    setup, _ = people
    e = setup.enrolment()
    await login(client, {"contact": CONTACT, "other": OTHER}.get(who) or EMAILS[who])
    csrf = csrf_from((await client.get("/", follow_redirects=True)).text)

    form = await client.get(f"/enrolments/{e}/cv/employer")
    assert form.status_code == expected
    assert (SOLVI in form.text and EMAIL in form.text) == (expected == 200)

    posted = await client.post(
        f"/enrolments/{e}/cv/employer", data={"section-about_me": "1", "contact-phone": "1", "_csrf_token": csrf}
    )
    assert posted.status_code in ((302, 303) if expected == 200 else (expected,))
    assert len(await stored()) == (1 if expected == 200 else 0)

    as_pdf = await client.get(f"/enrolments/{e}/cv-employer.pdf")
    assert as_pdf.status_code == expected
    assert as_pdf.content.startswith(b"%PDF-") == (expected == 200)


async def test_without_a_login_the_pages_send_to_the_login(client, people):
    setup, _ = people
    e = setup.enrolment()
    client.cookies.clear()
    csrf = csrf_from((await client.get("/login")).text)
    for response in (
        await client.get(f"/enrolments/{e}/cv/employer"),
        await client.post(f"/enrolments/{e}/cv/employer", data={"section-network": "1", "_csrf_token": csrf}),
        await client.get(f"/enrolments/{e}/cv-employer.pdf"),
    ):
        assert response.status_code in (302, 303) and response.headers["location"].startswith("/login")
    assert await stored() == []


async def test_a_post_without_the_csrf_token_changes_nothing(client, people):
    setup, _ = people
    await login(client, EMAILS["leader"])
    refused = await client.post(f"/enrolments/{setup.enrolment()}/cv/employer", data={"section-network": "1"})
    assert refused.status_code == 403
    assert await stored() == []


async def test_the_resource_cv_form_links_to_the_cv_for_employers(client, people):
    setup, _ = people
    e = setup.enrolment()
    await login(client, EMAILS["leader"])
    cv = await client.get(f"/enrolments/{e}/cv")
    assert f'href="/enrolments/{e}/cv/employer"' in cv.text
    plan = await client.get(f"/enrolments/{e}/plan")
    assert "/cv/employer" not in plan.text


# --- 3. the participant's own page -------------------------------------------------------------


async def test_the_participant_chooses_and_downloads_their_own(client, people, as_):
    setup, headers = people
    e = setup.enrolment()
    token = await personal_token(client, headers["leader"], setup.people[SOLVI]["id"])
    client.cookies.clear()
    path = f"/p/{token}/documents/{e}/cv/employer"
    own = await client.get(f"/p/{token}")
    assert f'href="{path}"' in own.text

    form = await client.get(path)
    assert form.status_code == 200 and f'action="{path}"' in form.text
    assert f'href="/p/{token}/documents/{e}/cv-employer.pdf"' in form.text
    assert f'href="/p/{token}/documents/{e}/cv"' in form.text
    assert "912 34 567" in no_break(form.text) and EMAIL in form.text
    # The defaults are ticked, the private sections and the birth year are not.
    checked = {key for key in WORDS if _checked(form.text, f"section-{key}")}
    assert checked == set(DEFAULT)
    assert _checked(form.text, "contact-phone") and not _checked(form.text, "contact-birth_year")

    response = await client.post(
        path,
        data={
            "section-about_me": "1",
            "section-network": "1",
            "contact-birth_year": "1",
            "_csrf_token": csrf_from(form.text),
        },
    )
    assert response.status_code in (302, 303) and response.headers["location"] == f"{path}?saved=1"
    again = await client.get(response.headers["location"])
    assert gettext("Saved.") in again.text
    assert {key for key in WORDS if _checked(again.text, f"section-{key}")} == {"about_me", "network"}
    assert _checked(again.text, "contact-birth_year") and not _checked(again.text, "contact-phone")

    text = no_break(pdf_text((await client.get(f"/p/{token}/documents/{e}/cv-employer.pdf")).content))
    assert WORDS["about_me"] in text and WORDS["network"] in text and "2007" in text
    assert WORDS["experience"] not in text and "912 34 567" not in text and EMAIL not in text

    row = (await stored())[0]
    assert row["by_participant"] is True and row["staff"] is None
    changes = [(actor, d["kind"], d["by"]) for actor, d in await events(audit.DOCUMENT_SAVED) if d.get("part")]
    assert changes == [(None, "cv", "participant")]
    # The participant's own reads are theirs: not in the log.
    reads = [d for _, d in await events(audit.DOCUMENT_READ) + await events(audit.DOCUMENT_PDF_READ)]
    assert [d for d in reads if d.get("part") == "employer"] == []


def _checked(html: str, name: str) -> bool:
    start = html.index(f'name="{name}"')
    return " checked" in html[start : html.index(">", start)]


async def test_a_participant_token_opens_no_one_elses_and_no_expired_link_opens_any(client, world, as_):
    setup = await cohort_with(client, world, as_, names=(SOLVI, "Åsmund Ørnes"))
    leader = await as_("leader")
    token = await personal_token(client, leader, setup.people[SOLVI]["id"])
    client.cookies.clear()
    mine, theirs = setup.enrolment(), setup.enrolment("Åsmund Ørnes")
    form = await client.get(f"/p/{token}/documents/{mine}/cv/employer")
    assert form.status_code == 200
    csrf = csrf_from(form.text)
    base = f"/p/{token}/documents/{theirs}"
    assert (await client.get(f"{base}/cv/employer")).status_code == 404
    assert (
        await client.post(f"{base}/cv/employer", data={"section-network": "1", "_csrf_token": csrf})
    ).status_code == 404
    assert (await client.get(f"{base}/cv-employer.pdf")).status_code == 404
    assert (await client.get(f"/p/{'A' * 43}/documents/{mine}/cv/employer")).status_code == 404

    await ParticipantLink.update({ParticipantLink.expires_at: ParticipantLink.created_at}).where(
        ParticipantLink.participant == setup.people[SOLVI]["id"]
    )
    base = f"/p/{token}/documents/{mine}"
    assert (await client.get(f"{base}/cv/employer")).status_code == 404
    assert (
        await client.post(f"{base}/cv/employer", data={"section-network": "1", "_csrf_token": csrf})
    ).status_code == 404
    assert (await client.get(f"{base}/cv-employer.pdf")).status_code == 404
    assert await stored() == []


# --- 4. what it holds ----------------------------------------------------------------------------


async def test_by_default_the_pdf_has_the_employers_sections_and_contact_and_no_course(client, people):
    setup, headers = people
    e = setup.enrolment()
    shown = (await client.get(api(e), headers=headers["leader"])).json()
    assert shown["sections"] == DEFAULT
    assert shown["contact"] == {"phone": True, "email": True, "birth_year": False}
    assert shown["contact_details"] == {"phone": "+4791234567", "email": EMAIL, "birth_year": 2007}
    assert shown["updated_at"] is None and shown["cv_version"] == 1
    assert {a["key"]: (a["filled"], a["default"], a["private"]) for a in shown["available"]}["network"] == (
        True,
        False,
        True,
    )

    response = await client.get(api(e, "/cv-employer.pdf"), headers=headers["leader"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/pdf")
    assert "CV.pdf" in response.headers["content-disposition"]
    assert "ressurs" not in response.headers["content-disposition"].lower()
    pages = page_texts(response.content)
    text = no_break(" ".join(pages))
    assert len(pages) == 1 and SOLVI in text
    assert "912 34 567" in text and EMAIL in text and "2007" not in text
    for key in DEFAULT:
        assert WORDS[key] in text, key
    for key in ("improve", "network", "strengths", "roles", "interests"):
        assert WORDS[key] not in text, key
    # The reference's phone number in Norwegian form too.
    assert "Kåre Nærø" in text and "91234567" not in text and text.count("912 34 567") == 2
    for brand in BRANDING:
        assert brand not in text, brand
    assert gettext("What I want to get better at").upper() not in text.upper()
    assert gettext("My network").upper() not in text.upper()


async def test_a_choice_is_kept_in_the_cvs_order_and_the_pdf_follows_it(client, people):
    setup, headers = people
    e, leader = setup.enrolment(), headers["leader"]
    choice = {
        "sections": ["network", "improve", "about_me", "about_me", "roles"],
        "contact": {"phone": False, "email": True, "birth_year": True},
    }
    put = await client.put(api(e), json=choice, headers=leader)
    assert put.status_code == 200, put.text
    assert put.json()["sections"] == ["about_me", "roles", "improve", "network"]
    assert put.json()["contact"] == choice["contact"]
    assert put.json()["updated_by"] == "Åse Ødegård" and put.json()["updated_at"]
    assert (await client.get(api(e), headers=leader)).json()["sections"] == ["about_me", "roles", "improve", "network"]

    text = no_break(pdf_text((await client.get(api(e, "/cv-employer.pdf"), headers=leader)).content))
    for key in ("about_me", "roles", "improve", "network"):
        assert WORDS[key] in text, key
    for key in ("experience", "skills", "references", "education"):
        assert WORDS[key] not in text, key
    assert "912 34 567" not in text and EMAIL in text and "2007" in text
    assert text.index(WORDS["about_me"]) < text.index(WORDS["roles"]) < text.index(WORDS["network"])

    # Left out, contact details and all: only the name.
    put = await client.put(api(e), json={"sections": [], "contact": {"email": False}}, headers=leader)
    assert put.json()["contact"] == {"phone": True, "email": False, "birth_year": False}
    put = await client.put(api(e), json={"sections": [], "contact": {"phone": False, "email": False}}, headers=leader)
    assert put.status_code == 200
    text = no_break(pdf_text((await client.get(api(e, "/cv-employer.pdf"), headers=leader)).content))
    assert SOLVI in text and all(words not in text for words in WORDS.values())
    assert "912" not in text and EMAIL not in text
    assert len(await stored()) == 1  # one row per enrolment, changed in place


async def test_a_long_cv_runs_to_two_pages_with_the_name_on_the_second(client, people):
    setup, headers = people
    e, leader = setup.enrolment(), headers["leader"]
    many = [
        {"kind": "work", "what": f"Lagermedarbeider på Åsgårdstrand sag, år {n}", "where": "Drammen", "when": f"20{n}"}
        for n in range(10, 32)
    ]
    await saved(client, leader, e, "cv", {**CV, "experience": many}, version=1)
    pages = page_texts((await client.get(api(e, "/cv-employer.pdf"), headers=leader)).content)
    assert len(pages) == 2
    assert "Lagermedarbeider på Åsgårdstrand sag, år 10" in pages[0]
    assert "Lagermedarbeider på Åsgårdstrand sag, år 31" in pages[1]
    assert SOLVI in pages[1] and "2 / 2" in pages[1]  # its running foot
    assert "1 / 2" not in pages[0]  # the first page has the name at the top, no foot
    for brand in BRANDING:
        assert all(brand not in page for page in pages), brand


async def test_markup_in_the_cv_is_text_in_the_pdf(client, people):
    setup, headers = people
    e, leader = setup.enrolment(), headers["leader"]
    await saved(client, leader, e, "cv", {**CV, "about_me": '<b>Sølvi</b> <img src="file:///etc/passwd">'}, version=1)
    text = pdf_text((await client.get(api(e, "/cv-employer.pdf"), headers=leader)).content)
    assert "<b>Sølvi</b>" in text and "file:///etc/passwd" in text


# --- 5. bad choices ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body,key",
    [
        ({"sections": ["about_me", "hobbies"]}, "sections.1"),
        ({"sections": ["about_me", 3]}, "sections.1"),
        ({"sections": "about_me"}, "sections"),
        ({"contact": {"phone": True}}, "sections"),
        ({"sections": [], "contact": {"fax": True}}, "contact.fax"),
        ({"sections": [], "contact": {"phone": "ja"}}, "contact.phone"),
        ({"sections": [], "contact": "phone"}, "contact"),
        ({"sections": [], "extra": 1}, "extra"),
    ],
)
async def test_a_bad_choice_names_the_field_and_changes_nothing(client, people, body, key):
    setup, headers = people
    response = await client.put(api(setup.enrolment()), json=body, headers=headers["leader"])
    assert response.status_code == 400, response.text
    assert error_keys(response) == {key}
    assert await stored() == []
    assert all(d.get("part") != "employer" for _, d in await events(audit.DOCUMENT_SAVED))


async def test_the_service_names_a_bad_section_and_a_bad_contact_field(people):
    """The rules behind every door (the API's schema catches these first)."""
    setup, _ = people
    leader = staff_of(await StaffUser.select(*USER_COLUMNS).where(StaffUser.email == EMAILS["leader"]).first())
    actor = documents.Actor(staff=leader)
    with pytest.raises(InvalidInput) as caught:
        await documents.save_employer_cv(actor, setup.enrolment(), ["about_me", "hobbies"], {"fax": True, "email": 1})
    assert caught.value.errors.keys() == {"sections.1", "contact.fax", "contact.email"}
    assert await stored() == []


# --- 6. audited ----------------------------------------------------------------------------------


async def test_staff_changes_and_reads_are_audited_without_the_cvs_words(client, world, people):
    setup, headers = people
    e = setup.enrolment()
    assert (await client.put(api(e), json={"sections": ["network"]}, headers=headers["admin"])).status_code == 200
    assert (await client.get(api(e), headers=headers["leader"])).status_code == 200
    assert (await client.get(api(e, "/cv-employer.pdf"), headers=headers["leader"])).status_code == 200

    changes = [(actor, d) for actor, d in await events(audit.DOCUMENT_SAVED) if d.get("part") == "employer"]
    assert [(actor, d["enrolment"], d["kind"], d["by"], d["sections"]) for actor, d in changes] == [
        (world.admin, e, "cv", "staff", ["network"])
    ]
    reads = [
        (action, actor, d["kind"])
        for action in (audit.DOCUMENT_READ, audit.DOCUMENT_PDF_READ)
        for actor, d in await events(action)
        if d.get("part") == "employer"
    ]
    assert reads == [(audit.DOCUMENT_READ, world.leader, "cv"), (audit.DOCUMENT_PDF_READ, world.leader, "cv")]
    logged = str(await AuditEvent.select(AuditEvent.details))
    assert "Mamma" not in logged and EMAIL not in logged and "912" not in logged
    # The participant sees on their page that the admin changed their CV.
    innsyn = await audit.innsyn(setup.people[SOLVI]["id"])
    assert ("Siv", "changed", "cv") in {(entry.staff_name[:3], entry.what, entry.document) for entry in innsyn}


async def test_erasing_the_documents_takes_the_choice_too(client, people):
    setup, headers = people
    assert (
        await client.put(api(setup.enrolment()), json={"sections": []}, headers=headers["leader"])
    ).status_code == 200
    async with write_transaction():
        await documents.erase_documents(setup.people[SOLVI]["id"])
    assert await stored() == []


async def test_the_choice_is_in_the_participants_data_export(client, people):
    setup, headers = people
    e, leader = setup.enrolment(), headers["leader"]
    choice = {"sections": ["skills", "about_me"], "contact": {"phone": False, "email": True, "birth_year": True}}
    assert (await client.put(api(e), json=choice, headers=leader)).status_code == 200
    person = setup.people[SOLVI]["id"]
    out = (await client.get(f"/api/v1/participants/{person}/export", headers=leader)).json()
    assert [(c["enrolment_id"], c["sections"], c["contact"]) for c in out["employer_cvs"]] == [
        (e, ["about_me", "skills"], choice["contact"])
    ]
    assert (await web_login(client, "ase@a.no")).status_code in (302, 303)
    pdf = " ".join(no_break(pdf_text((await client.get(f"/participants/{person}/export.pdf")).content)).split())
    assert "CV til arbeidsgiver" in pdf and "Om meg, Ferdigheter." in pdf
    assert "Kontaktopplysninger: e-post, fødselsår." in pdf
