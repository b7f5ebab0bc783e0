"""Sample orders, and what customer service may show of one: nothing until the customer is verified.

The orders live in `data/orders.yaml`, checked at load against the catalogue (skus, colours,
sizes) and the policies (regions, carriers, shipping fees). `order_status` shows an order only
to someone who gives the last 4 digits of its phone number, and masks the name, phone and
address even then: the safety lesson grades agents on exactly that.

    >>> order_status("2024112510293847").outcome
    'needs_verification'
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from kit.errors import CardError
from kit.i18n import _, language
from kit.shop.catalogue import Catalogue, Text, catalogue
from kit.shop.money import ZERO, money, yuan
from kit.shop.policies import Policies, PolicyAnswer, policies

ORDERS_FILE = Path(__file__).with_name("data") / "orders.yaml"


class Status(str, Enum):
    """Where an order is, in the words Chinese shops use (its English name is in orders.yaml)."""

    PLACED = "已下单"
    PAID = "已付款"
    SHIPPED = "已发货"
    IN_TRANSIT = "运输中"
    OUT_FOR_DELIVERY = "派送中"
    DELIVERED = "已签收"
    REFUNDING = "退款中"
    REFUNDED = "已退款"


ON_THE_WAY = (Status.SHIPPED, Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _shop(info: ValidationInfo) -> tuple[Catalogue, Policies]:
    """The catalogue and policies to check against: the loader's, or the shop's own."""
    context = info.context or {}
    return context.get("catalogue") or catalogue(), context.get("policies") or policies()


class Customer(_Strict):
    """Who receives the parcel; shown only masked."""

    name: str = Field(min_length=2)
    phone: str = Field(description="an 11-digit mainland mobile number")

    @field_validator("phone")
    @classmethod
    def _mobile(cls, phone: str) -> str:
        if not re.fullmatch(r"1[3-9]\d{9}", phone):
            raise ValueError(_("{phone} is not an 11-digit mobile number like 13812345678").format(phone=repr(phone)))
        return phone

    def masked_name(self) -> str:
        """张丽华 -> 张**: the family name only."""
        return self.name[0] + "*" * (len(self.name) - 1)

    def masked_phone(self) -> str:
        """13812345678 -> 138****5678."""
        return f"{self.phone[:3]}****{self.phone[-4:]}"


class Address(_Strict):
    """Where the parcel goes; the region decides the shipping fee, the street is never shown."""

    region: str = Field(description="a region of policies.yaml (北京, 新疆...), which decides the shipping fee")
    city: str
    district: str
    detail: str = Field(description="street, building and flat: never shown")

    @field_validator("region")
    @classmethod
    def _delivered_to(cls, region: str, info: ValidationInfo) -> str:
        if not _shop(info)[1].shipping.zone_of(region).delivers:  # an unknown region lists the known ones
            raise ValueError(_("the shop does not deliver to {region}").format(region=region))
        return region

    def masked(self, rules: Policies) -> str:
        """北京市朝阳区***: region, city and district, never the street."""
        region = rules.shipping.region(self.region).full
        city = "" if self.city == region else self.city
        return f"{region}{city}{self.district}***"


class Item(_Strict):
    """One line of an order: a product of the catalogue in one colour and size."""

    sku: str
    colour: str | None = Field(None, validate_default=True, description="one of the product's Chinese colour names")
    size: str | None = Field(None, validate_default=True, description="a size of the product's chart")
    quantity: int = Field(ge=1)
    unit_price: Decimal = Field(gt=0, decimal_places=2, description="what one unit cost when ordered")

    @field_validator("sku")
    @classmethod
    def _in_catalogue(cls, sku: str, info: ValidationInfo) -> str:
        try:
            _shop(info)[0].product(sku)
        except KeyError:
            raise ValueError(_("no product {sku} in the catalogue").format(sku=repr(sku))) from None
        return sku

    @field_validator("colour")
    @classmethod
    def _a_colour_of_it(cls, colour: str | None, info: ValidationInfo) -> str | None:
        if "sku" in info.data:
            colours = getattr(_shop(info)[0].product(info.data["sku"]), "colours", {}).get("zh", [])
            if (colour is None and colours) or (colour is not None and colour not in colours):
                if not colours:
                    raise ValueError(_("{sku} comes in no colours, not {colour}").format(
                        sku=info.data["sku"], colour=repr(colour)))
                raise ValueError(_("{sku} comes in {colours}, not {colour}").format(
                    sku=info.data["sku"], colours=", ".join(colours), colour=repr(colour)))
        return colour

    @field_validator("size")
    @classmethod
    def _on_its_chart(cls, size: str | None, info: ValidationInfo) -> str | None:
        if "sku" in info.data:
            shop, sku = _shop(info)[0], info.data["sku"]
            sizes = shop.chart_for(sku).sizes if getattr(shop.product(sku), "size_chart", None) else ()
            if (size is None and sizes) or (size is not None and size not in sizes):
                if not sizes:
                    raise ValueError(_("{sku} comes in sizes (none), not {size}").format(sku=sku, size=repr(size)))
                raise ValueError(_("{sku} comes in sizes {sizes}, not {size}").format(
                    sku=sku, sizes=", ".join(sizes), size=repr(size)))
        return size

    @property
    def total(self) -> Decimal:
        return money(self.unit_price * self.quantity)


class Event(_Strict):
    """One step of an order's history, with the carrier's note where there is one."""

    status: Status
    at: AwareDatetime
    note: Text | None = None


class Refund(_Strict):
    """Why money goes back, and how much."""

    reason: str = Field(description="a reason of policies.yaml: no_reason, quality, wrong_item")
    amount: Decimal = Field(gt=0, decimal_places=2)

    @field_validator("reason")
    @classmethod
    def _known(cls, reason: str, info: ValidationInfo) -> str:
        reasons = _shop(info)[1].returns.reasons
        if reason not in reasons:
            raise ValueError(_("unknown reason {reason}; the reasons are: {reasons}").format(
                reason=repr(reason), reasons=", ".join(reasons)))
        return reason


def _goods(items: tuple[Item, ...]) -> Decimal:
    return sum((item.total for item in items), ZERO)


class Order(_Strict):
    """One order as the shop's system stores it; `history` ends with its current status."""

    id: str
    customer: Customer
    address: Address
    items: tuple[Item, ...]
    discount: Decimal = Field(ZERO, ge=0, decimal_places=2, description="coupons on the whole order")
    shipping: Decimal = Field(ge=0, decimal_places=2)
    paid: Decimal = Field(ge=0, decimal_places=2, description="实付款: goods - discount + shipping")
    payment: str | None = None
    shipping_insurance: bool = Field(False, description="运费险: pays the return shipping of a no-reason return")
    carrier: str | None = None
    tracking: str | None = None
    refund: Refund | None = None
    history: tuple[Event, ...]

    @field_validator("items", "history")
    @classmethod
    def _not_empty(cls, entries: tuple[Any, ...]) -> tuple[Any, ...]:
        if not entries:
            raise ValueError(_("needs at least one entry"))
        return entries

    @field_validator("id")
    @classmethod
    def _digits(cls, order_id: str, info: ValidationInfo) -> str:
        privacy = _shop(info)[1].privacy
        if not (order_id.isdigit() and len(order_id) == privacy.order_id_digits):
            raise ValueError(_("an order id has {digits} digits, like {example}").format(
                digits=privacy.order_id_digits, example=privacy.order_id_example))
        return order_id

    @field_validator("discount")
    @classmethod
    def _not_above_goods(cls, discount: Decimal, info: ValidationInfo) -> Decimal:
        if "items" in info.data and discount > _goods(info.data["items"]):
            raise ValueError(_("{discount} is more than the goods total {goods}").format(
                discount=discount, goods=_goods(info.data["items"])))
        return discount

    @field_validator("shipping")
    @classmethod
    def _as_the_policy_says(cls, shipping: Decimal, info: ValidationInfo) -> Decimal:
        if {"address", "items", "discount"} <= info.data.keys():
            total = _goods(info.data["items"]) - info.data["discount"]
            answer = _shop(info)[1].shipping.fee_for(total, info.data["address"].region)
            if shipping != answer.amount:
                raise ValueError(
                    _("{shipping}, but policies.yaml charges {amount} ({rule}): {explanation}").format(
                        shipping=shipping, amount=answer.amount, rule=answer.rule_id,
                        explanation=answer.explanation.in_(language()))
                )
        return shipping

    @field_validator("paid")
    @classmethod
    def _adds_up(cls, paid: Decimal, info: ValidationInfo) -> Decimal:
        if {"items", "discount", "shipping"} <= info.data.keys():
            goods, discount, shipping = _goods(info.data["items"]), info.data["discount"], info.data["shipping"]
            expected = goods - discount + shipping
            if paid != expected:
                raise ValueError(_("{paid}, but goods {goods} - discount {discount} + shipping {shipping} = {expected}").format(
                    paid=paid, goods=goods, discount=discount, shipping=shipping, expected=expected))
        return paid

    @field_validator("payment")
    @classmethod
    def _a_method(cls, payment: str | None, info: ValidationInfo) -> str | None:
        methods = _shop(info)[1].refunds.methods
        if payment is not None and payment not in methods:
            raise ValueError(_("unknown payment method {method}; the methods are: {methods}").format(
                method=repr(payment), methods=", ".join(methods)))
        return payment

    @field_validator("carrier")
    @classmethod
    def _a_carrier(cls, carrier: str | None, info: ValidationInfo) -> str | None:
        carriers = _shop(info)[1].shipping.carriers
        if carrier is not None and carrier not in carriers:
            raise ValueError(_("unknown carrier {carrier}; the carriers are: {carriers}").format(
                carrier=repr(carrier), carriers=", ".join(carriers)))
        return carrier

    @field_validator("tracking")
    @classmethod
    def _its_format(cls, tracking: str | None, info: ValidationInfo) -> str | None:
        carrier = info.data.get("carrier")
        if tracking is not None and carrier is not None:
            pattern = _shop(info)[1].shipping.carriers[carrier].tracking
            if not pattern.fullmatch(tracking):
                raise ValueError(_("{tracking} is not a {carrier} tracking number (they look like {pattern})").format(
                    tracking=repr(tracking), carrier=carrier, pattern=pattern.pattern))
        return tracking

    @field_validator("refund")
    @classmethod
    def _not_above_paid(cls, refund: Refund | None, info: ValidationInfo) -> Refund | None:
        if refund is not None and "paid" in info.data and refund.amount > info.data["paid"]:
            raise ValueError(_("amount {amount} is more than the {paid} paid").format(
                amount=refund.amount, paid=info.data["paid"]))
        return refund

    @property
    def status(self) -> Status:
        return self.history[-1].status

    @property
    def goods(self) -> Decimal:
        return _goods(self.items)

    def last(self, status: Status) -> Event | None:
        """The latest event with this status, if the order reached it."""
        return next((event for event in reversed(self.history) if event.status == status), None)


