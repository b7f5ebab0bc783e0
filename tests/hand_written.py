"""Hand-written transcripts for tests: build one from (role, text) pairs, with tasks and their ground truth.

The replies in the grader tests are in the style of real assistants (not the practice model's templates);
the expected numbers follow from each grader's documented rules, so a changed rule shows up there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from kit.conversation import Transcript, Turn
from kit.graders.base import GraderResult

C, A = "customer", "agent"
SIZE = {"kind": "size_advice", "sku": "J-101", "height_cm": 165, "weight_kg": 60}
ONE_JACKET = {"kind": "price_quote", "cart": {"J-101": 1}, "coupons": [], "member": False}  # the rules give ¥299.00
TWO_FOR_DAD = {"kind": "price_quote", "cart": {"W-105": 2}, "member": True,
               "coupons": ["shop-200-20", "shop-400-35", "platform-299-30"]}  # ¥378.50
GRANDMA = {"kind": "price_quote", "cart": {"S-310": 1}, "coupons": [], "member": True}  # ¥169.15 (8.5折 beats 会员价 ¥179)
CARDIGAN = {"kind": "price_quote", "cart": {"S-311": 1}, "coupons": [], "member": False}  # ¥194.65
HANDOFF = {"kind": "handoff"}

Step = tuple[str, str] | Turn  # (role, text), or a whole Turn when events or tool calls matter


def make(steps: Sequence[Step], tasks: Sequence[dict[str, Any]] = (SIZE,), outcome: str = "satisfied",
         language: str = "zh", persona: str = "hand_written") -> Transcript:
    """A transcript from (role, text) pairs or Turns, numbered from 1."""
    turns = tuple(
        Turn(n, step.role, step.text, events=step.events, revealed=step.revealed, tool_calls=step.tool_calls)
        if isinstance(step, Turn) else Turn(n, step[0], step[1])
        for n, step in enumerate(steps, start=1)
    )
    return Transcript(persona_id=persona, persona_name="hand-written", language=language, novice=False,
                      tasks=tuple(tasks), seed=0, model="hand-written", system_prompt="你是暖阳服饰旗舰店的客服。",
                      turns=turns, outcome=outcome)


def said(role: str, text: str, *events: str, calls: Sequence[dict[str, Any]] = ()) -> Turn:
    """A turn with events (customer) or tool calls (agent); make() numbers it."""
    return Turn(0, role, text, events=events, tool_calls=tuple(calls))


def notes(result: GraderResult) -> list[tuple[int, str]]:
    return [(e.turn, e.note) for e in result.evidence]


PRICE_ASK = "在吗？这件棉服我就买一件，最后付多少钱？"
FACTS = "我一米六五，一百二十斤，这件棉服穿什么码？"


def with_tools_and_sources(transcript: Transcript) -> Transcript:
    """The same conversation with a tool call and a last-season source on the first agent reply."""
    turns = list(transcript.turns)
    first_agent = next(i for i, t in enumerate(turns) if t.role == "agent")
    turns[first_agent] = replace(
        turns[first_agent],
        tool_calls=({"name": "size_lookup", "arguments": {"height_cm": 165}, "result": '{"size": "L"}'},),
        sources=({"chunk": "faq-shipping-zh#2", "doc": "faq-shipping-zh", "title": "运费说明", "outdated": True,
                  "text": "..."},),
    )
    return replace(transcript, turns=tuple(turns))
