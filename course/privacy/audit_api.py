"""The audit log in the API, for administrators."""

from __future__ import annotations

from litestar import Router

audit_api = Router(path="/", tags=["audit"], route_handlers=[])
