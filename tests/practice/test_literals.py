"""The plain-word test before the catalogue's patterns never skips a line a pattern would match."""

from __future__ import annotations

import re
from pathlib import Path

from kit.practice.catalogue import compiled, first_words
from kit.practice.evaluate import load
from kit.practice.literals import WordIndex, words_in_every_match
from kit.practice.reading import clauses, normalise

CORPUS = Path(__file__).resolve().parents[1] / "data" / "instructions"


def test_the_words_every_match_contains() -> None:
    assert words_in_every_match(r"(简短|简洁)\s*回复") == {"回复"}  # the longer word, one is enough
    assert words_in_every_match(r"(?:keep|stay)\s+(it )?short") == {"short"}
    assert words_in_every_match(r"(先问|ask first|ASK)") == {"先问", "ask first", "ask"}  # lower case, as lines are read
    assert words_in_every_match(r"(?<!所)以(?![下上])") == {"以"}
    assert words_in_every_match(r"[斤jJ]") == {"斤", "j"}
    assert words_in_every_match(r"\d+\s*kg") == {"kg"}
    assert words_in_every_match(r"(?:foo)?.{0,4}\w+") is None  # nothing is sure: always searched
    assert words_in_every_match(r"(unbalanced") is None


def test_a_word_index_names_the_keys_a_text_may_concern() -> None:
    index = WordIndex({"brief": [r"(简短|short)"], "jin": [r"\d+\s*斤"], "anything": [r".+"]})
    assert index.possible("回复要简短") == {"brief", "anything"}
    assert index.possible("一百二十斤") == {"jin", "anything"}
    assert index.possible("hello") == {"anything"}


def test_no_group_whose_first_pattern_matches_is_skipped() -> None:
    groups = {(instruction, side, index): group[0] for instruction, both in compiled().items()
              for side, kind in enumerate(both) for index, group in enumerate(kind)}
    lines = [normalise(item["line"]) for item in load(CORPUS / "test")][::3]
    for line in lines:
        for text in [line, *clauses(line)]:
            matched = {key for key, first in groups.items() if first.search(text)}
            assert matched <= first_words().possible(text), text
    assert len(groups) > 400 and all(isinstance(first, re.Pattern) for first in groups.values())
