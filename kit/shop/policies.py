"""After-sales policies: returns, shipping, price protection (价保), refunds and order privacy.

The rules live in `data/policies.yaml`. This module validates that file and answers one
question at a time (may this go back? what does shipping cost?) with a `PolicyAnswer` that
quotes the rule it comes from, so the agent's tools and the graders share one ground truth.

    >>> can_return("outerwear", days_since_delivery=8).allowed
    False
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from re import Pattern
from string import Formatter
from typing import ClassVar, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kit.errors import CardError
from kit.i18n import _
from kit.shop.catalogue import Text
from kit.shop.money import ZERO, money

POLICIES_FILE = Path(__file__).with_name("data") / "policies.yaml"

Payer = Literal["customer", "shop", "insurance"]
CarrierUse = Literal["standard", "remote", "upgrade"]
Values = dict[str, object]  # placeholder -> a number, a string, or Text (filled in per language)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _fill(template: str, values: Values, lang: str) -> str:
    """The template with its {placeholders} filled in; bilingual values in `lang`."""
    return template.format(
        **{key: value.in_(lang) if isinstance(value, Text) else value for key, value in values.items()}
    )


def _both(template: Text, values: Values) -> Text:
    """A bilingual template filled in, in both languages."""
    return Text(zh=_fill(template.zh, values, "zh"), en=_fill(template.en, values, "en"))


def _joined(texts: Iterable[Text]) -> Text:
    """A list read aloud: 新疆、西藏 / Xinjiang, Xizang."""
    texts = list(texts)
    return Text(zh="、".join(text.zh for text in texts), en=", ".join(text.en for text in texts))


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def _money_in(value: Decimal | int | str, name: str) -> Decimal:
    """An amount in yuan from a caller: exact (never a float), not negative, in whole fen."""
    if isinstance(value, float | bool):
        raise ValueError(_("{name}: give money as Decimal('12.30') or '12.30', not {value}, so it stays exact").format(
            name=name, value=repr(value)))
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValueError(_("{name}: {value} is not an amount in yuan").format(name=name, value=repr(value))) from None
    if not amount.is_finite() or amount < 0 or amount != money(amount):
        raise ValueError(_("{name}: {value} must be an amount in yuan, 0 or more, with at most 2 decimals").format(
            name=name, value=repr(value)))
    return money(amount)


def _count_in(value: int, name: str, least: int = 0) -> int:
    """A whole number from a caller (days or items), at least `least`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(_("{name}: {value} must be a whole number, {least} or more").format(
            name=name, value=repr(value), least=least))
    return value


class PolicyAnswer(_Strict):
    """One answer to one policy question, and the published rule it comes from."""

    allowed: bool
    rule_id: str
    explanation: Text
    policy: Text = Field(description="the rule as the shop publishes it")
    who_pays_shipping: Payer | None = Field(None, description="who pays the return shipping, when a return is allowed")
    amount: Decimal | None = Field(
        None, description="the money the answer is about: a shipping fee or a refund, in yuan"
    )
    evidence: tuple[Text, ...] = Field((), description="what the customer must send (photos) for a claim")

    def explain(self, lang: str = "zh") -> str:
        """The answer, then the rule it follows, for a customer or a learner to read."""
        label = "依据" if lang == "zh" else "Policy"
        return f"{self.explanation.in_(lang)}\n{label} {self.rule_id}: {self.policy.in_(lang)}"


class Notice(_Strict):
    """A published rule that only informs: its id, title and text."""

    id: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)+$")
    title: Text
    text: Text


class Rule(Notice):
    """A published rule that answers a question: `say` is the answer, with {placeholders}."""

    say: Text

    def answer(self, allowed: bool, facts: Values, values: Values, **fields: object) -> PolicyAnswer:
        """This rule's answer: its text filled with the section's facts, `say` with the question's values too."""
        return PolicyAnswer(
            allowed=allowed,
            rule_id=self.id,
            explanation=_both(self.say, facts | values),
            policy=_both(self.text, facts),
            **fields,
        )


