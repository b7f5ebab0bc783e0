"""Plain words that every match of a regular expression contains: a cheap test before the expression itself.

The catalogue has about 500 groups of patterns; searching every line with all of them cost most of the time it
takes to read a prompt. Python's `re` tries every alternative at every position, while `word in line` is a single
fast scan. So for each group's first pattern we work out a few words one of which any match must contain
(`(简短|简洁)\\s*回复` → {"回复"}), and search with the group only lines that hold one. The answer never changes:
a line without any of the words cannot match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

try:  # Python 3.11+
    from re import _constants as _c, _parser as _p  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

Words = frozenset[str]
Key = TypeVar("Key", bound=Hashable)
_MOST = 64  # more words than this and the test would cost as much as the pattern


def words_in_every_match(pattern: str) -> Words | None:
    """Lower-case words one of which every match of `pattern` (read case-insensitively) contains, or None when
    no short list of words holds for every match (then the pattern must always be searched)."""
    try:
        return _sequence(_p.parse(pattern, re.IGNORECASE))
    except (re.error, RecursionError, TypeError, ValueError):
        return None


def _sequence(items: Iterable[tuple[object, object]]) -> Words | None:
    """The best word list any one item of a sequence guarantees (runs of literal characters count as one word)."""
    best: Words | None = None
    run = ""

    def consider(words: Words | None) -> None:
        nonlocal best
        if words and len(words) <= _MOST and (best is None or _better(words, best)):
            best = words

    for op, value in items:
        if op is _c.LITERAL:
            run += chr(value).lower()  # type: ignore[arg-type]
            continue
        consider(frozenset([run]) if run else None)
        run = ""
        if op is _c.SUBPATTERN:
            consider(_sequence(value[3]))  # type: ignore[index]
        elif op is _c.BRANCH:
            branches = [_sequence(branch) for branch in value[1]]  # type: ignore[index]
            if all(branches):
                consider(frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and value[0] >= 1:  # type: ignore[index]
            consider(_sequence(value[2]))  # type: ignore[index]
        elif op is _c.IN and all(kind is _c.LITERAL for kind, _ in value) and len(value) <= 8:  # type: ignore[attr-defined]
            consider(frozenset(chr(char).lower() for _, char in value))  # type: ignore[attr-defined]
        # anything else (\b, look-arounds, classes, optional parts) guarantees nothing: it is skipped
    consider(frozenset([run]) if run else None)
    return best


def _better(words: Words, than: Words) -> bool:
    """Longer shortest word first (fewer lines hold it), then fewer words."""
    return (min(map(len, words)), -len(words)) > (min(map(len, than)), -len(than))


class WordIndex(Generic[Key]):
    """Which keys (the catalogue's groups) a text may concern: the keys one of whose words it contains, plus the keys
    that have a pattern without a word list (always possible)."""

    def __init__(self, patterns: dict[Key, Iterable[str]]) -> None:
        self.always: set[Key] = set()
        single: dict[str, set[Key]] = defaultdict(set)
        longer: dict[str, list[tuple[str, set[Key]]]] = defaultdict(list)
        owners: dict[str, set[Key]] = defaultdict(set)
        for key, texts in patterns.items():
            for text in texts:
                words = words_in_every_match(text)
                if words is None:
                    self.always.add(key)
                    continue
                for word in words:
                    owners[word].add(key)
        for word, keys in owners.items():
            if len(word) == 1:
                single[word] = keys
            else:  # indexed by their first two characters: a line has few pairs, so few words are tried
                longer[word[:2]].append((word, keys))
        self._single, self._longer = dict(single), dict(longer)

    def possible(self, text: str) -> set[Key]:
        keys = set(self.always)
        for char in self._single.keys() & set(text):
            keys |= self._single[char]
        for pair in self._longer.keys() & {text[k: k + 2] for k in range(len(text) - 1)}:
            for word, owners in self._longer[pair]:
                if not owners <= keys and word in text:
                    keys |= owners
        return keys
