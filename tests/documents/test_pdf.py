"""The resource CV and action plan as PDFs: names with æ, ø and å, every filled
section and item, page numbers, a long plan across pages with its table header
on each, embedded fonts, user text that stays text and fetches nothing, and the
cohort's ZIP of everyone's PDFs."""

from __future__ import annotations

import io
import re
import socket
import zipfile
from urllib.parse import unquote

import pytest

from course.documents import content as rules
from course.web.i18n import gettext
from tests.documents.conftest import (
    SOLVI,
    cohort_with,
    fonts_of,
    page_texts,
    pdf_reader,
    pdf_text,
    saved,
)
from tests.participants.helpers import office_a_leader

EVIL_IMG = '<img src="file:///etc/passwd">'
EVIL_STYLE = "<style>body{background:url(file:///etc/passwd)}</style>"
EVIL_URL = "url(http://127.0.0.1:9/x)"

FULL_CV = {
    "about_me": "Jeg heter Sølvi og bor på Årstad. Jeg er nysgjerrig og liker å lære nye ting.",
    "skills": ["Sykle langt", "Lage mat til mange"],
    "experience": [
        {"kind": "work", "what": "Sommerjobb på Bøler bakeri", "where": "Bøler", "when": "2025"},
        {"kind": "home", "what": "Passet småsøsken", "where": "", "when": ""},
    ],
    "roles": ["Storesøster", "Lagvenninne i Åsen IL"],
    "interests": ["Fotografering", "Gå tur i Østmarka"],
    "strengths": ["Pålitelig", "Flink med små barn"],
    "improve": ["Møte presis", "Snakke høyt i gruppe"],
    "network": [{"name": "Mormor Ågot", "relation": "Mormor", "support": "Hører på meg"}],
    "education": [{"what": "Vg1 Restaurant og matfag", "where": "Ås videregående", "when": "2023"}],
    "languages": [{"language": "Norsk", "level": "Morsmål"}, {"language": "Engelsk", "level": "Godt"}],
    "driving_licence": "Øvelseskjører klasse B",
    "references": [{"name": "Kåre Nærø", "relation": "Sjef på Bøler bakeri", "phone": "912 34 567"}],
}
PLAN = {
    "main_goal": "Få læreplass som tømrer i Bærum innen høsten.",
    "sub_goals": ["Skrive søknad", "Øve på jobbintervju"],
    "measures": [
        {"what": "Ringe Åsa i Ås", "responsible": "me", "deadline": "2027-02-03", "status": "done"},
        {"what": "Oppdatere CV-en", "responsible": "primary_contact", "status": "in_progress"},
        {"what": "Hospitere hos Bærum Bygg", "responsible": "other", "responsible_other": "Ørjan på Bygg"},
    ],
    "follow_up_date": "2027-02-10",
    "follow_up_how": "På Nav-kontoret i Sandvika",
    "agreed_date": "2027-01-15",
}


def squeeze(text: str) -> str:
    return "".join(text.split())


def disposition_name(response) -> str:
    """The UTF-8 file name from Content-Disposition's filename*=UTF-8''…"""
    header = response.headers["content-disposition"]
    assert header.startswith("attachment;"), header
    match = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    assert match, header
    ascii_name = re.search(r'filename="([^"]*)"', header)
    assert ascii_name and ascii_name.group(1).isascii(), header  # a fallback for old clients
    return unquote(match.group(1))


