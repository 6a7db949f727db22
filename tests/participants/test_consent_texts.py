"""Consent texts in versions: admins write them, the version in force is shown beside the
boxes and recorded with a consent, a withdrawal is stamped with the version in force,
the consent form prints on one page, and the participant sees what they consented to."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf

from course import clock
from course.participants.consent_texts import CONTACT_MAX, INTRO_MAX, SCOPE_MAX, ScopeStatus, scope_statuses
from course.participants.rules import ConsentEvent
from course.participants.tables import Consent, ConsentText, Participant
from tests.conftest import csrf_from, csrf_post
from tests.participants.helpers import consent, error_keys, participant

FIRST = "2026-1"  # seeded by the migrations, in force from 2026-01-01


def text_body(version: str, effective_from: date, **changes) -> dict:
    return {
        "version": version,
        "effective_from": effective_from.isoformat(),
        "intro": f"Innledning til versjon {version}: dette er Klart jeg kan.",
        "participation": f"Jeg vil være med på kurset ({version}), også på Åssiden.",
        "sharing": f"NAV kan dele ressurs-CV-en min ({version}) med skolen og Ungdomsløftet.",
        "evaluation": f"Jeg kan svare anonymt på evalueringen ({version}).",
        "contact": f"Jeg vil få påminnelser om samlingene ({version}) på det jeg krysser av for.",
        **changes,
    }


async def new_version(client, admin, version: str, effective_from: date, **changes) -> dict:
    response = await client.post(
        "/api/v1/consent-texts", json=text_body(version, effective_from, **changes), headers=admin
    )
    assert response.status_code == 201, response.text
    return response.json()


def pages_of(body: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(body)).pages]


async def test_only_an_admin_writes_a_version_and_leaders_read_them(client, world, as_, login_as):
    admin, leader, manager = await as_("admin"), await as_("leader"), await as_("manager")
    day = clock.today()
    for who in (leader, manager):
        refused = await client.post("/api/v1/consent-texts", json=text_body("2027-2", day), headers=who)
        assert refused.status_code == 403
    assert (await client.get("/api/v1/consent-texts", headers=manager)).status_code == 403
    assert (await client.get("/api/v1/consent-texts")).status_code == 401
    made = await new_version(client, admin, "2027-2", day + timedelta(days=7))
    assert made["status"] == "upcoming" and made["created_by"]["id"] == world.admin
    listed = (await client.get("/api/v1/consent-texts", headers=leader)).json()
    assert [(t["version"], t["status"]) for t in listed] == [("2027-2", "upcoming"), (FIRST, "in_force")]

    # Pages: leaders and managers are turned away, the admin saves a version from the form.
    for who in ("leader", "manager"):
        client.cookies.clear()
        await login_as(who)
        assert (await client.get("/admin/consent-texts")).status_code == 403
        token = csrf_from((await client.get("/account")).text)
        posted = await client.post("/admin/consent-texts", data={**text_body("2027-3", day), "_csrf_token": token})
        assert posted.status_code == 403
    client.cookies.clear()
    await login_as("admin")
    page = await client.get("/admin/consent-texts")
    assert page.status_code == 200 and 'href="/admin/consent-texts" aria-current="page"' in page.text
    assert "Gjelder nå" in page.text and "Innledning til versjon 2027-2" in page.text
    saved = await csrf_post(client, "/admin/consent-texts", text_body("2027-3", day))
    assert saved.status_code == 302, saved.text
    assert "Versjon 2027-3 er lagret." in (await client.get(saved.headers["location"])).text
    assert await ConsentText.count() == 3


async def test_a_version_is_checked_and_never_made_twice(client, world, as_, login_as):
    admin = await as_("admin")
    day = clock.today()
    for changes, status, keys in (
        ({"version": "2027 høst"}, 422, {"version"}),
        ({"version": "x" * 41}, 422, {"version"}),
        ({"version": FIRST}, 409, {"version"}),
        ({"effective_from": (day - timedelta(days=1)).isoformat()}, 422, {"effective_from"}),
        ({"effective_from": "1. oktober"}, 422, {"effective_from"}),
        ({"effective_from": (day + timedelta(days=367)).isoformat()}, 422, {"effective_from"}),
        ({"intro": " \n "}, 422, {"intro"}),
        ({"sharing": "å" * (SCOPE_MAX[0] + 1)}, 422, {"sharing"}),
        ({"evaluation": "\n".join(["Linje"] * (SCOPE_MAX[1] + 1))}, 422, {"evaluation"}),
        ({"participation": "Ja\x00"}, 422, {"participation"}),
        ({"intro": 12}, 400, {"intro"}),
        ({"contact": "ø" * (CONTACT_MAX[0] + 1)}, 422, {"contact"}),
        ({"contact": "\n".join(["Linje"] * (CONTACT_MAX[1] + 1))}, 422, {"contact"}),
        ({"contact": 7}, 400, {"contact"}),
    ):
        body = {**text_body("2027-2", day), **changes}
        response = await client.post("/api/v1/consent-texts", json=body, headers=admin)
        assert response.status_code == status, (changes, response.text)
        assert error_keys(response) == keys, (changes, response.text)
    assert await ConsentText.count() == 1
    await login_as("admin")
    taken = await csrf_post(client, "/admin/consent-texts", text_body(FIRST, day, intro="Ny tekst om Ærø"))
    assert taken.status_code == 409 and 'href="#version"' in taken.text and "Ny tekst om Ærø" in taken.text


async def test_the_form_starts_unticked_shows_the_text_in_force_and_records_it(client, world, as_, login_as):
    admin = await as_("admin")
    day = clock.today()
    await new_version(client, admin, "2027-2", day + timedelta(days=7))
    await login_as("leader")
    page = (await client.get("/participants/new")).text
    boxes = [line for line in page.splitlines() if 'name="scopes"' in line]
    assert len(boxes) == 5 and not any("checked" in line for line in boxes)
    first = await ConsentText.select().where(ConsentText.version == FIRST).first()
    for words in (first["intro"], first["participation"], first["sharing"], first["evaluation"], first["contact"]):
        assert words in page
    # One text beside both boxes for reminders and messages.
    assert first["contact"].startswith("Jeg vil få påminnelser") and page.count(first["contact"]) == 1
    assert "Å få påminnelser og beskjeder på SMS" in page and "Å få påminnelser og beskjeder på e-post" in page
    assert "Samtykketekst versjon 2026-1, gjelder fra 01.01.2026." in page
    assert 'name="consent_version" value="2026-1"' in page
    assert 'href="/consent-texts/2026-1.pdf">Skriv ut samtykkeskjema' in page

    form = {
        "name": "Øyvind Ærø Lånke",
        "birth_year": str(day.year - 19),
        "primary_contact_id": str(world.leader),
        "scopes": "participation",
        "consent_date": day.isoformat(),
    }
    for version in ("1999-9", "2027-2"):  # unknown; not in force yet
        refused = await csrf_post(client, "/participants/new", {**form, "consent_version": version})
        assert refused.status_code == 422 and 'href="#consent_version"' in refused.text, version
    assert await Participant.count() == 0
    saved = await csrf_post(client, "/participants/new", {**form, "consent_version": FIRST})
    assert saved.status_code == 303, saved.text
    assert await Consent.select(Consent.text_version) == [{"text_version": FIRST}]

    # A week later the new version is in force: shown, and recorded when none is named.
    with clock.starting(day + timedelta(days=7)):
        client.cookies.clear()  # the session has ended by then
        await login_as("leader")
        page = (await client.get("/participants/new")).text
        assert "Innledning til versjon 2027-2" in page and 'name="consent_version" value="2027-2"' in page
        later = await participant(client, await as_("leader"), world, name="Bjørg Ækre")
        assert later["consents"][0]["text_version"] == "2027-2"
        listed = (await client.get("/api/v1/consent-texts", headers=admin)).json()
        assert [t["status"] for t in listed] == ["in_force", "earlier"]
        # A paper form signed before 2027-2 took effect cannot have carried its text.
        back = await client.post(
            f"/api/v1/participants/{later['id']}/consents",
            json={"scopes": ["sharing"], "date": day.isoformat(), "text_version": "2027-2"},
            headers=await as_("leader"),
        )
        assert back.status_code == 422 and [e["key"] for e in back.json()["extra"]] == ["text_version"], back.text


async def test_the_api_refuses_an_unknown_version_naming_the_field(client, world, as_):
    leader = await as_("leader")
    day = clock.today().isoformat()
    body = {"name": "Kåre Nærø", "birth_year": clock.today().year - 20, "primary_contact_id": world.leader}
    for version in ("1999-9", " "):
        response = await client.post(
            "/api/v1/participants",
            json={**body, "consent": {"scopes": ["participation"], "date": day, "text_version": version}},
            headers=leader,
        )
        assert response.status_code == 422 and error_keys(response) == {"consent.text_version"}, response.text
    person = await participant(client, leader, world, consent=None)
    response = await client.post(
        f"/api/v1/participants/{person['id']}/consents",
        json={"action": "given", "scopes": ["sharing"], "date": day, "text_version": "1999-9"},
        headers=leader,
    )
    assert response.status_code == 422 and error_keys(response) == {"text_version"}


async def test_a_withdrawal_is_stamped_with_the_version_in_force(client, world, as_, login_as):
    admin, leader = await as_("admin"), await as_("leader")
    person = await participant(client, leader, world)  # given under 2026-1
    await new_version(client, admin, "2027-2", clock.today())
    withdrawn = await client.post(
        f"/api/v1/participants/{person['id']}/consents",
        json={"action": "withdrawn", "scopes": ["sharing"], "date": clock.today().isoformat(), "text_version": FIRST},
        headers=leader,
    )
    assert withdrawn.status_code == 201, withdrawn.text
    await login_as("leader")
    page = await client.get(f"/participants/{person['id']}")
    assert 'name="consent_version" type="text"' not in page.text and 'id="consent_version"' in page.text
    response = await csrf_post(
        client,
        f"/participants/{person['id']}/consents",
        {"action": "withdrawn", "scopes": "evaluation", "consent_date": clock.today().isoformat()},
        page=f"/participants/{person['id']}",
    )
    assert response.status_code == 303, response.text
    out = (await client.get(f"/api/v1/participants/{person['id']}", headers=leader)).json()
    assert [(c["action"], c["text_version"]) for c in out["consents"]] == [
        ("given", FIRST),
        ("withdrawn", "2027-2"),
        ("withdrawn", "2027-2"),
    ]
    assert out["consent"]["text_version"] == FIRST  # the consent in force was given under 2026-1
    page = await client.get(f"/participants/{person['id']}")
    assert "Gitt under versjon 2026-1 av samtykketeksten." in page.text


async def test_the_consent_form_is_one_page_for_leaders_and_admins(client, world, as_, login_as):
    admin = await as_("admin")
    first = await ConsentText.select().where(ConsentText.version == FIRST).first()
    await login_as("leader")
    response = await client.get("/consent-form.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "samtykkeskjema-2026-1.pdf" in response.headers["content-disposition"]
    pages = pages_of(response.content)
    assert len(pages) == 1
    for words in (
        "NAV Drammen – Ungdomsteamet",
        " ".join(first["participation"].split()[:8]),
        " ".join(first["contact"].split()[:8]),
        "Å få påminnelser og beskjeder på SMS",
        "Å få påminnelser og beskjeder på e-post",
        "Signatur",
    ):
        assert words in pages[0], words
    assert "versjon 2026-1, gjelder fra 01.01.2026" in pages[0]

    # Every text at its longest, in as many lines as allowed, still fits on one page.
    def longest(limits: tuple[int, int]) -> str:
        chars, lines = limits
        words = ("Opplysningene lagres trygt hos NAV og slettes når de ikke trengs lenger. " * 40)[: chars - lines + 1]
        step = -(-len(words) // lines)
        return "\n".join(words[i * step : (i + 1) * step] for i in range(lines))

    longest_texts = (
        {"intro": longest(INTRO_MAX)}
        | {s: longest(SCOPE_MAX) for s in ("participation", "sharing", "evaluation")}
        | {"contact": longest(CONTACT_MAX)}
    )
    await new_version(client, admin, "2027-lang", clock.today() + timedelta(days=30), **longest_texts)
    assert (await client.get("/consent-texts/1999-9.pdf")).status_code == 404
    assert (await client.get("/consent-texts/2026-1.txt")).status_code == 404
    client.cookies.clear()
    await login_as("manager")
    assert (await client.get("/consent-form.pdf")).status_code == 403
    assert (await client.get("/consent-texts/2027-lang.pdf")).status_code == 403
    client.cookies.clear()
    await login_as("admin")
    response = await client.get("/consent-texts/2027-lang.pdf")
    assert response.status_code == 200 and len(pages_of(response.content)) == 1


async def test_the_own_page_shows_the_consents_and_how_to_withdraw(client, world, as_):
    leader = await as_("leader")
    person = await participant(client, leader, world, name="Sølvi Åkerø Dæhli")
    assert (await consent(client, leader, person["id"], "withdrawn", ["sharing"])).status_code == 201
    link = await client.post(f"/api/v1/participants/{person['id']}/link", headers=leader)
    token = link.json()["url"].rsplit("/p/", 1)[1]
    page = (await client.get(f"/p/{token}")).text
    section = page.split('id="consents"', 1)[1].split("</section>", 1)[0]
    first = await ConsentText.select().where(ConsentText.version == FIRST).first()
    assert "Dette har du samtykket til" in section
    assert "Å delta på kurset: Ja" in section and "Deling av opplysninger med samarbeidspartnere: Nei" in section
    assert f"samtykketekst versjon {FIRST}" in section and clock.today().strftime("%d.%m.%Y") in section
    assert first["participation"] in section and first["evaluation"] in section
    assert "Si fra til kurslederen eller kontaktpersonen din, Åse Ødegård, ved NAV Drammen – Ungdomsteamet." in section


def test_each_scope_keeps_its_last_word():
    day = date(2027, 9, 1)
    events = [
        ConsentEvent(1, "given", day, "2026-1", participation=True, sharing=True),
        ConsentEvent(2, "withdrawn", day + timedelta(days=3), "2027-2", sharing=True),
    ]
    assert scope_statuses(events) == {
        "participation": ScopeStatus(True, "2026-1", day),
        "sharing": ScopeStatus(False, "2027-2", day + timedelta(days=3)),
        "evaluation": ScopeStatus(False, "2026-1", day),
        "contact_sms": ScopeStatus(False, "2026-1", day),
        "contact_email": ScopeStatus(False, "2026-1", day),
    }
    assert scope_statuses([]) == dict.fromkeys(
        ("participation", "sharing", "evaluation", "contact_sms", "contact_email"), ScopeStatus(False, None, None)
    )


async def test_a_version_may_leave_the_contact_words_out(client, world, as_, login_as):
    """A client written before the boxes for SMS and e-mail sends no ``contact``: the
    version is saved with none, and the boxes stand without words of their own."""
    admin = await as_("admin")
    body = text_body("2027-2", clock.today())
    del body["contact"]
    response = await client.post("/api/v1/consent-texts", json=body, headers=admin)
    assert response.status_code == 201, response.text
    assert response.json()["contact"] == ""
    await login_as("admin")
    page = await client.get("/admin/consent-texts")
    assert "Påminnelser og beskjeder på SMS og e-post" in page.text
    saved = await csrf_post(client, "/admin/consent-texts", text_body("2027-3", clock.today(), contact=" "))
    assert saved.status_code == 302, saved.text
    written = await csrf_post(client, "/admin/consent-texts", text_body("2027-4", clock.today()))
    assert written.status_code == 302, written.text
    texts = {t["version"]: t["contact"] for t in (await client.get("/api/v1/consent-texts", headers=admin)).json()}
    assert texts["2027-3"] == "" and texts["2027-4"].startswith("Jeg vil få påminnelser om samlingene (2027-4)")
    assert texts[FIRST].startswith("Jeg vil få påminnelser og beskjeder om kurset")
    client.cookies.clear()
    await login_as("leader")
    page = (await client.get("/participants/new")).text  # 2027-4 is in force
    assert "Jeg vil få påminnelser om samlingene (2027-4)" in page
