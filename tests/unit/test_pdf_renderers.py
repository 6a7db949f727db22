"""The PDF renderers (course/pdf.py): how many each server process gets, and a cohort's
ZIP rendered in a pool of its own, behind single documents."""

from __future__ import annotations

import asyncio
import os

from hypothesis import given
from hypothesis import strategies as st

from course import pdf
from course.pdf import renderers_per_process


@given(st.integers(1, 256), st.integers(1, 64))
def test_the_processes_never_start_more_renderers_than_cores(cores, processes):
    each = renderers_per_process(cores, processes)
    assert each >= 1
    assert each * processes <= max(cores, processes)  # one each when there are more processes than cores
    assert (each + 1) * processes > cores or each == cores  # and the cores are used
    if processes == 1:
        assert each == cores


def test_the_renderers_follow_the_workers_told(monkeypatch):
    monkeypatch.setattr(pdf, "cpu_cores", lambda: 8)
    monkeypatch.setenv("KJK_WEB_WORKERS", "4")
    assert pdf.renderers() == 2
    monkeypatch.setenv("KJK_WEB_WORKERS", "nonsense")
    assert pdf.renderers() == 8
    monkeypatch.delenv("KJK_WEB_WORKERS")
    assert pdf.renderers() == 8


def _page(paragraphs: int) -> str:
    return "<html><body>" + "<p>Sølvi Åkerø Dæhli – ressurs-CV.</p>" * paragraphs + "</body></html>"


async def test_a_single_document_does_not_wait_behind_a_zip():
    """Three of a ZIP's PDFs queued first, then a single one: it is done before the ZIP's
    last, rendered by a renderer of its own at the normal priority; the ZIP's renderer
    runs one at a time, at a lower one."""
    try:
        loop = asyncio.get_running_loop()
        behind = await loop.run_in_executor(pdf.pool(bulk=True), os.nice, 0)
        normal = await loop.run_in_executor(pdf.pool(), os.nice, 0)
        assert behind == normal + pdf.BULK_NICENESS or behind == 19
        assert pdf.pool(bulk=True)._max_workers == 1

        finished: list[str] = []

        async def render(name: str, html: str, bulk: bool) -> None:
            body = await pdf.render(html, bulk=bulk)
            assert body.startswith(b"%PDF-")
            finished.append(name)

        zipped = [asyncio.create_task(render(f"zip {i}", _page(800), True)) for i in range(3)]
        await asyncio.sleep(0.05)
        await render("cv", _page(50), False)
        await asyncio.gather(*zipped)
        assert finished.index("cv") < finished.index("zip 2"), finished
        assert [n for n in finished if n != "cv"] == ["zip 0", "zip 1", "zip 2"]  # one at a time, in turn
    finally:
        pdf.shutdown()
