"""Sample orders: privacy first (nothing shown without the phone's last 4 digits), masked views,
the conversation cases the data was written for, and broken files that name file, order and field."""

from __future__ import annotations

import doctest
import importlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from kit.errors import CardError
from kit.shop import catalogue
from kit.shop.orders import ORDERS_FILE, Order, OrderView, Status, load_orders, order_status, orders
from kit.shop.policies import can_return, load_policies, policies, price_protection, shipping_fee

orders_module = importlib.import_module("kit.shop.orders")  # kit.shop.orders is also a function

BOOK = orders()
ALL = [order.id for order in BOOK.orders]


def _order(order_id: str) -> Order:
    order = BOOK.find(order_id)
    assert order is not None
    return order


def _private(order: Order) -> list[str]:
    """Everything about an order that must never reach someone who has not proved it is theirs."""
    shop = catalogue()
    words = [order.customer.name, order.customer.phone, order.customer.phone[-4:], order.customer.masked_phone()]
    words += [order.address.city, order.address.district, order.address.detail, str(order.paid)]
    for item in order.items:
        product = shop.product(item.sku)
        words += [item.sku, product.name.zh, product.name.en]
    if order.tracking:
        words.append(order.tracking)
    return words


def _leaks(view: OrderView, order: Order) -> list[str]:
    shown = view.explain("zh") + view.explain("en") + view.model_dump_json()
    return [word for word in _private(order) if word in shown]


# --- Privacy -------------------------------------------------------------------------------


@pytest.mark.parametrize("order_id", ALL)
@pytest.mark.parametrize("digits", [None, "", "12", "abcd", "138123456789"])
def test_without_the_phone_digits_only_a_request_to_verify(order_id: str, digits: str | None) -> None:
    view = order_status(order_id, digits)
    assert (view.outcome, view.rule_id, view.verified) == ("needs_verification", "privacy.verify", False)
    assert "手机号的后四位" in view.explain("zh") and "last 4 digits" in view.explain("en")
    assert _leaks(view, _order(order_id)) == []
    assert view.status is None and view.items == () and view.address is None and view.history == ()


@pytest.mark.parametrize("order_id", ALL)
def test_another_customers_digits_show_nothing(order_id: str) -> None:
    order = _order(order_id)
    someone_else = next(other for other in BOOK.orders if other.customer.phone[-4:] != order.customer.phone[-4:])
    view = order_status(order_id, someone_else.customer.phone[-4:])
    assert (view.outcome, view.rule_id) == ("needs_verification", "privacy.mismatch")
    assert "对不上" in view.explain("zh") and "do not match" in view.explain("en")
    assert _leaks(view, order) == [] and _leaks(view, someone_else) == []


@pytest.mark.parametrize("order_id", ALL)
def test_verified_views_are_masked(order_id: str) -> None:
    order = _order(order_id)
    view = order_status(order_id, order.customer.phone[-4:])
    assert view.verified and view.status == order.status and view.rule_id == "privacy.masking"
    shown = view.explain("zh") + view.explain("en") + view.model_dump_json()
    assert order.customer.phone not in shown and order.customer.name not in shown and order.address.detail not in shown
    assert view.customer == order.customer.name[0] + "*" * (len(order.customer.name) - 1)
    assert view.phone == f"{order.customer.phone[:3]}****{order.customer.phone[-4:]}"
    assert view.address is not None and view.address.endswith("***")


def test_the_masks_look_like_a_chinese_shops() -> None:
    view = order_status("2024112510293847", "5678")
    assert (view.customer, view.phone, view.address) == ("张**", "138****5678", "北京市朝阳区***")
    assert order_status("2024112922334455", "0057").address == "新疆维吾尔自治区乌鲁木齐市天山区***"
    assert "收货人：张** 138****5678，北京市朝阳区***" in view.explain("zh")


