"""Audit templates as data: loading and validating the Relational Approaches Audit.

A template is versioned JSON (see ``attune/wholeschool/audit_templates/``): areas hold
sections, sections hold items, and each item is rated red, amber or green. Loading never
stops at the first problem: every problem is collected with a JSON-path-like location
(``areas[1].sections[0].items[3].text``) so whoever edits a template can fix them all at once.

Based on Toolkit 1 of the Relational Approaches guide and toolkit (Virtual School Kent and
Kent Educational Psychology Service, 2025).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_TEMPLATE_FILE = "relational-approaches-2025.json"

# Ids are stable keys stored against ratings, so keep them plain: lowercase words and digits
# joined by dots or hyphens ("safe.ethos.1").
_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")


class Rating(StrEnum):
    """A RAG rating, in order from least to most evidence."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class ErrorCode(StrEnum):
    """Machine codes for template problems; tests and callers match on these."""

    INVALID_JSON = "audit_template.invalid_json"
    MISSING = "audit_template.missing"
    WRONG_TYPE = "audit_template.wrong_type"
    EMPTY = "audit_template.empty"
    UNKNOWN_KEY = "audit_template.unknown_key"
    BAD_ID = "audit_template.bad_id"
    DUPLICATE_ID = "audit_template.duplicate_id"
    RATINGS = "audit_template.ratings"


@dataclass(frozen=True, slots=True)
class TemplateError:
    """One problem in a template, with where it is."""

    path: str
    message: str
    code: ErrorCode = ErrorCode.WRONG_TYPE
    line: int | None = None  # in the file, when the template came from JSON text

    def describe(self) -> str:
        where = f"line {self.line}, {self.path}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class InvalidTemplate(ValueError):
    """Raised with every problem found in a template, not just the first."""

    code = "audit_template.invalid"

    def __init__(self, errors: list[TemplateError] | tuple[TemplateError, ...]) -> None:
        self.errors = tuple(errors)
        lines = "; ".join(e.describe() for e in self.errors)
        super().__init__(f"This audit template has {len(self.errors)} problem(s): {lines}")


@dataclass(frozen=True, slots=True)
class RatingLevel:
    rating: Rating
    label: str
    meaning: str


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    text: str
    prompts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    title: str
    sections: tuple[Section, ...]

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items


@dataclass(frozen=True, slots=True)
class AuditTemplate:
    id: str
    version: int
    title: str
    citation: str
    ratings: tuple[RatingLevel, ...]
    areas: tuple[Area, ...]

    def items(self) -> Iterator[Item]:
        """Every item, in the toolkit's order."""
        for area in self.areas:
            yield from area.items()

    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items())

    def locate(self) -> Iterator[tuple[Area, Section, Item]]:
        """Every item with the area and section it sits in, in the toolkit's order."""
        for area in self.areas:
            for section in area.sections:
                for item in section.items:
                    yield area, section, item


# --- loading -------------------------------------------------------------------------------

_TOP_KEYS = {"id", "version", "title", "citation", "ratings", "areas"}
_AREA_KEYS = {"id", "title", "sections"}
_SECTION_KEYS = {"id", "title", "items"}
_ITEM_KEYS = {"id", "text", "prompts"}
_RATING_KEYS = {"id", "label", "meaning"}
_RATING_ORDER = [r.value for r in Rating]


