"""The shipped belonging survey template and template validation: pure, no database."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from attune.belonging.domain.survey_template import (
    FACES,
    SYMBOLS,
    InvalidSurveyTemplate,
    default_template,
    load_template_text,
    parse_template,
    shipped_templates,
)


def shipped_json() -> dict[str, Any]:
    folder = resources.files("attune.belonging").joinpath("survey_templates")
    data: dict[str, Any] = json.loads(
        folder.joinpath("secc-belonging-2026.json").read_text(encoding="utf-8")
    )
    return data


def test_the_shipped_survey_has_the_four_secc_strands_with_three_statements_each() -> None:
    template = default_template()
    assert [s.title for s in template.strands] == [
        "Social identity",
        "Engagement",
        "Community",
        "Communication",
    ]
    assert [len(s.statements) for s in template.strands] == [3, 3, 3, 3]
    assert len(template.statement_ids()) == len(set(template.statement_ids())) == 12


def test_every_statement_is_short_and_has_a_symbol() -> None:
    for _, statement in default_template().statements():
        assert statement.symbol
        assert len(statement.text.split()) <= 12, statement.text


def test_every_symbol_and_face_is_a_drawing_we_ship_not_a_font_glyph() -> None:
    static = Path(__file__).resolve().parents[2] / "static" / "belonging"
    for symbol in SYMBOLS:
        assert (static / "symbols" / f"{symbol}.svg").is_file(), symbol
    for face in FACES:
        assert (static / "faces" / f"{face}.svg").is_file(), face
    assert {s.symbol for _, s in default_template().statements()} <= set(SYMBOLS)


def test_the_scale_is_three_faces_from_least_to_most_positive() -> None:
    template = default_template()
    assert [p.value for p in template.scale] == [1, 2, 3]
    assert [p.face for p in template.scale] == ["sad", "neutral", "happy"]
    assert all(p.label for p in template.scale)
    assert template.allows(2) and not template.allows(4)


def test_the_template_cites_the_kent_toolkit() -> None:
    assert "Virtual School Kent" in default_template().citation
    assert "SECC" in default_template().citation


def test_shipped_templates_are_found_by_id_and_version() -> None:
    assert ("secc-belonging", 1) in shipped_templates()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.pop("strands"), "template.strands"),
        (lambda d: d.update(version=0), "version"),
        (lambda d: d["scale"].pop(), "3 or 5 points"),
        (lambda d: d["scale"].reverse(), "must rise"),
        (lambda d: d["strands"][0]["statements"][0].update(text=""), "statements[0].text"),
        (lambda d: d["strands"][1]["statements"][0].update(id="identity.1"), "used twice"),
        (lambda d: d["strands"][0].update(id="Not An Id"), "lowercase"),
        (lambda d: d["strands"][0].update(statements=[]), "at least one"),
        (lambda d: d["scale"][0].update(value="one"), "whole number"),
        (lambda d: d["scale"][0].update(face="🙁"), "scale[0].face"),
    ],
)
def test_a_broken_template_is_refused_with_where_the_problem_is(change: Any, problem: str) -> None:
    data = copy.deepcopy(shipped_json())
    change(data)
    with pytest.raises(InvalidSurveyTemplate) as refused:
        parse_template(data)
    assert problem in str(refused.value)


def test_every_problem_is_reported_at_once() -> None:
    data = copy.deepcopy(shipped_json())
    data["version"] = "one"
    data["strands"][0]["title"] = ""
    with pytest.raises(InvalidSurveyTemplate) as refused:
        parse_template(data)
    assert len(refused.value.problems) == 2


def test_text_that_is_not_json_is_refused_with_its_line() -> None:
    with pytest.raises(InvalidSurveyTemplate, match="line 2"):
        load_template_text('{\n  "id": }')


def test_a_template_must_be_an_object() -> None:
    with pytest.raises(InvalidSurveyTemplate, match="JSON object"):
        parse_template([])
