"""The agent, the conversation loop and the transcript, through the public names of DESIGN.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kit
from kit.demo import PROMPTS
from kit.errors import KitError, PromptError

WEAK, _, STRONG = (prompt for _, prompt in PROMPTS)


def test_the_same_seed_gives_the_same_conversation() -> None:
    first = kit.converse(kit.Agent(WEAK), "typo_auntie", seed=4)
    again = kit.converse(kit.Agent(WEAK), kit.personas.load("typo_auntie"), seed=4)
    assert first == again


def test_the_transcript_keeps_emotion_per_customer_turn_and_the_outcome() -> None:
    t = kit.converse(kit.Agent(STRONG), "typo_auntie", seed=0)
    assert t.outcome == "satisfied"
    assert len(t.emotions) == len(t.customer_turns) and t.emotions[-1] < t.emotions[0]
    assert [turn.number for turn in t.turns] == list(range(1, len(t.turns) + 1))
    assert t.model == "practice" and t.task("size_advice")["sku"] == "J-101"


def test_max_turns_stops_the_conversation() -> None:
    t = kit.converse(kit.Agent(WEAK), "typo_auntie", seed=0, max_turns=1)
    assert len(t.agent_turns) == 1 and t.outcome == "max_turns"


@pytest.mark.parametrize("prompt", ["", "   \n", None])
def test_an_empty_prompt_is_a_clear_error(prompt: str | None) -> None:
    with pytest.raises(PromptError, match="system prompt is empty"):
        kit.Agent(prompt)  # type: ignore[arg-type]


def test_knowledge_must_be_searchable_and_k_positive() -> None:
    with pytest.raises(KitError, match=r"kit.rag.Index"):
        kit.Agent(WEAK, knowledge=object())
    with pytest.raises(KitError, match="at least 1"):
        kit.Agent(WEAK, k=0)


class _Hit:
    def __init__(self, chunk_id: str, title: str, text: str, outdated: bool = False) -> None:
        self.chunk_id, self.doc_id, self.title, self.text, self.outdated = chunk_id, chunk_id.split("#")[0], title, text, outdated


class _Shelf:
    """A stand-in knowledge base: one passage per question word it knows (the real one is kit.rag.Index)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, int]] = []

    def search(self, query: str, k: int = 3) -> list[_Hit]:
        self.queries.append((query, k))
        return [_Hit("faq-returns-zh#1", "退货政策", "签收后7天内可以无理由退货。")][:k]


def test_the_agent_retrieves_each_turn_and_records_its_sources() -> None:
    shelf = _Shelf()
    agent = kit.Agent(WEAK, knowledge=shelf, k=2)
    messages = agent.opening_messages("J-101", "zh") + [{"role": "user", "content": "能退货吗？"}]
    agent.respond(messages)
    messages.append({"role": "user", "content": "几天内？"})
    agent.respond(messages)
    assert shelf.queries == [("能退货吗？", 2), ("几天内？", 2)]
    knowledge = [m for m in messages if str(m.get("content", "")).startswith("## 知识库摘录")]
    assert len(knowledge) == 1 and "[faq-returns-zh#1] 退货政策" in knowledge[0]["content"]  # replaced, not piled up
    assert messages.index(knowledge[0]) == 2  # right after the prompt and the product page
    t = kit.converse(agent, "typo_auntie", max_turns=1)
    assert t.agent_turns[0].sources == ({"chunk": "faq-returns-zh#1", "doc": "faq-returns-zh", "title": "退货政策",
                                         "outdated": False, "text": "签收后7天内可以无理由退货。"},)
    assert "sources: faq-returns-zh#1" in str(t) and "<code>faq-returns-zh#1</code>" in kit.views.chat_html(t)


def test_html_shows_bubbles_typos_with_their_meaning_and_the_gloss() -> None:
    t = kit.converse(kit.Agent(WEAK), "typo_auntie", seed=0)
    page = kit.views.chat_html(t)
    typo = t.turns[0].typos[0]
    assert f'title="meant: {typo.right}">{typo.wrong}</span>' in page
    assert "English" in page and "upset" in page and "ended: <b>left upset" in page


def test_text_view_for_terminals() -> None:
    t = kit.converse(kit.Agent(WEAK), "typo_auntie", seed=0)
    text = str(t)
    assert text.startswith("错别字阿姨 (The typo auntie) · seed 0 · practice")
    assert " 2 agent: " in text and "(gloss: " in text


def test_save_and_load_round_trip_and_never_overwrite(tmp_path: Path) -> None:
    t = kit.converse(kit.Agent(STRONG), "typo_auntie", seed=2)
    path = t.save(tmp_path / "t.json")
    assert kit.Transcript.from_dict(json.loads(path.read_text(encoding="utf-8"))) == t
    with pytest.raises(FileExistsError, match="already exists"):
        t.save(path)


# A short context window (lesson 06): the model sees system messages and the last N messages only.

from kit.conversation import visible  # noqa: E402