@pytest.mark.parametrize("typed", ["2024112599999999", "12345", "hello", "order 1"])
def test_an_unknown_id_says_what_an_id_looks_like(typed: str) -> None:
    view = order_status(typed, "5678")
    assert (view.outcome, view.rule_id, view.status) == ("not_found", "privacy.not_found", None)
    assert view.explain("zh") == (
        f"没有找到订单号“{typed.replace(' ', '')}”。订单号是16位数字，前8位是下单日期，例如2024112512345678，"
        "请在“我的订单”里复制后再发给我。"
    )
    assert "has 16 digits and starts with the date of the order" in view.explain("en")


def test_spaces_in_a_typed_id_are_ignored() -> None:
    assert order_status(" 2024 1125 1029 3847 ", " 5678 ").verified


# --- The cases the sample orders were written for ------------------------------------------


def test_the_sample_orders_use_only_the_three_stable_skus() -> None:
    assert 10 <= len(BOOK.orders) <= 15 and len(set(ALL)) == len(ALL)
    assert {item.sku for order in BOOK.orders for item in order.items} == {"J-101", "V-205", "S-310"}
    assert {event.status for order in BOOK.orders for event in order.history} == set(Status)


def test_delivered_five_days_ago_is_returnable() -> None:
    view = order_status("2024112510293847", "5678")
    assert (view.delivered_on, view.days_since_delivery, view.no_reason_return_until) == (
        date(2024, 11, 27),
        5,
        date(2024, 12, 4),
    )
    assert can_return(catalogue().product("J-101").category, view.days_since_delivery).allowed
    assert (
        view.shipping_insurance and can_return("outerwear", 5, shipping_insurance=True).who_pays_shipping == "insurance"
    )


def test_delivered_ten_days_ago_is_past_the_no_reason_period_but_not_the_quality_one() -> None:
    view = order_status("2024111809876543", "1234")
    assert view.days_since_delivery == 10
    assert can_return("outerwear", 10).rule_id == "returns.no_reason_late"
    assert can_return("outerwear", 10, reason="quality").allowed
    assert view.explain("zh").endswith("2024-11-22签收，今天是签收后第10天；无理由退货期已于2024-11-29结束。")


def test_delivered_seven_days_ago_is_the_last_day() -> None:
    view = order_status("2024112300001111", "5520")
    assert view.days_since_delivery == 7 and can_return("outerwear", 7).allowed
    assert "今天（2024-12-02）是无理由退货的最后一天" in view.explain("zh")


def test_delivered_on_double_11_is_past_even_the_quality_period() -> None:
    view = order_status("2024110811223344", "9050")
    assert (
        view.days_since_delivery == 21
        and can_return("outerwear", 21, reason="quality").rule_id == "returns.quality_late"
    )


def test_the_late_parcel_is_flagged() -> None:
    view = order_status("2024112603141592", "9906")
    assert (view.status, view.delayed, view.expected_by) == (Status.IN_TRANSIT, True, date(2024, 12, 1))
    assert view.explain("zh").endswith("已超过预计送达时间（2024-12-01），可以联系快递催件。")


@pytest.mark.parametrize(
    ("order_id", "digits"), [("2024112922334455", "0057"), ("2024112899990000", "2345"), ("2024113011112222", "7742")]
)
def test_parcels_on_their_way_are_not_late(order_id: str, digits: str) -> None:
    view = order_status(order_id, digits)
    assert view.status in (Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY) and not view.delayed


def test_the_remote_order_paid_the_remote_fee() -> None:
    order = _order("2024112922334455")
    assert (order.shipping, order.paid, order.carrier) == (Decimal("20.00"), Decimal("319.00"), "EMS")
    assert shipping_fee(order.goods, order.address.region).amount == order.shipping
    assert order_status(order.id, "0057").expected_by == date(2024, 12, 10)  # shipped 11-30, 5-10 days


def test_the_far_order_paid_the_far_fee_and_the_coupon_order_adds_up() -> None:
    assert _order("2024113011112222").shipping == Decimal("15.00")
    coupon = _order("2024112899990000")
    assert (coupon.goods, coupon.discount, coupon.paid) == (Decimal("498.00"), Decimal("20.00"), Decimal("478.00"))


