"""The administrator's pages for the participants domain: the consent texts."""

from __future__ import annotations

route_handlers: list = []