class _Section(_Strict):
    """A part of the policies: its rules' text may use its facts, their `say` the answer's values too."""

    ANSWER_VALUES: ClassVar[frozenset[str]] = frozenset()

    def facts(self) -> Values:
        """The numbers and lists this section's rules may quote."""
        return {}

    def rules(self) -> list[Notice]:
        """Every rule in this section, in file order."""
        found: list[Notice] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Notice):
                found.append(value)
            elif isinstance(value, tuple):
                found += [item for item in value if isinstance(item, Notice)]
        return found

    def _answer(self, rule: Rule, allowed: bool, values: Values, **fields: object) -> PolicyAnswer:
        return rule.answer(allowed, self.facts(), values, **fields)

    @model_validator(mode="after")
    def _placeholders_known(self) -> _Section:
        facts = set(self.facts())
        for rule in self.rules():
            parts = [("text", rule.text, facts)] + (
                [("say", rule.say, facts | self.ANSWER_VALUES)] if isinstance(rule, Rule) else []
            )
            for part, template, known in parts:
                for lang in ("zh", "en"):
                    unknown = _placeholders(getattr(template, lang)) - known
                    if unknown:
                        raise ValueError(
                            _("rule {rule}, {part}.{lang}: unknown placeholder {placeholder}; this one may use: "
                              "{known}").format(rule=rule.id, part=part, lang=lang,
                                                placeholder="{" + sorted(unknown)[0] + "}", known=", ".join(sorted(known)))
                        )
        return self


# --- Returns -------------------------------------------------------------------------------


class When(_Strict):
    """Conditions that must all hold for an exception; a condition left out does not matter."""

    groups: tuple[str, ...] = ()
    opened: bool | None = None
    tags_removed: bool | None = None
    used: bool | None = None
    customised: bool | None = None

    def matches(self, group: str, flags: dict[str, bool]) -> bool:
        """True if the item's group and condition meet every condition given here."""
        if self.groups and group not in self.groups:
            return False
        return all(getattr(self, name) in (None, value) for name, value in flags.items())


class ReturnException(Rule):
    """A case that refuses a no-reason return (a quality problem is still handled)."""

    when: When


class Group(_Strict):
    """Catalogue categories that follow the same return rules."""

    name: Text
    categories: tuple[str, ...] = Field(min_length=1)


class Payers(_Strict):
    """How each payer of the return shipping is named to the customer."""

    customer: Text
    shop: Text
    insurance: Text


