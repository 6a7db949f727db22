"""The administrator's audit log: every read and change of personal data, filtered and exported."""

from __future__ import annotations

route_handlers: list = []
