"""A cohort's ZIP from the pages, made in the background: the cohort page's button
starts a job (CSRF), its progress page counts the PDFs ("12 av 24"), with htmx and
without script, and offers the download once; only the staff member who started it
reaches the page and the file, which is emptied once fetched and gone after its hour;
a job whose process stopped says so and offers to try again."""

from __future__ import annotations

import io
import json
import logging
import secrets
import zipfile
from datetime import timedelta

import pytest

from course import clock, pdf
from course.audit.tables import AuditEvent
from course.db import write_transaction
from course.documents import services
from course.documents.tables import ZipJob
from course.web.i18n import gettext
from tests.conftest import EMAILS, csrf_from
from tests.documents.conftest import SOLVI, cohort_with, login, saved, start_zip, wait_for_zip
from tests.participants.helpers import office_a_leader

NAMES = (SOLVI, "Åsmund Ørnes")


@pytest.fixture
async def setup(client, world, as_):
    course = await cohort_with(client, world, as_, names=NAMES, title="Høstkurs på Åsen")
    leader = await as_("leader")
    for name in NAMES:
        await saved(client, leader, course.enrolment(name), "cv", {"about_me": f"Jeg heter {name}."})
    return course


async def started(client, cohort_id: int) -> str:
    """Start the ZIP as the logged-in user; answers its progress page's path."""
    response = await start_zip(client, cohort_id)
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def job_row(path: str) -> dict:
    return await ZipJob.select().where(ZipJob.key == path.rsplit("/", 1)[1]).first()


async def a_job(world, cohort_id: int, **columns) -> str:
    """A job row as a process would have left it; answers its progress page's path."""
    now = clock.utc_now()
    values = {
        "key": secrets.token_urlsafe(32),
        "staff": world.leader,
        "cohort": cohort_id,
        "status": "running",
        "done": 12,
        "total": 24,
        "created_at": now,
        "heartbeat_at": now,
        "expires_at": now + services.ZIP_KEPT,
        "file_name": "kurs – dokumenter.zip",
        **columns,
    }
    await ZipJob.insert(ZipJob(**values))
    return f"/documents/zip/{values['key']}"


async def test_the_zip_is_made_in_the_background_and_downloaded_once(client, world, setup):
    await login(client, EMAILS["leader"])
    progress = await started(client, setup.cohort["id"])
    page = await wait_for_zip(client, progress)
    assert gettext("The ZIP is ready: %(total)s documents.") % {"total": 4} in page
    assert f'href="{progress}/download"' in page
    assert await AuditEvent.count().where(AuditEvent.action == "documents_zipped") == 0  # not fetched yet

    download = await client.get(f"{progress}/download")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/zip")
    assert "attachment" in download.headers["content-disposition"] and "no-store" in download.headers["cache-control"]
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert len(names) == 4 and all(any(n in name for n in NAMES) for name in names)

    # Fetched once: emptied from the database, and a second download is not found.
    row = await job_row(progress)
    assert row["status"] == "downloaded" and row["body"] is None
    assert (await client.get(f"{progress}/download")).status_code == 404
    page = await client.get(progress)
    assert gettext("Downloaded. The file is deleted from the server.") in page.text
    assert f'action="/cohorts/{setup.cohort["id"]}/documents/zip"' in page.text  # and a new one may be made

    # Audited when fetched, as the API's ZIP is: one event for each participant in it.
    zipped = await AuditEvent.select(AuditEvent.actor, AuditEvent.participant, AuditEvent.details).where(
        AuditEvent.action == "documents_zipped"
    )
    assert sorted((r["actor"], r["participant"]) for r in zipped) == sorted(
        (world.leader, setup.people[name]["id"]) for name in NAMES
    )
    details = [json.loads(r["details"]) if isinstance(r["details"], str) else r["details"] for r in zipped]
    assert {d["cohort"] for d in details} == {setup.cohort["id"]}


@pytest.mark.parametrize("who", ["admin", "contact", "leader_b"])
async def test_only_the_one_who_started_it_reaches_the_page_and_the_file(client, world, as_, setup, who):
    await login(client, EMAILS["leader"])
    progress = await started(client, setup.cohort["id"])
    await wait_for_zip(client, progress)
    if who == "contact":
        await office_a_leader(world, "torbjorn@a.no", "Torbjørn Ås")
    await login(client, {"contact": "torbjorn@a.no"}.get(who) or EMAILS[who])
    page = await client.get(progress)
    assert page.status_code == 404
    assert "Høstkurs" not in page.text
    download = await client.get(f"{progress}/download")
    assert download.status_code == 404 and not download.content.startswith(b"PK")
    assert (await job_row(progress))["status"] == "done"  # still there for its owner
    client.cookies.clear()
    assert (await client.get(progress)).status_code in (302, 303)  # to the login page


