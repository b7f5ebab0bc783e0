"""Stacked promotions: each kind alone, stacks worked by hand, explanations, bad input, properties.

Uses only J-101 (jacket ¥299.00, outerwear), V-205 (vest ¥159.00, outerwear) and S-310 (sweater
¥199.00, knitwear), which stay fixed while the catalogue grows. Promotions in data/promotions.yaml:
member prices J-101 ¥279 / V-205 ¥149 / S-310 ¥179; knitwear 8.5折; outerwear 第二件半价; cross-shop
每满300减50; shop coupons 满200减20, 满400减35, 满1000减100 (inactive); platform 满299减30 and ¥10 off;
gifts: a sample with any outerwear, socks from ¥499.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.errors import CardError
from kit.shop.catalogue import catalogue
from kit.shop.money import money
from kit.shop.promotions import (
    DATA_FILE,
    Coupon,
    EveryFull,
    Gift,
    ItemDiscount,
    MemberPrice,
    Promotions,
    QuoteError,
    SecondItem,
    load_promotions,
    promotions,
    quote,
)

SKUS = ("J-101", "V-205", "S-310")
COUPONS = tuple(promotions().coupons)


def total(*args: object, **kwargs: object) -> Decimal:
    return quote(*args, **kwargs).total  # type: ignore[arg-type]


def rules_file(tmp_path: Path, body: str) -> Promotions:
    """A small promotions file of its own, for rules the shop's file does not have."""
    path = tmp_path / "promotions.yaml"
    path.write_text("promotions:\n" + body, encoding="utf-8")
    return load_promotions(path)


# --- each kind alone -------------------------------------------------------------------------


def test_member_price_only_for_members() -> None:
    # member: 299.00 - 20.00 = 279.00 (279 < 300: no 每满300减50)
    q = quote({"J-101": 1}, member=True)
    assert q.total == Decimal("279.00") and [s.promotion for s in q.steps] == ["member-price"]
    assert "2. 会员价：−¥20.00" in q.explain("zh") and "2. Member price (会员价): −¥20.00" in q.explain("en")
    # not a member: the catalogue price, 299.00
    assert total({"J-101": 1}) == Decimal("299.00")


def test_item_discount() -> None:
    # 8.5折: 199.00 x 0.85 = 169.15
    q = quote({"S-310": 1})
    assert q.total == Decimal("169.15") and q.saved == Decimal("29.85")
    assert "毛衫8.5折：−¥29.85（羊毛混纺高领毛衣 ¥199.00 → ¥169.15 × 1件），小计 ¥169.15" in q.explain("zh")
    assert "Knitwear 8.5折 (15% off): −¥29.85" in q.explain("en")


def test_member_price_and_discount_do_not_combine_the_lower_wins() -> None:
    # member S-310: member price 179.00 vs 8.5折 169.15 -> 169.15, not 179.00 x 0.85
    q = quote({"S-310": 1}, member=True)
    assert q.total == Decimal("169.15") and [s.promotion for s in q.steps] == ["knitwear-85"]


def test_second_item_half_price_each_pair() -> None:
    # 2 vests: 159.00 + 159.00 x 0.5 = 159.00 + 79.50 = 238.50 (below 300: no 每满减)
    q = quote({"V-205": 2})
    assert q.total == Decimal("238.50")
    assert "外套第二件半价：−¥79.50（轻薄羽绒马甲 每2件中1件5折：¥159.00 → ¥79.50 × 1件）" in q.explain("zh")
    assert "1 in every 2 at 50% off: ¥159.00 → ¥79.50 × 1" in q.explain("en")
    # 3 vests = one pair + one: 3 x 159.00 - 79.50 = 397.50; 每满300减50 once: 397.50 - 50 = 347.50
    assert total({"V-205": 3}) == Decimal("347.50")
    # 4 vests = two pairs: 636.00 - 2 x 79.50 = 477.00; -50 = 427.00
    assert total({"V-205": 4}) == Decimal("427.00")
    # pairs are of one SKU: a jacket and a vest are no pair: 299 + 159 = 458.00; -50 = 408.00
    assert [s.promotion for s in quote({"J-101": 1, "V-205": 1}).steps] == ["cross-shop-300-50"]


