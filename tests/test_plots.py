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


def test_the_axes_speak_the_learners_language() -> None:
    runs = {"一句话提示词": {t.persona_id: t for t in kit.converse_many(kit.Agent("你是一个客服机器人。"), ["typo_auntie"])}}
    english = kit.plots.emotion_curves(runs)
    assert (english._suptitle.get_text(), english.axes[0].get_xlabel(), english.axes[0].get_ylabel()) == (
        "How upset each customer got", "customer message", "upset (0-10)")
    kit.i18n.set_language("zh")
    try:
        chinese = kit.plots.emotion_curves(runs)
        mine = kit.plots.emotion_curves(runs, title="Before and after")
    finally:
        kit.i18n._chosen = None
    assert (chinese._suptitle.get_text(), chinese.axes[0].get_xlabel(), chinese.axes[0].get_ylabel()) == (
        "每位顾客的不满程度", "顾客的第几条消息", "不满程度（0-10）")
    assert chinese.axes[0].get_title() == "一句话提示词" and mine._suptitle.get_text() == "Before and after"  # as given
    assert [t.get_text() for t in chinese.axes[0].get_legend().get_texts()] == ["typo_auntie"]
    if len(font_families()) > 1:  # with a Chinese font on the machine, the Chinese labels are drawn, not boxes
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            chinese.canvas.draw()
        assert not [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_a_chinese_lesson_s_own_matplotlib_pictures_draw_chinese_labels() -> None:
    import matplotlib
    import matplotlib.pyplot as plt

    if len(font_families()) == 1:
        pytest.skip(f"no Chinese font on this machine (one of {', '.join(CJK_FONTS)}; Debian: fonts-wqy-zenhei)")
    before = matplotlib.rcParams["font.family"]
    try:
        kit.i18n.set_language("zh")  # what every Chinese lesson's first cell does
        fig, ax = plt.subplots()
        ax.set(xlabel="第几条消息（红框：第 1 轮）", title="window=4 的模型能看到什么")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.canvas.draw()
        plt.close(fig)
    finally:
        kit.i18n._chosen = None
        matplotlib.rcParams["font.family"] = before
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]
