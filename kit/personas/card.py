"""Persona cards: the YAML files that describe a simulated customer, validated by pydantic.

A card that breaks the schema fails with its file, the line of the offending field where it
can be found, the field's path, and what is wrong.
"""

from __future__ import annotations

from pathlib import Path
from decimal import Decimal
from typing import Annotated, Literal, Union

import difflib
import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, field_validator, model_validator

from kit.errors import CardError
from kit.i18n import N_, _
from kit.yaml_files import parse, pydantic_message, read_text



class _Card(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Line(_Card):
    """Something the customer says, and its English gloss (shown to learners on demand)."""

    zh: str
    en: str


class _Task(_Card):
    """What every task has: how the customer asks it (the first task is asked by `lines.opening`)."""

    ask: tuple[Line, ...] = Field((), description="how the customer asks it, when it is not the first task")


class SizeTask(_Task):
    """Which size of this product fits me? (`kit.shop.recommend_size` on the card's facts.)"""

    kind: Literal["size_advice"]
    sku: str


class OrderHelpTask(_Task):
    """How do I place the order? (Solved by the product page's ordering steps, one by one.)"""

    kind: Literal["how_to_order"]


class PriceTask(_Task):
    """What do I pay in the end? (`kit.shop.quote` of this cart, coupons and membership.)"""

    kind: Literal["price_quote"]
    cart: dict[str, PositiveInt]
    coupons: tuple[str, ...] = ()
    member: bool = False

    def truth(self) -> Decimal:
        from kit.shop import quote

        return quote(self.cart, coupons=self.coupons, member=self.member).total


class ProductTask(_Task):
    """Which product and shade suit me? (Catalogue products of the category that suit the skin type.)"""

    kind: Literal["product_advice"]
    sku: str = Field(description="the product page the customer opens the chat from")
    category: str
    skin_type: str
    shade: str = Field(description="the shade the customer describes, by name (黄二白) or code")

    def truth(self) -> dict[str, str]:
        """Acceptable products, sku -> shade code, from the shop's catalogue."""
        from kit.shop import Cosmetic, catalogue

        shop = catalogue()
        skin = shop.skin_type(self.skin_type)
        fits = {}
        for product in shop.products:
            if not isinstance(product, Cosmetic) or product.category != self.category:
                continue
            if skin not in product.skin_types or skin in product.not_for:
                continue
            shade = next((s for s in product.shades if self.shade in (s.code, s.name.zh, s.name.en)), None)
            if shade is not None:
                fits[product.sku] = shade.code
        return fits


class ReturnTask(_Task):
    """Can I return this order? (`kit.shop.can_return` on the order's item and delivery date.)"""

    kind: Literal["return_request"]
    order_id: str
    reason: Literal["no_reason", "quality"] = "no_reason"

    def truth(self) -> bool:
        from kit.shop import can_return, catalogue, orders

        order = orders().find(self.order_id)
        if order is None:
            raise ValueError(_("no order {order_id} in the shop's sample orders").format(order_id=repr(self.order_id)))
        view = orders().status(self.order_id, order.customer.phone[-4:])
        if view.days_since_delivery is None:
            raise ValueError(_("order {order_id} is not delivered yet: nothing to return").format(order_id=self.order_id))
        category = catalogue().product(order.items[0].sku).category
        return can_return(category, view.days_since_delivery, reason=self.reason).allowed


class ShippingTask(_Task):
    """What does shipping cost to my region? (`kit.shop.shipping_fee` for this order amount and region.)"""

    kind: Literal["shipping_question"]
    sku: str = Field(description="the product page the customer opens the chat from")
    region: str
    amount: Decimal = Field(description="the order's goods amount in yuan")

    def truth(self) -> Decimal:
        from kit.shop import shipping_fee

        return shipping_fee(self.amount, self.region).amount


class HandoffTask(_Task):
    """Put me through to a person. (Solved when the agent hands off.)"""

    kind: Literal["handoff"]


Task = Annotated[
    Union[SizeTask, OrderHelpTask, PriceTask, ProductTask, ReturnTask, ShippingTask, HandoffTask],
    Field(discriminator="kind"),
]


class Fact(_Card):
    """A fact the customer knows and gives only when asked (or when provoked into it)."""

    value: float | str = Field(description="the true value: cm for height, kg for weight, text for ids and digits")
    say: Line = Field(description="how the customer words it, e.g. 一百二十斤")


class Style(_Card):
    typo_rate: float = Field(0.0, ge=0.0, le=1.0, description="share of common hanzi typed as a homophone")
    protect: tuple[str, ...] = Field((), description="words never garbled by typos (key words and facts)")
    novice: bool = Field(False, description="new to online shopping: shop jargon confuses them")
    max_reply_chars: int = Field(
        120, gt=0, description="a reply longer than this reads as a wall of text (English words count double)"
    )
    dialect: str | None = Field(None, description="the dialect the lines are written in, e.g. 四川话")
    volunteers: bool = Field(True, description="after a wrong or guessed answer, says the facts unasked")
    repeats: bool = Field(False, description="hard of hearing: asks once more before accepting an answer")


class Aside(_Card):
    """Something the customer says out of turn at a given reply: a question, an attack on the agent,
    or a change of mind (the current task's answer is the one for what they say here)."""

    at_reply: PositiveInt = Field(description="said instead of the normal answer to the agent's Nth reply")
    kind: Literal["question", "injection", "discount_demand", "change_mind"]
    line: Line
    answered_if: tuple[str, ...] = Field((), description="for a question: words a reply that answers it contains")

    @model_validator(mode="after")
    def _question_has_answer(self) -> Aside:
        if self.kind == "question" and not self.answered_if:
            raise ValueError(_("a question aside needs answered_if: the words that show it was answered"))
        return self


# What can move a customer's mood: the events the engine records when it reads a reply.
TRIGGERS = frozenset({
    "acknowledged", "aside_answered", "aside_ignored", "clear_steps", "got_discount", "guessed", "ignored",
    "impatient", "jargon", "no_steps", "overwhelmed", "repeated", "right_price", "right_product", "right_return",
    "right_size", "robotic", "say_again", "wall_of_text", "wrong_price", "wrong_product", "wrong_return", "wrong_size",
})


class Emotion(_Card):
    """Upset level 0 (calm) to 10 (furious), per turn, and what moves it."""

    start: int = Field(ge=0, le=10)
    human_at: int = Field(ge=1, le=10, description="asks for a human at this level")
    leave_at: int = Field(ge=1, le=10, description="leaves the chat at this level")
    patience: int = Field(gt=0, description="asks for a human after this many agent replies in the conversation")
    raise_: dict[str, int] = Field(alias="raise")
    lower: dict[str, int]

    @model_validator(mode="after")
    def _known_triggers(self) -> Emotion:
        for field, triggers in (("raise", self.raise_), ("lower", self.lower)):
            if unknown := sorted(set(triggers) - TRIGGERS):
                raise ValueError(_("{field}: unknown trigger {unknown}; triggers are: {triggers}").format(
                    field=field, unknown=", ".join(unknown), triggers=", ".join(sorted(TRIGGERS))))
        return self

    @model_validator(mode="after")
    def _order(self) -> Emotion:
        if not self.start < self.human_at <= self.leave_at:
            raise ValueError(_("need start < human_at <= leave_at, got {start}, {human_at}, {leave_at}").format(
                start=self.start, human_at=self.human_at, leave_at=self.leave_at))
        return self


class Lines(_Card):
    """What the customer says in each situation; one variant is picked per seed.

    Lines a card's tasks never need may be left out (a customer without a size question needs
    no `wrong_size`); `PersonaCard` checks that the ones its tasks need are there.
    """

    opening: tuple[Line, ...] = Field(min_length=1, description="the first message: asks the first task")
    ignored: tuple[Line, ...] = Field(min_length=1, description="the reply did not answer them")
    satisfied: tuple[Line, ...] = Field(min_length=1)
    ask_human: tuple[Line, ...] = Field(min_length=1)
    refused_human: tuple[Line, ...] = Field(min_length=1, description="leaves after a refused hand-off")
    handed_off: tuple[Line, ...] = Field(min_length=1)
    leave: tuple[Line, ...] = Field(min_length=1)
    wall_of_text: tuple[Line, ...] = Field(min_length=1)
    repeated: tuple[Line, ...] = Field(min_length=1, description="asked again for something they said")
    jargon: tuple[Line, ...] = Field((), description="{term}: a shop word a novice does not know")
    guessed: tuple[Line, ...] = Field((), description="{size}: named before the agent knew them")
    overwhelmed: tuple[Line, ...] = Field((), description="asked for measurements they do not know")
    wrong_size: tuple[Line, ...] = Field((), description="{size}: a size that cannot be right")
    right_size: tuple[Line, ...] = Field((), description="{size}: accepts the size")
    no_steps: tuple[Line, ...] = Field((), description="ordering explained too fast")
    wrong_product: tuple[Line, ...] = Field((), description="{product}: a product or shade that does not suit")
    right_product: tuple[Line, ...] = Field((), description="{product}: accepts the product")
    wrong_return: tuple[Line, ...] = Field((), description="the agent's yes/no on the return is wrong")
    right_return: tuple[Line, ...] = Field((), description="accepts the answer on the return")
    say_again: tuple[Line, ...] = Field((), description="did not catch it: asks for the answer once more")
    back_to_task: tuple[Line, ...] = Field((), description="after an aside: back to what they were asking")
    wrong_price: tuple[Line, ...] = Field((), description="{price}: a final price that is not right")
    right_price: tuple[Line, ...] = Field((), description="{price}: accepts the final price")


# The lines each kind of task (or trait) needs, checked when a card loads.
NEEDED_LINES = {
    "size_advice": ("guessed", "overwhelmed", "wrong_size", "right_size"),
    "how_to_order": ("no_steps",),
    "price_quote": ("wrong_price", "right_price"),
    "product_advice": ("wrong_product", "right_product"),
    "return_request": ("wrong_return", "right_return"),
    "shipping_question": ("wrong_price", "right_price"),
    "handoff": (),
    "novice": ("jargon",),
    "repeats": ("say_again",),
    "asides": ("back_to_task",),
}
FACTS = ("height", "weight", "phone_last4", "order_id")


class PersonaCard(_Card):
    """Everything the simulator needs to play one customer."""

    id: str

    @field_validator("id")
    @classmethod
    def _id_is_a_plain_name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            raise ValueError(_("{value} is not a valid id: use lowercase letters, digits and _, "
                               "starting with a letter (like typo_auntie)").format(value=repr(value)))
        return value
    name: Line
    language: Literal["zh", "en"]
    background: Line
    tasks: tuple[Task, ...] = Field(min_length=1, description="what they came for, asked one after another")
    facts: dict[Literal["height", "weight", "phone_last4", "order_id"], Fact] = Field(default_factory=dict)
    asides: tuple[Aside, ...] = ()
    says_first: tuple[Literal["height", "weight", "phone_last4", "order_id"], ...] = Field(
        (), description="facts the customer gives unasked, at the start of the first message")

    @model_validator(mode="after")
    def _said_facts_exist(self) -> PersonaCard:
        if missing := [fact for fact in self.says_first if fact not in self.facts]:
            raise ValueError(_("says_first: no fact {missing} under facts: add it there first").format(
                missing=", ".join(missing)))
        return self

    @model_validator(mode="after")
    def _asides_apart(self) -> PersonaCard:
        at = sorted(aside.at_reply for aside in self.asides)
        if any(later - earlier < 2 for earlier, later in zip(at, at[1:])):
            raise ValueError(_("asides: at_reply {at} must be at least 2 apart (the reply after an aside answers "
                               "it)").format(at=at))
        return self
    style: Style
    emotion: Emotion
    lines: Lines

    @property
    def page(self) -> str:
        """The product page the customer opens the chat from: the first product they ask about."""
        for task in self.tasks:
            if isinstance(task, (SizeTask, ProductTask, ShippingTask)):
                return task.sku
            if isinstance(task, PriceTask):
                return next(iter(task.cart))
            if isinstance(task, ReturnTask):
                from kit.shop import orders

                return orders().find(task.order_id).items[0].sku
        return self.default_page

    default_page: str = Field("J-101", description="the product page when no task names a product")

    @model_validator(mode="after")
    def _tasks_are_solvable(self) -> PersonaCard:
        from kit.shop import catalogue

        for number, task in enumerate(self.tasks):
            where = f"tasks.{number}"
            if number and not task.ask:
                raise ValueError(_("{where}.ask: every task after the first needs the line(s) that ask it").format(
                    where=where))
            if isinstance(task, SizeTask):
                try:
                    catalogue().chart_for(task.sku)
                except KeyError as error:
                    raise ValueError(f"{where}.sku: {error.args[0]}") from None
            if isinstance(task, PriceTask):
                from kit.shop import quote

                try:
                    quote(task.cart)
                except ValueError as error:
                    raise ValueError(f"{where}.cart: {error}") from None
                try:
                    task.truth()
                except ValueError as error:
                    raise ValueError(f"{where}.coupons: {error}") from None
            if isinstance(task, (PriceTask, ProductTask, ReturnTask, ShippingTask)):
                try:
                    truth = task.truth()
                except (ValueError, KeyError) as error:
                    raise ValueError(f"{where}: {error.args[0] if error.args else error}") from None
                if isinstance(task, ProductTask) and not truth:
                    raise ValueError(_("{where}.shade: no {category} in the catalogue suits {skin_type} in shade "
                                       "{shade}").format(where=where, category=task.category,
                                                         skin_type=task.skin_type, shade=task.shade))
            if isinstance(task, ReturnTask) and "phone_last4" not in self.facts:
                raise ValueError(_("{where}: a return_request needs a phone_last4 fact (the shop verifies the "
                                   "customer)").format(where=where))
        if isinstance(self.tasks[0], OrderHelpTask) and len(self.tasks) == 1:
            raise ValueError(_("tasks: a customer who only asks how to order needs a product task too"))
        if any(isinstance(t, SizeTask) for t in self.tasks) and (missing := {"height", "weight"} - set(self.facts)):
            raise ValueError(_("facts: a size_advice task needs facts for {missing}").format(
                missing=", ".join(sorted(missing))))
        needs = {task.kind for task in self.tasks} | {
            trait for trait, on in (("novice", self.style.novice), ("repeats", self.style.repeats),
                                    ("asides", bool(self.asides))) if on
        }
        for need in sorted(needs):
            for field in NEEDED_LINES[need]:
                if not getattr(self.lines, field):
                    raise ValueError(_("lines.{field}: needed by this card's {need} (add at least one line)").format(
                        field=field, need=need))
        return self


def _line_of(text: str, path: tuple) -> int | None:
    """Best effort: the line where the innermost named field of `path` appears in the YAML text."""
    keys = [str(part) for part in path if isinstance(part, str)]
    if not keys:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(f"{keys[-1]}:"):
            return number
    return None


def load_card(path: Path) -> PersonaCard:
    """Read and validate one card; problems are reported as `file:line: field: message`.

    Cards are frozen, so an unchanged file (same path, size and modification time) is read once
    per process: an arena or `kit.evaluate` loads the same card hundreds of times.
    """
    try:
        info = path.stat()
    except OSError:  # reported by `read_text`, with the file's name and what to do
        return _load_card(path, 0, 0)
    return _load_card(path, info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=256)
def _load_card(path: Path, mtime_ns: int, size: int) -> PersonaCard:
    text = read_text(path, N_("persona card"), CardError)
    raw = parse(text, path, N_("persona card"), CardError)
    if not isinstance(raw, dict):
        raise CardError(_("{path}: a persona card is a YAML mapping (id:, name:, goal:, ...), not {kind}").format(
            path=path, kind=type(raw).__name__))
    try:
        return PersonaCard.model_validate(raw)
    except ValidationError as error:
        issues = [_plain(issue) for issue in error.errors()]
        issues = _pair_misspellings(issues)
        problems = []
        for loc, message in issues:
            field = ".".join(str(part) for part in loc) or _("(card)")
            line = _line_of(text, loc)
            where = f"{path}:{line}" if line else str(path)
            problems.append(f"{where}: {field}: {_(message) if message == REQUIRED else message}")
        raise CardError("; ".join(problems)) from None


# A validator's message that starts with a field ("tasks.0.sku: ...") is reported under that field; the Chinese
# messages keep the field and its ASCII ": " first for the same reason.
_FIELD_FIRST = re.compile(r"([a-z_][\w-]*(?:\.[\w-]+)*): (.+)", re.DOTALL)
REQUIRED = N_("Field required")  # pydantic's words for a missing field, translated when shown
def _plain(issue: dict) -> tuple[tuple, str]:
    """(location, message) of one pydantic issue: a validator's own words, under the field it names."""
    loc, message = tuple(issue["loc"]), issue["msg"]
    if issue["type"] == "value_error":
        message = str(issue["ctx"]["error"])  # without pydantic's "Value error, "
        if named := _FIELD_FIRST.fullmatch(message):  # "tasks.0.sku: ..." names the field it is about
            loc = (*loc, *(int(p) if p.isdigit() else p for p in named.group(1).split(".")))
            message = named.group(2)
    elif issue["type"] != "missing":  # REQUIRED stays as it is until shown: misspellings are paired by it
        message = pydantic_message(issue)
    return loc, message


def _pair_misspellings(issues: list[tuple[tuple, str]]) -> list[tuple[tuple, str]]:
    """An unknown field next to a missing one it resembles is one misspelling, said once."""
    missing = {loc: message for loc, message in issues if message == REQUIRED}
    paired, result = set(), []
    for loc, message in issues:
        if message == "Extra inputs are not permitted":
            near = difflib.get_close_matches(str(loc[-1]), [str(m[-1]) for m in missing if m[:-1] == loc[:-1]], n=1)
            if near:
                paired.add((*loc[:-1], near[0]))
                message = _("unknown field; did you mean {name}?").format(name=near[0])
            else:
                message = _("unknown field (check its spelling and indentation)")
        result.append((loc, message))
    return sorted((item for item in result if item[0] not in paired), key=lambda item: item[1] == REQUIRED)


