"""PDFs: Jinja2 templates under ``templates/pdf/`` rendered by WeasyPrint.

Safety: WeasyPrint gets a fetcher that serves only the app's own static files
(fonts, stylesheet) from files under ``course/web/static``. Any other
URL (file://, http(s)://, data:, a path that climbs out of the static folder) is
refused without touching the network or the filesystem, and nothing is followed
anywhere else, so text a user types cannot make a render fetch anything.

Speed: the HTML is made in the app's process (templates, translations); turning it
into a PDF runs in small process pools, so a render never blocks the event loop.

Renderers per machine: rendering is pure CPU work, so the machine's cores are shared
out between the server processes (``kjk serve --workers N`` tells each one N): each
process gets ``max(1, cores // N)`` renderers for single documents, and N processes
never start more of them than there are cores (unless N is larger than the cores, when
each still gets one).

Fairness: a cohort's ZIP (24 PDFs) must not hold up someone's single CV. Its PDFs
(``bulk``) go to a pool of their own, of one renderer at the lowest CPU priority but
one: a ZIP renders one PDF at a time, never in the single documents' renderers, and
takes only the CPU single documents leave. So a CV asked for while a ZIP is made never
waits behind the ZIP's PDFs, neither in a queue nor for a core. Pools start their
renderers when first used, not before.

Accessible: every PDF is tagged PDF/UA-1 (structure tree, marked content, XMP metadata
with the title, the document's language, the title shown in the viewer's title bar), so a
screen reader reads it in order. The title and author come from the template's <title>
and <meta name="author">, the language from <html lang> (templates/pdf/base.html).

Renderers die with the server: a renderer asks the kernel for SIGTERM when its parent
ends (prctl PR_SET_PDEATHSIG, Linux) and watches the server from a thread, so a server
killed with kill -9 leaves no renderers (nor forkserver) behind.
"""

from __future__ import annotations

import asyncio
import mimetypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from course.settings import cpu_cores, web_workers

STATIC_DIR = (Path(__file__).resolve().parent / "web" / "static").resolve()
# Documents are rendered against this made-up origin; only its /static/ is served.
BASE_URL = "https://kjk.invalid/"
STATIC_PREFIX = BASE_URL + "static/"
# The ZIPs' renderer: one a process, at this niceness (0 normal, 19 the lowest).
BULK_RENDERERS = 1
BULK_NICENESS = 10
# Tagged for screen readers, with XMP metadata, language and title shown (see above).
PDF_VARIANT = "pdf/ua-1"
# Linux's prctl option: the signal a process gets when its parent ends.
PR_SET_PDEATHSIG = 1
# How often a renderer looks whether the server is still there.
WATCH_SECONDS = 1.0


def renderers_per_process(cores: int, processes: int) -> int:
    """The single documents' renderers one of ``processes`` server processes on a machine
    of ``cores`` cores gets."""
    return max(1, max(1, cores) // max(1, processes))


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
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(pdf_variant=PDF_VARIANT)


_pools: dict[bool, ProcessPoolExecutor] = {}


def renderers() -> int:
    """This process's renderers for single documents: the machine's cores shared out
    between the server's processes."""
    return renderers_per_process(cpu_cores(), web_workers())


def _die_with_parent(server: int) -> None:
    """Ends this renderer when the server process whose pool it is ends, even by kill -9.

    A renderer's parent is the forkserver, not the server, and the forkserver lives on
    while any renderer does. So: the kernel sends SIGTERM if the forkserver ends
    (prctl PR_SET_PDEATHSIG, Linux), and a thread looks every second whether the
    server (and the parent) are still there, everywhere."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    # Either may have ended before this: then no signal comes, and nothing to watch.
    if _orphaned(parent, server):
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, server), name="parent-watch", daemon=True).start()


def _orphaned(parent: int, server: int) -> bool:
    if os.getppid() != parent:
        return True
    try:
        os.kill(server, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    return False


def _watch(parent: int, server: int) -> None:
    while not _orphaned(parent, server):
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _warm(server: int) -> None:
    # Loads WeasyPrint and its fonts once per worker, before the first real job.
    _die_with_parent(server)
    write_pdf("<p>.</p>")


def _warm_behind(server: int) -> None:
    # A ZIP's renderer gives way: the CPU goes to single documents (and pages) first.
    os.nice(BULK_NICENESS)
    _warm(server)


def pool(bulk: bool = False) -> ProcessPoolExecutor:
    """The single documents' pool, or with ``bulk`` the ZIPs'."""
    if bulk not in _pools:
        # forkserver: workers start from a clean process, not a copy of the
        # running app with its threads and open database connections.
        context = multiprocessing.get_context("forkserver")
        _pools[bulk] = ProcessPoolExecutor(
            max_workers=BULK_RENDERERS if bulk else renderers(),
            mp_context=context,
            initializer=_warm_behind if bulk else _warm,
            initargs=(os.getpid(),),
        )
    return _pools[bulk]


async def render(html: str, *, bulk: bool = False) -> bytes:
    """HTML to PDF bytes in a pool, without blocking the event loop. ``bulk``: one of
    a cohort's ZIP, rendered behind single documents (see above)."""
    return await asyncio.get_running_loop().run_in_executor(pool(bulk), write_pdf, html)


def shutdown() -> None:
    while _pools:
        _pools.popitem()[1].shutdown(wait=True, cancel_futures=True)
