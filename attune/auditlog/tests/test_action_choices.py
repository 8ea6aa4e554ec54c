"""The audit search's "What they did" list covers every kind of event Attune writes."""

from __future__ import annotations

import re
from pathlib import Path

from attune.auditlog.forms import ACTION_CHOICES

ACTION = re.compile(r'action="([a-z_]+)\.')


def test_every_app_that_writes_audit_events_can_be_searched_for() -> None:
    source = Path(__file__).resolve().parents[2]
    written = {
        match
        for path in source.rglob("*.py")
        if "tests" not in path.parts
        for match in ACTION.findall(path.read_text(encoding="utf-8"))
    }
    offered = {value.split(".")[0] for value, _ in ACTION_CHOICES if value}
    assert written, "expected to find audit actions in the source"
    assert written <= offered, f"no search choice for: {sorted(written - offered)}"