def test_cross_shop_every_full_300_repeats() -> None:
    # jacket + vest: 458.00 holds one full 300 -> 458.00 - 50.00 = 408.00
    q = quote({"J-101": 1, "V-205": 1})
    assert q.total == Decimal("408.00")
    assert "跨店每满300减50：−¥50.00（参与金额 ¥458.00，满 1 个 ¥300.00，减 1 × ¥50.00），小计 ¥408.00" in q.explain("zh")
    # 2 jackets + 2 vests: (598 - 149.50) + (318 - 79.50) = 448.50 + 238.50 = 687.00 -> 2 x 50 = 100 -> 587.00
    q = quote({"J-101": 2, "V-205": 2})
    assert q.total == Decimal("587.00") and q.steps[-1].saved == Decimal("100.00")
    assert "holds 2 full ¥300.00: 2 × ¥50.00 off" in q.explain("en")


def test_cross_shop_below_step_says_why() -> None:
    # 1 sweater: 169.15 < 300
    q = quote({"S-310": 1})
    assert "跨店每满300减50 未享受：参与金额 ¥169.15 不满 ¥300.00" in q.explain("zh")
    assert "not applied: the eligible ¥169.15 is below ¥300.00" in q.explain("en")


def test_shop_coupon_when_threshold_reached() -> None:
    # jacket 299.00 >= 200 -> 299.00 - 20.00 = 279.00
    q = quote({"J-101": 1}, ["shop-200-20"])
    assert q.total == Decimal("279.00")
    assert "2. 店铺券满200减20：−¥20.00（¥299.00 满 ¥200.00），小计 ¥279.00" in q.explain("zh")


def test_shop_coupon_below_threshold_is_explained_not_an_error() -> None:
    # vest 159.00 < 200: the coupon simply does not apply -> 159.00
    q = quote({"V-205": 1}, ["shop-200-20"])
    assert q.total == Decimal("159.00") and not q.steps
    assert "店铺券满200减20 未享受：¥159.00 低于门槛 ¥200.00" in q.explain("zh")
    assert "Shop coupon 满200减20 (¥20 off from ¥200) not applied: ¥159.00 is below ¥200.00" in q.explain("en")


def test_platform_coupons() -> None:
    # 满299减30: the threshold is inclusive, 299.00 >= 299 -> 269.00
    assert total({"J-101": 1}, ["platform-299-30"]) == Decimal("269.00")
    # no threshold ¥10 off: 159.00 - 10.00 = 149.00
    q = quote({"V-205": 1}, ["platform-10"])
    assert q.total == Decimal("149.00") and "（无门槛）" in q.explain("zh") and "(no threshold)" in q.explain("en")


def test_gifts_are_free_and_listed() -> None:
    # any outerwear: a sample; the total is untouched, 299.00
    q = quote({"J-101": 1})
    assert q.total == Decimal("299.00") and [g.promotion for g in q.gifts] == ["gift-outerwear-sample"]
    assert "赠品（¥0.00）：羽绒服清洗剂小样 ×1" in q.explain("zh") and "Gifts (¥0.00): down-wash sample ×1" in q.explain("en")
    # a sweater alone: no outerwear, no sample, and no note about it
    assert not quote({"S-310": 1}).gifts and "小样" not in quote({"S-310": 1}).explain("zh")
    # socks from 499 of item prices: jacket 299.00 + 2 sweaters 2 x 169.15 = 637.30 >= 499
    assert {g.promotion for g in quote({"J-101": 1, "S-310": 2}).gifts} == {"gift-outerwear-sample", "gift-499-socks"}


def test_an_inactive_coupon_is_explained() -> None:
    # 满1000减100 is switched off: 2 jackets as in the example, 398.50
    q = quote({"J-101": 2}, ["shop-1111-100"])
    assert q.total == Decimal("398.50") and "该券已失效" in q.explain("zh") and "no longer valid" in q.explain("en")