class Returns(_Section):
    """七天无理由退货, its exceptions, and returns or exchanges for quality problems."""

    ANSWER_VALUES = frozenset({"day", "payer", "evidence"})

    no_reason_days: int = Field(gt=0)
    quality_days: int = Field(gt=0)
    groups: dict[str, Group]
    reasons: dict[str, Text]
    payers: Payers
    evidence: tuple[Text, ...] = Field(min_length=1)
    no_reason: Rule
    no_reason_late: Rule
    exceptions: tuple[ReturnException, ...]
    quality: Rule
    quality_late: Rule

    @model_validator(mode="after")
    def _consistent(self) -> Returns:
        if self.quality_days <= self.no_reason_days:
            raise ValueError(
                _("quality_days ({quality}) must be longer than no_reason_days ({no_reason})").format(
                    quality=self.quality_days, no_reason=self.no_reason_days)
            )
        if "no_reason" not in self.reasons:
            raise ValueError(_("reasons: must include no_reason (the 7-day rule); the others are the shop's fault"))
        seen: dict[str, str] = {}
        for name, group in self.groups.items():
            for category in group.categories:
                if category in seen:
                    raise ValueError(_("groups: category {category} is in both {first} and {second}").format(
                        category=repr(category), first=seen[category], second=name))
                seen[category] = name
        for exception in self.exceptions:
            unknown = set(exception.when.groups) - set(self.groups)
            if unknown:
                groups = ", ".join(self.groups)
                raise ValueError(
                    _("rule {rule}: when.groups names {group}; the groups are: {groups}").format(
                        rule=exception.id, group=repr(sorted(unknown)[0]), groups=groups)
                )
        return self

    def facts(self) -> Values:
        return {"no_reason_days": self.no_reason_days, "quality_days": self.quality_days}

    def group_of(self, category: str) -> str:
        """The return group of a catalogue category (clothing, cosmetics...)."""
        for name, group in self.groups.items():
            if category in group.categories:
                return name
        known = ", ".join(c for group in self.groups.values() for c in group.categories)
        raise ValueError(_("unknown category {category}; the categories are: {known}").format(
            category=repr(category), known=known))

    def check(
        self,
        category: str,
        days_since_delivery: int,
        opened: bool = False,
        reason: str = "no_reason",
        *,
        tags_removed: bool = False,
        used: bool = False,
        customised: bool = False,
        shipping_insurance: bool = False,
    ) -> PolicyAnswer:
        """Exceptions first, then the day count; a quality problem skips the exceptions."""
        group = self.group_of(category)
        if reason not in self.reasons:
            raise ValueError(_("unknown reason {reason}; the reasons are: {reasons}").format(
                reason=repr(reason), reasons=", ".join(self.reasons)))
        day = {"day": _count_in(days_since_delivery, "days_since_delivery")}
        if reason != "no_reason":
            if days_since_delivery > self.quality_days:
                return self._answer(self.quality_late, False, day)
            evidence = {"evidence": _joined(self.evidence)}
            return self._answer(self.quality, True, day | evidence, who_pays_shipping="shop", evidence=self.evidence)
        flags = {"opened": opened, "tags_removed": tags_removed, "used": used, "customised": customised}
        for exception in self.exceptions:
            if exception.when.matches(group, flags):
                return self._answer(exception, False, day)
        if days_since_delivery > self.no_reason_days:
            return self._answer(self.no_reason_late, False, day)
        payer: Payer = "insurance" if shipping_insurance else "customer"
        return self._answer(self.no_reason, True, day | {"payer": getattr(self.payers, payer)}, who_pays_shipping=payer)


# --- Shipping ------------------------------------------------------------------------------


class Carrier(_Strict):
    """A courier company, what it is used for, and the shape of its tracking numbers."""

    name: Text
    use: CarrierUse
    tracking: Pattern[str] = Field(description="a regular expression every tracking number matches")


class Zone(_Strict):
    """Regions with the same fee: free from `free_over` (None: never free), else `fee`."""

    name: Text
    delivers: bool = True
    free_over: Decimal | None = Field(None, gt=0, decimal_places=2)
    fee: Decimal | None = Field(None, ge=0, decimal_places=2)
    delivery_days: tuple[int, int] | None = None

    @model_validator(mode="after")
    def _complete(self) -> Zone:
        given = [name for name in ("free_over", "fee", "delivery_days") if getattr(self, name) is not None]
        if not self.delivers and given:
            raise ValueError(_("a zone with delivers: false has no {field}").format(field=given[0]))
        if self.delivers and (self.fee is None or self.delivery_days is None):
            raise ValueError(_("a zone that delivers needs fee and delivery_days"))
        if self.delivery_days and not 0 < self.delivery_days[0] <= self.delivery_days[1]:
            raise ValueError(_("delivery_days {days} must go from low to high").format(days=list(self.delivery_days)))
        return self

    @property
    def days(self) -> str:
        """The usual delivery time, e.g. '2-4'."""
        low, high = self.delivery_days or (0, 0)
        return f"{low}-{high}"


class Region(_Strict):
    """A province-level region: short name, full name as in an address, English name."""

    zh: str
    full: str
    en: str
    aliases: tuple[str, ...] = ()
    zone: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.full, self.en, *self.aliases)

    @property
    def label(self) -> Text:
        return Text(zh=self.zh, en=self.en)