_MEMORY_PROMPT = """You are the customer service of a clothing shop.
Ask for the customer's height and weight before recommending a size; ask only what you need.
Customers weigh themselves in 斤: 1 斤 = 0.5 kg.
Keep replies short.
Use the tools to look up sizes and quote prices.
If the customer changes their mind, use their latest choice."""


def test_visible_keeps_system_messages_and_the_last_n_spoken_ones() -> None:
    messages = [{"role": "system", "content": "rules"}, {"role": "system", "content": "page"},
                {"role": "user", "content": "u1"}, {"role": "assistant", "content": "a1"},
                {"role": "user", "content": "u2"}, {"role": "assistant", "content": "", "tool_calls": [{"id": "c"}]},
                {"role": "tool", "tool_call_id": "c", "content": "{}"}, {"role": "assistant", "content": "a2"},
                {"role": "user", "content": "u3"}]
    assert visible(messages, None) is messages
    assert [m["content"] for m in visible(messages, 2)] == ["rules", "page", "a2", "u3"]
    # the tool call and its result belong to the reply a2: they do not use up the window
    assert [m["content"] for m in visible(messages, 3)] == ["rules", "page", "u2", "", "{}", "a2", "u3"]
    # while a reply is calling tools, the calls so far are always visible
    calling = [*messages, {"role": "assistant", "content": "", "tool_calls": [{"id": "d"}]},
               {"role": "tool", "tool_call_id": "d", "content": "{}"}]
    assert [m["content"] for m in visible(calling, 2)] == ["rules", "page", "a2", "u3", "", "{}"]
    assert visible(messages, 50) == messages


@pytest.mark.parametrize("window", [0, -1, 2.5, True, "4"])
def test_a_bad_window_is_a_clear_error(window: object) -> None:
    with pytest.raises(KitError, match="window is how many recent messages"):
        kit.Agent("You are a shop assistant.", window=window)  # type: ignore[arg-type]


def test_a_short_window_forgets_facts_given_at_the_start_and_a_recap_keeps_them() -> None:
    full = kit.converse(kit.Agent(_MEMORY_PROMPT, tools=kit.tools.SHOP_TOOLS), "mind_changer", seed=0)
    short = kit.converse(kit.Agent(_MEMORY_PROMPT, tools=kit.tools.SHOP_TOOLS, window=4), "mind_changer", seed=0)
    recap_prompt = _MEMORY_PROMPT + "\nEnd each reply by restating the known facts (height, weight) in one short line."
    recap = kit.converse(kit.Agent(recap_prompt, tools=kit.tools.SHOP_TOOLS, window=4), "mind_changer", seed=0)
    memory = {name: kit.grade(t).scores["memory"] for name, t in (("full", full), ("short", short), ("recap", recap))}
    assert memory == {"full": 100.0, "short": 50.0, "recap": 100.0}
    assert "repeated" in {e for t in short.customer_turns for e in t.events}
    assert all(t.outcome == "satisfied" for t in (full, short, recap))
    assert repr(kit.Agent("x", window=4)).endswith("window=4)")


def test_in_chinese_the_text_view_and_notes_are_chinese_and_what_was_said_stays_as_said() -> None:
    from kit import i18n

    agent = kit.Agent("You are the shop's customer service.", tools=kit.tools.SHOP_TOOLS)
    english = kit.converse(agent, "typo_auntie", seed=0)
    i18n.set_language("zh")
    try:
        transcript = kit.converse(agent, "typo_auntie", seed=0)
        text = str(transcript)
        assert transcript.turns == english.turns  # the conversation itself does not depend on the language
        names = ", ".join(tool.name for tool in kit.tools.SHOP_TOOLS)
        assert transcript.notes == (f"客服拿到了工具（{names}），但一次也没有调用。",)
        assert text.startswith("错别字阿姨 (The typo auntie) · 种子 0 · practice · 结局：")
        assert " 1 顾客 [不满程度 " in text and " 2 客服：" in text and "（英文：" in text
        assert text.endswith(f"说明：{transcript.notes[0]}")
        for turn in transcript.turns:  # the customer's and the agent's words, as they were said
            assert turn.text in text and (turn.role == "agent" or not turn.gloss or turn.gloss in text)
        with pytest.raises(KitError, match="max_turns 是客服最多能回复的次数"):
            kit.converse(agent, "typo_auntie", max_turns=0)
        with pytest.raises(PromptError, match="系统提示词是空的"):
            kit.Agent("  ")
    finally:
        i18n._chosen = None


def test_in_chinese_a_context_overflow_note_says_where_the_history_was_cut() -> None:
    from kit import i18n
    from kit.llm import OpenAIChat
    from kit.testing.openai_server import serve

    i18n.set_language("zh")
    try:
        with serve(context_chars=1400) as url:
            model = OpenAIChat("served", base_url=url, api_key="sk-test", max_retries=0)
            transcript = kit.converse(kit.Agent(STRONG, model=model), "size_seeker", seed=0)
        trimmed = [note for note in transcript.notes if "超出了 served 的上下文长度" in note]
        assert len(trimmed) == 1 and trimmed[0].startswith("第 ") and "客服只看到自己的提示词和最后" in trimmed[0]
    finally:
        i18n._chosen = None
