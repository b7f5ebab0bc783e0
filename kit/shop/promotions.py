"""Stacked promotions, computed exactly and explained step by step, the shop's price ground truth.

The rules live in `data/promotions.yaml`; this module applies them in ONE order, the way
Taobao/Tmall-style checkouts do: first what each item costs, then what the order earns, then the
coupons the customer holds.

  0. 原价 original       quantity x catalogue price, summed.
  1. 单品价 unit price   member_price (会员价, members only) and item_discount (8.5折 ...) never combine
                         on one item: each item costs the LOWEST price on offer, so a member never
                         pays more than a non-member.
  2. 第二件半价           second_item: in every pair of the same SKU one unit costs rate x its step-1
                         price, i.e. quantity // 2 units (3 jackets: 1 at half price). Units of one SKU
                         cost the same after step 1, so "which one" never matters; on one SKU the
                         lowest-rate rule wins, rules of this kind do not combine.
  3. 跨店满减 every_full  每满300减50: automatic, `amount` off for every full `step` of the eligible
                         amount (step-2 line prices of the covered items), repeated, no cap.
  4. 店铺券 shop_coupon   满200减20: only if held, only if the running total here reaches the
                         threshold (>=), one per order.
  5. 平台券 platform_coupon  the same, after the shop coupon.
  6. 赠品 gift            free items at ¥0.00 when the covered items reach min_quantity and
                         min_amount (step-2 prices); they never change the total.

Why this order: thresholds should see what the customer really pays for the items, the shop's
automatic offer comes before the coupons a customer chooses, the shop's coupon before the
platform's. Coupons held: the quote uses the combination (at most one per kind) with the lowest
total, as Taobao's "已为您选择最优惠组合" does; a coupon left out or below its threshold is
explained, never an error (an unknown coupon id is an error).

Money (see `money.py`): every computed amount is rounded to ¥0.01 half up when it is computed (a
rate price per unit, then x quantity). No step takes the running total below ¥0.00: a coupon larger
than the total saves only what is left. Bounds: plain sum >= total >= max(0, step-2 subtotal minus
every order-level rule and held coupon at its full amount). Thresholds are cliffs, so one more
cheap item can lower the total (凑单; in today's catalogue, 3 concealers ¥297 - ¥10 coupon = ¥287,
plus a ¥59 cleanser = ¥356 - 每满300减50 - 满299减30 = ¥276). With J-101, V-205 and S-310 it cannot
(tested).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from numbers import Integral
from pathlib import Path
from typing import Annotated, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, model_validator

from kit.errors import CardError, KitError
from kit.i18n import N_, _, language, said, translations
from kit.shop.catalogue import Catalogue, Product, Text, catalogue
from kit.shop.money import ZERO, money, percent_off, yuan, zhe

DATA_FILE = Path(__file__).with_name("data") / "promotions.yaml"

Rate = Annotated[Decimal, Field(gt=0, lt=1)]
Amount = Annotated[Decimal, Field(gt=0, decimal_places=2)]
Threshold = Annotated[Decimal, Field(ge=0, decimal_places=2)]
Cart = Union[Mapping[str, int], Iterable[tuple[str, int]]]

COUPON_KINDS = ("shop_coupon", "platform_coupon")
_KIND_NAME = {"shop_coupon": Text(zh="店铺券", en="shop coupon"), "platform_coupon": Text(zh="平台券", en="platform coupon")}


class QuoteError(KitError, ValueError):
    """A cart or coupon list the shop cannot quote: the message says what to fix."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Rule(_Strict):
    """What every promotion has: an id, its names, and whether (and for whom) it is on."""

    id: str
    name: Text
    active: bool = True
    members_only: bool = False

    def live(self, member: bool) -> bool:
        """Whether this rule may apply to this customer today."""
        return self.active and (member or not self.members_only)


