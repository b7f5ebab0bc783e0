"""How the practice model works out a final price from a product page, without the quote tool.

Without the `stack_in_order` instruction it does what weak assistants do: takes every
discount off the original price at once and ignores coupon thresholds. With it, it applies
the page's promotions one at a time on the running total, as the page's calculation order
says. (With the `quote_price` tool it does neither: the shop's own engine answers.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_SECTION = re.compile(r"^###\s*(?:促销活动|Promotions)\s*$(.*?)(?=^###|\Z)", re.M | re.S)
_MEMBER = re.compile(r"(?:会员价|Member price)[^¥\n]*¥\s*([\d.]+)")
_RATE = re.compile(r"(\d+(?:\.\d+)?)折")
_SECOND = re.compile(r"第二件半价|second item half price", re.I)
_EVERY_FULL = re.compile(r"每满(\d+)减(\d+)")
_COUPON = re.compile(r"满(\d+)减(\d+)[^\n]*?(?:券号|id)\s*([\w-]+)")
_NO_THRESHOLD = re.compile(r"(?:无门槛券?减(\d+)|¥(\d+) off \(无门槛)[^\n]*?(?:券号|id)\s*([\w-]+)")
_QUANTITY = re.compile(r"(\d+|[一两二三四五六七八九十])\s*[件瓶支盒双条个]|\b(\d+)\s*(?:pieces|items|of them)\b|\b(two|three|both)\b", re.I)
_WORDS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
          "two": 2, "both": 2, "three": 3}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Offers:
    """The promotions a product page lists, as numbers."""

    member_price: Decimal | None = None
    rate: Decimal | None = None  # 0.85 for 8.5折
    second_half: bool = False
    every_full: tuple[Decimal, Decimal] | None = None  # (step, amount)
    coupons: tuple[tuple[str, Decimal, Decimal], ...] = ()  # (id, threshold, amount), in page order


def read_offers(page: str) -> Offers:
    """What the page's promotions section says (an empty `Offers` when it has none)."""
    section = _SECTION.search(page)
    if not section:
        return Offers()
    text = section.group(1)
    member, rate, full = _MEMBER.search(text), _RATE.search(text), _EVERY_FULL.search(text)
    coupons = [(m.group(3), Decimal(m.group(1)), Decimal(m.group(2))) for m in _COUPON.finditer(text)]
    coupons += [(m.group(3), Decimal(0), Decimal(m.group(1) or m.group(2))) for m in _NO_THRESHOLD.finditer(text)]
    return Offers(
        member_price=Decimal(member.group(1)) if member else None,
        rate=Decimal(rate.group(1)) / 10 if rate else None,
        second_half=bool(_SECOND.search(text)),
        every_full=(Decimal(full.group(1)), Decimal(full.group(2))) if full else None,
        coupons=tuple(coupons),
    )


@dataclass(frozen=True)
class Ask:
    """What the customer says they buy: how many, as a member or not, with which coupons."""

    quantity: int
    member: bool
    coupons: tuple[str, ...]


def read_ask(text: str, offers: Offers, latest: bool = False) -> Ask:
    """The quantity, membership and coupons a customer's messages mention.

    The quantity is the first one mentioned or, with `latest`, the one in the last message (line) that
    mentions any: a customer who changed their mind. Within that message the largest number is the
    order ("两件，我自己也要一件" is two).
    """
    def number(found: re.Match[str]) -> int:
        word = next(group for group in found.groups() if group)
        return int(word) if word.isdigit() else _WORDS[word.lower()]

    quantity = 1
    if latest:
        mentioned = [found for line in text.splitlines() if (found := list(_QUANTITY.finditer(line)))]
        if mentioned:
            quantity = max(number(found) for found in mentioned[-1])
    elif found := _QUANTITY.search(text):
        quantity = number(found)
    member = bool(re.search(r"会员|\bmember\b", text, re.I)) and not re.search(r"不是会员|not a member", text, re.I)
    held = {(Decimal(a), Decimal(b)) for a, b in re.findall(r"满(\d+)减(\d+)", text)}
    if re.search(r"无门槛|no[- ]threshold", text, re.I):
        held |= {(Decimal(0), amount) for _, threshold, amount in offers.coupons if threshold == 0}
    coupons = tuple(cid for cid, threshold, amount in offers.coupons if (threshold, amount) in held)
    return Ask(quantity, member, coupons)


def mentions_order(text: str) -> bool:
    """Whether customer messages say anything `read_ask` reads: a quantity, membership or a coupon."""
    return bool(_QUANTITY.search(text) or re.search(r"会员|\bmember\b|满\d+减\d+|无门槛|no[- ]threshold", text, re.I))


