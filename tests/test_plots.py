"""Pictures with Chinese labels: drawn with a Chinese font when the machine has one, never as boxes."""

from __future__ import annotations

import warnings

import pytest

import kit
from kit.plots import CJK_FONTS, font_families


def test_chinese_labels_are_drawn_with_a_chinese_font() -> None:
    families = font_families()
    assert families[0] == "DejaVu Sans"
    if len(families) == 1:
        pytest.skip(f"no Chinese font on this machine (one of {', '.join(CJK_FONTS)}; Debian: fonts-wqy-zenhei)")
    runs = {"一句话提示词": {t.persona_id: t for t in kit.converse_many(kit.Agent("你是一个客服机器人。"), ["typo_auntie"])}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = kit.plots.emotion_curves(runs, title="每位顾客有多着急")
        figure.canvas.draw()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]
