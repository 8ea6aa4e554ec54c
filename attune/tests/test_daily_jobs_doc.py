"""docs/daily-jobs.md names the test that checks each count and the screenshot of each home:
both must exist, so the page cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "daily-jobs.md"


def test_every_named_test_exists() -> None:
    text = DOC.read_text()
    named = re.findall(r"`([a-z_/]+\.py)::(test_\w+)`", text)
    assert len(named) >= 8
    for path, name in named:
        source = (ROOT / "attune" / path).read_text()
        assert f"def {name}(" in source, f"{path}::{name}"


def test_every_screenshot_is_there() -> None:
    shots = re.findall(r"\]\((screenshots/[\w-]+\.png)\)", DOC.read_text())
    assert len(shots) >= 10  # every home, and the register
    for shot in shots:
        assert (DOC.parent / shot).is_file(), shot
