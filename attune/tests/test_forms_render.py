"""Drop-down lists written in Python give exactly the markup Django's templates give."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.forms_render import QuickSelects, select_html

TEMPLATES, QUICK = DjangoTemplates(), QuickSelects()
words = st.text(max_size=12)  # every kind of character, "<", "&" and quotes among them
choices = st.lists(st.tuples(words, words), max_size=6)
groups = st.lists(
    st.one_of(st.tuples(words, words), st.tuples(words.filter(bool), choices)), max_size=5
)
attrs = st.dictionaries(
    st.sampled_from(["class", "data-x", "aria-describedby", "disabled", "autofocus"]),
    st.one_of(st.booleans(), words),
    max_size=3,
)


def both(widget: forms.Widget, name: str, value: object) -> tuple[str, str]:
    """As the templates write it, and as ``select_html`` does."""
    return (
        widget.render(name, value, renderer=TEMPLATES),
        select_html(widget.get_context(name, value, None)["widget"]),
    )


@settings(max_examples=300, deadline=None)
@given(
    groups,
    attrs,
    words,
    st.one_of(st.none(), words, st.lists(words, max_size=3)),
    st.booleans(),
)
def test_a_list_is_written_as_django_writes_it(
    options: list[tuple[str, object]],
    extra: dict[str, object],
    name: str,
    value: object,
    many: bool,
) -> None:
    widget = (forms.SelectMultiple if many else forms.Select)(attrs=extra, choices=options)
    old, new = both(widget, name, value)
    assert new == old


def test_the_common_cases_match_and_escape() -> None:
    widget = forms.Select(
        attrs={"id": "id_staff", "required": True, "hidden": False},
        choices=[
            ("", "---------"),
            ("1", "Ann <b>O'Neill</b> & co"),
            ("2", mark_safe("<i>ok</i>")),
        ],
    )
    old, new = both(widget, 'st"aff', "1")
    assert new == old
    assert '<option value="1" selected>Ann &lt;b&gt;O&#x27;Neill&lt;/b&gt; &amp; co</option>' in new
    assert "<i>ok</i>" in new and "hidden" not in new and " required" in new
    yes_no = both(forms.NullBooleanSelect(), "x", True)  # another widget on the template
    assert yes_no[1] == yes_no[0]


def test_the_renderer_writes_lists_itself_and_leaves_the_rest_to_templates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    widget = forms.Select(choices=[("1", "One")])
    expected = widget.render("n", "1", renderer=TEMPLATES)
    used: list[str] = []
    template = QUICK.get_template

    def noted(name: str) -> Any:
        used.append(name)
        return template(name)

    monkeypatch.setattr(QUICK, "get_template", noted)
    assert widget.render("n", "1", renderer=QUICK) == expected
    assert used == []
    forms.TextInput().render("n", "1", renderer=QUICK)
    assert used == ["django/forms/widgets/text.html"]


def test_a_label_that_is_not_words_goes_to_the_templates() -> None:
    """A template prints a date in the local format; such a list is left to it."""
    day = datetime.date(2026, 12, 7)
    widget = forms.Select(choices=[("a", day), ("b", 1234)])
    old, plain = both(widget, "day", "a")
    assert widget.render("day", "a", renderer=QUICK) == old
    assert str(day) in plain and str(day) not in old  # the guard is needed
