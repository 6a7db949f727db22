"""The API for a participant's data as a whole: export and erasure."""

from __future__ import annotations

from litestar import Router

privacy_api = Router(path="/", tags=["privacy"], route_handlers=[])
