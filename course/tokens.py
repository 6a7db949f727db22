"""Secret tokens (sessions, API keys, calendar feeds) are stored only as digests."""

from __future__ import annotations

import hashlib


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
