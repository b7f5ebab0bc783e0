"""Pinyin-IME typos for the "typo auntie" (错别字阿姨): right sound, wrong character.

She types with a pinyin input method and sometimes picks the wrong candidate of the same
syllable: 什么→神么, 外套→外淘, 知道→只道, 衣服→衣府. Typos are drawn from pypinyin's
character readings, limited to the 3755 common hanzi (GB2312 level 1) that an IME offers first.
"""

from __future__ import annotations

import html
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from kit.i18n import _

SAME_TONE_PREFERENCE = 0.8  # an IME lists same-syllable candidates; most slips keep the tone


@dataclass(frozen=True)
class Typo:
    """One slip: at `index` the text shows `wrong` where the customer meant `right`."""

    index: int
    wrong: str
    right: str


def is_common_hanzi(char: str) -> bool:
    """True for the 3755 most common hanzi (GB2312 level 1, lead byte 0xB0..0xD7)."""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


@dataclass(frozen=True)
class _Table:
    """Common hanzi grouped by sound; built once because it scans ~42k pypinyin entries."""

    reading: dict[str, tuple[str, int]]  # char -> (toneless syllable, tone 1..5)
    groups: dict[tuple[str, int], tuple[str, ...]]  # (syllable, tone) -> chars by code point
    tones: dict[str, tuple[int, ...]]  # syllable -> the tones that occur, ascending


_TABLE_LOCK = threading.Lock()


def _table() -> _Table:
    """The sound table, built once even when several threads ask first (pypinyin's first import is not thread-safe)."""
    with _TABLE_LOCK:
        return _build_table()


@cache
def _build_table() -> _Table:
    """Build the sound table from pypinyin (imported here so importing this module stays fast)."""
    from pypinyin.constants import PINYIN_DICT
    from pypinyin.contrib.tone_convert import to_tone3

    reading: dict[str, tuple[str, int]] = {}
    for code_point, readings in PINYIN_DICT.items():
        char = chr(code_point)
        if not is_common_hanzi(char):
            continue
        first = readings.split(",")[0]  # the first reading is the most common one
        tone3 = to_tone3(first, neutral_tone_with_five=True)  # "shén" -> "shen2", "me" -> "me5"
        reading[char] = (tone3[:-1], int(tone3[-1]))

    members: dict[tuple[str, int], list[str]] = {}
    for char, key in reading.items():
        members.setdefault(key, []).append(char)
    # Sorting by code point makes every result independent of dict order.
    groups = {key: tuple(sorted(chars)) for key, chars in members.items()}

    tones: dict[str, list[int]] = {}
    for syllable, tone in sorted(groups):
        tones.setdefault(syllable, []).append(tone)
    return _Table(reading, groups, {syllable: tuple(ts) for syllable, ts in tones.items()})


def _candidates(char: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split `char`'s homophones into (same tone, other tones), each in a fixed order."""
    table = _table()
    if char not in table.reading:
        return (), ()
    syllable, tone = table.reading[char]
    same = tuple(c for c in table.groups[(syllable, tone)] if c != char)
    other = tuple(
        c for t in table.tones[syllable] if t != tone for c in table.groups[(syllable, t)]
    )
    return same, other


def homophones(char: str) -> tuple[str, ...]:
    """Common hanzi that sound like `char`: same tone first, then other tones; () if none."""
    same, other = _candidates(char)
    return same + other


def _pick(char: str, rng: random.Random) -> str:
    """Choose the wrong IME candidate for `char` (which has homophones), usually same-tone."""
    same, other = _candidates(char)
    if same and other:
        pool = same if rng.random() < SAME_TONE_PREFERENCE else other
    else:
        pool = same or other
    return rng.choice(pool)


def _protected_positions(text: str, protect: Sequence[str]) -> set[int]:
    """Positions inside any occurrence of a protected phrase (facts that must stay readable)."""
    covered: set[int] = set()
    for phrase in protect:
        if not phrase:
            continue
        start = text.find(phrase)
        while start != -1:
            covered.update(range(start, start + len(phrase)))
            start = text.find(phrase, start + 1)  # +1 so overlapping occurrences count too
    return covered


def add_typos(
    text: str, rate: float, rng: random.Random, protect: Sequence[str] = ()
) -> tuple[str, tuple[Typo, ...]]:
    """Swap each eligible hanzi for a homophone with probability `rate`; return text and typos."""
    if not 0.0 <= rate <= 1.0:  # also rejects NaN
        raise ValueError(
            f"typo rate must be a probability between 0 and 1 per character, got {rate!r}"
        )
    if rate == 0.0:
        return text, ()

    covered = _protected_positions(text, protect)
    chars = list(text)
    typos: list[Typo] = []
    for index, char in enumerate(text):
        # Digits, punctuation, Latin letters and rare hanzi have no homophones, so they stay.
        if index in covered or not homophones(char):
            continue
        if rng.random() >= rate:
            continue
        wrong = _pick(char, rng)
        chars[index] = wrong
        typos.append(Typo(index, wrong, char))
    return "".join(chars), tuple(typos)


def highlight(text: str, typos: Sequence[Typo]) -> str:
    """HTML of `text` with each typo in a span whose hover title shows the meant character."""
    by_index = {typo.index: typo for typo in typos}
    parts: list[str] = []
    for index, char in enumerate(text):
        typo = by_index.get(index)
        if typo is None:
            parts.append(html.escape(char))
            continue
        if typo.wrong != char:
            raise ValueError(f"typo at {index} says {typo.wrong!r} but the text has {char!r}")
        meant = html.escape(_("meant: {char}").format(char=typo.right), quote=True)
        parts.append(f'<span class="typo" title="{meant}">{html.escape(char)}</span>')
    return "".join(parts)