class _Scoped(_Rule):
    """A rule for some products: the listed SKUs and categories, or every product if none is listed."""

    skus: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def covers(self, product: Product) -> bool:
        """Whether this product takes part in the rule."""
        everything = not self.skus and not self.categories
        return everything or product.sku in self.skus or product.category in self.categories


class MemberPrice(_Rule):
    """会员价: a members-only price per SKU."""

    kind: Literal["member_price"]
    members_only: Literal[True] = True
    prices: dict[str, Amount]

    def offer(self, product: Product) -> Decimal | None:
        """The member's unit price for this product, if it has one."""
        return self.prices.get(product.sku)


class ItemDiscount(_Scoped):
    """折扣 such as 8.5折: covered items cost rate x their catalogue price."""

    kind: Literal["item_discount"]
    rate: Rate

    def offer(self, product: Product) -> Decimal | None:
        """The discounted unit price, rounded per unit as the price tag shows it."""
        return money(product.price * self.rate) if self.covers(product) else None


class SecondItem(_Scoped):
    """第二件半价: in each pair of one SKU, one unit costs rate x its unit price."""

    kind: Literal["second_item"]
    rate: Rate = Decimal("0.5")


class EveryFull(_Scoped):
    """每满300减50: amount off for every full step of the covered items' amount."""

    kind: Literal["every_full"]
    step: Amount
    amount: Amount


class Coupon(_Rule):
    """满200减20 (or no threshold): used only if held and the running total reaches the threshold."""

    kind: Literal["shop_coupon", "platform_coupon"]
    threshold: Threshold = ZERO
    amount: Amount


class GiftItem(_Strict):
    """What is given: a catalogue SKU or a named item that is not sold (a sample)."""

    name: Text | None = None
    sku: str | None = None
    quantity: PositiveInt = 1

    @model_validator(mode="after")
    def _one_of(self) -> GiftItem:
        if (self.name is None) == (self.sku is None):
            raise ValueError(_("a gift needs exactly one of name or sku"))
        return self


class Gift(_Scoped):
    """赠品: a free item when the covered items reach min_quantity and min_amount."""

    kind: Literal["gift"]
    min_quantity: PositiveInt = 1
    min_amount: Threshold = ZERO
    gift: GiftItem


Promotion = Annotated[
    Union[MemberPrice, ItemDiscount, SecondItem, EveryFull, Coupon, Gift], Field(discriminator="kind")
]


