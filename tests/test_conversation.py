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
    assert "sources: faq-returns-zh#1" in str(t) and "<code>faq-returns-zh#1</code>" in t._repr_html_()


def test_html_shows_bubbles_typos_with_their_meaning_and_the_gloss() -> None:
    t = kit.converse(kit.Agent(WEAK), "typo_auntie", seed=0)
    page = t._repr_html_()
    typo = t.turns[0].typos[0]
    assert f'title="meant: {typo.right}">{typo.wrong}</span>' in page
    assert "English" in page and "upset" in page and "ended: <b>left</b>" in page


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
