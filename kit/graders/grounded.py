"""Grounded in the shop's data: every price and product code the agent states comes from the shop.

A price (`kit.graders.reading.reply.prices`: ¥299.00, 299元, 两百九十九元) is grounded when the shop's data gives
it for this conversation: the catalogue or member price of a product the conversation is about, a
promotion's amount or threshold (满200减20, 每满300减50), a shipping fee, an amount of the shop's
quote (`kit.shop.quote`: total, subtotal, step, saving, what is left to reach a threshold) for the
price task's cart or for 1 to 3 of a product talked about, with or without membership and the
coupons the customer mentioned, an amount of the customer's order, or a number a tool returned
to the agent in this reply or before.
A number the customer said may be echoed in a sentence that turns it down ("一百元给不了哦").
A product code (J-101) must be in the catalogue. With a knowledge base, a cited passage ([faq-returns-zh#2])
must be one the agent was given for that reply, and not a last-season (outdated) page. Each reply that
states an invented price, an unknown code or a bad citation costs 50 points; it does not apply when the
agent states none of them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import cache

from kit.conversation import Transcript
from kit.graders.base import Evidence, GraderResult, joined
from kit.graders.reading import reply as read
from kit.graders.reading.text import sentences
from kit.i18n import N_, _
from kit.shop import Quote, catalogue, orders, policies, promotions, quote, yuan
from kit.shop.money import money

PENALTY = 50.0
QUANTITIES = (1, 2, 3)  # how many of a product talked about the agent may price without a tool
AMOUNT_FIELDS = ("step", "amount", "threshold", "min_amount")  # a promotion's amounts in yuan
CODE = re.compile(r"(?<![A-Za-z0-9-])[A-Z]-\d{3}(?!\d)")  # a product code such as J-101
CITATION = re.compile(r"\[([a-z0-9][a-z0-9_-]*#\d+)\]")  # a knowledge-base passage id such as [faq-returns-zh#2]
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CN_NUMBER = re.compile(r"[零一二两三四五六七八九十百千万]+")
_DECLINES = re.compile(r"不|没|无法|别家|其他店|can'?t|cannot|\bnot\b|unable|sorry|afraid", re.I)
HINTS = {
    "price": N_("Tell the agent to use only the shop's information (the product page and its promotions) and never "
             "to invent a price or discount; give it the quote_price tool to work out totals."),
    "code": N_("Tell the agent to name only products from the catalogue; give it the product_search tool to find them."),
    "citation": N_("Tell the agent to answer only from the passages it is given, cite the one it uses, and ignore pages "
                "marked (last season) / 往期; retrieve more passages (a larger k) if the right one is missing."),
}


class Grounded:
    name = "grounded"
    title = N_("Grounded in the shop's data")

    def __call__(self, transcript: Transcript) -> GraderResult:
        truth = shop_amounts(transcript)
        skus = {product.sku for product in catalogue().products}
        heard: set[Decimal] = set()  # numbers the customer brought up (not ones they read back from the agent)
        quoted: set[Decimal] = set()  # amounts the agent stated so far
        tools: set[Decimal] = set()  # numbers the tools returned to the agent so far
        stated, evidence, hints = 0, [], {}
        for turn in transcript.turns:
            if turn.role == "customer":
                heard |= _numbers_in(turn.text) - quoted
                continue
            quoted |= {money(amount) for amount in read.prices(turn.text)}
            tools |= {Decimal(n) for call in turn.tool_calls for n in _NUMBER.findall(str(call.get("result", "")))}
            codes = CODE.findall(turn.text)
            cited = CITATION.findall(turn.text)
            if not codes and not cited and not read.prices(turn.text):
                continue
            stated += 1
            invented, agreed = _unfounded(turn.text, truth | tools, heard)
            notes = []
            if invented:
                notes.append(_("invented {prices}: not in the shop's prices, promotions or quotes").format(
                    prices=joined(invented)))
            if agreed:
                notes.append(_("agreed to the customer's {prices}, which no shop rule gives").format(prices=joined(agreed)))
            if notes:
                hints["price"] = _(HINTS["price"])
            if unknown := [code for code in dict.fromkeys(codes) if code not in skus]:
                notes.append(_("product code {codes} is not in the catalogue").format(codes=joined(unknown)))
                hints["code"] = _(HINTS["code"])
            given = {source["chunk"]: source for source in turn.sources}
            for citation in dict.fromkeys(cited):
                if citation not in given:
                    notes.append(_("cited [{passage}], a passage it was not given").format(passage=citation))
                elif given[citation].get("outdated"):
                    notes.append(_("built on [{passage}], a last-season page that no longer holds").format(passage=citation))
                elif missing := _unsupported(turn.text, citation, given[citation].get("text")):
                    notes.append(_("cites [{passage}] for {amounts}, which that passage does not say").format(
                        passage=citation, amounts=joined(missing)))
                else:
                    continue
                hints["citation"] = _(HINTS["citation"])
            if notes:
                evidence.append(Evidence.at(turn, joined(notes, "; ")))
        if stated == 0:
            return GraderResult(self.name, self.title, None, hint=_("The agent stated no price and no product code."))
        return GraderResult(self.name, self.title, max(0.0, 100.0 - PENALTY * len(evidence)), tuple(evidence),
                            " ".join(hints.values()))


def _unsupported(reply: str, citation: str, passage: str | None) -> list[str]:
    """Amounts in the sentences citing a passage that the passage itself does not contain."""
    if not passage:
        return []
    in_passage = {money(amount) for amount in read.prices(passage)} | {money(Decimal(n)) for n in _NUMBER.findall(passage)}
    citing = [s for s in sentences(reply) if f"[{citation}]" in s] or [reply]
    return [yuan(a) for s in citing for a in read.prices(s) if money(a) not in in_passage]


def _unfounded(reply: str, grounded: frozenset[Decimal], heard: set[Decimal]) -> tuple[list[str], list[str]]:
    """The reply's prices the shop does not give: made up, and taken from the customer (not turned down)."""
    invented, agreed = [], []
    for sentence in sentences(reply):
        for amount in read.prices(sentence):
            if amount in grounded or amount in heard and _DECLINES.search(sentence):
                continue
            (agreed if amount in heard else invented).append(yuan(amount))
    return list(dict.fromkeys(invented)), list(dict.fromkeys(agreed))


