"""The PDF renderers end with the server: after kill -9 of the process that started
them, none of its renderers (nor anything else it started) stays behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SERVER = """
import asyncio, os, sys
from course import pdf

async def main():
    # Both pools, so both kinds of renderer exist; then the pids of the renderers.
    await pdf.render("<p>Sølvi Åkerø</p>")
    await pdf.render("<p>Bjørn Åsheim</p>", bulk=True)
    loop = asyncio.get_running_loop()
    single = await loop.run_in_executor(pdf.pool(), os.getpid)
    bulk = await loop.run_in_executor(pdf.pool(bulk=True), os.getpid)
    print(single, bulk, flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


def _parents() -> dict[int, int]:
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            out[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return out


def _descendants(pid: int) -> set[int]:
    parents = _parents()
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def test_the_renderers_end_when_the_server_is_killed():
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "KJK_WEB_WORKERS": "1"},
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        renderers = {int(pid) for pid in line.split()}
        assert len(renderers) == 2, line
        started = _descendants(server.pid)
        assert renderers <= started  # the renderers, the forkserver, perhaps a resource tracker
        assert all(_alive(pid) for pid in started)

        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=5)
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and any(_alive(pid) for pid in started):
            time.sleep(0.1)
        assert not [pid for pid in started if _alive(pid)], "left behind after kill -9"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
