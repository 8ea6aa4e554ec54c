"""The belonging survey as data: strands of short statements and a scale of faces.

A template is versioned JSON (see ``attune/belonging/survey_templates/``). Each of the four
SECC strands (social identity, engagement, community, communication) holds a few short,
child-friendly statements, each with a symbol; every statement is answered on the same
3- or 5-point scale of faces. A round stores the template's id and version, and answers key on
statement ids, so old rounds can always be read against the version they used.

Loading collects every problem (with a path such as ``strands[1].statements[0].text``) rather
than stopping at the first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_TEMPLATE_FILE = "secc-belonging-2026.json"
SCALE_SIZES = (3, 5)
# Faces are drawings in static/belonging/faces/<face>.svg (emoji fonts vary between tablets).
FACES = ("very_sad", "sad", "neutral", "happy", "very_happy")
# So are the statements' symbols, in static/belonging/symbols/<symbol>.svg: an emoji drew as a
# missing-glyph box on a tablet without an emoji font.
SYMBOLS = (
    "books", "ear", "hand_up", "handshake", "heart", "home",
    "school", "shield", "speech", "star", "together", "wave",
)  # fmt: skip
_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class ScalePoint:
    value: int
    label: str
    face: str


@dataclass(frozen=True, slots=True)
class Statement:
    id: str
    text: str
    symbol: str


@dataclass(frozen=True, slots=True)
class Strand:
    id: str
    title: str
    about: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class SurveyTemplate:
    id: str
    version: int
    title: str
    citation: str
    scale: tuple[ScalePoint, ...]
    strands: tuple[Strand, ...]

    def statements(self) -> Iterator[tuple[Strand, Statement]]:
        """Every statement in order, with its strand: the order a child sees them."""
        for strand in self.strands:
            for statement in strand.statements:
                yield strand, statement

    def statement_ids(self) -> tuple[str, ...]:
        return tuple(statement.id for _, statement in self.statements())

    def shape(self) -> dict[str, tuple[str, ...]]:
        """Strand id -> its statement ids, what the scoring rules need."""
        return {s.id: tuple(st.id for st in s.statements) for s in self.strands}

    @property
    def lowest(self) -> int:
        return self.scale[0].value

    @property
    def highest(self) -> int:
        return self.scale[-1].value

    def allows(self, value: int) -> bool:
        return any(point.value == value for point in self.scale)


class InvalidSurveyTemplate(ValueError):
    """Raised with every problem found in a template, not just the first."""

    code = "survey_template.invalid"

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            f"This survey template has {len(problems)} problem(s): " + "; ".join(problems)
        )


class _Reader:
    """Pulls typed values out of parsed JSON, noting each problem with where it is."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def text(self, node: Mapping[str, Any], key: str, path: str, *, optional: bool = False) -> str:
        value = node.get(key, "" if optional else None)
        if not isinstance(value, str) or (not optional and not value.strip()):
            self.problems.append(f"{path}.{key}: needs some text")
            return ""
        return value.strip()

    def ident(self, node: Mapping[str, Any], path: str, seen: set[str]) -> str:
        value = self.text(node, "id", path)
        if value and not _ID_PATTERN.match(value):
            self.problems.append(f"{path}.id: use lowercase letters, digits, dots or hyphens")
        elif value in seen:
            self.problems.append(f"{path}.id: {value!r} is used twice")
        seen.add(value)
        return value

    def items(self, node: Mapping[str, Any], key: str, path: str) -> list[Mapping[str, Any]]:
        value = node.get(key)
        if not isinstance(value, list) or not value:
            self.problems.append(f"{path}.{key}: needs a list with at least one entry")
            return []
        if not all(isinstance(v, dict) for v in value):
            self.problems.append(f"{path}.{key}: every entry must be an object")
            return []
        return value


def parse_template(data: Any) -> SurveyTemplate:
    """A validated template from parsed JSON, or :class:`InvalidSurveyTemplate`."""
    if not isinstance(data, dict):
        raise InvalidSurveyTemplate(["the template must be a JSON object"])
    read = _Reader()
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        read.problems.append("version: must be a whole number from 1")
        version = 0
    scale = _scale(read, data)
    ids: set[str] = set()
    strands = tuple(
        _strand(read, node, f"strands[{n}]", ids)
        for n, node in enumerate(read.items(data, "strands", "template"))
    )
    template = SurveyTemplate(
        id=read.ident(data, "template", set()),
        version=version,
        title=read.text(data, "title", "template"),
        citation=read.text(data, "citation", "template"),
        scale=scale,
        strands=strands,
    )
    if read.problems:
        raise InvalidSurveyTemplate(read.problems)
    return template


def _scale(read: _Reader, data: Mapping[str, Any]) -> tuple[ScalePoint, ...]:
    points = []
    for n, node in enumerate(read.items(data, "scale", "template")):
        value = node.get("value")
        if not isinstance(value, int) or isinstance(value, bool):
            read.problems.append(f"scale[{n}].value: must be a whole number")
            continue
        path = f"scale[{n}]"
        face = read.text(node, "face", path)
        if face and face not in FACES:
            read.problems.append(f"{path}.face: use one of {', '.join(FACES)}")
        points.append(ScalePoint(value, read.text(node, "label", path), face))
    values = [p.value for p in points]
    if points and len(points) not in SCALE_SIZES:
        read.problems.append("scale: must have 3 or 5 points")
    if values != sorted(set(values)):
        read.problems.append("scale: values must rise from the least to the most positive")
    return tuple(points)


def _symbol(read: _Reader, node: Mapping[str, Any], path: str) -> str:
    symbol = read.text(node, "symbol", path)
    if symbol and symbol not in SYMBOLS:
        read.problems.append(f"{path}.symbol: use one of {', '.join(SYMBOLS)}")
    return symbol


def _strand(read: _Reader, node: Mapping[str, Any], path: str, ids: set[str]) -> Strand:
    statements = tuple(
        Statement(
            id=read.ident(item, f"{path}.statements[{n}]", ids),
            text=read.text(item, "text", f"{path}.statements[{n}]"),
            symbol=_symbol(read, item, f"{path}.statements[{n}]"),
        )
        for n, item in enumerate(read.items(node, "statements", path))
    )
    return Strand(
        id=read.ident(node, path, ids),
        title=read.text(node, "title", path),
        about=read.text(node, "about", path, optional=True),
        statements=statements,
    )


def load_template_text(text: str) -> SurveyTemplate:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as problem:
        raise InvalidSurveyTemplate(
            [f"line {problem.lineno}: not valid JSON ({problem.msg})"]
        ) from None
    return parse_template(data)


@cache
def shipped_templates() -> dict[tuple[str, int], SurveyTemplate]:
    """Every template file in the repository, by (id, version)."""
    folder = resources.files("attune.belonging").joinpath("survey_templates")
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            template = load_template_text(entry.read_text(encoding="utf-8"))
            found[(template.id, template.version)] = template
    return found


@cache
def default_template() -> SurveyTemplate:
    folder = resources.files("attune.belonging").joinpath("survey_templates")
    return load_template_text(folder.joinpath(DEFAULT_TEMPLATE_FILE).read_text(encoding="utf-8"))
