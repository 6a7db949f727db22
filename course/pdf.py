"""PDFs: Jinja2 templates under ``templates/pdf/`` rendered by WeasyPrint.

Safety: WeasyPrint gets a fetcher that serves only the app's own static files
(fonts, stylesheet) from files under ``course/web/static``. Any other
URL (file://, http(s)://, data:, a path that climbs out of the static folder) is
refused without touching the network or the filesystem, and nothing is followed
anywhere else, so text a user types cannot make a render fetch anything.

Speed: the HTML is made in the app's process (templates, translations); turning it
into a PDF runs in a small process pool, so a render never blocks the event loop
and a burst of renders cannot take more than ``WORKERS`` cores.
"""

from __future__ import annotations

import asyncio
import mimetypes
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = (Path(__file__).resolve().parent / "web" / "static").resolve()
# Documents are rendered against this made-up origin; only its /static/ is served.
BASE_URL = "https://kjk.invalid/"
STATIC_PREFIX = BASE_URL + "static/"
WORKERS = max(1, min(2, os.cpu_count() or 1))


class Refused(ValueError):
    """A URL outside the app's own static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``https://kjk.invalid/static/…`` from the static folder, nothing else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)

    def fetch(self, url, headers=None):
        if not isinstance(url, str) or not url.startswith(STATIC_PREFIX) or "?" in url or "#" in url:
            raise Refused(f"not fetched: {url[:200]!r}")
        path = (STATIC_DIR / url.removeprefix(STATIC_PREFIX)).resolve()
        if not path.is_relative_to(STATIC_DIR) or not path.is_file():
            raise Refused(f"not fetched: {url[:200]!r}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".ttf":
            mime = "font/ttf"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


def write_pdf(html: str) -> bytes:
    """HTML to PDF bytes, in the calling process."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()


_pool: ProcessPoolExecutor | None = None


def _warm() -> None:
    # Loads WeasyPrint and its fonts once per worker, before the first real job.
    write_pdf("<p>.</p>")


def pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # forkserver: workers start from a clean process, not a copy of the
        # running app with its threads and open database connections.
        context = multiprocessing.get_context("forkserver")
        _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=context, initializer=_warm)
    return _pool


async def render(html: str) -> bytes:
    """HTML to PDF bytes in the pool, without blocking the event loop."""
    return await asyncio.get_running_loop().run_in_executor(pool(), write_pdf, html)


def shutdown() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
