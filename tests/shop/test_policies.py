"""After-sales policies as ground truth: each rule and its exceptions, exact money, day boundaries, bad files."""

from __future__ import annotations

import doctest
import importlib
import re
from decimal import Decimal
from pathlib import Path

import pytest

from kit.errors import CardError
from kit.shop import catalogue
from kit.shop.policies import (
    POLICIES_FILE,
    can_return,
    load_policies,
    policies,
    price_protection,
    refund_timing,
    shipping_fee,
)

policies_module = importlib.import_module("kit.shop.policies")  # kit.shop.policies is also a function

# --- Returns -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "days", "options", "allowed", "rule_id", "payer"),
    [
        ("outerwear", 0, {}, True, "returns.no_reason", "customer"),  # the day of 签收 is day 0
        ("outerwear", 7, {}, True, "returns.no_reason", "customer"),  # the last day
        ("outerwear", 8, {}, False, "returns.no_reason_late", None),
        ("outerwear", 3, {"shipping_insurance": True}, True, "returns.no_reason", "insurance"),
        ("knitwear", 3, {"opened": True}, True, "returns.no_reason", "customer"),  # opening clothes to try them is fine
        ("serum", 3, {}, True, "returns.no_reason", "customer"),  # sealed cosmetics go back
        ("foundation", 3, {"opened": True}, False, "returns.exception.opened_cosmetics", None),
        ("serum", 1, {"opened": True}, False, "returns.exception.opened_cosmetics", None),
        ("underwear", 2, {}, True, "returns.no_reason", "customer"),
        ("underwear", 2, {"opened": True}, False, "returns.exception.opened_intimates", None),
        ("outerwear", 2, {"customised": True}, False, "returns.exception.customised", None),
        ("outerwear", 2, {"tags_removed": True}, False, "returns.exception.tags_removed", None),
        ("sneakers", 2, {"used": True}, False, "returns.exception.used", None),
        (
            "foundation",
            10,
            {"opened": True},
            False,
            "returns.exception.opened_cosmetics",
            None,
        ),  # exceptions come first
        ("foundation", 10, {"opened": True, "reason": "quality"}, True, "returns.quality", "shop"),
        ("outerwear", 3, {"tags_removed": True, "used": True, "reason": "quality"}, True, "returns.quality", "shop"),
        ("outerwear", 3, {"reason": "wrong_item"}, True, "returns.quality", "shop"),
        ("outerwear", 2, {"customised": True, "reason": "quality"}, True, "returns.quality", "shop"),
        ("outerwear", 15, {"reason": "quality"}, True, "returns.quality", "shop"),  # the last day for quality
        ("outerwear", 16, {"reason": "quality"}, False, "returns.quality_late", None),
    ],
)
def test_returns_follow_the_rule_and_its_exceptions(
    category: str, days: int, options: dict, allowed: bool, rule_id: str, payer: str | None
) -> None:
    answer = can_return(category, days, **options)
    assert (answer.allowed, answer.rule_id, answer.who_pays_shipping) == (allowed, rule_id, payer)


def test_day_seven_and_day_eight_read_exactly() -> None:
    assert can_return("outerwear", 7).explanation.zh == (
        "今天是签收后第7天，还在7天无理由退货期内，可以退货。请保持吊牌完好，退货运费由您（买家）承担。"
    )
    assert can_return("outerwear", 8).explanation.en == (
        "Today is day 8 after delivery, past the 7-day no-reason return period, so it cannot be returned "
        "without a reason. If there is a quality problem, you can report it with photos within 15 days of delivery."
    )


def test_a_quality_claim_asks_for_photos() -> None:
    answer = can_return("outerwear", 12, reason="quality")
    assert len(answer.evidence) == 3 and all("照片" in item.zh and "photo" in item.en for item in answer.evidence)
    assert "问题部位的清晰照片" in answer.explanation.zh and "来回运费由本店承担" in answer.explanation.zh
    assert "photos of the problem" in answer.explanation.en