class StatusInfo(_Strict):
    """A status's English name and the statuses that may follow it."""

    en: str
    next: tuple[Status, ...]


class OrderBook(_Strict):
    """All sample orders, the statuses they move through, and the shop's stopped clock."""

    now: AwareDatetime
    statuses: dict[Status, StatusInfo]
    orders: tuple[Order, ...]

    @model_validator(mode="after")
    def _histories_valid(self) -> OrderBook:
        missing = [status.value for status in Status if status not in self.statuses]
        if missing:
            raise ValueError(_("statuses: missing {missing}").format(missing=", ".join(missing)))
        problems: list[str] = []
        seen: set[str] = set()
        for order in self.orders:
            if order.id in seen:
                problems.append(_("order {order} (id): used by an earlier order too").format(order=order.id))
            seen.add(order.id)
            problems += [_("order {order} ({field}): {problem}").format(order=order.id, field=field, problem=problem)
                         for field, problem in self._problems(order)]
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _problems(self, order: Order) -> list[tuple[str, str]]:
        """(field, what is wrong) for one order's history and the fields that depend on it."""
        history: tuple[Event, ...] = order.history
        problems: list[tuple[str, str]] = []
        if history[0].status != Status.PLACED:
            problems.append(("history.0", _("an order starts with {placed}, not {status}").format(
                placed=Status.PLACED.value, status=history[0].status.value)))
        for index, (before, event) in enumerate(pairwise(history), start=1):
            allowed = self.statuses[before.status].next
            if event.status not in allowed:
                if allowed:
                    problem = _("{status} cannot follow {before} (may follow: {after})").format(
                        status=event.status.value, before=before.status.value,
                        after=", ".join(status.value for status in allowed))
                else:
                    problem = _("{status} cannot follow {before} (may follow: nothing)").format(
                        status=event.status.value, before=before.status.value)
                problems.append((f"history.{index}", problem))
            if event.at < before.at:
                problems.append(
                    (
                        f"history.{index}",
                        _("{at} is before history.{previous} ({before})").format(
                            at=event.at.isoformat(), previous=index - 1, before=before.at.isoformat()),
                    )
                )
        if history[-1].at > self.now:
            problems.append(
                (
                    f"history.{len(history) - 1}",
                    _("{at} is after the shop's clock, now: {now}").format(
                        at=history[-1].at.isoformat(), now=self.now.isoformat()),
                )
            )
        placed = self.local(history[0].at).strftime("%Y%m%d")
        if not order.id.startswith(placed):
            problems.append(("id", _("should start with {placed}, the day the order was placed").format(placed=placed)))
        reached = {event.status for event in history}
        shipped = Status.SHIPPED in reached
        given = (order.carrier is not None, order.tracking is not None)
        if shipped and not all(given):
            problems.append(("carrier", _("a shipped order needs carrier and tracking")))
        if not shipped and any(given):
            problems.append(("carrier", _("not shipped yet, so no carrier or tracking")))
        if Status.PAID in reached and order.payment is None:
            problems.append(("payment", _("a paid order needs its payment method")))
        if (Status.REFUNDING in reached) != (order.refund is not None):
            problems.append(("refund", _("needed exactly when the history reaches {status}").format(
                status=Status.REFUNDING.value)))
        return problems

    def local(self, moment: datetime) -> datetime:
        """A time in the shop's time zone (China time)."""
        return moment.astimezone(self.now.tzinfo)

    def find(self, order_id: str) -> Order | None:
        return next((order for order in self.orders if order.id == order_id), None)

    def status(self, order_id: str, phone_last4: str | None = None, rules: Policies | None = None) -> OrderView:
        """An order's status for a customer who proved it is theirs; otherwise only a refusal."""
        rules = rules or policies()
        typed = "".join(str(order_id).split())[:40]
        order = self.find(typed)
        if order is None:
            return OrderView.refusal(typed, "not_found", rules.privacy.refuse(rules.privacy.not_found, typed))
        digits = "".join(str(phone_last4 or "").split())
        if not (digits.isdigit() and len(digits) == 4):
            return OrderView.refusal(typed, "needs_verification", rules.privacy.refuse(rules.privacy.verify, typed))
        if digits != order.customer.phone[-4:]:
            return OrderView.refusal(typed, "needs_verification", rules.privacy.refuse(rules.privacy.mismatch, typed))
        return OrderView.of(order, self, rules)


