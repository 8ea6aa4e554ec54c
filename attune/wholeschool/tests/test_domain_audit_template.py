"""Loading and validating Relational Approaches Audit templates."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.wholeschool.domain.audit_template import (
    AuditTemplate,
    ErrorCode,
    InvalidTemplate,
    Rating,
    TemplateError,
    default_template,
    json_path_lines,
    load_template,
)


def bundled_raw() -> dict[str, Any]:
    text = (
        resources.files("attune.wholeschool")
        .joinpath("audit_templates", "relational-approaches-2025.json")
        .read_text(encoding="utf-8")
    )
    raw: dict[str, Any] = json.loads(text)
    return raw


def errors_of(raw: Any) -> list[tuple[str, ErrorCode]]:
    with pytest.raises(InvalidTemplate) as caught:
        load_template(raw)
    assert caught.value.code == "audit_template.invalid"
    return [(e.path, e.code) for e in caught.value.errors]


# --- the bundled template ------------------------------------------------------------------


def test_bundled_template_loads_with_forty_items() -> None:
    template = default_template()
    assert isinstance(template, AuditTemplate)
    assert template.id == "relational-approaches-2025"
    assert template.version == 1
    assert len(list(template.items())) == 40
    assert len(set(template.item_ids())) == 40


@pytest.mark.parametrize(
    ("area_id", "section_id", "count"),
    [
        ("safe", "ethos", 8),
        ("safe", "practice", 7),
        ("personal", "ethos", 2),
        ("personal", "practice", 6),
        ("personal", "individual", 2),
        ("relationships", "ethos", 3),
        ("relationships", "practice", 6),
        ("relationships", "individual", 6),
    ],
)
def test_bundled_template_follows_the_toolkit_grouping(
    area_id: str, section_id: str, count: int
) -> None:
    template = default_template()
    area = next(a for a in template.areas if a.id == area_id)
    section = next(s for s in area.sections if s.id == section_id)
    assert [item.id for item in section.items] == [
        f"{area_id}.{section_id}.{n}" for n in range(1, count + 1)
    ]


def test_bundled_template_areas_and_sections_are_in_toolkit_order() -> None:
    template = default_template()
    shape = [(a.id, [s.id for s in a.sections]) for a in template.areas]
    assert shape == [
        ("safe", ["ethos", "practice"]),
        ("personal", ["ethos", "practice", "individual"]),
        ("relationships", ["ethos", "practice", "individual"]),
    ]
    assert [a.title for a in template.areas] == [
        "Feeling safe in school",
        "Personalised approach",
        "Positive relationships and interactions",
    ]


def test_items_iterate_area_by_area_section_by_section() -> None:
    template = default_template()
    expected = [i.id for a in template.areas for s in a.sections for i in s.items]
    assert list(template.item_ids()) == expected
    assert [i.id for i in template.areas[0].items()] == expected[:15]
    assert [(a.id, s.id, i.id) for a, s, i in template.locate()][15] == (
        "personal",
        "ethos",
        "personal.ethos.1",
    )


def test_bundled_template_ratings_and_citation() -> None:
    template = default_template()
    assert [level.rating for level in template.ratings] == [
        Rating.RED,
        Rating.AMBER,
        Rating.GREEN,
    ]
    assert [level.meaning for level in template.ratings] == [
        "No evidence yet",
        "Some evidence",
        "Strong evidence",
    ]
    assert "Virtual School Kent" in template.citation
    assert "Kent Educational Psychology Service" in template.citation
    assert "2025" in template.citation


def test_prompts_are_kept_where_the_toolkit_lists_examples() -> None:
    with_prompts = {i.id: len(i.prompts) for i in default_template().items() if i.prompts}
    assert with_prompts == {
        "safe.ethos.1": 5,
        "safe.practice.4": 5,
        "relationships.practice.6": 9,
    }


def test_default_template_is_loaded_once() -> None:
    assert default_template() is default_template()


@pytest.mark.parametrize("encode", [json.dumps, lambda d: json.dumps(d).encode()])
def test_loads_from_json_text_or_bytes(encode: Callable[[Any], str | bytes]) -> None:
    assert load_template(encode(bundled_raw())) == default_template()


# --- validation: each kind of problem and where it is --------------------------------------


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(raw: dict[str, Any]) -> None:
        target: Any = raw
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def change(raw: dict[str, Any]) -> None:
        target: Any = raw
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


ITEM = ["areas", 1, "sections", 0, "items", 1]
ITEM_PATH = "areas[1].sections[0].items[1]"


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        (_delete(["title"]), "title", ErrorCode.MISSING),
        (_delete(["citation"]), "citation", ErrorCode.MISSING),
        (_delete(["version"]), "version", ErrorCode.MISSING),
        (_delete(["areas"]), "areas", ErrorCode.MISSING),
        (_set(["areas"], []), "areas", ErrorCode.EMPTY),
        (_set(["areas"], "none"), "areas", ErrorCode.WRONG_TYPE),
        (_set(["title"], "   "), "title", ErrorCode.EMPTY),
        (_set(["title"], 7), "title", ErrorCode.WRONG_TYPE),
        (_set(["version"], 0), "version", ErrorCode.WRONG_TYPE),
        (_set(["version"], True), "version", ErrorCode.WRONG_TYPE),
        (_set(["version"], "1"), "version", ErrorCode.WRONG_TYPE),
        (_set(["colour"], "teal"), "colour", ErrorCode.UNKNOWN_KEY),
        (_set([*ITEM, "text"], ""), f"{ITEM_PATH}.text", ErrorCode.EMPTY),
        (_delete([*ITEM, "text"]), f"{ITEM_PATH}.text", ErrorCode.MISSING),
        (_delete([*ITEM, "id"]), f"{ITEM_PATH}.id", ErrorCode.MISSING),
        (_set([*ITEM, "id"], "Safe Ethos 1"), f"{ITEM_PATH}.id", ErrorCode.BAD_ID),
        (_set([*ITEM, "prompt"], ["x"]), f"{ITEM_PATH}.prompt", ErrorCode.UNKNOWN_KEY),
        (_set([*ITEM, "prompts"], ["ok", ""]), f"{ITEM_PATH}.prompts[1]", ErrorCode.EMPTY),
        (_set([*ITEM, "prompts"], []), f"{ITEM_PATH}.prompts", ErrorCode.EMPTY),
        (_set([*ITEM[:-1], 1], "an item"), ITEM_PATH, ErrorCode.WRONG_TYPE),
        (
            _set([*ITEM, "id"], "personal.ethos.1"),
            f"{ITEM_PATH}.id",
            ErrorCode.DUPLICATE_ID,
        ),
        # Item ids must be unique across areas too, not just within a section.
        (
            _set(["areas", 2, "sections", 0, "items", 0, "id"], "safe.ethos.1"),
            "areas[2].sections[0].items[0].id",
            ErrorCode.DUPLICATE_ID,
        ),
        (_set(["areas", 2, "id"], "safe"), "areas[2].id", ErrorCode.DUPLICATE_ID),
        (
            _set(["areas", 1, "sections", 2, "id"], "ethos"),
            "areas[1].sections[2].id",
            ErrorCode.DUPLICATE_ID,
        ),
        (_set(["areas", 0, "sections"], []), "areas[0].sections", ErrorCode.EMPTY),
        (
            _set(["areas", 0, "sections", 1, "items"], []),
            "areas[0].sections[1].items",
            ErrorCode.EMPTY,
        ),
        (_delete(["areas", 2, "title"]), "areas[2].title", ErrorCode.MISSING),
        (_delete(["ratings", 1]), "ratings", ErrorCode.RATINGS),
        (_set(["ratings", 0, "id"], "amber"), "ratings", ErrorCode.RATINGS),
        (_set(["ratings", 2, "id"], "blue"), "ratings", ErrorCode.RATINGS),
        (_delete(["ratings", 2, "meaning"]), "ratings[2].meaning", ErrorCode.MISSING),
        (_set(["ratings"], "rag"), "ratings", ErrorCode.WRONG_TYPE),
    ],
)
def test_each_problem_is_reported_at_its_path(
    change: Callable[[dict[str, Any]], None], path: str, code: ErrorCode
) -> None:
    raw = bundled_raw()
    change(raw)
    assert errors_of(raw) == [(path, code)]


def test_extra_rating_is_refused() -> None:
    raw = bundled_raw()
    raw["ratings"].append({"id": "blue", "label": "Blue", "meaning": "Unsure"})
    assert errors_of(raw) == [("ratings", ErrorCode.RATINGS)]


def test_all_problems_are_collected_not_just_the_first() -> None:
    raw = bundled_raw()
    del raw["title"]
    raw["areas"][0]["sections"][1]["items"][2]["text"] = ""
    raw["areas"][2]["sections"][2]["items"][5]["id"] = "safe.ethos.1"
    assert errors_of(raw) == [
        ("title", ErrorCode.MISSING),
        ("areas[0].sections[1].items[2].text", ErrorCode.EMPTY),
        ("areas[2].sections[2].items[5].id", ErrorCode.DUPLICATE_ID),
    ]


def test_the_message_names_each_place_for_whoever_edits_the_file() -> None:
    raw = bundled_raw()
    del raw["title"]
    raw["areas"][1]["sections"][0]["items"][1]["text"] = ""
    with pytest.raises(InvalidTemplate) as caught:
        load_template(raw)
    assert "2 problem(s)" in str(caught.value)
    assert "title: is missing" in str(caught.value)
    assert "areas[1].sections[0].items[1].text: should not be empty" in str(caught.value)


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("{not json", ErrorCode.INVALID_JSON),
        ("[]", ErrorCode.WRONG_TYPE),
        ("null", ErrorCode.WRONG_TYPE),
    ],
)
def test_documents_that_are_not_a_template_object(source: str, code: ErrorCode) -> None:
    assert errors_of(source) == [("$", code)]


def test_a_minimal_template_loads() -> None:
    minimal = {
        "id": "tiny",
        "version": 3,
        "title": "Tiny",
        "citation": "Ours.",
        "ratings": [
            {"id": r, "label": r.title(), "meaning": m}
            for r, m in [("red", "none"), ("amber", "some"), ("green", "lots")]
        ],
        "areas": [
            {
                "id": "a",
                "title": "A",
                "sections": [{"id": "s", "title": "S", "items": [{"id": "a.s.1", "text": "T"}]}],
            }
        ],
    }
    template = load_template(copy.deepcopy(minimal))
    assert template.item_ids() == ("a.s.1",)
    assert template.areas[0].sections[0].items[0].prompts == ()


@given(st.integers(min_value=0, max_value=39))
def test_blanking_any_item_text_is_reported_at_that_item(index: int) -> None:
    raw = bundled_raw()
    places = [
        (a, s, i)
        for a, area in enumerate(raw["areas"])
        for s, section in enumerate(area["sections"])
        for i in range(len(section["items"]))
    ]
    a, s, i = places[index]
    raw["areas"][a]["sections"][s]["items"][i]["text"] = " "
    assert errors_of(raw) == [(f"areas[{a}].sections[{s}].items[{i}].text", ErrorCode.EMPTY)]


# --- the shipped wording stays in the toolkit's order --------------------------------------


def test_section_titles_follow_the_toolkit() -> None:
    titles = [[s.title for s in a.sections] for a in default_template().areas]
    ethos, practice = "Whole-school values and ethos", "Whole-school practice"
    individual = "Personalised support for individual children and young people"
    with_individual = [ethos, practice, individual]
    assert titles == [[ethos, practice], with_individual, with_individual]


# One distinctive idea per toolkit item, in the toolkit's order: if items were shuffled,
# dropped or moved to another section, a word would land on the wrong id.
TOOLKIT_ORDER = [
    ("safe.ethos.1", "belonging"),
    ("safe.ethos.2", "listening"),
    ("safe.ethos.3", "without judgement"),
    ("safe.ethos.4", "communicate openly"),
    ("safe.ethos.5", "you said, we did"),
    ("safe.ethos.6", "policies"),
    ("safe.ethos.7", "emotionally held"),
    ("safe.ethos.8", "Attachment Research Community"),
    ("safe.practice.1", "survey"),
    ("safe.practice.2", "parents and carers"),
    ("safe.practice.3", "ARC Matrix"),
    ("safe.practice.4", "training"),
    ("safe.practice.5", "senior leader"),
    ("safe.practice.6", "supervision"),
    ("safe.practice.7", "Nurture"),
    ("personal.ethos.1", "key adult"),
    ("personal.ethos.2", "wellbeing"),
    ("personal.practice.1", "vulnerable group"),
    ("personal.practice.2", "morning"),
    ("personal.practice.3", "attendance"),
    ("personal.practice.4", "needs to know"),
    ("personal.practice.5", "curriculum"),
    ("personal.practice.6", "network"),
    ("personal.individual.1", "every child's wellbeing"),
    ("personal.individual.2", "personal plan"),
    ("relationships.ethos.1", "connection before correction"),
    ("relationships.ethos.2", "local community"),
    ("relationships.ethos.3", "discrimination"),
    ("relationships.practice.1", "greet"),
    ("relationships.practice.2", "chat"),
    ("relationships.practice.3", "celebrate"),
    ("relationships.practice.4", "labels"),
    ("relationships.practice.5", "play a part"),
    ("relationships.practice.6", "teacher and pupil"),
    ("relationships.individual.1", "development"),
    ("relationships.individual.2", "culture"),
    ("relationships.individual.3", "contribute"),
    ("relationships.individual.4", "what goes well"),
    ("relationships.individual.5", "in mind"),
    ("relationships.individual.6", "buddy"),
]


def test_every_item_says_what_the_toolkit_item_in_that_place_is_about() -> None:
    items = {item.id: item.text for item in default_template().items()}
    assert [item_id for item_id, _ in TOOLKIT_ORDER] == list(items)
    misplaced = [(i, word) for i, word in TOOLKIT_ORDER if word.lower() not in items[i].lower()]
    assert misplaced == []


# --- lines, for whoever edits the file -----------------------------------------------------


def test_problems_in_a_file_name_their_line() -> None:
    raw = bundled_raw()
    raw["areas"][1]["sections"][1]["items"][1]["text"] = "  "
    broken = json.dumps(raw, indent=2)
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if '"text": "  "' in row)
    with pytest.raises(InvalidTemplate) as caught:
        load_template(broken)
    [error] = caught.value.errors
    assert error.line == line
    assert error.path == "areas[1].sections[1].items[1].text"
    assert f"line {line}, areas[1].sections[1].items[1].text: should not be empty" in str(
        caught.value
    )


def test_a_missing_field_points_at_the_object_that_lacks_it() -> None:
    raw = bundled_raw()
    del raw["areas"][2]["title"]
    text = json.dumps(raw, indent=2)
    [error] = _errors_from_text(text)
    area_line = json_path_lines(text)["areas[2]"]
    assert (error.path, error.line) == ("areas[2].title", area_line)


def test_broken_json_names_its_line() -> None:
    [error] = _errors_from_text('{\n  "id": "x",\n  "title": oops\n}')
    assert (error.code, error.line) == (ErrorCode.INVALID_JSON, 3)


def _errors_from_text(text: str) -> tuple[TemplateError, ...]:
    with pytest.raises(InvalidTemplate) as caught:
        load_template(text)
    return caught.value.errors


def _json_children(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), _json_children))
def test_every_path_of_any_json_gets_a_line(value: Any) -> None:
    text = json.dumps(value, indent=1)
    lines = json_path_lines(text)
    assert "" in lines
    assert all(1 <= n <= text.count("\n") + 1 for n in lines.values())