def note_ask(text: str, offers: Offers, lang: str, latest: bool = False) -> str:
    """What `read_ask` reads in `text`, written so that `read_ask` reads it back (for recap_facts notes)."""
    ask = read_ask(text, offers, latest)
    held = [(threshold, amount) for cid, threshold, amount in offers.coupons if cid in ask.coupons]
    coupons = [f"满{t:g}减{a:g}" if t else ("无门槛减" if lang == "zh" else "no-threshold ") + f"{a:g}" for t, a in held]
    if lang == "zh":
        parts = [f"{ask.quantity}件", *(["会员"] if ask.member else []), *(["券：" + "、".join(coupons)] if coupons else [])]
        return "，".join(parts)
    parts = [f"{ask.quantity} pieces", *(["member"] if ask.member else []), *(["coupons " + ", ".join(coupons)] if coupons else [])]
    return ", ".join(parts)


@dataclass(frozen=True)
class Working:
    """A worked price: the original, each reduction as (zh, en, amount), the total."""

    original: Decimal
    steps: tuple[tuple[str, str, Decimal], ...]
    total: Decimal


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _coupon_label(threshold: Decimal, amount: Decimal) -> tuple[str, str]:
    if threshold:
        return f"满{threshold:g}减{amount:g}券", f"coupon {amount:g} off {threshold:g}"
    return f"无门槛减{amount:g}券", f"coupon {amount:g} off"


def naive(price: Decimal, offers: Offers, ask: Ask) -> Working:
    """Every discount taken off the original price at once; thresholds ignored (the weak habit)."""
    original = price * ask.quantity
    steps = []
    if ask.member and offers.member_price is not None:
        steps.append(("会员价", "member price", (price - offers.member_price) * ask.quantity))
    if offers.rate is not None:
        rate = (offers.rate * 10).normalize()  # 8.5, not 8.50
        steps.append((f"{rate:f}折", f"{rate:f}折 discount", _cents(original * (1 - offers.rate))))
    if offers.second_half and ask.quantity >= 2:
        steps.append(("第二件半价", "second item half price", _cents(price / 2 * (ask.quantity // 2))))
    if offers.every_full:
        step, amount = offers.every_full
        steps.append((f"每满{step:g}减{amount:g}", f"{amount:g} off every {step:g}", amount * int(original // step)))
    steps += [(*_coupon_label(threshold, amount), amount) for cid, threshold, amount in offers.coupons if cid in ask.coupons]
    return Working(original, tuple(steps), max(Decimal(0), original - sum(s[2] for s in steps)))


def in_order(price: Decimal, offers: Offers, ask: Ask) -> Working:
    """The page's calculation order, each promotion on the running total, thresholds checked."""
    unit = price
    if ask.member and offers.member_price is not None:
        unit = min(unit, offers.member_price)
    if offers.rate is not None:
        unit = min(unit, _cents(price * offers.rate))
    original = price * ask.quantity
    steps = [("单品价", "unit price", original - unit * ask.quantity)] if unit < price else []
    running = unit * ask.quantity
    if offers.second_half and ask.quantity >= 2:
        saved = _cents(unit / 2) * (ask.quantity // 2)
        steps.append(("第二件半价", "second item half price", saved))
        running -= saved
    if offers.every_full:
        step, amount = offers.every_full
        if saved := amount * int(running // step):
            steps.append((f"每满{step:g}减{amount:g}", f"{amount:g} off every {step:g}", saved))
            running -= saved
    for cid, threshold, amount in offers.coupons:
        if cid in ask.coupons and running >= threshold:
            saved = min(amount, running)
            steps.append((*_coupon_label(threshold, amount), saved))
            running -= saved
    return Working(original, tuple(steps), running)


def describe(working: Working, lang: str, numbered: bool) -> str:
    """The working as one run-on sentence, or as numbered lines when `numbered`."""
    zh = lang == "zh"
    parts = [f"{'原价' if zh else 'original'} ¥{working.original:.2f}"]
    parts += [f"{label_zh if zh else label_en} −¥{amount:.2f}" for label_zh, label_en, amount in working.steps]
    final = f"{'最后到手' if zh else 'final total'} ¥{working.total:.2f}"
    if numbered:
        return "\n".join(f"{n}. {part}" for n, part in enumerate([*parts, final], start=1))
    return ("，" if zh else ", ").join(parts) + ("，" if zh else ", ") + final + ("。" if zh else ".")
