"""Health checks: open to anyone, on both engines; not ready while the database is out
of reach or a migration is pending."""

from __future__ import annotations

from course import db


async def test_the_process_and_the_database_are_ready(client):
    alive = await client.get("/healthz")
    assert (alive.status_code, alive.json()) == (200, {"status": "ok", "reason": None})
    assert "set-cookie" not in alive.headers
    ready = await client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "reason": None})


async def test_not_ready_with_a_migration_pending_or_no_database(client, monkeypatch):
    async def pending():
        return ["2099-01-01T00:00:00:000000"]

    monkeypatch.setattr(db, "pending_migrations", pending)
    waiting = await client.get("/readyz")
    assert (waiting.status_code, waiting.json()["reason"]) == (503, "migrations")

    async def unreachable():
        raise OSError("connection refused")

    monkeypatch.setattr(db, "pending_migrations", unreachable)
    down = await client.get("/readyz")
    assert (down.status_code, down.json()) == (503, {"status": "not ready", "reason": "database"})
    assert (await client.get("/healthz")).status_code == 200