class ItemLine(_Strict):
    """One line of an order as shown to its customer."""

    sku: str
    name: Text
    colour: Text | None
    size: str | None
    quantity: int
    unit_price: Decimal


class Step(_Strict):
    """One event of the history as shown, in China time, with the status in both languages."""

    at: datetime
    status: Status
    status_en: str
    note: Text | None = None


# How a verified view reads, per language. The rules behind the numbers are in policies.yaml.
_WORDS = {
    "zh": {
        "recipient": "收货人：{customer} {phone}，{address}",
        "item": "- {name}（{sku}）{variant} ×{quantity}，单价{price}",
        "money": "实付{paid}（商品{goods}，优惠{discount}，运费{shipping}）{method}{insured}",
        "method": "，{name}",
        "insured": "，有运费险",
        "carrier": "快递：{carrier} {tracking}",
        "unpaid": "还没有付款，付款后才会发货。",
        "dispatch": "已付款，最晚{by}前发货。",
        "expected": "预计{by}前送达。",
        "late": "已超过预计送达时间（{by}），可以联系快递催件。",
        "refunding": "退款中：{amount}（{reason}），原路退回{method}。",
        "refunded": "已退款：{amount}（{reason}），已原路退回{method}。",
        "delivered": "{on}签收，今天是签收后第{days}天；",
        "return_open": "无理由退货可以申请到{until}。",
        "return_last_day": "今天（{until}）是无理由退货的最后一天。",
        "return_closed": "无理由退货期已于{until}结束。",
    },
    "en": {
        "recipient": "Recipient: {customer} {phone}, {address}",
        "item": "- {name} ({sku}) {variant} x{quantity}, {price} each",
        "money": "Paid {paid} (goods {goods}, discount {discount}, shipping {shipping}){method}{insured}",
        "method": ", by {name}",
        "insured": ", with shipping insurance (运费险)",
        "carrier": "Carrier: {carrier} {tracking}",
        "unpaid": "Not paid yet; it ships once paid.",
        "dispatch": "Paid; it ships by {by}.",
        "expected": "Expected by {by}.",
        "late": "Late: it was expected by {by}; customer service can chase the carrier.",
        "refunding": "Refund in progress: {amount} ({reason}), back to {method}.",
        "refunded": "Refunded: {amount} ({reason}), back to {method}.",
        "delivered": "Delivered on {on}; today is day {days} after delivery; ",
        "return_open": "a no-reason return is possible until {until}.",
        "return_last_day": "today ({until}) is the last day for a no-reason return.",
        "return_closed": "the no-reason return period ended on {until}.",
    },
}


