"""How hard a piece of text is to read: the Flesch-Kincaid grade, from plain text.

Grade = 0.39 x (words per sentence) + 11.8 x (syllables per word) - 15.59. A US school grade;
add five for a reading age (grade 4 is about nine to ten years old). Syllables are counted by
the usual rule of thumb (groups of vowels, less a silent final "e"), which is close enough to
tell plain words from long ones. Pure: no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?:;]+(?:\s|$)")
_VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Syllables in one word, by rule of thumb: at least one."""
    word = word.lower().split("'")[0]
    count = len(_VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if word.endswith("ed") and not word.endswith(("ted", "ded")) and count > 1:
        count -= 1
    return max(1, count)


@dataclass(frozen=True, slots=True)
class Readability:
    sentences: int
    words: int
    syllables: int

    @property
    def grade(self) -> float:
        """The Flesch-Kincaid grade (0 for no words)."""
        if not self.words:
            return 0.0
        per_sentence = self.words / max(1, self.sentences)
        return 0.39 * per_sentence + 11.8 * self.syllables / self.words - 15.59

    @property
    def reading_age(self) -> float:
        return self.grade + 5


def measure(lines: list[str]) -> Readability:
    """Measure text given as lines (each heading, label, button or paragraph its own line);
    a line is split further at the end of each sentence."""
    sentences = words = total = 0
    for line in lines:
        for sentence in _SENTENCE_END.split(line):
            found = _WORD.findall(sentence)
            if not found:
                continue
            sentences += 1
            words += len(found)
            total += sum(syllables(word) for word in found)
    return Readability(sentences, words, total)
