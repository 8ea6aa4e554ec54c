"""``attune relational_audit_template --format json [--school URN]`` and ``--load FILE``.

Printing gives the template new audits use (the bundled Relational Approaches Audit unless the
school has loaded its own): areas, sections and items with their ids, for other tools to read.
Loading validates a school's own template file and reports each problem with its line.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.people.models import School
from attune.tenancy import school_scope
from attune.wholeschool.domain.audit_template import (
    AuditTemplate,
    InvalidTemplate,
    default_template,
)
from attune.wholeschool.selectors import template_in_use
from attune.wholeschool.services import RelationalAuditError, relational_audit_template_load


def template_as_dict(template: AuditTemplate) -> dict[str, Any]:
    return {
        "id": template.id,
        "version": template.version,
        "title": template.title,
        "citation": template.citation,
        "ratings": [
            {"id": r.rating.value, "label": r.label, "meaning": r.meaning} for r in template.ratings
        ],
        "areas": [
            {
                "id": area.id,
                "title": area.title,
                "sections": [
                    {
                        "id": section.id,
                        "title": section.title,
                        "items": [_item(asdict(item)) for item in section.items],
                    }
                    for section in area.sections
                ],
            }
            for area in template.areas
        ],
    }


def _item(raw: dict[str, Any]) -> dict[str, Any]:
    if not raw["prompts"]:
        del raw["prompts"]
    else:
        raw["prompts"] = list(raw["prompts"])
    return raw


class Command(BaseCommand):
    help = "Print the Relational Approaches Audit template, or load a school's own template."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json"], default="json", help="Output format.")
        parser.add_argument("--school", help="The school's URN (needed with --load).")
        parser.add_argument("--load", metavar="FILE", help="A template file (JSON) to load.")

    def handle(self, *args: Any, **options: Any) -> None:
        school = self._school(options["school"]) if options["school"] else None
        if options["load"]:
            if school is None:
                raise CommandError("--load needs --school URN: whose template is this?")
            self._load(school, Path(options["load"]))
            return
        if school is None:
            template = default_template()
        else:
            with school_scope(school):
                template = template_in_use(school)
        self.stdout.write(json.dumps(template_as_dict(template), indent=2, ensure_ascii=False))

    def _school(self, urn: str) -> School:
        school = School.objects.filter(urn=urn.strip()).first()
        if school is None:
            raise CommandError(f"No school with URN {urn}.")
        return school

    def _load(self, school: School, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Could not read {path}: {exc}") from exc
        try:
            with school_scope(school):
                made = relational_audit_template_load(school=school, text=text)
        except InvalidTemplate as exc:
            for error in exc.errors:
                self.stderr.write(f"{path}: {error.describe()}")
            raise CommandError(
                f"{path} was not loaded: {len(exc.errors)} problem(s), listed above."
            ) from exc
        except RelationalAuditError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Loaded '{made.title}' version {made.version} for {school.name}; "
            "new audits will use it."
        )