# --- stacking ---------------------------------------------------------------------------------


def test_the_contest_example_two_jackets() -> None:
    # 2 x 299.00 = 598.00; 第二件半价 -149.50 = 448.50; 每满300减50 -50.00 = 398.50
    q = quote([("J-101", 2)])
    assert q.total == Decimal("398.50") and q.saved == Decimal("199.50")
    zh = q.explain("zh").splitlines()
    assert zh[0] == "1. 原价：加厚保暖棉服外套 2件 × ¥299.00 = ¥598.00"
    assert zh[1].startswith("2. 外套第二件半价：−¥149.50") and zh[1].endswith("小计 ¥448.50")
    assert zh[2].startswith("3. 跨店每满300减50：−¥50.00") and zh[-1] == "最终：¥398.50（共省 ¥199.50）"
    en = q.explain("en").splitlines()
    assert en[0] == "1. Original price: Padded winter jacket 2 × ¥299.00 = ¥598.00"
    assert en[-1] == "Final: ¥398.50 (you save ¥199.50)"
    assert [(s.promotion, s.saved, s.total) for s in q.steps] == [
        ("outerwear-second-half", Decimal("149.50"), Decimal("448.50")),
        ("cross-shop-300-50", Decimal("50.00"), Decimal("398.50")),
    ]
    assert [(line.sku, line.quantity, line.unit_price, line.price) for line in q.lines] == [
        ("J-101", 2, Decimal("299.00"), Decimal("448.50"))
    ]


def test_everything_stacked_for_a_member() -> None:
    # original 2 x 299 + 159 + 199 = 956.00
    # 会员价: jackets 299 -> 279 (x2, -40), vest 159 -> 149 (-10): -50.00 -> 906.00 (sweater: 8.5折 is lower)
    # 8.5折: sweater 199.00 -> 169.15: -29.85 -> 876.15
    # 第二件半价 on the member price: 279.00 -> 139.50: -139.50 -> 736.65
    # 每满300减50: 736.65 holds 2 x 300: -100.00 -> 636.65
    # shop coupon, one only: 满400减35 beats 满200减20: -35.00 -> 601.65 (满1000减100 is inactive)
    # platform coupon, one only: 满299减30 beats ¥10: -30.00 -> 571.65
    q = quote({"J-101": 2, "V-205": 1, "S-310": 1}, COUPONS, member=True)
    assert q.total == Decimal("571.65") and q.saved == Decimal("384.35")
    assert [s.total for s in q.steps] == [Decimal(x) for x in ("906.00", "876.15", "736.65", "636.65", "601.65", "571.65")]
    zh, en = q.explain("zh"), q.explain("en")
    assert "7. 平台券满299减30：−¥30.00（¥601.65 满 ¥299.00），小计 ¥571.65" in zh
    assert "每单限用一张店铺券" in zh and "one shop coupon per order" in en
    assert "最终：¥571.65（共省 ¥384.35）" in zh and "Final: ¥571.65 (you save ¥384.35)" in en
    assert len(q.gifts) == 2


def test_a_threshold_is_checked_where_it_stands_in_the_stack() -> None:
    # member jacket + vest: 279 + 149 = 428.00 >= 400, but 每满300减50 first: 378.00 < 400
    q = quote({"J-101": 1, "V-205": 1}, ["shop-400-35"], member=True)
    assert q.total == Decimal("378.00")
    assert "¥378.00 低于门槛 ¥400.00" in q.explain("zh") and "¥378.00 is below ¥400.00" in q.explain("en")
    # holding 满200减20 as well, that one applies: 378.00 - 20.00 = 358.00
    assert total({"J-101": 1, "V-205": 1}, ["shop-400-35", "shop-200-20"], member=True) == Decimal("358.00")