async def test_the_progress_page_counts_and_polls_with_and_without_script(client, world, setup):
    await login(client, EMAILS["leader"])
    progress = await a_job(world, setup.cohort["id"])
    page = await client.get(progress)
    assert page.status_code == 200
    counted = gettext("Making the ZIP: %(done)s of %(total)s documents.") % {"done": 12, "total": 24}
    assert counted in page.text and "12 av 24" in page.text
    assert f'hx-get="{progress}" hx-trigger="every 2s"' in page.text
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page.text  # without script
    assert f'<a href="{progress}">' in page.text  # and by hand
    assert "download" not in page.text
    # htmx asks for the status alone.
    partial = await client.get(progress, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and counted in partial.text
    assert "<html" not in partial.text and partial.text.lstrip().startswith("<section")


async def test_a_job_whose_process_stopped_fails_with_a_way_to_try_again(client, world, setup):
    await login(client, EMAILS["leader"])
    progress = await a_job(world, setup.cohort["id"], heartbeat_at=clock.utc_now() - services.STALE * 2)
    page = await client.get(progress)
    assert page.status_code == 200
    assert gettext("Making the ZIP stopped because the server was restarted.") in page.text
    assert 'hx-trigger="every' not in page.text
    assert f'action="/cohorts/{setup.cohort["id"]}/documents/zip"' in page.text
    assert gettext("Try again") in page.text
    row = await job_row(progress)
    assert (row["status"], row["error"]) == ("failed", "stopped")
    # Trying again makes a new job that finishes.
    again = await started(client, setup.cohort["id"])
    assert again != progress
    assert gettext("The ZIP is ready: %(total)s documents.") % {"total": 4} in await wait_for_zip(client, again)


async def test_a_fresh_job_still_running_is_not_stale(client, world, setup):
    await login(client, EMAILS["leader"])
    progress = await a_job(world, setup.cohort["id"], heartbeat_at=clock.utc_now() - services.STALE / 2)
    assert 'hx-trigger="every 2s"' in (await client.get(progress)).text
    assert (await job_row(progress))["status"] == "running"
    # A second press while it runs (a double click) leads to the same job.
    assert await started(client, setup.cohort["id"]) == progress


async def test_an_expired_zip_is_not_found_and_cleared(client, world, setup):
    await login(client, EMAILS["leader"])
    now = clock.utc_now()
    gone = await a_job(world, setup.cohort["id"], status="done", body=b"PK...", expires_at=now - timedelta(seconds=1))
    kept = await a_job(world, setup.cohort["id"], done=3, status="done", body=b"PK...")
    assert (await client.get(gone)).status_code == 404
    assert (await client.get(f"{gone}/download")).status_code == 404
    assert await services.purge_zip_jobs(clock.utc_now(), dry_run=True) == 1
    assert await ZipJob.count() == 2
    assert await services.purge_zip_jobs(clock.utc_now()) == 1
    assert [r["key"] for r in await ZipJob.select(ZipJob.key)] == [kept.rsplit("/", 1)[1]]
    # Past its hour the kept one goes too.
    assert await services.purge_zip_jobs(clock.utc_now() + services.ZIP_KEPT) == 1
    assert await ZipJob.count() == 0


async def test_starting_needs_the_csrf_token_and_the_right_to_the_documents(client, world, setup):
    await login(client, EMAILS["leader"])
    refused = await client.post(f"/cohorts/{setup.cohort['id']}/documents/zip")
    assert refused.status_code == 403
    assert await ZipJob.count() == 0
    for who, expected in (("manager", 403), ("leader_b", 404), ("manager_b", 403)):
        await login(client, EMAILS[who])
        token = csrf_from((await client.get("/", follow_redirects=True)).text)
        response = await client.post(f"/cohorts/{setup.cohort['id']}/documents/zip", data={"_csrf_token": token})
        assert response.status_code == expected, who
    assert await ZipJob.count() == 0


async def test_a_failed_render_fails_the_job_without_a_name_in_the_log(client, world, setup, monkeypatch, caplog):
    async def broken(html: str, *, bulk: bool = False) -> bytes:
        raise RuntimeError(f"could not render {SOLVI}")

    monkeypatch.setattr(pdf, "render", broken)
    await login(client, EMAILS["leader"])
    with caplog.at_level(logging.INFO):
        progress = await started(client, setup.cohort["id"])
        page = await wait_for_zip(client, progress)
    assert gettext("Something went wrong while making the ZIP.") in page
    assert gettext("Try again") in page
    assert (await job_row(progress))["status"] == "failed"
    assert "ZIP job" in caplog.text and "RuntimeError" in caplog.text
    assert SOLVI not in caplog.text and "Sølvi" not in caplog.text


async def test_erasing_a_participant_deletes_the_zips_of_their_cohorts(client, world, setup):
    await login(client, EMAILS["leader"])
    progress = await started(client, setup.cohort["id"])
    await wait_for_zip(client, progress)
    async with write_transaction():
        await services.erase_documents(setup.people[SOLVI]["id"])
    assert await ZipJob.count() == 0
    assert (await client.get(f"{progress}/download")).status_code == 404
