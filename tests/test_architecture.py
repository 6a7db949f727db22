"""The code's boundaries, checked on every run: domains import in one declared order,
and a name that starts with ``_`` never crosses a module."""

from __future__ import annotations

import ast

from course.settings import ROOT

# A domain may import only those before it. Below them all: audit, web and the shared
# modules at the top of course/; above them: the two doors that gather several domains
# (the staff start page and the participant's own pages), then the CLI and the app.
ORDER = [
    "accounts",
    "cohorts",
    "participants",
    "guidance",
    "messages",
    "evaluations",
    "documents",
    "privacy",
    "home",
    "portal",
]
# The doors: only the app imports them. What two doors share lives in a views module.
DOORS = (
    "pages",
    "api",
    "admin_pages",
    "audit_pages",
    "audit_api",
    "retention_pages",
    "path_api",
    "path_pages",
    "reflection_api",
    "reflection_pages",
    "attendance_export_api",
    "attendance_export_pages",
    "follow_up_api",
    "follow_up_pages",
    "outcome_api",
    "outcome_pages",
    "say_pages",
)


def sources():
    for path in sorted((ROOT / "course").rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def domain_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "course" and parts[1] in ORDER else None


def test_domains_import_only_those_before_them():
    found = set()
    for name, tree in sources():
        own = domain_of(name.removesuffix(".py").replace("/", "."))
        if own is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                target = domain_of(node.module + ".x")
                if target and ORDER.index(target) > ORDER.index(own):
                    found.add((name, target))
    assert found == set(), "imports against the domain order"


def test_only_the_app_imports_a_door():
    found = []
    for name, tree in sources():
        if name == "course/app.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("course"):
                modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                if any(m.split(".")[-1] in DOORS and m.count(".") >= 2 for m in modules):
                    found.append(f"{name}: from {node.module} import {', '.join(a.name for a in node.names)}")
    assert found == []


def test_every_hook_is_answered():
    """Every hook and every event in every domain's hooks module is connected."""
    import importlib

    import course.app  # noqa: F401 (imports the wiring, as the app does)
    from course.hooks import Event, Hook

    modules = [
        importlib.import_module(path.relative_to(ROOT).with_suffix("").as_posix().replace("/", "."))
        for path in sorted((ROOT / "course").glob("*/hooks.py"))
    ]
    found = {
        f"{module.__name__}.{name}": h
        for module in modules
        for name, h in vars(module).items()
        if isinstance(h, Hook | Event)
    }
    assert len(modules) == 3 and len(found) >= 12
    assert [name for name, h in found.items() if not h.connected] == []


def test_no_private_name_crosses_a_module():
    crossing = []
    for name, tree in sources():
        aliases = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("course"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        crossing.append(f"{name}: from {node.module} import {alias.name}")
                    aliases.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                aliases |= {a.asname or a.name for a in node.names if a.name.startswith("course")}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                crossing.append(f"{name}: {node.value.id}.{node.attr}")
    assert crossing == []


def test_the_checks_see_the_code():
    names = {name for name, _tree in sources()}
    assert len(names) > 50 and "course/evaluations/services.py" in names


def test_one_clock():
    """Only course/clock.py reads the system's date and time (Europe/Oslo, frozen in tests)."""
    readers = []
    for name, tree in sources():
        if name == "course/clock.py":
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("today", "now", "utcnow")
                and isinstance(node.value, ast.Name)
                and node.value.id in ("date", "datetime")
            ):
                readers.append(f"{name}:{node.lineno}")
    assert readers == []
