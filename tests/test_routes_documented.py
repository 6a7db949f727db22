"""Docs that cannot drift: every API route is in the OpenAPI schema and every
route is in the README's route table."""

from __future__ import annotations

import re

from course.settings import ROOT


def documented_paths() -> tuple[set[str], set[str]]:
    """Exact paths and prefixes (written ``/admin/…``) named in the README.
    ``/x[/{id}]`` stands for both ``/x`` and ``/x/{id}``."""
    exact, prefixes = set(), set()
    readme = re.sub(r"```.*?```", "", (ROOT / "README.md").read_text(), flags=re.S)
    for code in re.findall(r"`([^`]+)`", readme):
        path = (
            code.split()[-1] if code.split() and code.split()[0] in {"GET", "POST", "PUT", "PATCH", "DELETE"} else code
        )
        if not path.startswith("/"):
            continue
        if path.endswith("/…"):
            prefixes.add(path[:-1])
        elif "[" in path:
            base, optional = path.split("[", 1)
            exact |= {base, base + optional.rstrip("]")}
        else:
            exact.add(path)
    return exact, prefixes


async def test_every_route_is_documented(app):
    exact, prefixes = documented_paths()
    openapi = app.openapi_schema.paths or {}
    for route in app.routes:
        if route.path.startswith(("/schema", "/static")):
            continue
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        if path.startswith("/api/"):
            assert path in openapi, f"{path} is not in the OpenAPI schema"
        generic = re.sub(r"\{\w+\}", "{id}", path)
        assert path in exact or generic in exact or any(path.startswith(p) for p in prefixes), (
            f"{path} is not in the README's route table"
        )
