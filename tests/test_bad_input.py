"""Bad input gets one clear line, not a raw traceback or a silent wrong answer (issue 16, item 10)."""

from __future__ import annotations

import pytest

import kit
from kit.errors import KitError


def test_a_negative_height_or_weight_is_refused_and_a_range_still_reads() -> None:
    with pytest.raises(ValueError, match="negative"):
        kit.units.parse_height("-170cm")
    with pytest.raises(ValueError, match="negative"):
        kit.units.parse_weight("负60公斤")
    assert kit.units.parse_height("160-170cm") == 170.0


@pytest.mark.parametrize("max_turns", [0, -1, 1.5, "3", True])
def test_converse_refuses_a_turn_limit_that_is_not_a_positive_whole_number(max_turns: object) -> None:
    with pytest.raises(KitError, match="max_turns is how many replies"):
        kit.converse(kit.Agent("You are a bot."), "typo_auntie", max_turns=max_turns)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [None, "x", 1.5, -1])
def test_converse_refuses_a_seed_that_is_not_a_whole_number(seed: object) -> None:
    with pytest.raises(KitError, match="seed picks the customer's wording"):
        kit.converse(kit.Agent("You are a bot."), "typo_auntie", seed=seed)  # type: ignore[arg-type]


def test_agent_refuses_a_k_or_tools_it_cannot_use() -> None:
    with pytest.raises(KitError, match="a whole number of at least 1, not '3'"):
        kit.Agent("You are a bot.", k="3")  # type: ignore[arg-type]
    with pytest.raises(KitError, match="tools= takes the kit's tools"):
        kit.Agent("You are a bot.", tools=["x"])  # type: ignore[list-item]


def test_an_empty_customer_message_with_a_knowledge_base_is_answered() -> None:
    index = kit.rag.Index.from_docs()
    agent = kit.Agent("You are the customer service of a clothing shop.", knowledge=index)
    messages = agent.opening_messages("J-101", "zh") + [{"role": "user", "content": "   "}]
    reply, _ = agent.respond(messages)
    assert isinstance(reply.text, str) and agent.last_sources == ()
