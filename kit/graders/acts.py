"""What an agent's turn did: its tool calls first, its words for what the calls do not say.

A `hand_off` call is a hand-off, whatever the words around it; a `size_lookup` or `quote_price`
result tells which size or total the reply passes on when its words name it. Graders ask these
questions here, so a real model that acts through tools is graded on what it did.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from kit.conversation import Turn
from kit.graders.reading import reply as read


def _results(turn: Turn, name: str) -> list[dict[str, Any]]:
    found = []
    for call in turn.tool_calls:
        if call.get("name") != name:
            continue
        try:
            result = json.loads(call.get("result") or "{}")
        except (TypeError, ValueError):
            continue
        if isinstance(result, dict) and "error" not in result:
            found.append(result)
    return found


def handed_off(turn: Turn) -> bool:
    """The turn handed the customer to a person: a `hand_off` call, or words that transfer them now."""
    return any(call.get("name") == "hand_off" for call in turn.tool_calls) or read.handoff(turn.text) == "performed"


def size_given(turn: Turn, codes: Mapping[str, str]) -> str | None:
    """The size the turn recommends: read from its words, or the `size_lookup` size its words pass on."""
    size = read.recommended_size(turn.text, codes)
    if size is not None:
        return size
    named = read.sizes_named(turn.text, codes)
    return next((result["size"] for result in _results(turn, "size_lookup") if result.get("size") in named), None)


def total_given(turn: Turn) -> Decimal | None:
    """The final price the turn states: the `quote_price` total when its words state that amount, else what they say."""
    stated = read.prices(turn.text)
    for result in _results(turn, "quote_price"):
        try:
            total = Decimal(str(result.get("total"))).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            continue
        if total in stated:
            return total
    return read.stated_prices(turn.text).total