def test_the_best_combination_leaves_out_a_coupon_that_would_cost_more() -> None:
    # jacket 299.00. With the shop coupon: 279.00, then 279 < 299 so no platform coupon -> 279.00.
    # Without it: 299.00 - 30.00 = 269.00. The checkout picks 269.00.
    q = quote({"J-101": 1}, ["shop-200-20", "platform-299-30"])
    assert q.total == Decimal("269.00") and [s.promotion for s in q.steps] == ["platform-299-30"]
    assert "用它最终 ¥279.00，不用 ¥269.00" in q.explain("zh")
    assert "below a later coupon's threshold: with it ¥279.00, without it ¥269.00" in q.explain("en")


def test_a_tie_keeps_the_extra_coupon() -> None:
    # jacket 299.00: shop 20 + platform 10 = 269.00, or platform 30 alone = 269.00: fewer coupons wins
    q = quote({"J-101": 1}, ["shop-200-20", "platform-299-30", "platform-10"])
    assert q.total == Decimal("269.00") and [s.promotion for s in q.steps] == ["platform-299-30"]
    assert "with or without it" in q.explain("en")


def test_second_half_stacks_on_the_member_price() -> None:
    # member: 279.00 + 279.00 x 0.5 = 418.50; 每满300减50 once: 368.50
    assert total({"J-101": 2}, member=True) == Decimal("368.50")


def test_rounding_is_half_up_per_unit(tmp_path: Path) -> None:
    rules = rules_file(tmp_path, """
  - {id: knit, kind: item_discount, name: {zh: 8.5折, en: 15% off}, rate: "0.85", categories: [knitwear]}
  - {id: half, kind: second_item, name: {zh: 第二件半价, en: half}, categories: [knitwear]}
""")
    # 199.00 x 0.85 = 169.15; half: 84.575 -> 84.58 (half up); 169.15 + 84.58 = 253.73
    q = quote({"S-310": 2}, rules=rules)
    assert q.total == Decimal("253.73") and "¥169.15 → ¥84.58" in q.explain("zh")


def test_a_coupon_larger_than_the_total_stops_at_zero(tmp_path: Path) -> None:
    rules = rules_file(tmp_path, """
  - {id: big, kind: platform_coupon, name: {zh: 无门槛减500, en: 500 off}, amount: "500.00"}
""")
    # 299.00 - min(500.00, 299.00) = 0.00
    q = quote({"J-101": 1}, ["big"], rules=rules)
    assert q.total == Decimal("0.00") and q.steps[0].saved == Decimal("299.00")
    assert "最多减到 ¥0.00" in q.explain("zh") and "stops at ¥0.00" in q.explain("en")


def test_cou_dan_a_cheap_threshold_can_make_a_bigger_cart_cheaper(tmp_path: Path) -> None:
    # 凑单: with 满400减200, jacket 299.00 alone costs 299.00, jacket + vest 458 - 200 = 258.00.
    # The shop's own rules do it too with cheap items (a ¥59 cleanser, see the module docstring),
    # never with J-101, V-205 and S-310 (see the property test below).
    rules = rules_file(tmp_path, """
  - {id: steep, kind: shop_coupon, name: {zh: 满400减200, en: 200 off from 400}, threshold: "400.00", amount: "200.00"}
""")
    assert total({"J-101": 1, "V-205": 1}, ["steep"], rules=rules) < total({"J-101": 1}, ["steep"], rules=rules)


def test_cart_forms_agree() -> None:
    # a SKU given twice adds up, as adding to a cart twice does
    assert total([("J-101", 1), ("J-101", 1)]) == total({"J-101": 2}) == total([("J-101", 2)])
    assert total({"J-101": 1}, "platform-10") == total({"J-101": 1}, ["platform-10"]) == Decimal("289.00")


