"""One customer protocol: the scripted customer and a model-played one report the same events.

Graders rely on what the customer did, not on how the customer was played: which task they asked and
when (`asks:<kind>`), what they said out of turn (`aside:<kind>`: a question, an injection, a change
of mind), which facts they gave (`revealed`), how upset they were (0-10) and how it ended. The same
contract runs on both kinds of customer (the model side against the local OpenAI-protocol server),
and on the events `kit.chat_log` infers from the words alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kit
from kit.conversation import Transcript
from kit.llm import OpenAIChat
from kit.testing.openai_server import serve

# Lesson 06's answer: it follows a change of mind and quotes with the tools.
STRONG = """You are the customer service of a clothing shop.
Ask for the customer's height and weight before recommending a size; ask only what you need.
Customers weigh themselves in 斤: 1 斤 = 0.5 kg.
Acknowledge the customer's feelings first when they are worried or upset.
Keep replies short.
Use the tools to look up sizes and quote prices.
If the customer changes their mind, use their latest choice.
When the customer interrupts with a side question, answer it from the product page first."""
CARD = kit.personas.load("mind_changer").card
OUTCOMES = {"satisfied", "handoff", "left", "max_turns"}

# The customer model's side of the student's conversation: one hoodie, a question out of turn, a change
# of mind to three, then her size.
SCRIPT: list[dict[str, Any]] = [
    {"text": "这件加绒卫衣多少钱呀？我先买一件。\n[emotion=2]"},
    {"text": "等下，这件有黑色的吗？\n[emotion=2] [aside=question]"},
    {"text": "好吧。那一件到手多少？\n[emotion=2]"},
    {"text": "算了，改成三件吧，室友也想要。三件一共多少钱？\n[emotion=2] [aside=change_mind]"},
    {"text": "好的！那我自己穿什么码？\n[emotion=1] [ask=size_advice]"},
    {"text": "我165，60公斤。\n[emotion=1]"},
    {"text": "好嘞，谢谢！\n[emotion=0] [end=satisfied]"},
]


def check_protocol(transcript: Transcript) -> set[str]:
    """Assert the contract every customer keeps; return the task and aside events it reported."""
    kinds = {task.kind for task in CARD.tasks}
    asides = {aside.kind for aside in CARD.asides}
    customer = transcript.customer_turns
    assert customer and customer[0].number == 1, "the customer speaks first"
    assert f"asks:{CARD.tasks[0].kind}" in customer[0].events, "the opening asks the card's first task"
    reported: set[str] = set()
    for turn in customer:
        assert isinstance(turn.emotion, int) and 0 <= turn.emotion <= 10, turn
        assert set(turn.revealed) <= set(CARD.facts), turn.revealed
        for event in turn.events:
            if event.startswith("asks:"):
                assert event[5:] in kinds, event
                reported.add(event)
            elif event.startswith("aside:"):
                assert event[6:] in asides, event
                reported.add(event)
    assert transcript.outcome in OUTCOMES
    return reported


@pytest.fixture(scope="module")
def scripted() -> Transcript:
    return kit.converse(kit.Agent(STRONG, tools=kit.tools.SHOP_TOOLS), "mind_changer", seed=0)


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Transcript:
    log: Path = tmp_path_factory.mktemp("protocol") / "requests.jsonl"
    with serve(SCRIPT, log) as url:
        model = OpenAIChat("customer-model", base_url=url, api_key="sk-test", max_retries=0, timeout_s=10)
        return kit.converse(kit.Agent(STRONG, tools=kit.tools.SHOP_TOOLS), "mind_changer", seed=0, customer_model=model)


def test_both_customers_keep_the_protocol_and_report_the_same_events(scripted: Transcript, played: Transcript) -> None:
    expected = {"asks:price_quote", "asks:size_advice", "aside:question", "aside:change_mind"}
    assert check_protocol(scripted) == expected, str(scripted)
    assert check_protocol(played) == expected, str(played)
    assert played.customer_model == "customer-model" and scripted.customer_model == "scripted"
    assert {fact for t in played.customer_turns for fact in t.revealed} == {"height", "weight"}


def test_graders_read_both_customers_alike(scripted: Transcript, played: Transcript) -> None:
    for transcript in (scripted, played):
        card = kit.grade(transcript)
        # The price is for the three she changed to (¥457.00), quoted after her change of mind: not "below the floor".
        assert card.scores["policy"] in (None, 100.0), str(transcript)
        assert card.scores["task_solved"] == 100.0, str(card)


@pytest.mark.parametrize("which", ["scripted", "played"])
def test_a_chat_log_of_the_same_words_reports_the_same_events(which: str, request: pytest.FixtureRequest) -> None:
    transcript: Transcript = request.getfixturevalue(which)
    messages = [{"role": turn.role, "text": turn.text} for turn in transcript.turns]
    inferred = kit.chat_log(messages, persona="mind_changer", system_prompt=STRONG)
    reported = {e for t in inferred.customer_turns for e in t.events if e.startswith(("asks:", "aside:change_mind"))}
    assert {"asks:price_quote", "asks:size_advice", "aside:change_mind"} <= reported
    assert inferred.outcome == transcript.outcome
    assert kit.grade(inferred).scores["task_solved"] == kit.grade(transcript).scores["task_solved"]