def test_a_refund_in_progress_and_a_refund_done() -> None:
    refunding = order_status("2024112288886666", "7788")
    assert (
        refunding.status == Status.REFUNDING
        and refunding.refund is not None
        and refunding.refund.amount == Decimal("299.00")
    )
    assert refunding.explain("zh").endswith("退款中：¥299.00（七天无理由退货），原路退回微信支付。")
    done = order_status("2024111566667777", "5566")
    assert done.status == Status.REFUNDED and done.explain("en").endswith(
        "Refunded: ¥398.00 (no-reason return), back to Alipay."
    )


def test_paid_and_unpaid_orders_say_what_comes_next() -> None:
    paid = order_status("2024120112121212", "6688")
    assert paid.dispatch_by is not None and paid.dispatch_by.isoformat() == "2024-12-03T20:15:00+08:00"
    assert paid.carrier is None and paid.explain("zh").endswith("已付款，最晚2024-12-03 20:15前发货。")
    unpaid = order_status("2024120233445566", "9821")
    assert (
        unpaid.status == Status.PLACED
        and unpaid.payment is None
        and unpaid.explain("en").endswith("Not paid yet; it ships once paid.")
    )


def test_the_price_protection_case() -> None:
    order = _order("2024112277778888")
    paid_on = order.last(Status.PAID)
    assert paid_on is not None
    days = (BOOK.local(BOOK.now).date() - BOOK.local(paid_on.at).date()).days
    answer = price_protection(order.items[0].unit_price, catalogue().product("S-310").price, days)
    assert (days, answer.allowed, answer.amount) == (10, True, Decimal("30.00"))


def test_a_whole_view_in_english() -> None:
    assert order_status("2024112510293847", "5678").explain("en") == "\n".join(
        [
            "Order 2024112510293847: delivered",
            "Recipient: 张** 138****5678, 北京市朝阳区***",
            "- Padded winter jacket (J-101) black L x1, ¥299.00 each",
            "Paid ¥299.00 (goods ¥299.00, discount ¥0.00, shipping ¥0.00), by Alipay, with shipping insurance (运费险)",
            "Carrier: ZTO Express 73100012345678",
            "  2024-11-25 10:02 placed",
            "  2024-11-25 10:03 paid",
            "  2024-11-25 18:40 shipped Picked up by ZTO in Hangzhou",
            "  2024-11-26 06:15 in transit Arrived at the Beijing sorting centre",
            "  2024-11-27 08:20 out for delivery Out with the courier",
            "  2024-11-27 12:36 delivered Signed for by the customer",
            "Delivered on 2024-11-27; today is day 5 after delivery; a no-reason return is possible until 2024-12-04.",
        ]
    )


def test_views_are_in_china_time() -> None:
    view = order_status("2024112510293847", "5678")
    assert (
        view.now == datetime.fromisoformat("2024-12-02T10:00:00+08:00")
        and view.history[-1].at.utcoffset().total_seconds() == 8 * 3600
    )


def test_the_docstring_example_runs() -> None:
    assert doctest.testmod(orders_module).failed == 0


def test_orders_load_once_and_can_be_checked_against_other_policies() -> None:
    assert orders() is orders()
    assert len(load_orders(ORDERS_FILE, rules=load_policies()).orders) == len(BOOK.orders)
    assert set(BOOK.statuses) == set(Status)
    assert policies().shipping.region(_order("2024112510293847").address.region).zone == "standard"


# --- Broken files --------------------------------------------------------------------------

