"""``attune relational_audit_template``: print the template in use, load one, refuse bad files."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from attune.tenancy import school_scope
from attune.testing import SchoolWorld
from attune.wholeschool.domain.audit_template import default_template
from attune.wholeschool.services import relational_audit_start

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("relational_audit_template", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_the_bundled_template_as_json() -> None:
    out, _ = run("--format", "json")
    data = json.loads(out)
    assert data["id"] == "relational-approaches-2025"
    ids = [i["id"] for a in data["areas"] for s in a["sections"] for i in s["items"]]
    assert ids == list(default_template().item_ids())
    assert [s["id"] for s in data["areas"][1]["sections"]] == ["ethos", "practice", "individual"]


def own_template(version: int = 2) -> str:
    out, _ = run("--format", "json")
    data = json.loads(out)
    data["id"], data["version"] = "hollybrook-audit", version
    data["areas"][0]["sections"][0]["items"][0]["text"] = "Our own first statement."
    return json.dumps(data, indent=2)


def test_a_school_loads_its_own_template_and_new_audits_use_it(
    world: SchoolWorld, tmp_path: Path
) -> None:
    path = tmp_path / "ours.json"
    path.write_text(own_template(), encoding="utf-8")

    out, _ = run("--load", str(path), "--school", world.school.urn)

    assert "Loaded 'Relational Approaches Audit' version 2 for Hollybrook" in out
    printed = json.loads(run("--format", "json", "--school", world.school.urn)[0])
    assert printed["id"] == "hollybrook-audit"
    with school_scope(world.school):
        made = relational_audit_start(actor=world.lead, school=world.school, today=date(2026, 1, 5))
    assert (made.template_id, made.template_version) == ("hollybrook-audit", 2)


def test_a_malformed_file_is_refused_with_line_and_reason(
    world: SchoolWorld, tmp_path: Path
) -> None:
    text = own_template().replace('"Our own first statement."', '""')
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"text": ""' in row)
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="was not loaded: 1 problem"):
        call_command(
            "relational_audit_template",
            "--load",
            str(path),
            "--school",
            world.school.urn,
            stderr=err,
        )
    assert f"line {line}, areas[0].sections[0].items[0].text: should not be empty" in err.getvalue()


def test_changed_wording_needs_a_new_version(world: SchoolWorld, tmp_path: Path) -> None:
    path = tmp_path / "ours.json"
    path.write_text(own_template(), encoding="utf-8")
    run("--load", str(path), "--school", world.school.urn)
    path.write_text(own_template().replace("Our own first", "Another"), encoding="utf-8")
    with pytest.raises(CommandError, match="Raise the version number"):
        run("--load", str(path), "--school", world.school.urn)


def test_load_needs_a_school(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="needs --school"):
        run("--load", str(tmp_path / "x.json"))