class _Collector:
    """Collects problems while walking the raw data, so validation reports them all."""

    def __init__(self) -> None:
        self.errors: list[TemplateError] = []

    def add(self, path: str, message: str, code: ErrorCode) -> None:
        self.errors.append(TemplateError(path, message, code))

    def obj(self, value: Any, path: str, keys: set[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, "should be an object", ErrorCode.WRONG_TYPE)
            return None
        for key in sorted(set(value) - keys):
            self.add(_join(path, key), "is not a field we recognise", ErrorCode.UNKNOWN_KEY)
        return value

    def text(self, parent: Mapping[str, Any], key: str, path: str) -> str:
        where = _join(path, key)
        if key not in parent:
            self.add(where, "is missing", ErrorCode.MISSING)
            return ""
        return self.text_value(parent[key], where)

    def text_value(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            self.add(where, "should be text", ErrorCode.WRONG_TYPE)
            return ""
        if not value.strip():
            self.add(where, "should not be empty", ErrorCode.EMPTY)
        return value.strip()

    def ident(self, parent: Mapping[str, Any], path: str) -> str:
        value = self.text(parent, "id", path)
        if value and not _ID_PATTERN.match(value):
            self.add(
                _join(path, "id"),
                "should be lowercase letters and digits joined by dots or hyphens",
                ErrorCode.BAD_ID,
            )
        return value

    def array(self, parent: Mapping[str, Any], key: str, path: str) -> list[Any]:
        where = _join(path, key)
        if key not in parent:
            self.add(where, "is missing", ErrorCode.MISSING)
            return []
        value = parent[key]
        if not isinstance(value, list):
            self.add(where, "should be a list", ErrorCode.WRONG_TYPE)
            return []
        if not value:
            self.add(where, "should have at least one entry", ErrorCode.EMPTY)
        return value

    def unique(self, seen: dict[str, str], value: str, path: str) -> None:
        if not value:
            return
        if value in seen:
            self.add(
                path,
                f"repeats the id '{value}' already used at {seen[value]}",
                ErrorCode.DUPLICATE_ID,
            )
        else:
            seen[value] = path


def _join(path: str, key: str) -> str:
    return key if path == "" else f"{path}.{key}"


def load_template(source: str | bytes | Mapping[str, Any]) -> AuditTemplate:
    """Build a template from JSON text or an already-parsed dict, or raise InvalidTemplate.

    From text, each problem also carries the line it is on, for whoever edits the file.
    """
    text: str | None = None
    if isinstance(source, str | bytes):
        text = source.decode("utf-8") if isinstance(source, bytes) else source
        try:
            source = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidTemplate(
                [
                    TemplateError(
                        "$", f"is not valid JSON ({exc.msg})", ErrorCode.INVALID_JSON, exc.lineno
                    )
                ]
            ) from exc
        except ValueError as exc:
            raise InvalidTemplate(
                [TemplateError("$", f"is not valid JSON ({exc})", ErrorCode.INVALID_JSON)]
            ) from exc
    check = _Collector()
    template = _parse_template(source, check)
    if check.errors or template is None:
        errors = check.errors
        if text is not None:
            lines = json_path_lines(text)
            errors = [_with_line(e, lines) for e in errors]
        raise InvalidTemplate(errors)
    return template


def _with_line(error: TemplateError, lines: Mapping[str, int]) -> TemplateError:
    """The line of the value at the error's path, or of the nearest enclosing value."""
    path = error.path
    while path and path not in lines:
        path = _parent_path(path)
    line = lines.get(path, lines.get("", 1))
    return TemplateError(error.path, error.message, error.code, line)


_PATH_TAIL = re.compile(r"(?:\.[^.\[]+|\[\d+\])$")


def _parent_path(path: str) -> str:
    """``areas[0].title`` -> ``areas[0]`` -> ``areas`` -> ``""``."""
    if path == "$":
        return ""
    trimmed = _PATH_TAIL.sub("", path)
    return "" if trimmed == path else trimmed


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def json_path_lines(text: str) -> dict[str, int]:
    """Map each path in well-formed JSON text (``areas[0].sections[1].title``) to its line.

    The standard library parses without positions, so this walks the text once, using the
    decoder only for strings and plain values, and notes where each value starts.
    """
    lines: dict[str, int] = {}

    def skip(at: int) -> int:
        match = _SPACE.match(text, at)
        return match.end() if match else at

    def value(at: int, path: str) -> int:
        at = skip(at)
        lines[path] = text.count("\n", 0, at) + 1
        if text[at] == "{":
            at = skip(at + 1)
            if text[at] == "}":
                return at + 1
            while True:
                key, at = _DECODER.raw_decode(text, skip(at))
                at = skip(at) + 1  # the colon
                at = skip(value(at, _join(path, key)))
                if text[at] == "}":
                    return at + 1
                at += 1  # the comma
        if text[at] == "[":
            at = skip(at + 1)
            if text[at] == "]":
                return at + 1
            index = 0
            while True:
                at = skip(value(at, f"{path}[{index}]"))
                if text[at] == "]":
                    return at + 1
                at, index = at + 1, index + 1
        _, end = _DECODER.raw_decode(text, at)
        return int(end)

    value(0, "")
    return lines


def _parse_template(raw: Any, check: _Collector) -> AuditTemplate | None:
    if not isinstance(raw, dict):
        check.add("$", "should be an object", ErrorCode.WRONG_TYPE)
        return None
    top = check.obj(raw, "", _TOP_KEYS) or {}
    ident = check.ident(top, "")
    title = check.text(top, "title", "")
    citation = check.text(top, "citation", "")
    version = _parse_version(top, check)
    ratings = _parse_ratings(top, check)
    seen_items: dict[str, str] = {}
    seen_areas: dict[str, str] = {}
    areas = []
    for i, raw_area in enumerate(check.array(top, "areas", "")):
        area = _parse_area(raw_area, f"areas[{i}]", check, seen_items)
        if area is not None:
            check.unique(seen_areas, area.id, f"areas[{i}].id")
            areas.append(area)
    return AuditTemplate(ident, version, title, citation, ratings, tuple(areas))


def _parse_version(top: Mapping[str, Any], check: _Collector) -> int:
    if "version" not in top:
        check.add("version", "is missing", ErrorCode.MISSING)
        return 0
    value = top["version"]
    # bool is an int subclass in Python; a version of `true` is a mistake, not 1.
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        check.add("version", "should be a whole number from 1 up", ErrorCode.WRONG_TYPE)
        return 0
    return value


def _parse_ratings(top: Mapping[str, Any], check: _Collector) -> tuple[RatingLevel, ...]:
    levels = []
    for i, raw in enumerate(check.array(top, "ratings", "")):
        path = f"ratings[{i}]"
        entry = check.obj(raw, path, _RATING_KEYS)
        if entry is None:
            continue
        rating_id = check.text(entry, "id", path)
        label = check.text(entry, "label", path)
        meaning = check.text(entry, "meaning", path)
        levels.append((rating_id, label, meaning))
    found = [rating_id for rating_id, _, _ in levels]
    if "ratings" in top and isinstance(top["ratings"], list) and found != _RATING_ORDER:
        check.add(
            "ratings",
            "should be exactly red, amber, green in that order "
            f"(found {', '.join(found) or 'none'})",
            ErrorCode.RATINGS,
        )
        return ()
    return tuple(RatingLevel(Rating(r), label, meaning) for r, label, meaning in levels)


def _parse_area(raw: Any, path: str, check: _Collector, seen_items: dict[str, str]) -> Area | None:
    area = check.obj(raw, path, _AREA_KEYS)
    if area is None:
        return None
    ident = check.ident(area, path)
    title = check.text(area, "title", path)
    seen_sections: dict[str, str] = {}
    sections = []
    for i, raw_section in enumerate(check.array(area, "sections", path)):
        section = _parse_section(raw_section, f"{path}.sections[{i}]", check, seen_items)
        if section is not None:
            # Section ids repeat across areas by design ("ethos"), so unique within one area.
            check.unique(seen_sections, section.id, f"{path}.sections[{i}].id")
            sections.append(section)
    return Area(ident, title, tuple(sections))


def _parse_section(
    raw: Any, path: str, check: _Collector, seen_items: dict[str, str]
) -> Section | None:
    section = check.obj(raw, path, _SECTION_KEYS)
    if section is None:
        return None
    ident = check.ident(section, path)
    title = check.text(section, "title", path)
    items = []
    for i, raw_item in enumerate(check.array(section, "items", path)):
        item = _parse_item(raw_item, f"{path}.items[{i}]", check)
        if item is not None:
            # Item ids key stored ratings, so they must be unique across the whole template.
            check.unique(seen_items, item.id, f"{path}.items[{i}].id")
            items.append(item)
    return Section(ident, title, tuple(items))


def _parse_item(raw: Any, path: str, check: _Collector) -> Item | None:
    item = check.obj(raw, path, _ITEM_KEYS)
    if item is None:
        return None
    ident = check.ident(item, path)
    text = check.text(item, "text", path)
    prompts: list[str] = []
    if "prompts" in item:
        for i, raw_prompt in enumerate(check.array(item, "prompts", path)):
            prompts.append(check.text_value(raw_prompt, f"{path}.prompts[{i}]"))
    return Item(ident, text, tuple(prompts))


@cache
def default_template() -> AuditTemplate:
    """The bundled Relational Approaches Audit (2025), loaded once."""
    text = (
        resources.files("attune.wholeschool")
        .joinpath("audit_templates", DEFAULT_TEMPLATE_FILE)
        .read_text(encoding="utf-8")
    )
    return load_template(text)