FIRST = "2024112510293847"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "{sku: J-101, colour: 黑色, size: L,",
            "{sku: J-999, colour: 黑色, size: L,",
            f"order {FIRST} (items.0.sku): no product 'J-999' in the catalogue",
        ),
        (
            "{sku: J-101, colour: 黑色, size: L,",
            "{sku: J-101, colour: 粉色, size: L,",
            f"order {FIRST} (items.0.colour): J-101 comes in 黑色, 酒红色, 藏青色, not '粉色'",
        ),
        (
            "{sku: J-101, colour: 黑色, size: L,",
            "{sku: J-101, colour: 黑色, size: XXXL,",
            f"order {FIRST} (items.0.size): J-101 comes in sizes S, M, L, XL, XXL, not 'XXXL'",
        ),
        (
            'quantity: 1, unit_price: "299.00"}',
            'quantity: 0, unit_price: "299.00"}',
            f"order {FIRST} (items.0.quantity): Input should be greater than or equal to 1",
        ),
        (
            'unit_price: "299.00"}',
            'unit_price: "299.001"}',
            f"order {FIRST} (items.0.unit_price): Decimal input should have no more than 2 decimal places",
        ),
        (
            "{status: 运输中, at: 2024-11-26T06:15",
            "{status: 已到达, at: 2024-11-26T06:15",
            f"order {FIRST} (history.3.status): Input should be '已下单', '已付款'",
        ),
        (
            "{status: 运输中, at: 2024-11-26T06:15",
            "{status: 运输中, at: 2024-11-25T06:15",
            f"order {FIRST} (history.3): 2024-11-25T06:15:00+08:00 is before history.2 (2024-11-25T18:40:00+08:00)",
        ),
        (
            "{status: 派送中, at: 2024-11-27T08:20",
            "{status: 已退款, at: 2024-11-27T08:20",
            f"order {FIRST} (history.4): 已退款 cannot follow 运输中 (may follow: 运输中, 派送中, 已签收, 退款中)",
        ),
        (
            "{status: 已下单, at: 2024-11-25T10:02",
            "{status: 已付款, at: 2024-11-25T10:02",
            f"order {FIRST} (history.0): an order starts with 已下单, not 已付款",
        ),
        (
            "at: 2024-12-02T08:10:00+08:00",
            "at: 2024-12-03T08:10:00+08:00",
            "order 2024112899990000 (history.5): 2024-12-03T08:10:00+08:00 is after the shop's clock, now: 2024-12-02T10:00:00+08:00",
        ),
        (
            "at: 2024-11-25T10:02:00+08:00}",
            "at: 2024-11-25T10:02:00}",
            f"order {FIRST} (history.0.at): Input should have timezone info",
        ),
        (
            f'id: "{FIRST}"',
            'id: "2024112612345678"',
            "order 2024112612345678 (id): should start with 20241125, the day the order was placed",
        ),
        (f'id: "{FIRST}"', 'id: "20241125"', "order 20241125 (id): an order id has 16 digits, like 2024112512345678"),
        ('id: "2024111809876543"', f'id: "{FIRST}"', f"order {FIRST} (id): used by an earlier order too"),
        (
            'phone: "13812345678"',
            'phone: "1381234567"',
            f"order {FIRST} (customer.phone): '1381234567' is not an 11-digit mobile number like 13812345678",
        ),
        (
            "region: 北京, city: 北京市, district: 朝阳区",
            "region: 火星, city: 北京市, district: 朝阳区",
            f"order {FIRST} (address.region): unknown region '火星'; the regions are: 北京",
        ),
        (
            "region: 北京, city: 北京市, district: 朝阳区",
            "region: 香港, city: 北京市, district: 朝阳区",
            f"order {FIRST} (address.region): the shop does not deliver to 香港",
        ),
        (
            '    paid: "299.00"\n    payment: alipay\n    shipping_insurance: true\n    carrier: ZTO',
            '    paid: "290.00"\n    payment: alipay\n    shipping_insurance: true\n    carrier: ZTO',
            f"order {FIRST} (paid): 290.00, but goods 299.00 - discount 0.00 + shipping 0.00 = 299.00",
        ),
        (
            '    shipping: "20.00"\n    paid: "319.00"',
            '    shipping: "0.00"\n    paid: "299.00"',
            "order 2024112922334455 (shipping): 0.00, but policies.yaml charges 20.00 (shipping.remote)",
        ),
        (
            '    discount: "20.00"',
            '    discount: "600.00"',
            "order 2024112899990000 (discount): 600.00 is more than the goods total 498.00",
        ),
        (
            'tracking: "73100012345678"',
            'tracking: "SF100012345678"',
            f"order {FIRST} (tracking): 'SF100012345678' is not a ZTO tracking number",
        ),
        (
            '    carrier: ZTO\n    tracking: "73100012345678"\n',
            "",
            f"order {FIRST} (carrier): a shipped order needs carrier and tracking",
        ),
        (
            "    payment: wechat_pay\n    history:\n      - {status: 已下单, at: 2024-12-01",
            "    payment: wechat_pay\n    carrier: ZTO\n    history:\n      - {status: 已下单, at: 2024-12-01",
            "order 2024120112121212 (carrier): not shipped yet, so no carrier or tracking",
        ),
        (
            "    payment: alipay\n    shipping_insurance: true\n    carrier: ZTO",
            "    payment: cash\n    shipping_insurance: true\n    carrier: ZTO",
            f"order {FIRST} (payment): unknown payment method 'cash'; the methods are: alipay",
        ),
        (
            '    refund: {reason: no_reason, amount: "398.00"}\n',
            "",
            "order 2024111566667777 (refund): needed exactly when the history reaches 退款中",
        ),
        (
            'refund: {reason: no_reason, amount: "398.00"}',
            'refund: {reason: regret, amount: "398.00"}',
            "order 2024111566667777 (refund.reason): unknown reason 'regret'",
        ),
        (
            'refund: {reason: no_reason, amount: "398.00"}',
            'refund: {reason: no_reason, amount: "500.00"}',
            "order 2024111566667777 (refund): amount 500.00 is more than the 398.00 paid",
        ),
        ("  已退款: {en: refunded, next: []}\n", "", "statuses: missing 已退款"),
        (
            '    shipping_insurance: true\n    carrier: ZTO\n    tracking: "73100012345678"',
            '    shipping_insurance: true\n    gift_wrap: true\n    carrier: ZTO\n    tracking: "73100012345678"',
            f"order {FIRST} (gift_wrap): Extra inputs are not permitted",
        ),
        ("now: 2024-12-02T10:00:00+08:00\n", "now: [\n", "not valid YAML"),
    ],
)
def test_a_broken_orders_file_names_file_order_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = ORDERS_FILE.read_text(encoding="utf-8")
    assert old in text, old
    broken = tmp_path / "orders.yaml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CardError) as caught:
        load_orders(broken)
    assert f"{broken}: {message}" in str(caught.value)


