"""Tests for the typo auntie's pinyin-IME typos: same sound, wrong character, reproducible."""

from __future__ import annotations

import random

import pytest
from pypinyin import Style, lazy_pinyin

from kit.personas.typos import Typo, add_typos, highlight, homophones, is_common_hanzi

ASK = "你好，我想问问这个外套我穿什么码，我不太会在网上买东西"
FACTS = "我身高一米六五，体重一百二十斤，穿什么码？"
LONG = (
    "我想问一下这件衣服有没有大一点的码，上次买的外套穿起来有点紧。"
    "你们什么时候发货，快递大概几天能到，我不知道怎么填地址。"
) * 40


def syllable(char: str) -> str:
    """Toneless pinyin of a single character, as pypinyin reads it on its own."""
    return lazy_pinyin(char, style=Style.NORMAL)[0]


def tone3(char: str) -> str:
    """Pinyin with the tone as a digit, e.g. 什 -> shen2, 么 -> me5."""
    return lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)[0]


def eligible(text: str) -> list[int]:
    """Positions add_typos may change when nothing is protected."""
    return [i for i, ch in enumerate(text) if homophones(ch)]


def test_shen_is_the_first_homophone_of_shen() -> None:
    """什's first reading is shén, so 神 (什么→神么) is a same-tone candidate and comes first."""
    assert homophones("什")[0] == "神"


@pytest.mark.parametrize("right, wrong", [("套", "淘"), ("知", "只"), ("服", "府"), ("道", "到")])
def test_textbook_slips_are_supported(right: str, wrong: str) -> None:
    """The brief's example slips (外套→外淘, 知道→只道, 衣服→衣府) come out of the data."""
    assert wrong in homophones(right)


def test_homophones_are_common_sorted_and_exclude_the_char() -> None:
    """Candidates are common hanzi of the same syllable, same tone first, never the char itself."""
    found = homophones("知")
    assert "知" not in found
    assert len(found) == len(set(found))
    assert all(is_common_hanzi(c) and syllable(c) == "zhi" for c in found)
    same_tone = [c for c in found if tone3(c) == "zhi1"]
    assert list(found[: len(same_tone)]) == sorted(same_tone)


@pytest.mark.parametrize("char", ["a", "1", "，", "?", " ", "😀"])
def test_no_homophones_for_non_hanzi(char: str) -> None:
    """Letters, digits, punctuation and emoji have nothing to be confused with."""
    assert homophones(char) == ()


def test_same_seed_same_output() -> None:
    """A fixed seed replays the same typos, so a contest run can be reproduced."""
    first = add_typos(LONG, 0.3, random.Random(7))
    second = add_typos(LONG, 0.3, random.Random(7))
    assert first == second


def test_different_seeds_differ() -> None:
    """Different seeds give different typos."""
    assert add_typos(LONG, 0.3, random.Random(0)) != add_typos(LONG, 0.3, random.Random(1))


def test_wrong_char_sounds_like_right_char() -> None:
    """Every typo keeps the pinyin syllable (tone aside): it is an IME slip, not a random char."""
    _, typos = add_typos(LONG, 1.0, random.Random(3))
    assert typos
    for typo in typos:
        assert typo.wrong != typo.right
        assert syllable(typo.wrong) == syllable(typo.right), typo


def test_typos_match_the_text_and_come_in_order() -> None:
    """Each Typo points at its wrong char in the output and the right char in the input."""
    out, typos = add_typos(ASK, 0.5, random.Random(1))
    assert len(out) == len(ASK)
    assert [t.index for t in typos] == sorted(t.index for t in typos)
    for typo in typos:
        assert out[typo.index] == typo.wrong and ASK[typo.index] == typo.right
    unchanged = set(range(len(ASK))) - {t.index for t in typos}
    assert all(out[i] == ASK[i] for i in unchanged)


def test_rate_zero_leaves_text_unchanged() -> None:
    """Rate 0 means a careful typist."""
    assert add_typos(ASK, 0.0, random.Random(0)) == (ASK, ())


def test_rate_one_changes_every_eligible_char() -> None:
    """Rate 1 changes every hanzi that has a homophone and nothing else."""
    out, typos = add_typos(ASK, 1.0, random.Random(0))
    assert [t.index for t in typos] == eligible(ASK)
    for i, (before, after) in enumerate(zip(ASK, out)):
        assert (before != after) == (i in eligible(ASK))


def test_protected_facts_stay_readable() -> None:
    """Height and weight must survive even at rate 1, while the rest still gets typos."""
    protect = ("一米六五", "一百二十斤")
    out, typos = add_typos(FACTS, 1.0, random.Random(0), protect=protect)
    for phrase in protect:
        assert phrase in out
    assert typos and all(FACTS[t.index] not in "一米六五百二十斤" for t in typos)


def test_every_occurrence_is_protected_and_empty_phrases_are_ignored() -> None:
    """All copies of a protected phrase are kept; an empty phrase protects nothing."""
    text = "一米六五还是一米六五"
    out, typos = add_typos(text, 1.0, random.Random(0), protect=("", "一米六五"))
    assert out.startswith("一米六五") and out.endswith("一米六五")
    assert [t.index for t in typos] == [i for i in (4, 5) if homophones(text[i])]


def test_observed_rate_is_close_to_requested() -> None:
    """Over a long text the share of changed eligible chars is near the requested rate."""
    for rate in (0.1, 0.3):
        _, typos = add_typos(LONG, rate, random.Random(11))
        observed = len(typos) / len(eligible(LONG))
        assert abs(observed - rate) < 0.05, (rate, observed)


def test_same_tone_slips_dominate() -> None:
    """When both kinds exist, a same-tone candidate is picked about 80% of the time."""
    _, typos = add_typos(LONG, 1.0, random.Random(5))
    same_tone = [tone3(t.wrong) == tone3(t.right) for t in typos if _has_both_tones(t.right)]
    share = sum(same_tone) / len(same_tone)
    assert 0.7 < share < 0.9, share


def _has_both_tones(char: str) -> bool:
    """True if `char` has homophones with its own tone and with another tone."""
    tones = {tone3(c) == tone3(char) for c in homophones(char)}
    return tones == {True, False}


@pytest.mark.parametrize("rate", [-0.1, 1.5, float("nan")])
def test_bad_rate_is_rejected(rate: float) -> None:
    """A rate outside [0, 1] is a mistake and says so."""
    with pytest.raises(ValueError, match="between 0 and 1"):
        add_typos(ASK, rate, random.Random(0))


def test_highlight_escapes_html_and_shows_the_meant_char() -> None:
    """Wrong chars get a hover title with the intended one; everything else is escaped."""
    text = '<b>神么</b> & "码"'
    shown = highlight(text, [Typo(index=3, wrong="神", right="什")])
    assert shown == (
        '&lt;b&gt;<span class="typo" title="meant: 什">神</span>么&lt;/b&gt; '
        "&amp; &quot;码&quot;"
    )


def test_highlight_of_add_typos_output() -> None:
    """highlight() marks exactly the typos add_typos reported."""
    out, typos = add_typos(ASK, 0.3, random.Random(0))
    shown = highlight(out, typos)
    assert shown.count('<span class="typo"') == len(typos)
    for typo in typos:
        assert f'title="meant: {typo.right}">{typo.wrong}</span>' in shown


def test_highlight_rejects_a_typo_that_does_not_match_the_text() -> None:
    """A Typo pointing at the wrong position is a bug worth hearing about."""
    with pytest.raises(ValueError, match="typo at 0"):
        highlight("什么", [Typo(index=0, wrong="神", right="什")])
