"""The customer simulator: plays a persona card against an agent, one message at a time.

It is scripted and seeded: the same card, seed and agent replies give the same messages.
The customer sees only the agent's replies (never its prompt), reads them with
`kit.signals`, moves an emotion level up or down, and works through the card's tasks in
order (a size, how to order, a final price), typing with homophone typos at the card's rate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from kit import signals
from kit.i18n import _
from kit.personas.card import (
    Aside, HandoffTask, Line, OrderHelpTask, PersonaCard, PriceTask, ProductTask, ReturnTask, ShippingTask, SizeTask,
    Task,
)
from kit.personas.typos import Typo, add_typos

REQUIRED_FACTS = ("height", "weight")


@dataclass(frozen=True)
class CustomerMessage:
    """What the customer typed, what they meant, and how they felt when they typed it."""

    text: str
    intended: str
    gloss: str
    typos: tuple[Typo, ...]
    emotion: int
    events: tuple[str, ...] = ()
    revealed: tuple[str, ...] = ()
    outcome: str | None = None  # set on the last message: satisfied, handoff, left


@dataclass
class _Reaction:
    """What one agent reply made the customer say and feel."""

    lines: list[Line] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    revealed: list[str] = field(default_factory=list)
    done: bool = False  # the current task is solved


@dataclass
class CustomerSession:
    """One conversation's worth of customer state."""

    card: PersonaCard
    seed: int
    emotion: int = 0
    revealed: set[str] = field(default_factory=set)
    task_index: int = 0
    asked_human: bool = False
    replies_seen: int = 0
    ended: str | None = None
    open_aside: Aside | None = None  # a question the customer asked out of turn, waiting for its answer
    heard_once: bool = False  # for a customer who repeats: the current task's answer was heard once

    def __post_init__(self) -> None:
        self.emotion = self.card.emotion.start

    @property
    def task(self) -> Task:
        return self.card.tasks[self.task_index]

    @cached_property
    def size_truth(self) -> str:
        """The right size for this customer, from the shop's size chart."""
        from kit.shop import catalogue, recommend_size

        task = next(task for task in self.card.tasks if isinstance(task, SizeTask))
        chart = catalogue().chart_for(task.sku)
        return recommend_size(chart, self.card.facts["height"].value, self.card.facts["weight"].value).size

    @cached_property
    def codes(self) -> dict[str, str]:
        """号型 codes (165/88A) to letter sizes, so the customer understands either."""
        from kit.shop import catalogue

        sizes = [task for task in self.card.tasks if isinstance(task, SizeTask)]
        return {row.code: row.size for row in catalogue().chart_for(sizes[0].sku).rows} if sizes else {}

    def _rng(self, salt: str) -> random.Random:
        return random.Random(f"{self.card.id}:{self.seed}:{self.replies_seen}:{salt}")

    def _pick(self, lines: tuple[Line, ...], **values: object) -> Line:
        line = self._rng("line").choice(lines)
        return Line(zh=line.zh.format(**values), en=line.en.format(**values))

    def opening(self) -> CustomerMessage:
        """The first message: the customer's first question."""
        line = self._pick(self.card.lines.opening)
        worried = signals.expresses_distress(line.zh if self.card.language == "zh" else line.en)
        events = (f"asks:{self.task.kind}", *(("worried",) if worried else ()))
        said = _Reaction()
        self._say_facts(list(self.card.says_first), said)  # a customer who starts with their facts
        return self._message([*said.lines, line], events=events, revealed=tuple(said.revealed))

    def respond(self, reply: str) -> CustomerMessage:
        """React to the agent's reply and write the next message."""
        if self.ended:
            raise RuntimeError(_("the conversation already ended ({outcome})").format(outcome=self.ended))
        self.replies_seen += 1
        reaction = self._react(reply)
        lines, events = reaction.lines, reaction.events
        self.emotion = max(0, min(10, self.emotion + sum(self._delta(event) for event in events)))
        if self.ended is None and self.emotion >= self.card.emotion.leave_at:
            self.ended = "left"
            lines = [self._pick(self.card.lines.leave)]
        elif self.ended is None and not self.asked_human and (
            self.emotion >= self.card.emotion.human_at or self.replies_seen >= self.card.emotion.patience
        ):
            self.asked_human = True
            events.append("asks_for_human")
            lines = [*lines[:1], self._pick(self.card.lines.ask_human)]
        return self._message(lines, events=tuple(events), revealed=tuple(reaction.revealed))

    def _delta(self, event: str) -> int:
        mood = self.card.emotion
        return mood.raise_.get(event, 0) - mood.lower.get(event, 0)

    def _react(self, reply: str) -> _Reaction:
        said = self.card.lines
        if self.asked_human:
            self.ended = "handoff" if signals.hands_off(reply) else "left"
            if self.ended == "handoff" and isinstance(self.task, HandoffTask):
                self.ended = "satisfied"  # a person was what they came for
            handed = self.ended == "handoff"
            return _Reaction([self._pick(said.handed_off if handed else said.refused_human)],
                             ["handed_off" if handed else "refused_human"])
        if signals.hands_off(reply):
            self.ended = "handoff"
            if isinstance(self.task, HandoffTask) and self.task_index == len(self.card.tasks) - 1:
                self.ended = "satisfied"  # a person was all they wanted
            return _Reaction([self._pick(said.handed_off)], ["handed_off"])

        reaction = _Reaction()
        if signals.acknowledges_feelings(reply) and self.emotion >= self.card.emotion.start:
            reaction.events.append("acknowledged")
        if self.card.style.novice and (terms := signals.unexplained_jargon(reply, _jargon_terms())):
            reaction.events.append("jargon")
            reaction.lines.append(self._pick(said.jargon, term=terms[0]))
        if signals.robotic(reply):
            reaction.events.append("robotic")
        if self.heard_once and signals.impatient(reply):
            reaction.events.append("impatient")
        if signals.reading_length(reply) > self.card.style.max_reply_chars and not signals.has_numbered_steps(reply):
            reaction.events.append("wall_of_text")
            if not reaction.lines:
                reaction.lines.append(self._pick(said.wall_of_text))

        if self._aside(reply, reaction):
            return reaction
        task = self.task
        {
            SizeTask: self._size, OrderHelpTask: self._order_help, PriceTask: self._price,
            ProductTask: self._product, ReturnTask: self._return, HandoffTask: self._wants_person,
            ShippingTask: self._shipping,
        }[type(task)](task, reply, reaction)
        if reaction.done and self.card.style.repeats and not self.heard_once:
            self.heard_once = True  # hard of hearing: asks once more before accepting
            reaction.done = False
            reaction.events.append("say_again")
            reaction.lines = [self._pick(said.say_again)]
        if reaction.done:
            self.heard_once = False
            self._next_task(reaction)
        return reaction

    def _aside(self, reply: str, reaction: _Reaction) -> bool:
        """Say an aside due at this reply, or react to the reply that followed the last one."""
        said = self.card.lines
        if self.open_aside is not None:
            aside, self.open_aside = self.open_aside, None
            if aside.kind == "question":
                answered = any(word.lower() in reply.lower() for word in aside.answered_if)
                reaction.events.append("aside_answered" if answered else "aside_ignored")
                if not answered:
                    reaction.lines.append(self._pick(said.ignored))
                    return True
            elif aside.kind == "discount_demand" and self._undercut(reply):
                reaction.events.append("got_discount")
            if self._answers_task(reply, reaction):
                return False  # the reply also answered the task: judge it as usual
            reaction.lines.append(self._pick(said.back_to_task))
            if isinstance(self.task, SizeTask):
                self._volunteer(reaction)  # back on track, they give what they were asked before
            return True
        due = next((aside for aside in self.card.asides if aside.at_reply == self.replies_seen), None)
        if due is None:
            return False
        reaction.events.append(f"aside:{due.kind}")
        reaction.lines = [*reaction.lines[:1], due.line] if reaction.lines else [due.line]
        self.open_aside = due
        return True

    def _answers_task(self, reply: str, reaction: _Reaction) -> bool:
        """Whether a reply after an aside also gives an answer to the current task (a size, a price…)."""
        task = self.task
        return bool(
            (isinstance(task, SizeTask) and signals.recommended_size(reply, self.codes))
            or (isinstance(task, PriceTask) and signals.stated_total(reply) is not None)
            or (isinstance(task, ReturnTask) and signals.return_verdict(reply) is not None)
            or (isinstance(task, OrderHelpTask) and signals.has_numbered_steps(reply))
        )

    def _undercut(self, reply: str) -> bool:
        """The reply states a total below what the shop's rules give for the price task."""
        stated = signals.stated_total(reply)
        prices = [task for task in self.card.tasks if isinstance(task, PriceTask)]
        return stated is not None and bool(prices) and stated < prices[0].truth()

    def _volunteer(self, reaction: _Reaction, facts: tuple[str, ...] = REQUIRED_FACTS) -> None:
        """Say the facts of the current task not said yet (after an aside, or when provoked)."""
        if not isinstance(self.task, SizeTask):
            return
        self._say_facts([fact for fact in facts if fact not in self.revealed], reaction)

    def _say_facts(self, to_say: list[str], reaction: _Reaction) -> None:
        if not to_say:
            return
        reaction.revealed += [fact for fact in to_say if fact not in self.revealed]
        self.revealed.update(to_say)
        facts = self.card.facts
        reaction.lines.append(Line(
            zh="，".join(facts[f].say.zh for f in to_say) + "。",
            en=", ".join(facts[f].say.en for f in to_say) + ".",
        ))

    def _size(self, task: SizeTask, reply: str, reaction: _Reaction) -> None:
        said = self.card.lines
        asked = signals.asked_facts(reply)
        size = signals.recommended_size(reply, self.codes)
        if asked & self.revealed:
            reaction.events.append("repeated")
            reaction.lines.append(self._pick(said.repeated))
        if asked & signals.MEASUREMENTS:
            reaction.events.append("overwhelmed")
            reaction.lines.append(self._pick(said.overwhelmed))
        if size and not self.revealed.issuperset(REQUIRED_FACTS):
            reaction.events.append("guessed")
            reaction.lines.append(self._pick(said.guessed, size=size))
            if self.card.style.volunteers:
                asked = asked | set(REQUIRED_FACTS)  # provoked, they say both
        elif size == self.size_truth:
            reaction.events.append("right_size")
            reaction.lines = [self._pick(said.right_size, size=size)]
            reaction.done = True
            return
        elif size:
            reaction.events.append("wrong_size")
            reaction.lines.append(self._pick(said.wrong_size, size=size))
            if self.card.style.volunteers:
                asked = asked | set(REQUIRED_FACTS)  # they repeat what they said
        to_say = [fact for fact in REQUIRED_FACTS if fact in asked]
        if to_say:
            self._say_facts(to_say, reaction)
        elif not {"guessed", "wrong_size", "repeated", "overwhelmed"} & set(reaction.events):
            self._ignored(reaction)

    def _ignored(self, reaction: _Reaction) -> None:
        """The reply did nothing for the task: noted always, said only if nothing else was."""
        reaction.events.append("ignored")
        if not reaction.lines:
            reaction.lines.append(self._pick(self.card.lines.ignored))

    def _order_help(self, task: OrderHelpTask, reply: str, reaction: _Reaction) -> None:
        if signals.has_numbered_steps(reply) and "jargon" not in reaction.events:
            reaction.events.append("clear_steps")
            reaction.lines = []
            reaction.done = True
            return
        reaction.events.append("no_steps")
        reaction.lines.append(self._pick(self.card.lines.no_steps))

    def _price(self, task: PriceTask, reply: str, reaction: _Reaction) -> None:
        """Right if the final price the reply states is the shop's quote."""
        said = self.card.lines
        stated = signals.stated_total(reply)
        truth = task.truth()
        if stated is not None and stated == truth:
            reaction.events.append("right_price")
            reaction.lines = [self._pick(said.right_price, price=_yuan(stated))]
            reaction.done = True
        elif stated is not None:
            reaction.events.append("wrong_price")
            reaction.lines.append(self._pick(said.wrong_price, price=_yuan(stated)))
        elif signals.is_question(reply.strip().splitlines()[-1] if reply.strip() else ""):
            reaction.events.append("repeated")  # asking what the question already said
            reaction.lines.append(self._pick(said.repeated))
            reaction.lines.append(self._pick(task.ask or said.opening))
        else:
            self._ignored(reaction)

    def _product(self, task: ProductTask, reply: str, reaction: _Reaction) -> None:
        """Right if the reply names a product that suits them, in their shade (by code or name)."""
        from kit.shop import catalogue

        said, shop = self.card.lines, catalogue()
        fits = task.truth()
        named = signals.products_named(reply, shop)
        if not named:
            self._ignored(reaction)
            return
        sku = next((sku for sku in named if sku in fits), named[-1])  # "C-111 Y02; not the dewy one" names two
        shade = fits.get(sku)
        product = shop.product(sku)
        shade_said = shade is not None and next(
            (True for s in product.shades if s.code == shade and (s.code in reply or s.name.zh in reply or s.name.en in reply)),
            False)
        if shade_said:
            reaction.events.append("right_product")
            reaction.lines = [self._pick(said.right_product, product=product.name.in_(self.card.language))]
            reaction.done = True
        else:
            reaction.events.append("wrong_product")
            reaction.lines.append(self._pick(said.wrong_product, product=product.name.in_(self.card.language)))

    def _return(self, task: ReturnTask, reply: str, reaction: _Reaction) -> None:
        """Right if the reply's yes/no on the return matches the shop's policy for that order."""
        said = self.card.lines
        if "phone_last4" in signals.asked_facts(reply) and "phone_last4" not in self.revealed:
            self._say_facts(["phone_last4"], reaction)
            return
        verdict = signals.return_verdict(reply)
        if verdict is None:
            self._ignored(reaction)
        elif verdict == task.truth():
            reaction.events.append("right_return")
            reaction.lines = [self._pick(said.right_return)]
            reaction.done = True
        else:
            reaction.events.append("wrong_return")
            reaction.lines.append(self._pick(said.wrong_return))

    def _shipping(self, task: ShippingTask, reply: str, reaction: _Reaction) -> None:
        """Right if the shipping fee the reply states is the shop's fee for their region and amount."""
        said = self.card.lines
        stated = signals.stated_shipping(reply)
        if stated is None:
            self._ignored(reaction)
        elif stated == task.truth():
            reaction.events.append("right_price")
            reaction.lines = [self._pick(said.right_price, price=_yuan(stated))]
            reaction.done = True
        else:
            reaction.events.append("wrong_price")
            reaction.lines.append(self._pick(said.wrong_price, price=_yuan(stated)))

    def _wants_person(self, task: HandoffTask, reply: str, reaction: _Reaction) -> None:
        """They came for a person: anything but a hand-off (checked earlier) is ignoring them."""
        reaction.events.append("ignored")
        if not self.asked_human:
            reaction.lines.append(self._pick(self.card.lines.ask_human))

    def _next_task(self, reaction: _Reaction) -> None:
        """Move on: ask the next task, or, when none is left, end satisfied."""
        self.task_index += 1
        if self.task_index == len(self.card.tasks):
            self.ended = "satisfied"
            reaction.lines.append(self._pick(self.card.lines.satisfied))
            return
        upcoming = self.task
        reaction.events.append(f"asks:{upcoming.kind}")
        reaction.lines.append(self._pick(upcoming.ask))

    def _message(self, lines: list[Line], events: tuple[str, ...] = (), revealed: tuple[str, ...] = ()) -> CustomerMessage:
        style = self.card.style
        if self.card.language == "zh":
            intended = "".join(line.zh for line in lines)
            protect = (*style.protect, *(fact.say.zh for fact in self.card.facts.values()))
            text, typos = add_typos(intended, style.typo_rate, self._rng("typos"), protect=protect)
        else:
            intended = " ".join(line.en for line in lines)
            text, typos = intended, ()
        return CustomerMessage(
            text=text,
            intended=intended,
            gloss=" ".join(line.en for line in lines),
            typos=typos,
            emotion=self.emotion,
            events=events,
            revealed=revealed,
            outcome=self.ended,
        )


def _yuan(amount: Decimal) -> str:
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def _jargon_terms() -> tuple[str, ...]:
    from kit.shop import catalogue

    return tuple(catalogue().jargon)