def test_the_design_example_error_reads_exactly(tmp_path: Path) -> None:
    text = ORDERS_FILE.read_text(encoding="utf-8").replace(f'id: "{FIRST}"', 'id: "2024112500000003"', 1)
    broken = tmp_path / "orders.yaml"
    broken.write_text(
        text.replace("{sku: J-101, colour: 黑色, size: L,", "{sku: J-999, colour: 黑色, size: L,", 1), encoding="utf-8"
    )
    with pytest.raises(CardError) as caught:
        load_orders(broken)
    assert str(caught.value) == f"{broken}: order 2024112500000003 (items.0.sku): no product 'J-999' in the catalogue"


def test_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    broken = tmp_path / "orders.yaml"
    broken.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(CardError, match="an orders file is a mapping with now:, statuses: and orders:"):
        load_orders(broken)


def test_the_design_example_error_in_chinese(tmp_path: Path) -> None:
    from kit import i18n

    text = ORDERS_FILE.read_text(encoding="utf-8").replace(f'id: "{FIRST}"', 'id: "2024112500000003"', 1)
    broken = tmp_path / "orders.yaml"
    broken.write_text(
        text.replace("{sku: J-101, colour: 黑色, size: L,", "{sku: J-999, colour: 黑色, size: L,", 1), encoding="utf-8"
    )
    i18n.set_language("zh")
    try:
        with pytest.raises(CardError) as caught:
            load_orders(broken)
    finally:
        i18n._chosen = None
    assert str(caught.value) == f"{broken}: 订单 2024112500000003（items.0.sku）：商品目录里没有商品 'J-999'"