def test_past_the_quality_period_hands_over_to_a_human() -> None:
    answer = can_return("outerwear", 16, reason="quality")
    assert "转人工客服" in answer.explanation.zh and "human colleague" in answer.explanation.en


def test_an_answer_quotes_the_published_rule() -> None:
    answer = can_return("foundation", 3, opened=True)
    assert answer.policy == policies().published("returns.exception.opened_cosmetics")
    assert answer.explain("en").endswith(f"Policy returns.exception.opened_cosmetics: {answer.policy.en}")
    assert answer.explain("zh").splitlines()[1].startswith("依据 returns.exception.opened_cosmetics: 化妆品和护肤品")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: can_return("hats", 1), "unknown category 'hats'; the categories are: outerwear, knitwear"),
        (
            lambda: can_return("outerwear", 1, reason="regret"),
            "unknown reason 'regret'; the reasons are: no_reason, quality, wrong_item",
        ),
        (lambda: can_return("outerwear", -1), "days_since_delivery: -1 must be a whole number, 0 or more"),
        (lambda: can_return("outerwear", 1.5), "days_since_delivery: 1.5 must be a whole number"),  # type: ignore[arg-type]
    ],
)
def test_bad_return_questions_say_what_is_valid(call, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


# --- Shipping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "region", "allowed", "fee", "rule_id"),
    [
        ("98.99", "北京", True, "10.00", "shipping.fee"),
        ("99.00", "北京", True, "0.00", "shipping.free"),  # 满99包邮: 99.00 itself is free
        ("0", "上海市", True, "10.00", "shipping.fee"),
        ("299", "Guangdong", True, "0.00", "shipping.free"),
        ("198.99", "甘肃", True, "15.00", "shipping.fee"),
        ("199.00", "Inner Mongolia", True, "0.00", "shipping.free"),
        ("159.00", "广西壮族自治区", True, "0.00", "shipping.free"),
        ("5000.00", "新疆", True, "20.00", "shipping.remote"),  # remote areas never ship free
        ("10.00", "Tibet", True, "20.00", "shipping.remote"),
        ("299.00", "西藏自治区", True, "20.00", "shipping.remote"),
        ("299.00", "香港", False, None, "shipping.no_delivery"),
        ("299.00", "Macau", False, None, "shipping.no_delivery"),
        ("299.00", "海外", False, None, "shipping.no_delivery"),
    ],
)
def test_shipping_fee_by_region_and_threshold(
    total: str, region: str, allowed: bool, fee: str | None, rule_id: str
) -> None:
    answer = shipping_fee(Decimal(total), region)
    assert (answer.allowed, answer.rule_id) == (allowed, rule_id)
    assert (None if answer.amount is None else str(answer.amount)) == fee  # exact to the fen, "10.00" not "10"


def test_shipping_answers_read_exactly() -> None:
    assert shipping_fee(Decimal("98.99"), "北京").explanation.zh == (
        "寄到北京（普通地区）满99.00元包邮，这单商品金额98.99元，运费10.00元；再买0.01元就包邮。"
    )
    assert shipping_fee(Decimal("299.00"), "新疆").explanation.en == (
        "Xinjiang is a remote area, which never ships free: shipping for this order is ¥20.00, "
        "sent by China Post EMS, usually 5-10 days."
    )
    assert shipping_fee(Decimal("299.00"), "台湾").explanation.zh == "抱歉，台湾暂时不发货，这单没法寄过去。"


def test_the_published_fees_quote_the_numbers_of_the_file() -> None:
    text = policies().published("shipping.fees").zh
    assert "普通地区满99.00元包邮，不满收运费10.00元，2-4天送达" in text
    assert "偏远地区（新疆、西藏）不参与包邮，每单运费20.00元，5-10天送达" in text
    assert "香港、澳门、台湾、海外暂不发货" in text
    assert "付款后48小时内发货" in policies().published("shipping.dispatch").zh