def test_every_catalogue_product_can_be_quoted() -> None:
    for product in catalogue().products:
        q = quote({product.sku: 1}, COUPONS, member=True)
        assert Decimal("0.00") <= q.total <= product.price and q.explain("zh") and q.explain("en")


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cart", "message"),
    [
        ({"J101": 1}, "unknown SKU 'J101'; did you mean J-101?"),
        ({"ZZZ": 1}, "unknown SKU 'ZZZ'; the valid ones are: "),
        ({"J-101": 0}, "the quantity of J-101 must be at least 1, not 0"),
        ({"J-101": -2}, "must be at least 1"),
        ({"J-101": 1.5}, "the quantity of J-101 must be a whole number (int), not 1.5"),
        ({"J-101": "2"}, "whole number"),
        ({"J-101": True}, "whole number"),
        ({}, "the cart is empty"),
        ("J-101", "got the text 'J-101'"),
        ([("J-101", 1, "L")], "is not a (sku, quantity) pair"),
    ],
)
def test_bad_carts_say_what_to_fix(cart: object, message: str) -> None:
    with pytest.raises(QuoteError) as caught:
        quote(cart)  # type: ignore[arg-type]
    assert message in str(caught.value)
    if "valid ones" in message:
        assert all(sku in str(caught.value) for sku in SKUS)


def test_unknown_coupons_list_the_valid_ones() -> None:
    with pytest.raises(QuoteError, match=r"unknown coupon 'shop-200-2'; did you mean shop-200-20"):
        quote({"J-101": 1}, ["shop-200-2"])
    with pytest.raises(QuoteError) as caught:
        quote({"J-101": 1}, ["free-money"])
    assert all(coupon in str(caught.value) for coupon in COUPONS)
    with pytest.raises(QuoteError, match="automatic promotion, not a coupon"):
        quote({"J-101": 1}, ["cross-shop-300-50"])


def test_explain_needs_a_known_language() -> None:
    with pytest.raises(ValueError, match="'zh' or 'en'"):
        quote({"J-101": 1}).explain("fr")


# --- the data file ---------------------------------------------------------------------------


def test_the_shop_file_loads_with_every_kind() -> None:
    kinds = {type(rule) for rule in promotions().promotions}
    assert {MemberPrice, ItemDiscount, SecondItem, EveryFull, Coupon, Gift} <= kinds
    assert {rule.kind for rule in promotions().coupons.values()} == {"shop_coupon", "platform_coupon"}


def test_the_stacking_order_is_written_in_the_data_file() -> None:
    header = DATA_FILE.read_text(encoding="utf-8").split("promotions:")[0]
    stages = ["原价", "单品价", "第二件半价", "跨店满减", "店铺券", "平台券", "赠品"]
    assert [header.index(stage) for stage in stages] == sorted(header.index(stage) for stage in stages)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("categories: [knitwear]", "skus: [S-31O]", ["'knitwear-85'", "promotions.1.skus", "did you mean S-310"]),
        ("categories: [knitwear]", "categories: [knitware]", ["'knitwear-85'", "promotions.1.categories", "knitwear"]),
        ('J-101: "279.00"', 'J-101: "309.00"', ["'member-price'", "prices.J-101", "not below the catalogue price ¥299.00"]),
        ('rate: "0.85"', 'rate: "1.20"', ["'knitwear-85'", "rate", "less than 1"]),
        ("id: shop-400-35", "id: shop-200-20", ["unique", "shop-200-20"]),
        ('amount: "20.00"', 'amount: "20.005"', ["'shop-200-20'", "amount", "decimal places"]),
    ],
)
def test_a_bad_promotions_file_names_file_promotion_and_field(tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    broken = tmp_path / "promotions.yaml"
    text = DATA_FILE.read_text(encoding="utf-8")
    assert old in text
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CardError) as caught:
        load_promotions(broken)
    assert str(broken) in str(caught.value)
    for part in expected:
        assert part in str(caught.value)


# --- properties ------------------------------------------------------------------------------

carts = st.dictionaries(st.sampled_from(SKUS), st.integers(1, 6), min_size=1)
held = st.frozensets(st.sampled_from(COUPONS))
FAST = settings(max_examples=60, deadline=None)