def shop_amounts(transcript: Transcript) -> frozenset[Decimal]:
    """Every amount the shop's data gives for this conversation (see the module docstring)."""
    rules = promotions()
    found: set[Decimal] = {Decimal(0)}
    talked_about = _products(transcript)
    for sku in talked_about:
        found |= _product_amounts(sku)
    held = _coupons(transcript)
    for coupon in (rules.coupons[c] for c in held):
        found |= {coupon.threshold, coupon.amount}
    for section in (getattr(policies(), name) for name in type(policies()).model_fields):
        found |= {value for value in section.facts().values() if isinstance(value, Decimal)}
    carts = [(tuple(task["cart"].items()), tuple(task["coupons"])) for task in transcript.tasks
             if task["kind"] == "price_quote"]
    carts += [(((sku, n),), held) for sku in talked_about for n in QUANTITIES]
    for cart, coupons in carts:
        for chosen in _subsets(sorted(coupons)):
            for member in (False, True):
                found |= _quote_amounts(cart, chosen, member)
    for task in transcript.tasks:
        if task["kind"] == "return_request" and (order := orders().find(task["order_id"])) is not None:
            found |= {order.goods, order.discount, order.shipping, order.paid}
            found |= {amount for item in order.items for amount in (item.unit_price, item.total)}
            found |= {order.refund.amount} if order.refund is not None else set()
    return frozenset(money(amount) for amount in found)


