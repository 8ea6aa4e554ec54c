"""The reading-age measure itself: plain Python tables (``pytest -p no:django``)."""

from __future__ import annotations

import pytest

from attune.families.domain.readability import measure, syllables


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("cat", 1),
        ("school", 1),
        ("make", 1),
        ("reading", 2),
        ("table", 2),
        ("helped", 1),
        ("wanted", 2),
        ("family", 3),
        ("responsibility", 6),
        ("it's", 1),
    ],
)
def test_syllables_by_rule_of_thumb(word: str, count: int) -> None:
    assert syllables(word) == count


def test_short_plain_sentences_read_young_and_long_ones_old() -> None:
    plain = measure(["The cat sat on the mat.", "We had fun at school today."])
    hard = measure(
        [
            "Notwithstanding the aforementioned considerations, the designated safeguarding "
            "lead's determination regarding parental responsibility remains authoritative."
        ]
    )
    assert plain.grade < 2 < 12 < hard.grade
    assert plain.sentences == 2 and plain.words == 12


def test_no_words_is_grade_nought() -> None:
    assert measure([]).grade == 0.0
    assert measure(["…", "  "]).words == 0