def floor(cart: dict[str, int], coupons: frozenset[str], member: bool) -> Decimal:
    """Plain sum after the most each rule allows: lowest unit offer, every pair's second unit at
    the lowest rate, every 每满 rule on that whole subtotal, and the largest held coupon per kind."""
    rules = [rule for rule in promotions().promotions if rule.live(member)]
    items = Decimal("0.00")
    for sku, quantity in cart.items():
        product = catalogue().product(sku)
        offers = [rule.offer(product) for rule in rules if isinstance(rule, (MemberPrice, ItemDiscount))]
        unit = min([product.price, *(o for o in offers if o is not None)])
        rates = [rule.rate for rule in rules if isinstance(rule, SecondItem) and rule.covers(product)]
        second = money(unit * min(rates)) if rates else unit
        items += (quantity - quantity // 2) * unit + quantity // 2 * second
    order = sum((int(items // r.step) * r.amount for r in rules if isinstance(r, EveryFull)), Decimal(0))
    for kind in ("shop_coupon", "platform_coupon"):
        order += max((r.amount for r in rules if isinstance(r, Coupon) and r.kind == kind and r.id in coupons), default=0)
    return max(Decimal("0.00"), items - order)


@FAST
@given(carts, held, st.booleans())
def test_a_quote_stays_between_its_floor_and_the_plain_sum(cart: dict[str, int], coupons: frozenset[str], member: bool) -> None:
    q = quote(cart, coupons, member)
    plain = sum(catalogue().product(sku).price * n for sku, n in cart.items())
    assert Decimal("0.00") <= floor(cart, coupons, member) <= q.total <= plain == q.original
    assert q.total == q.original - sum(s.saved for s in q.steps) and q.total == q.total.quantize(Decimal("0.01"))


@FAST
@given(st.integers(1, 5), st.integers(1, 2000))
def test_a_quote_is_never_negative(quantity: int, amount: int) -> None:
    big = Promotions.model_validate({"promotions": [
        {"id": "big", "kind": "platform_coupon", "name": {"zh": "减", "en": "off"}, "amount": f"{amount}.00"},
        {"id": "every", "kind": "every_full", "name": {"zh": "满减", "en": "every"}, "step": "1.00", "amount": "0.99"},
    ]})
    assert quote({"J-101": quantity}, ["big"], rules=big).total >= 0


@FAST
@given(carts, held, st.sampled_from(COUPONS), st.booleans())
def test_adding_a_coupon_never_raises_the_total(cart: dict[str, int], coupons: frozenset[str], extra: str, member: bool) -> None:
    assert total(cart, coupons | {extra}, member) <= total(cart, coupons, member)


@FAST
@given(carts, held, st.sampled_from(SKUS), st.booleans())
def test_one_more_item_never_lowers_the_total(cart: dict[str, int], coupons: frozenset[str], sku: str, member: bool) -> None:
    # true for these three SKUs: every extra unit costs more (at least ¥74.50, a member's second
    # vest) than the threshold cliffs it can cross; with cheap items it is not (test_cou_dan_...)
    bigger = {**cart, sku: cart.get(sku, 0) + 1}
    assert total(bigger, coupons, member) >= total(cart, coupons, member)


def test_a_bad_cart_is_explained_in_chinese() -> None:
    from kit import i18n

    i18n.set_language("zh")
    try:
        with pytest.raises(QuoteError) as caught:
            quote({"J101": 1})
        with pytest.raises(QuoteError, match=re.escape("购物车是空的：请至少给一个（sku, 数量），例如 [('J-101', 2)] 或 {'J-101': 2}")):
            quote({})
        explained = quote({"J-101": 2}).explain("en")
    finally:
        i18n._chosen = None
    assert str(caught.value) == "购物车里有未知商品编号 'J101'；您是不是想写 J-101？"
    assert caught.value.english == "the cart has unknown SKU 'J101'; did you mean J-101?"  # what the quote_price tool returns
    assert explained == quote({"J-101": 2}).explain("en")  # an explanation is in the language asked for