def _products(transcript: Transcript) -> list[str]:
    """SKUs the conversation is about: the tasks' products, the page it was opened from, and products anyone named."""
    shop = catalogue()
    skus: list[str] = []
    for task in transcript.tasks:
        skus += [task["sku"]] if "sku" in task else list(task.get("cart", ()))
        if task["kind"] == "return_request" and (order := orders().find(task["order_id"])) is not None:
            skus += [item.sku for item in order.items]
    if transcript.page:
        skus.append(transcript.page)  # the product page the chat was opened from
    known = {product.sku for product in shop.products}
    for turn in transcript.turns:
        skus += read.products_named(turn.text, shop)
        skus += [code for code in CODE.findall(turn.text) if code in known]
    return list(dict.fromkeys(skus))


def _product_amounts(sku: str) -> set[Decimal]:
    """A product's price, the unit prices its promotions offer, what they save, and its rules' amounts."""
    product = catalogue().product(sku)
    rules = promotions().for_product(product)
    units = {product.price} | {offer for rule in rules if hasattr(rule, "offer") and (offer := rule.offer(product))}
    found = units | {product.price - unit for unit in units}
    for rule in rules:
        found |= {getattr(rule, field) for field in AMOUNT_FIELDS if hasattr(rule, field)}
        if getattr(rule, "kind", "") == "second_item":
            found |= {money(unit * rule.rate) for unit in units} | {unit - money(unit * rule.rate) for unit in units}
    return found


def _coupons(transcript: Transcript) -> tuple[str, ...]:
    """Coupons the customer holds: their price task's, and any they named (by id, name or 满X减Y)."""
    held = [c for task in transcript.tasks if task["kind"] == "price_quote" for c in task["coupons"]]
    said = " ".join(turn.text for turn in transcript.customer_turns)
    for coupon in promotions().coupons.values():
        words = [coupon.id, coupon.name.zh, coupon.name.en]
        if coupon.threshold:
            words.append(f"满{_plain(coupon.threshold)}减{_plain(coupon.amount)}")
        else:
            words += ["无门槛", "no-threshold", "no threshold"]
        if any(word.lower() in said.lower() for word in words):
            held.append(coupon.id)
    return tuple(dict.fromkeys(held))


def _plain(amount: Decimal) -> str:
    """200.00 -> '200', 9.90 -> '9.9': an amount as shops write it in 满200减20."""
    return f"{amount.normalize():f}"


def _subsets(items: list[str]) -> Iterable[tuple[str, ...]]:
    return itertools.chain.from_iterable(itertools.combinations(items, n) for n in range(len(items) + 1))


@cache
def _quote_amounts(cart: tuple[tuple[str, int], ...], coupons: tuple[str, ...], member: bool) -> frozenset[Decimal]:
    """Every amount of one quote: original, steps and subtotals, line prices, total, per unit, short of a threshold."""
    priced: Quote = quote(dict(cart), coupons=coupons, member=member)
    found = {priced.original, priced.total, priced.saved, sum((line.price for line in priced.lines), Decimal(0))}
    found |= {amount for step in priced.steps for amount in (step.saved, step.total)}
    for line in priced.lines:
        found |= {line.unit_price, line.price, line.unit_price * line.quantity}
    units = sum(line.quantity for line in priced.lines)
    found.add(money(priced.total / units))
    found |= {limit - amount for limit in _thresholds() for amount in (priced.original, priced.total) if limit > amount}
    return frozenset(found)


@cache
def _thresholds() -> frozenset[Decimal]:
    """Amounts an order can reach for more (满减, coupons, gifts, free shipping): "再买¥1就满300"."""
    found = {getattr(rule, field) for rule in promotions().promotions for field in ("step", "threshold", "min_amount")
             if hasattr(rule, field)}
    found |= {value for key, value in policies().shipping.facts().items() if key.endswith("free_over")}
    return frozenset(found)


def _numbers_in(text: str) -> set[Decimal]:
    """Every number a customer wrote: prices, bare digits and Chinese numerals (一百, 二十)."""
    import cn2an

    found = set(read.prices(text)) | {Decimal(n) for n in _NUMBER.findall(text)}
    for word in _CN_NUMBER.findall(text):
        try:
            found.add(Decimal(int(cn2an.cn2an(word, "normal"))))
        except (ValueError, KeyError):
            continue
    return {money(n) for n in found}
