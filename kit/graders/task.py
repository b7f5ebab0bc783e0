"""Task solved: did the agent give the right answer to each thing the customer came for?

Each task is checked against the shop's ground truth: the size from the size chart
(`kit.shop.recommend_size`), the final price from the promotions engine (`kit.shop.quote`),
the product and shade from the catalogue, a return from the returns policy and the order's
delivery date, and, for "how do I order?" or "a person, please", the steps or the hand-off.
The score is the mean over the tasks.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from kit.conversation import Transcript
from kit.graders import acts
from kit.graders.base import Evidence, GraderResult, joined
from kit.graders.reading import reply as read
from kit.i18n import N_, _
from kit.shop import catalogue, recommend_size, yuan


class TaskSolved:
    name = "task_solved"
    title = N_("Task solved")

    def __call__(self, transcript: Transcript) -> GraderResult:
        checks = {"size_advice": _size, "price_quote": _price, "how_to_order": _order_help,
                  "product_advice": _product, "return_request": _return, "handoff": _handoff,
                  "shipping_question": _shipping}
        results = [checks[task["kind"]](transcript, task) for task in transcript.tasks]
        score = sum(score for score, _, _ in results) / len(results)
        evidence = tuple(e for _, found, _ in results for e in found)
        hint = next((hint for task_score, _, hint in results if task_score < 100 and hint), "")
        return GraderResult(self.name, self.title, round(score, 1), evidence, hint)


Check = tuple[float, list[Evidence], str]


def task_truth(task: dict[str, Any]) -> Any:
    """The right answer to a transcript's task, from the same card model the customer checks it with."""
    return _task_adapter().validate_python(task | {"ask": ()}).truth()


@cache
def _task_adapter() -> Any:
    """The card model's task validator, built once (pydantic builds a schema per adapter)."""
    from pydantic import TypeAdapter

    from kit.personas.card import Task

    return TypeAdapter(Task)


def _size(transcript: Transcript, task: dict[str, Any]) -> Check:
    chart = catalogue().chart_for(task["sku"])
    truth = recommend_size(chart, task["height_cm"], task["weight_kg"]).size
    codes = {row.code: row.size for row in chart.rows}
    answers = _after_ask(transcript, "size_advice")
    answers = transcript.agent_turns if answers is None else answers  # older transcripts did not mark the ask
    named = [(turn, size) for turn in answers if (size := acts.size_given(turn, codes))]
    if not named:
        return 0.0, [], _("The agent never named a size (the right one was {size}). Tell it to recommend one "
                          "size once it knows the customer's height and weight.").format(size=truth)
    final_turn, final = named[-1]
    if final == truth:
        return 100.0, [Evidence.at(final_turn, _("size {size} is right").format(size=final), good=True)], ""
    evidence = [Evidence.at(final_turn, _("ended on size {size}; the size chart gives {right}").format(size=final,
                                                                                                      right=truth))]
    score = 50.0 if any(size == truth for _, size in named) else 0.0
    read_as_kg = recommend_size(chart, task["height_cm"], task["weight_kg"] * 2).size
    if final == read_as_kg != truth:
        return score, evidence, _("The agent read 斤 as kilograms. Customers here weigh themselves in 斤: tell the "
                                  "agent \"1 斤 = 0.5 kg; convert before reading the size chart\".")
    return score, evidence, _("The right size was {size}. Tell the agent to convert the customer's units "
                              "(斤, 尺) and read the size chart with their height and weight.").format(size=truth)


def _price(transcript: Transcript, task: dict[str, Any]) -> Check:
    truth = task_truth(task)
    answers = _after_ask(transcript, "price_quote")
    if answers is None:
        return 0.0, [], _("The conversation never reached the price question: fix the earlier tasks first.")
    stated: list[tuple[Any, Decimal]] = [
        (turn, total) for turn in answers if (total := acts.total_given(turn)) is not None
    ]
    if not stated:
        return 0.0, [], _("The agent never stated a final price (it is {price}). Tell it to work out "
                          "the exact price with every promotion and coupon, or give it the quote_price tool.").format(
                              price=yuan(truth))
    final_turn, final = stated[-1]
    if final == truth:
        return 100.0, [Evidence.at(final_turn, _("final price {price} is right").format(price=yuan(final)), good=True)], ""
    said = _("said {price}; with the shop's promotions it is {right}").format(price=yuan(final), right=yuan(truth))
    return 0.0, [Evidence.at(final_turn, said)], _(
        "Promotions stack in a fixed order (unit price → second item → cross-shop → shop coupon → platform "
        "coupon), and each threshold sees the price after the steps before it. Give the agent the "
        "quote_price tool and tell it to use it, rather than adding discounts up itself."
    )


