"""Builders for the resource CV and action plan tests: a running cohort led by the
office A leader with participants enrolled, a personal link, cookie logins, and
reading PDFs with pypdf."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import date

import pypdf
import pytest

from course import clock
from tests.conftest import csrf_from, web_login
from tests.participants.helpers import (
    as_,  # noqa: F401  (fixture)
    enrolled,
    participant,
    running_cohort,
)

SOLVI = "Sølvi Åkerø Dæhli"
KINDS = ("cv", "plan")

# A Wednesday with ten holiday-free weeks before it and twelve after: the running
# cohort's sessions, and deadlines and follow-ups weeks ahead, are working days.
TODAY = date(2027, 8, 25)


@pytest.fixture(autouse=True)
def today():
    with clock.starting(TODAY):  # noon that day, running: rows written in turn keep their order
        yield TODAY


@dataclass
class Setup:
    cohort: dict
    people: dict[str, dict]  # name → participant
    enrolments: dict[str, int]  # name → enrolment id

    def enrolment(self, name: str = SOLVI) -> int:
        return self.enrolments[name]


async def cohort_with(client, world, role_headers, names=(SOLVI,), **changes) -> Setup:
    """A running cohort led by the office A leader, with these participants enrolled
    (each with the office A leader as primary contact unless ``contacts`` says otherwise).
    ``role_headers`` is the ``as_`` fixture."""
    contacts = changes.pop("contacts", {})
    leader, admin = await role_headers("leader"), await role_headers("admin")
    course = await running_cohort(client, world, admin, **changes)
    people, enrolments = {}, {}
    for name in names:
        extra = {"primary_contact_id": contacts[name]} if name in contacts else {}
        people[name] = await participant(client, leader, world, name=name, **extra)
        enrolments[name] = (await enrolled(client, leader, course["id"], people[name]["id"]))["id"]
    return Setup(course, people, enrolments)


async def personal_token(client, headers, participant_id: int) -> str:
    response = await client.post(f"/api/v1/participants/{participant_id}/link", headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["url"].rsplit("/p/", 1)[1]


async def login(client, email: str) -> None:
    """A cookie session for the pages, in place of any earlier one."""
    client.cookies.clear()
    response = await web_login(client, email)
    assert response.status_code in (302, 303), response.text


async def save(client, headers, enrolment_id: int, kind: str, content: dict, version=None):
    """A save from ``version``; left out, from the newest, as an editor that has just read it."""
    url = f"/api/v1/enrolments/{enrolment_id}/{kind}"
    if version is None:
        newest = await client.get(url, headers=headers)
        version = newest.json()["version"] if newest.status_code == 200 else 0
    return await client.put(url, json={"content": content, "version": version}, headers=headers)


async def saved(client, headers, enrolment_id: int, kind: str, content: dict, version=None) -> dict:
    response = await save(client, headers, enrolment_id, kind, content, version)
    assert response.status_code == 200, response.text
    return response.json()


async def versions(client, headers, enrolment_id: int, kind: str) -> list[dict]:
    response = await client.get(f"/api/v1/enrolments/{enrolment_id}/{kind}/versions", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def pdf_reader(body: bytes) -> pypdf.PdfReader:
    assert body.startswith(b"%PDF-"), body[:100]
    return pypdf.PdfReader(io.BytesIO(body))


def page_texts(body: bytes) -> list[str]:
    """Each page's text, with runs of white space as one space."""
    return [" ".join((page.extract_text() or "").split()) for page in pdf_reader(body).pages]


def pdf_text(body: bytes) -> str:
    return " ".join(page_texts(body))


def fonts_of(body: bytes) -> list[dict]:
    """Every font dictionary used on the PDF's pages (descendants of Type0 fonts too)."""
    found = []
    for page in pdf_reader(body).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            found.append(font)
            for descendant in font.get("/DescendantFonts", []):
                found.append(descendant.get_object())
    return found


async def start_zip(client, cohort_id: int):
    """The cohort page's ZIP button, pressed: a POST with the session's CSRF token."""
    token = csrf_from((await client.get("/", follow_redirects=True)).text)
    return await client.post(f"/cohorts/{cohort_id}/documents/zip", data={"_csrf_token": token})


async def wait_for_zip(client, progress_path: str, *, seconds: float = 60) -> str:
    """The progress page once the job has stopped running (its renders go on in this
    test's event loop meanwhile)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        page = await client.get(progress_path)
        assert page.status_code == 200, page.text
        if 'hx-trigger="every' not in page.text:
            return page.text
        assert asyncio.get_running_loop().time() < deadline, "the ZIP job did not finish"
        await asyncio.sleep(0.05)


async def zip_through_pages(client, cohort_id: int):
    """Start the cohort's ZIP from its page, wait for it and download it: the download's
    response, or the refusal of the start when it was refused."""
    started = await start_zip(client, cohort_id)
    if started.status_code != 303:
        return started
    progress = started.headers["location"]
    assert progress.startswith("/documents/zip/")
    await wait_for_zip(client, progress)
    return await client.get(f"{progress}/download")
