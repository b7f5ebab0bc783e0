"""A conversation as chat bubbles and as text: the kit's labels in the learner's language, the conversation as said."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest

import kit
from kit import i18n
from kit.conversation import Transcript
from kit.personas.typos import highlight
from kit.views.chat import chat_html, chat_text

from hand_written import with_tools_and_sources


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n._chosen = None


@pytest.fixture(scope="module")
def auntie() -> Transcript:
    """The weak prompt's conversation with the typo auntie, with a tool call and a last-season source added."""
    return with_tools_and_sources(kit.converse(kit.Agent("You are a customer service bot."), "typo_auntie", seed=0))


def test_the_bubbles_speak_chinese_and_keep_what_was_said(auntie: Transcript) -> None:
    english = chat_html(auntie)
    i18n.set_language("zh")
    page = chat_html(auntie)
    assert "结局：<b>不满离开 ✗</b>" in page and "ended:" not in page
    assert "1 · 顾客" in page and "2 · 客服" in page
    meters = re.findall(r"aria-label='不满程度 (\d+)（满分 10）'", page)
    assert [int(m) for m in meters] == auntie.emotions
    assert "<summary style='font-size:80%;color:#555'>英文</summary>" in page
    assert "🔧 工具 <code>size_lookup</code>" in page and "📄 资料来源（1）" in page and "<b>（往期）</b>" in page
    for turn in auntie.turns:  # the customer's and the agent's words, and the English gloss, stay as they were said
        said = highlight(turn.text, turn.typos) if turn.typos else html.escape(turn.text)
        assert said.replace("\n", "<br>") in page
        assert not turn.gloss or html.escape(turn.gloss).replace("\n", "<br>") in page
    assert english.count("kit-turn") == page.count("kit-turn")


def test_the_text_view_speaks_chinese_and_keeps_what_was_said(auntie: Transcript) -> None:
    english = chat_text(auntie)
    i18n.set_language("zh")
    text = chat_text(auntie)
    first = auntie.turns[0]
    assert f" 1 顾客 [不满程度 {first.emotion}/10]：{first.text}" in text
    assert "（错别字：冬→东、" in text and f"   英文：{first.gloss}" in text
    assert "   工具 size_lookup({\"height_cm\": 165})" in text and "   资料来源：faq-shipping-zh#2" in text
    assert f" 2 客服：{auntie.turns[1].text}" in text
    assert "customer" not in text and "English:" not in text
    assert len(text.splitlines()) == len(english.splitlines())


def test_an_outcome_the_kit_does_not_name_is_shown_as_it_is(auntie: Transcript) -> None:
    i18n.set_language("zh")
    assert "结局：context_full" in chat_text(replace(auntie, outcome="context_full"))
