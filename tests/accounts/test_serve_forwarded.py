"""`kjk serve` itself: a changed X-Forwarded-For from a loopback peer is the same address
unless KJK_TRUSTED_PROXIES names loopback, and the log keeps the tried e-mail address and
the forwarded addresses out."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import httpx
import pytest

from tests.test_server_log import KJK, _start, _stop

pytestmark = pytest.mark.skipif(not KJK.is_file(), reason="the kjk script is not installed next to this Python")

EMAIL = "bjørn.ærlig@gjetning.no"


def _guesses(tmp_path: Path, trusted: str | None) -> tuple[list[int], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KJK_")}
    env.update(
        KJK_DATABASE_URL=f"sqlite:///{tmp_path / 'kjk.sqlite'}",
        KJK_VAR_DIR=str(tmp_path),
        KJK_SECRET_KEY=secrets.token_hex(20),
        PYTHONUNBUFFERED="1",
    )
    if trusted is not None:
        env["KJK_TRUSTED_PROXIES"] = trusted
    tmp_path.mkdir(parents=True, exist_ok=True)
    log = tmp_path / "serve.log"
    proc, port = _start(env, log)
    try:
        codes = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for i in range(8):
                response = client.post(
                    "/api/v1/auth/token",
                    json={"email": EMAIL, "password": "feil-passord-123456"},
                    headers={"X-Forwarded-For": f"198.18.7.{i}"},
                )
                codes.append(response.status_code)
    finally:
        _stop(proc)
    return codes, log.read_text(errors="replace")


def test_loopback_is_not_a_trusted_proxy_unless_configured(tmp_path: Path):
    codes, text = _guesses(tmp_path / "plain", None)
    # The tries are one address's: after three failures the delay holds the next ones up.
    assert codes[:3] == [401, 401, 401] and 429 in codes
    for secret in (EMAIL, "198.18.7.", "feil-passord"):
        assert secret not in text


def test_a_configured_proxy_forwards_each_clients_address(tmp_path: Path):
    codes, _ = _guesses(tmp_path / "proxied", "127.0.0.1,::1")
    assert codes == [401] * 8  # eight clients, one try each