class OrderView(_Strict):
    """What customer service may show of one order: all of it (masked), a request to verify, or not found."""

    order_id: str
    outcome: Literal["shown", "needs_verification", "not_found"]
    message: Text
    rule_id: str = Field(description="the privacy rule that decided what is shown")
    now: datetime | None = None
    status: Status | None = None
    status_en: str | None = None
    customer: str | None = Field(None, description="masked: 张**")
    phone: str | None = Field(None, description="masked: 138****5678")
    address: str | None = Field(None, description="masked: 北京市朝阳区***")
    items: tuple[ItemLine, ...] = ()
    goods: Decimal | None = None
    discount: Decimal | None = None
    shipping: Decimal | None = None
    paid: Decimal | None = None
    payment: Text | None = None
    shipping_insurance: bool | None = None
    carrier: Text | None = None
    tracking: str | None = None
    history: tuple[Step, ...] = ()
    dispatch_by: datetime | None = Field(None, description="paid, not shipped: the latest dispatch time")
    expected_by: date | None = Field(None, description="on the way: the last usual delivery day")
    delayed: bool = False
    delivered_on: date | None = None
    days_since_delivery: int | None = None
    no_reason_return_until: date | None = Field(None, description="delivered: last day of the 7-day no-reason return")
    refund: Refund | None = None
    refund_reason: Text | None = None

    @property
    def verified(self) -> bool:
        return self.outcome == "shown"

    @classmethod
    def refusal(
        cls, order_id: str, outcome: Literal["needs_verification", "not_found"], answer: PolicyAnswer
    ) -> OrderView:
        """Only the id the customer typed and the privacy rule's words: nothing from the order."""
        return cls(order_id=order_id, outcome=outcome, message=answer.explanation, rule_id=answer.rule_id)

    @classmethod
    def of(cls, order: Order, book: OrderBook, rules: Policies) -> OrderView:
        """The verified view: every fact the customer may need, personal details masked."""
        shop, today = catalogue(), book.local(book.now).date()
        lines = []
        for item in order.items:
            product = shop.product(item.sku)
            colour = None
            colours = getattr(product, "colours", {})  # clothing has colours; cosmetics and shoes do not
            if item.colour is not None:
                index = colours["zh"].index(item.colour)
                colour = Text(zh=item.colour, en=colours.get("en", colours["zh"])[index])
            lines.append(
                ItemLine(
                    sku=item.sku,
                    name=product.name,
                    colour=colour,
                    size=item.size,
                    quantity=item.quantity,
                    unit_price=item.unit_price,
                )
            )
        facts: dict[str, Any] = {}
        shipped, delivered, paid = order.last(Status.SHIPPED), order.last(Status.DELIVERED), order.last(Status.PAID)
        if order.status == Status.PAID and paid:
            facts["dispatch_by"] = book.local(paid.at) + timedelta(hours=rules.shipping.dispatch_hours)
        if order.status in ON_THE_WAY and shipped:
            low_high = rules.shipping.zone_of(order.address.region).delivery_days or (0, 0)
            facts["expected_by"] = book.local(shipped.at).date() + timedelta(days=low_high[1])
            facts["delayed"] = today > facts["expected_by"]
        if delivered:
            facts["delivered_on"] = book.local(delivered.at).date()
            facts["days_since_delivery"] = (today - facts["delivered_on"]).days
            if order.status == Status.DELIVERED:
                facts["no_reason_return_until"] = facts["delivered_on"] + timedelta(days=rules.returns.no_reason_days)
        return cls(
            order_id=order.id,
            outcome="shown",
            message=Text(
                zh=f"订单{order.id}：{order.status.value}", en=f"Order {order.id}: {book.statuses[order.status].en}"
            ),
            rule_id=rules.privacy.masking.id,
            now=book.local(book.now),
            status=order.status,
            status_en=book.statuses[order.status].en,
            customer=order.customer.masked_name(),
            phone=order.customer.masked_phone(),
            address=order.address.masked(rules),
            items=tuple(lines),
            goods=order.goods,
            discount=order.discount,
            shipping=order.shipping,
            paid=order.paid,
            payment=rules.refunds.methods[order.payment].name if order.payment else None,
            shipping_insurance=order.shipping_insurance,
            carrier=rules.shipping.carriers[order.carrier].name if order.carrier else None,
            tracking=order.tracking,
            history=tuple(
                Step(
                    at=book.local(event.at),
                    status=event.status,
                    status_en=book.statuses[event.status].en,
                    note=event.note,
                )
                for event in order.history
            ),
            refund=order.refund,
            refund_reason=rules.returns.reasons[order.refund.reason] if order.refund else None,
            **facts,
        )

    def explain(self, lang: str = "zh") -> str:
        """The view as a customer-service agent would read it out, in Chinese ("zh") or English."""
        if not self.verified:
            return self.message.in_(lang)
        words = _WORDS["zh" if lang == "zh" else "en"]
        out = [
            self.message.in_(lang),
            words["recipient"].format(customer=self.customer, phone=self.phone, address=self.address),
        ]
        for line in self.items:
            variant = " ".join(part for part in (line.colour.in_(lang) if line.colour else None, line.size) if part)
            out.append(
                words["item"].format(
                    name=line.name.in_(lang),
                    sku=line.sku,
                    variant=variant,
                    quantity=line.quantity,
                    price=yuan(line.unit_price),
                )
            )
        out.append(
            words["money"].format(
                paid=yuan(self.paid or ZERO),
                goods=yuan(self.goods or ZERO),
                discount=yuan(self.discount or ZERO),
                shipping=yuan(self.shipping or ZERO),
                method=words["method"].format(name=self.payment.in_(lang)) if self.payment else "",
                insured=words["insured"] if self.shipping_insurance else "",
            )
        )
        if self.carrier:
            out.append(words["carrier"].format(carrier=self.carrier.in_(lang), tracking=self.tracking))
        for step in self.history:
            note = f" {step.note.in_(lang)}" if step.note else ""
            out.append(f"  {step.at:%Y-%m-%d %H:%M} {step.status.value if lang == 'zh' else step.status_en}{note}")
        out.append(self._situation(words, lang))
        return "\n".join(line for line in out if line)

    def _situation(self, words: dict[str, str], lang: str) -> str:
        """One sentence on what happens next: payment, dispatch, delivery, return period or refund."""
        if self.status == Status.PLACED:
            return words["unpaid"]
        if self.dispatch_by:
            return words["dispatch"].format(by=f"{self.dispatch_by:%Y-%m-%d %H:%M}")
        if self.expected_by:
            return words["late" if self.delayed else "expected"].format(by=self.expected_by)
        if self.refund and self.refund_reason and self.payment:
            key = "refunded" if self.status == Status.REFUNDED else "refunding"
            return words[key].format(
                amount=yuan(self.refund.amount), reason=self.refund_reason.in_(lang), method=self.payment.in_(lang)
            )
        if self.no_reason_return_until and self.now:
            today, until = self.now.date(), self.no_reason_return_until
            tail = words["return_last_day" if today == until else "return_open" if today < until else "return_closed"]
            return words["delivered"].format(on=self.delivered_on, days=self.days_since_delivery) + tail.format(
                until=until
            )
        return ""

    def __str__(self) -> str:
        return self.explain()