async def pdf_of(client, headers, enrolment_id: int, kind: str):
    response = await client.get(f"/api/v1/enrolments/{enrolment_id}/{kind}.pdf", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/pdf")
    return response


def assert_fonts_embedded(body: bytes) -> None:
    fonts = fonts_of(body)
    assert fonts
    names = {str(f["/BaseFont"]) for f in fonts}
    assert all("SourceSans" in n.replace("-", "") for n in names), names
    described = [f["/FontDescriptor"].get_object() for f in fonts if "/FontDescriptor" in f]
    assert described and all("/FontFile2" in d for d in described), names


# --- the CV --------------------------------------------------------------------------------------


async def test_the_cv_has_the_name_every_filled_section_and_every_item(client, world, as_):
    setup = await cohort_with(client, world, as_)
    leader = await as_("leader")
    await saved(client, leader, setup.enrolment(), "cv", FULL_CV)
    response = await pdf_of(client, leader, setup.enrolment(), "cv")
    name = disposition_name(response)
    assert SOLVI in name and name.endswith(".pdf")

    pages = page_texts(response.content)
    text = " ".join(pages)
    assert SOLVI in pages[0]
    assert f"Side 1 av {len(pages)}" in pages[0]
    folded = text.casefold()
    for section in rules.CV:  # the Norwegian labels; some are set in capitals
        assert gettext(section.label).casefold() in folded, section.key
    for key, value in FULL_CV.items():
        items = [value] if isinstance(value, str) else value
        for item in items:
            for cell in item.values() if isinstance(item, dict) else [item]:
                if cell and not (key == "experience" and cell in dict(rules.EXPERIENCE_KINDS)):
                    assert squeeze(cell) in squeeze(text), (key, cell)
    # The kind of experience by its Norwegian label, not its code.
    assert gettext("Work").casefold() in folded and gettext("Home and family").casefold() in folded
    assert_fonts_embedded(response.content)


async def test_an_empty_cv_leaves_out_the_empty_sections(client, world, as_):
    setup = await cohort_with(client, world, as_)
    leader = await as_("leader")
    await saved(client, leader, setup.enrolment(), "cv", {"skills": ["Sykle"]})
    text = pdf_text((await pdf_of(client, leader, setup.enrolment(), "cv")).content)
    assert SOLVI in text and "Sykle" in text and gettext("Skills") in text
    for key in ("about_me", "experience", "network", "references", "education"):
        label = gettext(rules.CV[[s.key for s in rules.CV].index(key)].label)
        assert label not in text, key


# --- the plan ------------------------------------------------------------------------------------


async def test_the_plan_has_the_goal_every_measure_and_the_page_number(client, world, as_):
    setup = await cohort_with(client, world, as_)
    leader = await as_("leader")
    await saved(client, leader, setup.enrolment(), "plan", PLAN)
    response = await pdf_of(client, leader, setup.enrolment(), "plan")
    name = disposition_name(response)
    assert SOLVI in name and name.endswith(".pdf")
    pages = page_texts(response.content)
    text = " ".join(pages)
    assert len(pages) == 1 and "Side 1 av 1" in text
    assert SOLVI in text and "Åse Ødegård" in text  # the primary contact
    assert PLAN["main_goal"] in text
    for goal in PLAN["sub_goals"]:
        assert goal in text
    for measure in PLAN["measures"]:
        assert measure["what"] in text, measure
    assert "Ørjan på Bygg" in text and PLAN["follow_up_how"] in text
    for label in ("Main goal", "Sub-goals", "Measure", "Deadline", "Responsible", "Under way", "Done"):
        assert gettext(label) in text, label
    assert_fonts_embedded(response.content)


async def test_a_plan_with_40_measures_repeats_the_table_header_on_every_page(client, world, as_):
    setup = await cohort_with(client, world, as_)
    leader = await as_("leader")
    measures = [
        {"what": f"Søknad {i:02d} til Bæreia", "responsible": "me", "deadline": "2027-03-01"} for i in range(1, 41)
    ]
    await saved(client, leader, setup.enrolment(), "plan", {**PLAN, "measures": measures})
    pages = page_texts((await pdf_of(client, leader, setup.enrolment(), "plan")).content)
    count = len(pages)
    assert count >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Side {number} av {count}" in page, number
        assert SOLVI in page, number  # the running header names whose plan it is
    with_measures = [page for page in pages if re.search(r"Søknad \d\d til Bæreia", page)]
    assert len(with_measures) >= 2  # the table itself breaks across pages
    for page in with_measures:
        assert gettext("Measure") in page and gettext("Deadline") in page, page[:200]
    text = " ".join(pages)
    found = re.findall(r"Søknad (\d\d) til Bæreia", text)
    assert found == [f"{i:02d}" for i in range(1, 41)]


# --- user text is text -------------------------------------------------------------------------


@pytest.fixture
def listener():
    """A port on this machine that notes any connection made to it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.settimeout(0.3)
        yield sock


def connections(sock) -> int:
    made = 0
    while True:
        try:
            conn, _ = sock.accept()
        except TimeoutError:
            return made
        conn.close()
        made += 1


async def test_markup_in_the_documents_is_text_in_the_pdf_and_fetches_nothing(client, world, as_, listener):
    port = listener.getsockname()[1]
    probe_url, probe_img = f"url(http://127.0.0.1:{port}/x)", f'<img src="http://127.0.0.1:{port}/y">'
    setup = await cohort_with(client, world, as_)
    leader, e = await as_("leader"), setup.enrolment()
    cv = {
        "about_me": f"Hei! {EVIL_STYLE}",
        "skills": [EVIL_IMG],
        "experience": [{"kind": "work", "what": EVIL_URL, "where": probe_url}],
        "network": [{"name": "Mormor Ågot", "support": probe_img}],
        "driving_licence": EVIL_URL,
    }
    plan = {
        "main_goal": f"{EVIL_STYLE} {probe_url}",
        "sub_goals": [EVIL_IMG, probe_img, EVIL_URL],
        "measures": [{"what": EVIL_IMG}],
    }
    await saved(client, leader, e, "cv", cv)
    await saved(client, leader, e, "plan", plan)
    for kind, literals in (
        ("cv", [EVIL_STYLE, EVIL_IMG, EVIL_URL, probe_url, probe_img]),
        ("plan", [EVIL_STYLE, EVIL_IMG, EVIL_URL, probe_url, probe_img]),
    ):
        body = (await pdf_of(client, leader, e, kind)).content
        reader = pdf_reader(body)
        text = pdf_text(body)
        assert "root:" not in text and "root:" not in body.decode("latin-1"), kind
        for literal in literals:
            assert squeeze(literal) in squeeze(text), (kind, literal)
        assert [img for page in reader.pages for img in page.images] == [], kind
        assert not reader.attachments, kind
    assert connections(listener) == 0


# --- the cohort's ZIP ----------------------------------------------------------------------------


NAMES = ("Sølvi Åkerø Dæhli", "Åsmund Ørnes", "Bjørg Ækre")


async def test_the_cohort_zip_holds_a_cv_and_a_plan_per_participant(client, world, as_):
    contact, contact_headers = await office_a_leader(world, "torbjorn@a.no", "Torbjørn Ås")
    setup = await cohort_with(
        client, world, as_, names=NAMES, title="Vårkurs på Ørnes – gruppe Æ", contacts={"Bjørg Ækre": contact}
    )
    leader = await as_("leader")
    for name in NAMES[:2]:  # Bjørg has nothing saved yet: her PDFs are there all the same
        await saved(client, leader, setup.enrolment(name), "cv", {"about_me": f"Jeg heter {name}."})
        await saved(client, leader, setup.enrolment(name), "plan", {"main_goal": f"Målet til {name}."})

    response = await client.get(f"/api/v1/cohorts/{setup.cohort['id']}/documents.zip", headers=leader)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/zip")
    name = disposition_name(response)
    assert "Vårkurs på Ørnes" in name and name.endswith(".zip")

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    entries = archive.infolist()
    assert len(entries) == 6 and len({e.filename for e in entries}) == 6
    for person in NAMES:
        mine = [e for e in entries if person in e.filename]
        assert len(mine) == 2, (person, [e.filename for e in entries])
        titles = set()
        for entry in mine:
            assert entry.filename.endswith(".pdf") and "/" not in entry.filename
            assert entry.flag_bits & 0x800  # the name is marked as UTF-8
            text = pdf_text(archive.read(entry))
            assert person in text
            titles.add(gettext("Resource CV") if gettext("Resource CV") in text else gettext("Action plan"))
        assert titles == {gettext("Resource CV"), gettext("Action plan")}, person
        if person != "Bjørg Ækre":
            assert any(f"Målet til {person}." in pdf_text(archive.read(e)) for e in mine)

    # Bjørg's primary contact, who does not lead the cohort, gets her two PDFs only.
    own = await client.get(f"/api/v1/cohorts/{setup.cohort['id']}/documents.zip", headers=contact_headers)
    assert own.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(own.content)).namelist()
    assert len(names) == 2 and all("Bjørg Ækre" in n for n in names)

    from course.audit.tables import AuditEvent

    # One event for each participant in each ZIP.
    zipped = await AuditEvent.select(AuditEvent.actor, AuditEvent.participant).where(
        AuditEvent.action == "documents_zipped"
    )
    people = {name: setup.people[name]["id"] for name in NAMES}
    assert sorted((r["actor"], r["participant"]) for r in zipped) == sorted(
        [(world.leader, pid) for pid in people.values()] + [(contact, people["Bjørg Ækre"])]
    )


async def test_a_measure_of_several_lines_prints_them_and_each_signature_has_a_date_line(client, world, as_):
    setup = await cohort_with(client, world, as_)
    leader = await as_("leader")
    what = "Søke arbeidspraksis på kjøkken\nRinge tre restauranter i Drammen\nTa med CV-en til intervju"
    await saved(client, leader, setup.enrolment(), "plan", {**PLAN, "measures": [{"what": what, "responsible": "me"}]})
    body = (await pdf_of(client, leader, setup.enrolment(), "plan")).content
    lines = [" ".join(line.split()) for line in (pdf_reader(body).pages[0].extract_text() or "").splitlines()]
    # Each line of the measure on a line of its own, in order.
    at = [next(i for i, line in enumerate(lines) if line.endswith(part)) for part in what.splitlines()]
    assert at == sorted(at) and len(set(at)) == 3, lines
    # The signatures: a date line beside each, for the participant and the primary contact.
    tail = " ".join(lines[lines.index(next(x for x in lines if x.startswith(gettext("Follow-up")))) :])
    assert tail.count(gettext("Date")) - tail.count(gettext("Date agreed")) == 2, tail
    assert f"{gettext('Participant')}: {SOLVI}" in tail and f"{gettext('Primary contact')}: Åse Ødegård" in tail