class Shipping(_Section):
    """Dispatch time, carriers, fees and free shipping (包邮) by region, late parcels."""

    ANSWER_VALUES = frozenset({"region", "zone", "total", "fee", "free_over", "short"})

    dispatch_hours: int = Field(gt=0)
    lost_after_days: int = Field(gt=0)
    carriers: dict[str, Carrier]
    zones: dict[str, Zone]
    regions: tuple[Region, ...]
    dispatch: Notice
    fees: Notice
    free: Rule
    fee: Rule
    remote: Rule
    no_delivery: Rule
    delay: Notice

    @model_validator(mode="after")
    def _regions_valid(self) -> Shipping:
        seen: set[str] = set()
        for index, region in enumerate(self.regions):
            if region.zone not in self.zones:
                raise ValueError(
                    _("regions.{index} ({region}): zone {zone} is not under zones ({zones})").format(
                        index=index, region=region.zh, zone=repr(region.zone), zones=", ".join(self.zones))
                )
            names = {name.casefold() for name in region.names}
            if names & seen:
                raise ValueError(_("regions.{index} ({region}): the name {name} is already used").format(
                    index=index, region=region.zh, name=repr(sorted(names & seen)[0])))
            seen |= names
        return self

    def facts(self) -> Values:
        facts: Values = {"dispatch_hours": self.dispatch_hours, "lost_after_days": self.lost_after_days}
        for use in get_args(CarrierUse):
            facts[f"{use}_carriers"] = _joined(c.name for c in self.carriers.values() if c.use == use)
        for key, zone in self.zones.items():
            facts[f"{key}_regions"] = _joined(region.label for region in self.regions if region.zone == key)
            if zone.delivers:
                facts |= {f"{key}_fee": zone.fee, f"{key}_days": zone.days}
            if zone.free_over is not None:
                facts[f"{key}_free_over"] = zone.free_over
        return facts

    def region(self, name: str) -> Region:
        """A region by its short, full or English name (新疆, 新疆维吾尔自治区, Xinjiang)."""
        wanted = name.strip().casefold()
        for region in self.regions:
            if wanted in (known.casefold() for known in region.names):
                return region
        known = ", ".join(region.zh for region in self.regions)
        raise ValueError(_("unknown region {name}; the regions are: {known} (or their full or English names)").format(
            name=repr(name), known=known))

    def zone_of(self, region: str) -> Zone:
        return self.zones[self.region(region).zone]

    def fee_for(self, order_total: Decimal | int | str, region: str) -> PolicyAnswer:
        """The shipping fee for a goods total (after discounts) sent to a region."""
        total = _money_in(order_total, "order_total")
        place = self.region(region)
        zone = self.zones[place.zone]
        values: Values = {"region": place.label, "zone": zone.name, "total": total}
        if not zone.delivers:
            return self._answer(self.no_delivery, False, values)
        if zone.free_over is None:
            return self._answer(self.remote, True, values | {"fee": zone.fee}, amount=zone.fee)
        values["free_over"] = zone.free_over
        if total >= zone.free_over:
            return self._answer(self.free, True, values | {"fee": ZERO}, amount=ZERO)
        short = money(zone.free_over - total)
        return self._answer(self.fee, True, values | {"fee": zone.fee, "short": short}, amount=zone.fee)


# --- Price protection ----------------------------------------------------------------------


class PriceKind(_Strict):
    """What kind of price the lower current price is; one with an exception is not protected."""

    name: Text
    exception: Rule | None = None


