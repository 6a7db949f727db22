"""Every action the audit log records reads in words on the audit page."""

from __future__ import annotations

import re

from course.audit import services as audit
from course.privacy.audit_views import ACTION_LABELS
from course.settings import ROOT


def test_every_recorded_action_has_a_label():
    constants = {value for name, value in vars(audit).items() if name.isupper() and isinstance(value, str)}
    written = set()
    for path in (ROOT / "course").rglob("*.py"):
        written |= set(re.findall(r"record\(\s*\"([a-z_]+)\"", path.read_text()))
    actions = {a for a in constants | written if re.fullmatch(r"[a-z]+(_[a-z]+)+|login|logout", a)}
    assert len(actions) > 40
    assert sorted(actions - set(ACTION_LABELS)) == []