@pytest.mark.parametrize(
    ("total", "message"),
    [
        (98.5, "order_total: give money as Decimal('12.30') or '12.30', not 98.5"),
        ("-1", "order_total: '-1' must be an amount in yuan, 0 or more"),
        ("9.999", "order_total: '9.999' must be an amount in yuan, 0 or more, with at most 2 decimals"),
        ("cheap", "order_total: 'cheap' is not an amount in yuan"),
    ],
)
def test_money_must_be_exact(total: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        shipping_fee(total, "北京")  # type: ignore[arg-type]


def test_an_unknown_region_lists_the_regions() -> None:
    with pytest.raises(ValueError, match=r"unknown region '火星'; the regions are: 北京, 天津, .*新疆, 西藏"):
        shipping_fee(Decimal("100"), "火星")


# --- Price protection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid", "current", "days", "kind", "quantity", "allowed", "refund", "rule_id"),
    [
        ("229.00", "199.00", 10, "normal", 1, True, "30.00", "price_protection.refund"),
        ("229.00", "199.00", 0, "normal", 1, True, "30.00", "price_protection.refund"),
        ("229.00", "199.00", 15, "normal", 1, True, "30.00", "price_protection.refund"),  # the last day
        ("229.00", "199.00", 16, "normal", 1, False, "0.00", "price_protection.late"),
        ("299.00", "279.50", 3, "normal", 3, True, "58.50", "price_protection.refund"),
        ("199.00", "169.15", 3, "big_sale", 2, True, "59.70", "price_protection.refund"),  # 双11 day price is protected
        ("199.00", "199.00", 3, "normal", 1, False, "0.00", "price_protection.no_drop"),
        ("199.00", "229.00", 3, "normal", 1, False, "0.00", "price_protection.no_drop"),
        ("299.00", "279.00", 3, "member", 1, False, "0.00", "price_protection.exception.member"),
        ("299.00", "279.00", 3, "coupon", 1, False, "0.00", "price_protection.exception.coupon"),
        ("299.00", "239.00", 3, "live_stream", 1, False, "0.00", "price_protection.exception.live_stream"),
        ("299.00", "259.00", 3, "presale", 1, False, "0.00", "price_protection.exception.presale"),
        ("299.00", "199.00", 3, "flash_sale", 1, False, "0.00", "price_protection.exception.flash_sale"),
    ],
)
def test_price_protection(
    paid: str, current: str, days: int, kind: str, quantity: int, allowed: bool, refund: str, rule_id: str
) -> None:
    answer = price_protection(Decimal(paid), Decimal(current), days, kind, quantity)
    assert (answer.allowed, str(answer.amount), answer.rule_id) == (allowed, refund, rule_id)


def test_price_protection_reads_exactly() -> None:
    answer = price_protection(Decimal("229.00"), Decimal("199.00"), 10, quantity=2)
    assert answer.explanation.zh == (
        "您是付款后第10天，在15天价保期内，现价199.00元比您付的229.00元低30.00元，2件共退差价60.00元，原路退回。"
    )
    assert "不保的是：会员专享价、用券后的价格" in answer.policy.zh and "限时秒杀价" in answer.policy.zh


def test_an_unknown_price_kind_lists_the_kinds() -> None:
    with pytest.raises(ValueError, match="unknown price kind 'vip'; the kinds are: normal, big_sale, member, coupon"):
        price_protection(Decimal("10"), Decimal("5"), 1, "vip")
    with pytest.raises(ValueError, match="quantity: 0 must be a whole number, 1 or more"):
        price_protection(Decimal("10"), Decimal("5"), 1, quantity=0)


# --- Refunds and the whole file ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "zh", "en"),
    [
        ("alipay", "支付宝", "usually at once"),
        ("wechat_pay", "微信支付", "usually at once"),
        ("huabei", "花呗", "Huabei credit"),
        ("bank_card", "银行卡", "in 1 to 5 working days"),
    ],
)
def test_refund_timing_by_payment_method(method: str, zh: str, en: str) -> None:
    answer = refund_timing(method)
    assert answer.rule_id == "refunds.timing" and f"原路退回您的{zh}" in answer.explanation.zh
    assert "收到退货并验货后2天内退款" in answer.explanation.zh and en in answer.explanation.en


