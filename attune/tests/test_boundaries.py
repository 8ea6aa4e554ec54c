"""The shape of the code: apps meet only through each other's public names, and every app
is in the architecture notes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps

SOURCE = Path(__file__).resolve().parents[1]
ARCHITECTURE = SOURCE.parent / "docs" / "architecture.md"


def _app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "attune" else ""


def _module_of(path: Path) -> str:
    relative = path.relative_to(SOURCE.parent).with_suffix("")
    return ".".join(part for part in relative.parts if part != "__init__")


def test_no_app_imports_another_apps_private_names() -> None:
    """``from attune.plans.pdf import _plain`` in another app couples it to a detail that
    its owner may change at any time: share it under a public name, or keep it private."""
    crossings = []
    for path in SOURCE.rglob("*.py"):
        importer = _module_of(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            imported = node.module
            if _app_of(imported) == _app_of(importer) or not imported.startswith("attune."):
                continue
            private = [a.name for a in node.names if a.name.startswith("_")]
            hidden_module = any(part.startswith("_") for part in imported.split("."))
            if private or hidden_module:
                crossings.append(f"{importer} imports {imported}: {private or '(module)'}")
    assert not crossings, "\n".join(crossings)


def test_every_installed_app_has_its_row_in_the_architecture_notes() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE))
    ours = {
        config.name.split(".")[1]
        for config in apps.get_app_configs()
        if config.name.startswith("attune.")
    }
    packages = {"access"}  # below the apps: no models, so not installed, but in the notes too
    missing = sorted((ours | packages) - rows)
    assert not missing, f"docs/architecture.md has no row for: {missing}"
    stale = sorted(rows - ours - packages)
    assert not stale, f"docs/architecture.md describes apps that are gone: {stale}"