class PriceProtection(_Section):
    """价保: a price drop within `days` of payment refunds the difference, on request."""

    ANSWER_VALUES = frozenset({"day", "paid", "current", "difference", "quantity", "refund"})

    days: int = Field(gt=0)
    kinds: dict[str, PriceKind]
    refund: Rule
    late: Rule
    no_drop: Rule

    @model_validator(mode="after")
    def _normal_protected(self) -> PriceProtection:
        if "normal" not in self.kinds or self.kinds["normal"].exception:
            raise ValueError(_("kinds: must include normal (a regular price), without an exception"))
        return self

    def rules(self) -> list[Notice]:
        return super().rules() + [kind.exception for kind in self.kinds.values() if kind.exception]

    def facts(self) -> Values:
        return {
            "days": self.days,
            "protected_kinds": _joined(kind.name for kind in self.kinds.values() if not kind.exception),
            "excluded_kinds": _joined(kind.name for kind in self.kinds.values() if kind.exception),
        }

    def check(
        self,
        paid: Decimal | int | str,
        current: Decimal | int | str,
        days_since_purchase: int,
        price_kind: str = "normal",
        quantity: int = 1,
    ) -> PolicyAnswer:
        """The kind of price first, then the day count, then whether the price really dropped."""
        if price_kind not in self.kinds:
            raise ValueError(_("unknown price kind {kind}; the kinds are: {kinds}").format(
                kind=repr(price_kind), kinds=", ".join(self.kinds)))
        paid, current = _money_in(paid, "paid"), _money_in(current, "current")
        values: Values = {
            "day": _count_in(days_since_purchase, "days_since_purchase"),
            "paid": paid,
            "current": current,
            "quantity": _count_in(quantity, "quantity", least=1),
        }
        exception = self.kinds[price_kind].exception
        if exception:
            return self._answer(exception, False, values, amount=ZERO)
        if days_since_purchase > self.days:
            return self._answer(self.late, False, values, amount=ZERO)
        if current >= paid:
            return self._answer(self.no_drop, False, values, amount=ZERO)
        difference = paid - current
        refund = money(difference * quantity)
        return self._answer(self.refund, True, values | {"difference": difference, "refund": refund}, amount=refund)


# --- Refunds and privacy -------------------------------------------------------------------


class PaymentMethod(_Strict):
    """A way to pay, and when a refund to it arrives."""

    name: Text
    arrival: Text


class Refunds(_Section):
    """Refunds go back the way the customer paid, within `check_days` of the return arriving."""

    ANSWER_VALUES = frozenset({"method", "arrival"})

    check_days: int = Field(gt=0)
    methods: dict[str, PaymentMethod]
    timing: Rule
    not_shipped: Notice

    def facts(self) -> Values:
        arrivals = (Text(zh=m.name.zh + m.arrival.zh, en=f"{m.name.en} {m.arrival.en}") for m in self.methods.values())
        return {"check_days": self.check_days, "arrivals": _joined(arrivals)}

    def timing_for(self, method: str) -> PolicyAnswer:
        """When a refund paid with `method` (alipay, wechat_pay...) arrives."""
        if method not in self.methods:
            raise ValueError(_("unknown payment method {method}; the methods are: {methods}").format(
                method=repr(method), methods=", ".join(self.methods)))
        chosen = self.methods[method]
        return self._answer(self.timing, True, {"method": chosen.name, "arrival": chosen.arrival})


class Privacy(_Section):
    """Orders are shown only after the last 4 digits of the delivery phone match."""

    ANSWER_VALUES = frozenset({"order_id"})

    order_id_digits: int = Field(gt=8)
    order_id_example: str
    verify: Rule
    mismatch: Rule
    not_found: Rule
    masking: Notice

    @model_validator(mode="after")
    def _example_fits(self) -> Privacy:
        if not (self.order_id_example.isdigit() and len(self.order_id_example) == self.order_id_digits):
            raise ValueError(_("order_id_example {example} must have {digits} digits").format(
                example=repr(self.order_id_example), digits=self.order_id_digits))
        return self

    def facts(self) -> Values:
        return {"id_digits": self.order_id_digits, "example": self.order_id_example}

    def refuse(self, rule: Rule, order_id: str) -> PolicyAnswer:
        """A refusal that names only the order id the customer typed."""
        return self._answer(rule, False, {"order_id": order_id})


# --- The whole file ------------------------------------------------------------------------