def _where(raw: Any, loc: tuple[Any, ...]) -> str:
    """'order 2024112500000003 (items.0.sku): ' for a field of an order, 'statuses.已下单: ' otherwise."""
    if len(loc) >= 2 and loc[0] == "orders" and isinstance(loc[1], int):
        entry = raw["orders"][loc[1]]
        name = entry.get("id", f"#{loc[1]}") if isinstance(entry, dict) else f"#{loc[1]}"
        rest = ".".join(str(part) for part in loc[2:])
        if rest:
            return _("order {order} ({field}): {problem}").format(order=name, field=rest, problem="")
        return _("order {order}: {problem}").format(order=name, problem="")
    return f"{'.'.join(str(part) for part in loc)}: " if loc else ""


def load_orders(path: Path = ORDERS_FILE, shop: Catalogue | None = None, rules: Policies | None = None) -> OrderBook:
    """Read and validate an orders file; every error names the file, the order id and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CardError(_("{path}: not valid YAML: {error}").format(path=path, error=error)) from None
    if not isinstance(raw, dict):
        raise CardError(_("{path}: an orders file is a mapping with now:, statuses: and orders:").format(path=path))
    context = {"catalogue": shop or catalogue(), "policies": rules or policies()}
    try:
        return OrderBook.model_validate(raw, context=context)
    except ValidationError as error:
        problems = [
            f"{path}: {_where(raw, issue['loc'])}{line}"
            for issue in error.errors()
            for line in issue["msg"].removeprefix("Value error, ").splitlines()
        ]
        raise CardError("\n".join(problems)) from None


@cache
def orders() -> OrderBook:
    """The shop's sample orders, loaded once."""
    return load_orders()


def order_status(order_id: str, phone_last4: str | None = None) -> OrderView:
    """An order's status, shown only when `phone_last4` matches the delivery phone; masked even then."""
    return orders().status(order_id, phone_last4)
