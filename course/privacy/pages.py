"""Pages for a participant's data as a whole: the export as PDF, erasure and
retention extensions."""

from __future__ import annotations

route_handlers: list = []
