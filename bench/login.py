"""Times the login path and a signed-in page against a bare baseline, in one run.

Starts the real server (SQLite in a temporary folder, demo data), then measures
with one HTTP client on loopback:
  baseline   GET /static/css/app.css (no session, no database)
  page       GET / as a signed-in leader (session lookup + office query + template)
  login      POST /login (argon2id verification, session written)
  page+login GET / latency while 4 logins run at once: hashing runs in worker
             threads, so pages should stay near their solo latency.
Prints medians and ratios to the baseline. Usage: python bench/login.py [rounds]
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

PASSWORD = "klart-jeg-kan-demo"
LEADER = "ase.bo@demo.kjk.no"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def timed(coro) -> float:
    start = time.perf_counter()
    await coro
    return time.perf_counter() - start


async def login(client: httpx.AsyncClient) -> httpx.Response:
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    return await client.post("/login", data={"email": LEADER, "password": PASSWORD, "_csrf_token": token})


async def measure(base: str, rounds: int) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base) as anon, httpx.AsyncClient(base_url=base) as leader:
        assert (await login(leader)).status_code == 302
        for _ in range(20):  # warm up
            await anon.get("/static/css/app.css")
            await leader.get("/")
        baseline = [await timed(anon.get("/static/css/app.css")) for _ in range(rounds)]
        page = [await timed(leader.get("/")) for _ in range(rounds)]
        logins = []
        for _ in range(max(5, rounds // 20)):
            async with httpx.AsyncClient(base_url=base) as c:
                page_html = await c.get("/login")
                token = re.search(r'name="_csrf_token" value="([^"]+)"', page_html.text).group(1)
                logins.append(
                    await timed(c.post("/login", data={"email": LEADER, "password": PASSWORD, "_csrf_token": token}))
                )

        async def background_logins():
            clients = [httpx.AsyncClient(base_url=base) for _ in range(4)]
            try:
                await asyncio.gather(*(login(c) for c in clients))
            finally:
                for c in clients:
                    await c.aclose()

        under_load = []
        for _ in range(5):
            task = asyncio.create_task(background_logins())
            await asyncio.sleep(0.01)
            while not task.done():
                under_load.append(await timed(leader.get("/")))
            await task
    return {
        "baseline": statistics.median(baseline),
        "page": statistics.median(page),
        "login": statistics.median(logins),
        "page during 4 logins": statistics.median(under_load),
    }


@contextlib.contextmanager
def demo_server(seed: list[str] | None = None):
    """The real server on a fresh SQLite database with the demo data; yields its base URL.
    ``seed`` is a command run with the same environment after the demo data is in."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "KJK_VAR_DIR": tmp, "KJK_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite"}
        env.pop("KJK_SECRET_KEY", None)
        subprocess.run([sys.executable, "-m", "course", "demo"], env=env, check=True, capture_output=True)
        if seed:
            subprocess.run(seed, env=env, check=True)
        with serving(env) as base:
            yield base


@contextlib.contextmanager
def serving(env: dict):
    """``kjk serve`` on a free port with the environment given, once it answers; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "course", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with demo_server() as base:
        results = asyncio.run(measure(base, rounds))
    base_ms = results["baseline"] * 1000
    print(f"{'what':24} {'median ms':>10} {'× baseline':>11}")
    for name, seconds in results.items():
        print(f"{name:24} {seconds * 1000:10.2f} {seconds * 1000 / base_ms:11.1f}")
    print(f"\npage during logins / page alone: {results['page during 4 logins'] / results['page']:.1f}×")


if __name__ == "__main__":
    main()
