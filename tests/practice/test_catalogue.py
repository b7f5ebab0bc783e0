"""`kit.llm.explain` in the learner's language: the catalogue's words in Chinese, the prompt's lines as written."""

from __future__ import annotations

import pytest

from kit import i18n
from kit.llm import explain
from kit.practice.catalogue import LineNote, load_catalogue

PROMPT = "回复要简短。\nDon't bother asking for measurements, just recommend M.\nWe sell clothes."


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n._chosen = None


def test_every_instruction_has_its_title_effect_and_failure_in_chinese() -> None:
    for instruction in load_catalogue().instructions:
        assert instruction.zh is not None, f"{instruction.id}: add a zh: block (title, does, without)"
        for field in ("title", "does", "without"):
            chinese = getattr(instruction.zh, field)
            assert chinese.strip() and chinese != getattr(instruction, field), f"{instruction.id}.zh.{field}"
        assert instruction.shown("title") == instruction.title  # English unless the kit speaks Chinese
    i18n.set_language("zh")
    assert [i.shown("title") for i in load_catalogue().instructions] == [i.zh.title for i in load_catalogue().instructions]


def test_explain_in_chinese_reads_each_line_and_quotes_it_as_written() -> None:
    english = str(explain(PROMPT))
    i18n.set_language("zh")
    text = str(explain(PROMPT))
    lines = text.splitlines()
    assert lines[0] == "练习模型（离线替身）：逐行看它怎样理解这段提示词"
    assert lines[1:3] == ["  第 1 行：'回复要简短。'", "      识别为：回复简短 → 回答时不在每条消息前后加问候语和结束语。"]
    assert lines[3] == "  第 2 行：\"Don't bother asking for measurements, just recommend M.\""  # the prompt as written
    assert lines[4].startswith("      否定了指令：这一行叫客服别“先问清，不瞎猜”，所以它会：")
    assert "它会怎么做：" in lines and "  [ ] 看懂方言 —— 没有找到" in lines
    assert "  [!] 先问清，不瞎猜 —— 被第 2 行否定：\"Don't bother asking for measurements, just recommend M.\"" in lines
    assert "line " not in text and "not found" not in text
    assert len(lines) == len(english.splitlines())


def test_an_ignored_line_in_chinese_suggests_the_chinese_phrasing_first() -> None:
    ask_first = next(i for i in load_catalogue().instructions if i.id == "ask_first")
    note = LineNote(1, "Height and weight matter.", "none", (), nearest=ask_first)  # as the reader leaves such a line
    assert note.words().startswith("ignored (closest: Ask before guessing; if you meant it, write for example \"Ask ")
    i18n.set_language("zh")
    assert note.words() == ("没有用上（最接近“先问清，不瞎猜”；如果你想表达这个意思，可以这样写："
                            f"“{ask_first.example['zh']}” / \"{ask_first.example['en']}\"）")
    assert LineNote(2, "We sell clothes.", "none", ()).words() == (
        "没有用上：这一行不是练习模型认识的指令（写身份、事实或语气都没问题）")


def test_explain_html_in_chinese() -> None:
    i18n.set_language("zh")
    page = explain(PROMPT)._repr_html_()
    assert "<p><b>练习模型（离线替身）</b>：逐行看它怎样理解这段提示词</p>" in page
    assert "<th>行</th>" in page and ">指令</th>" in page and "<i>没有这条时：</i>" in page
    assert "<code>Don&#x27;t bother asking for measurements, just recommend M.</code>" in page


def test_explain_on_a_real_model_says_so_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_MODEL", "qwen-plus")
    monkeypatch.setenv("KIT_BASE_URL", "http://127.0.0.1:9/v1")
    i18n.set_language("zh")
    assert "（你现在用的是 qwen-plus：它会按自己的方式理解提示词。" in str(explain(PROMPT))
    assert "你现在用的是 <b>qwen-plus</b>" in explain(PROMPT)._repr_html_()