def test_an_unknown_payment_method_lists_the_methods() -> None:
    with pytest.raises(
        ValueError, match="unknown payment method 'cash'; the methods are: alipay, wechat_pay, huabei, bank_card"
    ):
        refund_timing("cash")


def test_every_catalogue_category_has_return_rules() -> None:
    """The contract with catalogue.yaml: a new category needs a line under returns.groups."""
    for product in catalogue().products:
        policies().returns.group_of(product.category)


def test_every_rule_is_published_in_both_languages_with_its_numbers_filled_in() -> None:
    rules = policies().rules()
    assert len({rule.id for rule in rules}) == len(rules) > 25
    for lang in ("zh", "en"):
        text = policies().markdown(lang)
        assert all(f"({rule.id})" in text for rule in rules)
        assert "{" not in text and "}" not in text
    with pytest.raises(KeyError, match=re.escape("no rule 'returns.nope'; the rules are: returns.no_reason")):
        policies().rule("returns.nope")


def test_the_docstring_example_runs() -> None:
    assert doctest.testmod(policies_module).failed == 0


def test_policies_load_once() -> None:
    assert policies() is policies()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "今天是签收后第{day}天，还在",
            "今天是签收后第{dya}天，还在",
            "returns: rule returns.no_reason, say.zh: unknown placeholder {dya}; this one may use: day, evidence",
        ),
        ('fee: "10.00"', 'fee: "ten"', "shipping.zones.standard.fee: Input should be a valid decimal"),
        (
            'fee: "10.00"',
            'fee: "10.005"',
            "shipping.zones.standard.fee: Decimal input should have no more than 2 decimal places",
        ),
        (
            "en: Beijing, zone: standard}",
            "en: Beijing, zone: normal}",
            "shipping: regions.0 (北京): zone 'normal' is not under zones (standard, far, remote, no_delivery)",
        ),
        ("en: Tianjin,", "en: Beijing,", "shipping: regions.1 (天津): the name 'beijing' is already used"),
        (
            "when: {groups: [intimates], opened: true}",
            "when: {groups: [lingerie], opened: true}",
            "rule returns.exception.opened_intimates: when.groups names 'lingerie'; the groups are: clothing, shoes, intimates, cosmetics",
        ),
        (
            "[underwear, socks, swimwear]",
            "[underwear, socks, boots]",
            "returns: groups: category 'boots' is in both shoes and intimates",
        ),
        ("quality_days: 15", "quality_days: 7", "returns: quality_days (7) must be longer than no_reason_days (7)"),
        ("delivery_days: [2, 4]", "delivery_days: [4, 2]", "delivery_days [4, 2] must go from low to high"),
        ("id: returns.quality_late", "id: returns.quality", "rule id returns.quality is used twice"),
        ("  days: 15\n", "  days: 15\n  weeks: 2\n", "price_protection.weeks: Extra inputs are not permitted"),
        ("tracking: 'YT\\d{13}'", "tracking: 'YT\\d{13}('", "shipping.carriers.YTO.tracking"),
        ("returns:\n", "returns:\n  - : [\n", "not valid YAML"),
    ],
)
def test_a_broken_policies_file_names_file_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = POLICIES_FILE.read_text(encoding="utf-8")
    assert old in text, old
    broken = tmp_path / "policies.yaml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CardError) as caught:
        load_policies(broken)
    assert str(caught.value).startswith(f"{broken}: ") and message in str(caught.value)


def test_a_bad_question_is_explained_in_chinese_and_the_answers_stay_bilingual() -> None:
    from kit import i18n

    i18n.set_language("zh")
    try:
        with pytest.raises(ValueError, match=re.escape("未知类别 'hats'；可用的类别有：outerwear, knitwear")):
            can_return("hats", 1)
        with pytest.raises(ValueError, match=re.escape("order_total：金额请写成 Decimal('12.30') 或 '12.30'，不要写 1.5")):
            shipping_fee(1.5, "北京")  # type: ignore[arg-type]
        answer = can_return("outerwear", 8)
    finally:
        i18n._chosen = None
    assert answer == can_return("outerwear", 8)  # the shop's answer does not depend on the kit's language
