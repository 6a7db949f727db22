"""Health checks for a load balancer or an orchestrator: open to anyone, no session,
nothing about the data. ``/healthz``: the process answers. ``/readyz``: it can serve
requests: the database answers and every migration has been applied."""

from __future__ import annotations

import msgspec
from litestar import Response, get

from course import db


class Health(msgspec.Struct):
    status: str  # ok | ready | not ready
    reason: str | None = None  # why not ready: database or migrations


@get("/healthz", include_in_schema=False, cache=False)
async def healthz() -> Health:
    return Health("ok")


@get("/readyz", include_in_schema=False, cache=False)
async def readyz() -> Response[Health]:
    try:
        pending = await db.pending_migrations()
    except Exception:  # the database does not answer: not ready, whatever the error
        return Response(Health("not ready", "database"), status_code=503)
    if pending:
        return Response(Health("not ready", "migrations"), status_code=503)
    return Response(Health("ready"))


route_handlers = [healthz, readyz]
