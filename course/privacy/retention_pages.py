"""Retention: extending how long a participant's data is kept, with a reason."""

from __future__ import annotations

route_handlers: list = []