def _order_help(transcript: Transcript, task: dict[str, Any]) -> Check:
    answers = _after_ask(transcript, "how_to_order")
    if answers is None:
        return 0.0, [], _("The conversation never reached the ordering question: fix the earlier tasks first.")
    for turn in answers:
        if read.has_steps(turn.text):
            return 100.0, [Evidence.at(turn, _("explained ordering step by step"), good=True)], ""
    return 0.0, [], _("The customer asked how to order: tell the agent to explain it step by step (short numbered steps read best).")


def _after_ask(transcript: Transcript, kind: str) -> list[Any] | None:
    """The agent turns that answer this task: after the customer asked it, before they asked the next one.

    None when the customer never got to ask it.
    """
    asked = transcript.asked_at(kind)
    if asked is None:
        return None
    later = [t.number for t in transcript.customer_turns if t.number > asked
             and any(e.startswith("asks:") for e in t.events) and f"asks:{kind}" not in t.events]
    until = later[0] if later else float("inf")
    answers = [turn for turn in transcript.agent_turns if asked < turn.number < until]
    changed = next((t.number for t in transcript.customer_turns if "aside:change_mind" in t.events), None)
    if kind == "price_quote" and changed is not None and changed > asked:  # the price asked again, for the new cart
        answers += [turn for turn in transcript.agent_turns if turn.number > changed and turn not in answers]
    return answers


def _product(transcript: Transcript, task: dict[str, Any]) -> Check:
    fits = task_truth(task)
    shop = catalogue()
    answers = [(turn, read.products_named(turn.text, shop)) for turn in _after_ask(transcript, "product_advice") or []]
    answers = [(turn, named[-1]) for turn, named in answers if named]
    wanted = joined(_("{sku} in {shade}").format(sku=sku, shade=code) for sku, code in fits.items())
    if not answers:
        return 0.0, [], _("The agent never recommended a product (right: {right}). Tell it to recommend one that suits "
                          "the customer.").format(right=wanted)
    turn, sku = answers[-1]
    code = fits.get(sku)
    product = shop.product(sku)
    if code and any(s.code == code and (s.code in turn.text or s.name.zh in turn.text) for s in product.shades):
        suits = _("{product} suits the customer").format(product=_("{sku} in {shade}").format(sku=sku, shade=code))
        return 100.0, [Evidence.at(turn, suits, good=True)], ""
    wrong = _("recommended {sku} without the right shade; right: {right}").format(sku=sku, right=wanted)
    return 0.0, [Evidence.at(turn, wrong)], _(
        "The customer described her shade ({shade}) and skin ({skin}) in beauty terms: tell the "
        "agent to match those words to the page's shade names and skin types."
    ).format(shade=task["shade"], skin=task["skin_type"])


def _return(transcript: Transcript, task: dict[str, Any]) -> Check:
    truth = task_truth(task)
    verdicts = [(turn, v) for turn in _after_ask(transcript, "return_request") or []
                if (v := read.return_verdict(turn.text)) is not None]
    if not verdicts:
        return 0.0, [], (_("The agent never said whether the order can be returned (it can). Give it the order_status "
                           "tool.")
                         if truth else
                         _("The agent never said whether the order can be returned (it cannot). Give it the order_status "
                           "tool."))
    turn, verdict = verdicts[-1]
    if verdict == truth:
        right = _("said the order can be returned: right") if truth else _("said the order cannot be returned: right")
        return 100.0, [Evidence.at(turn, right, good=True)], ""
    wrong = _("said the order can be returned; it cannot") if verdict else _("said the order cannot be returned; it can")
    return 0.0, [Evidence.at(turn, wrong)], _(
        "Whether an order can go back depends on its delivery date and the returns policy: give the agent the "
        "order_status tool, tell it to use it, and to answer from what it finds."
    )


def _handoff(transcript: Transcript, task: dict[str, Any]) -> Check:
    for turn in transcript.agent_turns:
        if acts.handed_off(turn):
            return 100.0, [Evidence.at(turn, _("handed the customer to a person"), good=True)], ""
    return 0.0, [], _("The customer wanted a person: tell the agent to hand off as soon as a customer asks for one.")


def _shipping(transcript: Transcript, task: dict[str, Any]) -> Check:
    truth = task_truth(task)
    stated = [(turn, fee) for turn in _after_ask(transcript, "shipping_question") or []
              if (fee := read.stated_shipping(turn.text)) is not None]
    if not stated:
        return 0.0, [], _("The agent never said what shipping costs (it is {fee}). Give it the shop's shipping "
                          "rules: a knowledge base with the shipping page, and tell it to answer from it.").format(
                              fee=yuan(truth))
    turn, fee = stated[-1]
    if fee == truth:
        return 100.0, [Evidence.at(turn, _("shipping {fee} is right").format(fee=yuan(fee)), good=True)], ""
    said = _("said shipping is {fee}; to {region} it is {right}").format(fee=yuan(fee), region=task["region"],
                                                                        right=yuan(truth))
    return 0.0, [Evidence.at(turn, said)], _(
        "The shipping fee depends on the region: make sure the agent reads the passage about the customer's region "
        "(retrieve more passages, or smaller chunks) and answers from it."
    )