class Policies(_Strict):
    """Every after-sales rule of the shop."""

    returns: Returns
    shipping: Shipping
    price_protection: PriceProtection
    refunds: Refunds
    privacy: Privacy

    @model_validator(mode="after")
    def _ids_unique(self) -> Policies:
        seen: set[str] = set()
        for rule in self.rules():
            if rule.id in seen:
                raise ValueError(_("rule id {rule} is used twice").format(rule=rule.id))
            seen.add(rule.id)
        return self

    def _sections(self) -> tuple[_Section, ...]:
        return (self.returns, self.shipping, self.price_protection, self.refunds, self.privacy)

    def rules(self) -> list[Notice]:
        """Every rule, section by section, in file order."""
        return [rule for section in self._sections() for rule in section.rules()]

    def rule(self, rule_id: str) -> Notice:
        """One rule by its id, e.g. 'returns.no_reason'."""
        for rule in self.rules():
            if rule.id == rule_id:
                return rule
        raise KeyError(_("no rule {rule}; the rules are: {rules}").format(
            rule=repr(rule_id), rules=", ".join(rule.id for rule in self.rules())))

    def published(self, rule_id: str) -> Text:
        """A rule's text as the shop publishes it, with its section's numbers filled in."""
        for section in self._sections():
            for rule in section.rules():
                if rule.id == rule_id:
                    return _both(rule.text, section.facts())
        raise KeyError(_("no rule {rule}; the rules are: {rules}").format(
            rule=repr(rule_id), rules=", ".join(rule.id for rule in self.rules())))

    def markdown(self, lang: str = "zh") -> str:
        """All the policies as text an agent can be given: one line per rule, with its id."""
        lines = ["## 售后政策" if lang == "zh" else "## After-sales policies"]
        for rule in self.rules():
            lines.append(f"- **{rule.title.in_(lang)}** ({rule.id}): {self.published(rule.id).in_(lang)}")
        return "\n".join(lines)


def load_policies(path: Path = POLICIES_FILE) -> Policies:
    """Read and validate a policies file; errors name the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Policies.model_validate(raw)
    except yaml.YAMLError as error:
        raise CardError(_("{path}: not valid YAML: {error}").format(path=path, error=error)) from None
    except ValidationError as error:
        problems = []
        for issue in error.errors():
            field = ".".join(str(part) for part in issue["loc"]) or _("(top level)")
            problems.append(f"{path}: {field}: {issue['msg'].removeprefix('Value error, ')}")
        raise CardError("\n".join(problems)) from None


@cache
def policies() -> Policies:
    """The shop's policies, loaded once."""
    return load_policies()


def can_return(
    category: str,
    days_since_delivery: int,
    opened: bool = False,
    reason: str = "no_reason",
    *,
    tags_removed: bool = False,
    used: bool = False,
    customised: bool = False,
    shipping_insurance: bool = False,
) -> PolicyAnswer:
    """May an item go back? Day 0 is the day of delivery (签收); `reason` is no_reason, quality or wrong_item."""
    return policies().returns.check(
        category,
        days_since_delivery,
        opened,
        reason,
        tags_removed=tags_removed,
        used=used,
        customised=customised,
        shipping_insurance=shipping_insurance,
    )


def shipping_fee(order_total: Decimal | int | str, region: str) -> PolicyAnswer:
    """Shipping for a goods total after discounts, to a region (北京, 新疆维吾尔自治区, Xinjiang...)."""
    return policies().shipping.fee_for(order_total, region)


def price_protection(
    paid: Decimal | int | str,
    current: Decimal | int | str,
    days_since_purchase: int,
    price_kind: str = "normal",
    quantity: int = 1,
) -> PolicyAnswer:
    """价保: the refund when the unit price fell after payment (day 0); `price_kind` is what the new price is."""
    return policies().price_protection.check(paid, current, days_since_purchase, price_kind, quantity)


def refund_timing(method: str) -> PolicyAnswer:
    """Where and when a refund arrives for a payment method (alipay, wechat_pay, huabei, bank_card)."""
    return policies().refunds.timing_for(method)
