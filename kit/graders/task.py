"""Task solved: did the agent give the right answer to each thing the customer came for?

Each task is checked against the shop's ground truth: the size from the size chart
(`kit.shop.recommend_size`), the final price from the promotions engine (`kit.shop.quote`),
and, for "how do I order?", the ordering steps. The score is the mean over the tasks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kit import signals
from kit.conversation import Transcript
from kit.graders.base import Evidence, GraderResult
from kit.shop import catalogue, quote, recommend_size, yuan


class TaskSolved:
    name = "task_solved"
    title = "Task solved"

    def __call__(self, transcript: Transcript) -> GraderResult:
        checks = {"size_advice": _size, "price_quote": _price, "how_to_order": _order_help}
        results = [checks[task["kind"]](transcript, task) for task in transcript.tasks]
        score = sum(score for score, _, _ in results) / len(results)
        evidence = tuple(e for _, found, _ in results for e in found)
        hint = next((hint for task_score, _, hint in results if task_score < 100 and hint), "")
        return GraderResult(self.name, self.title, round(score, 1), evidence, hint)


Check = tuple[float, list[Evidence], str]


def _size(transcript: Transcript, task: dict[str, Any]) -> Check:
    chart = catalogue().chart_for(task["sku"])
    truth = recommend_size(chart, task["height_cm"], task["weight_kg"]).size
    codes = {row.code: row.size for row in chart.rows}
    named = [(turn, size) for turn in transcript.agent_turns if (size := signals.recommended_size(turn.text, codes))]
    if not named:
        return 0.0, [], (f"The agent never named a size (the right one was {truth}). Tell it to recommend one "
                         "size once it knows the customer's height and weight.")
    final_turn, final = named[-1]
    if final == truth:
        return 100.0, [Evidence.at(final_turn, f"size {final} is right", good=True)], ""
    evidence = [Evidence.at(final_turn, f"ended on size {final}; the size chart gives {truth}")]
    score = 50.0 if any(size == truth for _, size in named) else 0.0
    read_as_kg = recommend_size(chart, task["height_cm"], task["weight_kg"] * 2).size
    if final == read_as_kg != truth:
        return score, evidence, ("The agent read 斤 as kilograms. Customers here weigh themselves in 斤: tell the "
                                 "agent \"1 斤 = 0.5 kg; convert before reading the size chart\".")
    return score, evidence, (f"The right size was {truth}. Tell the agent to convert the customer's units "
                             "(斤, 尺) and read the size chart with their height and weight.")


def _price(transcript: Transcript, task: dict[str, Any]) -> Check:
    truth = quote(task["cart"], coupons=task["coupons"], member=task["member"]).total
    asked = transcript.asked_at("price_quote")
    if asked is None:
        return 0.0, [], "The conversation never reached the price question: fix the earlier tasks first."
    stated: list[tuple[Any, Decimal]] = [
        (turn, total) for turn in transcript.agent_turns
        if turn.number > asked and (total := signals.stated_total(turn.text)) is not None
    ]
    if not stated:
        return 0.0, [], (f"The agent never stated a final price (it is {yuan(truth)}). Tell it to work out "
                         "the exact price with every promotion and coupon, or give it the quote_price tool.")
    final_turn, final = stated[-1]
    if final == truth:
        return 100.0, [Evidence.at(final_turn, f"final price {yuan(final)} is right", good=True)], ""
    return 0.0, [Evidence.at(final_turn, f"said {yuan(final)}; with the shop's promotions it is {yuan(truth)}")], (
        "Promotions stack in a fixed order (unit price → second item → cross-shop → shop coupon → platform "
        "coupon), and each threshold sees the price after the steps before it. Give the agent the "
        "quote_price tool and tell it to use it, rather than adding discounts up itself."
    )


def _order_help(transcript: Transcript, task: dict[str, Any]) -> Check:
    asked = transcript.asked_at("how_to_order")
    if asked is None:
        return 0.0, [], "The conversation never reached the ordering question: fix the earlier tasks first."
    for turn in transcript.agent_turns:
        if turn.number > asked and signals.has_numbered_steps(turn.text):
            return 100.0, [Evidence.at(turn, "explained ordering step by step", good=True)], ""
    return 0.0, [], "The customer asked how to order: tell the agent to explain it in short numbered steps."