class Promotions(_Strict):
    """Every promotion of the shop, in file order (the order steps of one stage are listed in)."""

    promotions: tuple[Promotion, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> Promotions:
        ids = [rule.id for rule in self.promotions]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(_("promotion ids must be unique; repeated: {ids}").format(ids=", ".join(twice)))
        return self

    def for_product(self, product: Product) -> list[Promotion]:
        """The live promotions a customer of this product can meet (coupons count: any order can use one)."""
        def relevant(rule: _Rule) -> bool:
            if isinstance(rule, MemberPrice):
                return product.sku in rule.prices
            return isinstance(rule, Coupon) or (isinstance(rule, _Scoped) and rule.covers(product))

        return [rule for rule in self.promotions if rule.active and relevant(rule)]

    @property
    def coupons(self) -> dict[str, Coupon]:
        """The coupons a customer can hold, by id."""
        return {rule.id: rule for rule in self.promotions if isinstance(rule, Coupon)}


@dataclass(frozen=True)
class Line:
    """One cart line: catalogue unit price, and the line's price after steps 1-2."""

    sku: str
    name: Text
    quantity: int
    unit_price: Decimal
    price: Decimal


@dataclass(frozen=True)
class Step:
    """One promotion applied: what it saved, how, and the running total after it."""

    promotion: str
    name: Text
    saved: Decimal
    total: Decimal
    detail: Text


@dataclass(frozen=True)
class Note:
    """A promotion that did not apply and why; `after` = how many steps came before it."""

    promotion: str
    name: Text
    reason: Text
    after: int


@dataclass(frozen=True)
class GiftLine:
    """A free item at ¥0.00 and the promotion that gave it."""

    promotion: str
    name: Text
    item: Text
    quantity: int


@dataclass(frozen=True)
class Quote:
    """A priced cart: lines, promotion steps in stack order, skipped promotions, gifts and total."""

    lines: tuple[Line, ...]
    steps: tuple[Step, ...]
    notes: tuple[Note, ...]
    gifts: tuple[GiftLine, ...]
    original: Decimal
    total: Decimal
    saved: Decimal
    member: bool

    def explain(self, lang: str = "zh") -> str:
        """Numbered steps from the original price to the total, in 'zh' or 'en'."""
        if lang not in ("zh", "en"):
            raise ValueError(_("lang must be 'zh' or 'en', not {lang}").format(lang=repr(lang)))
        zh = lang == "zh"
        bought = " + ".join(
            f"{line.name.zh} {line.quantity}件 × {yuan(line.unit_price)}" if zh
            else f"{line.name.en} {line.quantity} × {yuan(line.unit_price)}"
            for line in self.lines
        )
        out = [f"1. {'原价' if zh else 'Original price'}{'：' if zh else ': '}{bought} = {yuan(self.original)}"]
        out += self._notes_after(0, lang)
        for number, step in enumerate(self.steps, start=2):
            if zh:
                out.append(f"{number}. {step.name.zh}：−{yuan(step.saved)}（{step.detail.zh}），小计 {yuan(step.total)}")
            else:
                out.append(f"{number}. {step.name.en}: −{yuan(step.saved)} ({step.detail.en}), now {yuan(step.total)}")
            out += self._notes_after(number - 1, lang)
        if self.gifts:
            given = ("、" if zh else ", ").join(
                f"{gift.item.in_(lang)} ×{gift.quantity}（{gift.name.zh}）" if zh
                else f"{gift.item.en} ×{gift.quantity} ({gift.name.en})"
                for gift in self.gifts
            )
            out.append(f"赠品（¥0.00）：{given}" if zh else f"Gifts (¥0.00): {given}")
        if zh:
            out.append(f"最终：{yuan(self.total)}（共省 {yuan(self.saved)}）")
        else:
            out.append(f"Final: {yuan(self.total)} (you save {yuan(self.saved)})")
        return "\n".join(out)

    def _notes_after(self, steps: int, lang: str) -> list[str]:
        if lang == "zh":
            return [f"   · {n.name.zh} 未享受：{n.reason.zh}" for n in self.notes if n.after == steps]
        return [f"   · {n.name.en} not applied: {n.reason.en}" for n in self.notes if n.after == steps]

    def __str__(self) -> str:
        return self.explain("zh")


class _Ledger:
    """The running total with the steps and notes that explain it, in stack order."""

    def __init__(self, total: Decimal) -> None:
        self.total = total
        self.steps: list[Step] = []
        self.notes: list[Note] = []

    def take(self, rule: _Rule, amount: Decimal, detail: Text) -> None:
        """Apply a reduction, never below ¥0.00 (the detail says so when it is capped)."""
        saved = min(amount, self.total)
        if saved < amount:
            detail = Text(zh=f"{detail.zh}，优惠 {yuan(amount)} 大于剩余金额，最多减到 ¥0.00",
                          en=f"{detail.en}; {yuan(amount)} is more than is left, so the total stops at ¥0.00")
        self.total -= saved
        self.steps.append(Step(rule.id, rule.name, saved, self.total, detail))

    def skip(self, rule: _Rule, zh: str, en: str) -> None:
        """Record a promotion that did not apply here, and why."""
        self.notes.append(Note(rule.id, rule.name, Text(zh=zh, en=en), len(self.steps)))


def quote(cart: Cart, coupons: Iterable[str] | str = (), member: bool = False, *,
          rules: Promotions | None = None) -> Quote:
    """Price a cart with every automatic promotion and the best use of the coupons held."""
    rules = promotions() if rules is None else rules
    shop = catalogue()
    items = _read_cart(cart, shop)
    held = _read_coupons(coupons, rules)
    products = {sku: shop.product(sku) for sku in items}
    live = [rule for rule in rules.promotions if rule.live(member)]
    original = sum((products[sku].price * quantity for sku, quantity in items.items()), ZERO)
    ledger = _Ledger(original)

    unit = _unit_prices(ledger, live, items, products)
    line = _second_items(ledger, live, items, products, unit)
    _every_full(ledger, live, items, products, line)
    _coupons(ledger, rules, held, member)
    gifts = _gifts(ledger, live, items, products, line)
    lines = tuple(Line(sku, products[sku].name, q, products[sku].price, line[sku]) for sku, q in items.items())
    return Quote(lines, tuple(ledger.steps), tuple(ledger.notes), gifts, original, ledger.total,
                 original - ledger.total, member)


def _unit_prices(ledger: _Ledger, live: list[_Rule], items: dict[str, int],
                 products: dict[str, Product]) -> dict[str, Decimal]:
    """Step 1: each item's lowest unit price among member price and item discounts (no combining)."""
    unit = {sku: product.price for sku, product in products.items()}
    won: dict[str, _Rule] = {}
    offers = [rule for rule in live if isinstance(rule, (MemberPrice, ItemDiscount))]
    for rule in offers:
        for sku, product in products.items():
            offer = rule.offer(product)
            if offer is not None and offer < unit[sku]:
                unit[sku], won[sku] = offer, rule
    for rule in offers:
        skus = [sku for sku in items if won.get(sku) is rule]
        if skus:
            saved = sum((items[s] * (products[s].price - unit[s]) for s in skus), ZERO)
            ledger.take(rule, saved, Text(
                zh="；".join(f"{products[s].name.zh} {yuan(products[s].price)} → {yuan(unit[s])} × {items[s]}件" for s in skus),
                en="; ".join(f"{products[s].name.en} {yuan(products[s].price)} → {yuan(unit[s])} × {items[s]}" for s in skus),
            ))
    return unit


def _second_items(ledger: _Ledger, live: list[_Rule], items: dict[str, int], products: dict[str, Product],
                  unit: dict[str, Decimal]) -> dict[str, Decimal]:
    """Step 2: in every pair of one SKU, one unit at the rule's rate; returns each line's price."""
    line = {sku: quantity * unit[sku] for sku, quantity in items.items()}
    rules = [rule for rule in live if isinstance(rule, SecondItem)]
    chosen: dict[str, SecondItem] = {}
    for sku, quantity in items.items():
        covering = [rule for rule in rules if rule.covers(products[sku])]
        if covering and quantity >= 2:
            chosen[sku] = min(covering, key=lambda rule: rule.rate)
    for rule in rules:
        skus = [sku for sku in items if chosen.get(sku) is rule]
        if not skus:
            continue
        zh, en, saved = [], [], ZERO
        for sku in skus:
            pairs, reduced = items[sku] // 2, money(unit[sku] * rule.rate)
            line[sku] -= pairs * (unit[sku] - reduced)
            saved += pairs * (unit[sku] - reduced)
            name = products[sku].name
            zh.append(f"{name.zh} 每2件中1件{zhe(rule.rate)}：{yuan(unit[sku])} → {yuan(reduced)} × {pairs}件")
            en.append(f"{name.en}: 1 in every 2 at {percent_off(rule.rate)}: {yuan(unit[sku])} → {yuan(reduced)} × {pairs}")
        ledger.take(rule, saved, Text(zh="；".join(zh), en="; ".join(en)))
    return line


def _every_full(ledger: _Ledger, live: list[_Rule], items: dict[str, int], products: dict[str, Product],
                line: dict[str, Decimal]) -> None:
    """Step 3: amount off for every full step of the covered items' amount, repeated."""
    for rule in live:
        if not isinstance(rule, EveryFull):
            continue
        covered = [sku for sku in items if rule.covers(products[sku])]
        if not covered:
            continue
        eligible = sum((line[sku] for sku in covered), ZERO)
        times = int(eligible // rule.step)
        if times == 0:
            ledger.skip(rule, f"参与金额 {yuan(eligible)} 不满 {yuan(rule.step)}",
                        f"the eligible {yuan(eligible)} is below {yuan(rule.step)}")
            continue
        ledger.take(rule, times * rule.amount, Text(
            zh=f"参与金额 {yuan(eligible)}，满 {times} 个 {yuan(rule.step)}，减 {times} × {yuan(rule.amount)}",
            en=f"eligible {yuan(eligible)} holds {times} full {yuan(rule.step)}: {times} × {yuan(rule.amount)} off",
        ))


def _coupons(ledger: _Ledger, rules: Promotions, held: set[str], member: bool) -> None:
    """Steps 4-5: the held coupons' best combination, at most one per kind, each checked in turn."""
    mine = [rule for rule in rules.coupons.values() if rule.id in held]
    usable = {kind: [c for c in mine if c.kind == kind and c.live(member)] for kind in COUPON_KINDS}
    start = ledger.total

    def run(combo: tuple[Coupon | None, ...]) -> tuple[Decimal, tuple[bool, ...]]:
        total, used = start, []
        for coupon in combo:
            fits = coupon is not None and total >= coupon.threshold
            if coupon is not None and fits:
                total -= min(coupon.amount, total)
            used.append(fits)
        return total, tuple(used)

    results = [(combo, *run(combo)) for combo in itertools.product(*([None, *usable[k]] for k in COUPON_KINDS))]
    best, best_total, _used = min(results, key=lambda r: (r[1], sum(r[2]), sum(c is not None for c in r[0])))
    for k, kind in enumerate(COUPON_KINDS):
        before, chosen, what = ledger.total, best[k], _KIND_NAME[kind]
        if chosen is not None:
            reached = Text(zh="无门槛", en="no threshold") if chosen.threshold == 0 else Text(
                zh=f"{yuan(before)} 满 {yuan(chosen.threshold)}", en=f"{yuan(before)} reaches {yuan(chosen.threshold)}")
            ledger.take(chosen, chosen.amount, reached)
        for coupon in (c for c in mine if c.kind == kind and c is not chosen):
            if not coupon.active:
                ledger.skip(coupon, "该券已失效（活动已结束）", "this coupon is no longer valid (the event is over)")
            elif not coupon.live(member):
                ledger.skip(coupon, "仅限会员使用", "members only")
            elif before < coupon.threshold:
                ledger.skip(coupon, f"{yuan(before)} 低于门槛 {yuan(coupon.threshold)}",
                            f"{yuan(before)} is below {yuan(coupon.threshold)}")
            else:
                with_it = min(total for combo, total, used in results if combo[k] is coupon and used[k])
                if with_it == best_total:
                    ledger.skip(coupon, f"用不用它最终都是 {yuan(best_total)}，少用一张券，留着下次用",
                                f"the total is {yuan(best_total)} with or without it, so it is kept for another order")
                elif chosen is not None:
                    ledger.skip(coupon,
                                f"每单限用一张{what.zh}，已选{chosen.name.zh}（用这张最终 {yuan(with_it)}，现在 {yuan(best_total)}）",
                                f"one {what.en} per order, and {chosen.name.en} is better "
                                f"(with this one the total would be {yuan(with_it)}, not {yuan(best_total)})")
                else:
                    ledger.skip(coupon,
                                f"用它会让后面的券够不到门槛：用它最终 {yuan(with_it)}，不用 {yuan(best_total)}",
                                f"it would take the total below a later coupon's threshold: with it {yuan(with_it)}, "
                                f"without it {yuan(best_total)}")


def _gifts(ledger: _Ledger, live: list[_Rule], items: dict[str, int], products: dict[str, Product],
           line: dict[str, Decimal]) -> tuple[GiftLine, ...]:
    """Step 6: free items whose conditions hold on the covered items (step-2 prices)."""
    gifts = []
    for rule in live:
        if not isinstance(rule, Gift):
            continue
        covered = [sku for sku in items if rule.covers(products[sku])]
        if not covered:
            continue
        count = sum(items[sku] for sku in covered)
        amount = sum((line[sku] for sku in covered), ZERO)
        if count < rule.min_quantity:
            ledger.skip(rule, f"需买 {rule.min_quantity} 件，现在 {count} 件", f"needs {rule.min_quantity} items, the cart has {count}")
        elif amount < rule.min_amount:
            ledger.skip(rule, f"参与金额 {yuan(amount)} 不满 {yuan(rule.min_amount)}",
                        f"the eligible {yuan(amount)} is below {yuan(rule.min_amount)}")
        else:
            item = rule.gift.name if rule.gift.name is not None else catalogue().product(str(rule.gift.sku)).name
            gifts.append(GiftLine(rule.id, rule.name, item, rule.gift.quantity))
    return tuple(gifts)


def _read_cart(cart: Cart, shop: Catalogue) -> dict[str, int]:
    """Cart lines as {sku: quantity}; a SKU given twice adds up, as adding to a cart twice does."""
    known = [product.sku for product in shop.products]
    example = "[('J-101', 2)]", "{'J-101': 2}"
    if isinstance(cart, (str, bytes)):
        raise said(QuoteError, N_("the cart must be (sku, quantity) pairs, e.g. {pairs} or {mapping}; got the text {cart}"),
                   pairs=example[0], mapping=example[1], cart=repr(cart))
    items: dict[str, int] = {}
    for entry in (cart.items() if isinstance(cart, Mapping) else cart):
        pair = tuple(entry) if isinstance(entry, (tuple, list)) else ()
        if len(pair) != 2:
            raise said(QuoteError, N_("cart entry {entry} is not a (sku, quantity) pair, e.g. {pairs} or {mapping}"),
                       entry=repr(entry), pairs=example[0], mapping=example[1])
        sku, quantity = pair
        if sku not in known:
            raise said(QuoteError, N_("the cart has unknown SKU {value}; {hint}"), value=repr(sku),
                       hint=lambda lang: _hint(sku, known, lang))
        if isinstance(quantity, bool) or not isinstance(quantity, Integral):
            raise said(QuoteError, N_("the quantity of {sku} must be a whole number (int), not {quantity}"),
                       sku=sku, quantity=repr(quantity))
        if quantity < 1:
            raise said(QuoteError, N_("the quantity of {sku} must be at least 1, not {quantity}"), sku=sku, quantity=quantity)
        items[sku] = items.get(sku, 0) + int(quantity)
    if not items:
        raise said(QuoteError, N_("the cart is empty: give at least one (sku, quantity), e.g. {pairs} or {mapping}"),
                   pairs=example[0], mapping=example[1])
    return items


def _read_coupons(coupons: Iterable[str] | str, rules: Promotions) -> set[str]:
    """Held coupon ids, checked: an unknown id (or an automatic promotion's id) is an error."""
    held = {coupons} if isinstance(coupons, str) else set(coupons)
    valid = list(rules.coupons)
    for coupon in sorted(held, key=str):
        if coupon in valid:
            continue
        if any(rule.id == coupon for rule in rules.promotions):
            raise said(QuoteError, N_("{coupon} is an automatic promotion, not a coupon: it applies by itself. "
                                      "Coupons are: {coupons}"), coupon=repr(coupon), coupons=", ".join(valid))
        raise said(QuoteError, N_("unknown coupon {value}; {hint}"), value=repr(coupon),
                   hint=lambda lang: _hint(coupon, valid, lang))
    return held


def _hint(value: object, known: list[str], lang: str | None = None) -> str:
    """After 'unknown SKU 'J101'; ': 'did you mean J-101?' or, with nothing close, every valid value.

    lang: the language of the hint (default: the kit's; a tool's error is read in English)."""
    say = translations(lang or language()).gettext
    near = difflib.get_close_matches(str(value).upper(), [k.upper() for k in known], n=3, cutoff=0.6)
    near = [k for k in known if k.upper() in near]
    if near:
        return say(N_("did you mean {choices}?")).format(choices=say(N_(" or ")).join(near))
    return say(N_("the valid ones are: {known}")).format(known=", ".join(known))


def load_promotions(path: Path = DATA_FILE, shop: Catalogue | None = None) -> Promotions:
    """Read and validate a promotions file against the catalogue; errors name file, promotion and field."""
    shop = catalogue() if shop is None else shop
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        rules = Promotions.model_validate(raw)
    except yaml.YAMLError as error:
        raise CardError(_("{path}: not valid YAML: {error}").format(path=path, error=error)) from None
    except ValidationError as error:
        problems = "; ".join(f"{_where(raw, issue['loc'])}: {issue['msg']}" for issue in error.errors())
        raise CardError(f"{path}: {problems}") from None
    problems = _against_catalogue(rules, shop)
    if problems:
        raise CardError(f"{path}: {'; '.join(problems)}")
    return rules


def _where(raw: object, loc: tuple[int | str, ...]) -> str:
    """A field path, with the promotion's id when the error is inside one."""
    path = ".".join(str(part) for part in loc) or _("(top level)")
    if len(loc) >= 2 and loc[0] == "promotions" and isinstance(loc[1], int) and isinstance(raw, dict):
        entry = (raw.get("promotions") or [None] * (loc[1] + 1))[loc[1]]
        if isinstance(entry, dict) and "id" in entry:
            return _("promotion {id} ({path})").format(id=repr(entry["id"]), path=path)
    return path


def _against_catalogue(rules: Promotions, shop: Catalogue) -> list[str]:
    """Every SKU and category a promotion names exists; member prices are below catalogue prices."""
    skus = [product.sku for product in shop.products]
    categories = sorted({product.category for product in shop.products} | set(getattr(shop, "categories", {})))
    problems = []
    for index, rule in enumerate(rules.promotions):
        where = {"id": repr(rule.id), "index": index}
        named: list[tuple[str, str, list[str]]] = []
        if isinstance(rule, _Scoped):
            named += [("skus", sku, skus) for sku in rule.skus]
            named += [("categories", category, categories) for category in rule.categories]
        if isinstance(rule, MemberPrice):
            named += [("prices", sku, skus) for sku in rule.prices]
        if isinstance(rule, Gift) and rule.gift.sku is not None:
            named.append(("gift.sku", rule.gift.sku, skus))
        for name, value, known in named:
            if value not in known:
                what = N_("unknown category {value}; {hint}") if name == "categories" else N_("unknown SKU {value}; {hint}")
                problem = _(what).format(value=repr(value), hint=_hint(value, known))
                problems.append(_("promotion {id} (promotions.{index}.{field}): {problem}").format(
                    **where, field=name, problem=problem))
        if isinstance(rule, MemberPrice):
            for sku, price in rule.prices.items():
                if sku in skus and price >= shop.product(sku).price:
                    problems.append(_("promotion {id} (promotions.{index}.{field}): {problem}").format(
                        **where, field=f"prices.{sku}", problem=_(
                            "member price ¥{price} is not below the catalogue price ¥{catalogue}").format(
                            price=price, catalogue=shop.product(sku).price)))
    return problems


@cache
def promotions() -> Promotions:
    """The shop's promotions, loaded and checked once."""
    return load_promotions()


__all__ = [
    "Coupon",
    "EveryFull",
    "Gift",
    "GiftLine",
    "ItemDiscount",
    "Line",
    "MemberPrice",
    "Note",
    "Promotions",
    "Quote",
    "QuoteError",
    "SecondItem",
    "Step",
    "load_promotions",
    "promotions",
    "quote",
]
