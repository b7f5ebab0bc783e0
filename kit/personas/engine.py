"""The customer simulator: plays a persona card against an agent, one message at a time.

It is scripted and seeded: the same card, seed and agent replies give the same messages.
The customer sees only the agent's replies (never its prompt), reads them with
`kit.signals`, moves an emotion level up or down, and answers from the card's lines, typing
them with homophone typos at the card's rate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cached_property

from kit import signals
from kit.personas.card import Line, PersonaCard
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
class CustomerSession:
    """One conversation's worth of customer state."""

    card: PersonaCard
    seed: int
    emotion: int = 0
    revealed: set[str] = field(default_factory=set)
    phase: str = "size"  # size -> order -> done
    asked_human: bool = False
    replies_seen: int = 0
    ended: str | None = None

    def __post_init__(self) -> None:
        self.emotion = self.card.emotion.start

    @cached_property
    def truth(self) -> str:
        """The right size for this customer, from the shop's size chart."""
        from kit.shop import catalogue, recommend_size

        chart = catalogue().chart_for(self.card.goal.sku)
        return recommend_size(chart, self.card.facts["height"].value, self.card.facts["weight"].value).size

    @cached_property
    def codes(self) -> dict[str, str]:
        """号型 codes (165/88A) to letter sizes, so the customer understands either."""
        from kit.shop import catalogue

        return {row.code: row.size for row in catalogue().chart_for(self.card.goal.sku).rows}

    def _rng(self, salt: str) -> random.Random:
        return random.Random(f"{self.card.id}:{self.seed}:{self.replies_seen}:{salt}")

    def _pick(self, lines: tuple[Line, ...], **values: str) -> Line:
        line = self._rng("line").choice(lines)
        return Line(zh=line.zh.format(**values), en=line.en.format(**values))

    def opening(self) -> CustomerMessage:
        """The first message: the customer's question."""
        line = self._pick(self.card.lines.opening)
        worried = signals.expresses_distress(line.zh if self.card.language == "zh" else line.en)
        return self._message([line], events=("worried",) if worried else ())

    def respond(self, reply: str) -> CustomerMessage:
        """React to the agent's reply and write the next message."""
        if self.ended:
            raise RuntimeError(f"the conversation already ended ({self.ended})")
        self.replies_seen += 1
        lines, events, revealed = self._react(reply)
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
        return self._message(lines, events=tuple(events), revealed=tuple(revealed))

    def _delta(self, event: str) -> int:
        mood = self.card.emotion
        return mood.raise_.get(event, 0) - mood.lower.get(event, 0)

    def _react(self, reply: str) -> tuple[list[Line], list[str], list[str]]:
        card, said = self.card, self.card.lines
        events: list[str] = []
        lines: list[Line] = []
        revealed: list[str] = []

        if self.asked_human:
            self.ended = "handoff" if signals.hands_off(reply) else "left"
            events.append("handed_off" if self.ended == "handoff" else "refused_human")
            return [self._pick(said.handed_off if self.ended == "handoff" else said.refused_human)], events, []
        if signals.hands_off(reply):
            self.ended = "handoff"
            return [self._pick(said.handed_off)], ["handed_off"], []

        if signals.acknowledges_feelings(reply) and self.emotion > card.emotion.start - 1:
            events.append("acknowledged")
        if card.style.novice and (terms := signals.unexplained_jargon(reply, _jargon_terms())):
            events.append("jargon")
            lines.append(self._pick(said.jargon, term=terms[0]))
        if signals.reading_length(reply) > card.style.max_reply_chars:
            events.append("wall_of_text")
            if not lines:
                lines.append(self._pick(said.wall_of_text))

        asked = signals.asked_facts(reply)
        size = signals.recommended_size(reply, self.codes)
        if self.phase == "size":
            if asked & self.revealed:
                events.append("repeated")
                lines.append(self._pick(said.repeated))
            if asked & signals.MEASUREMENTS:
                events.append("overwhelmed")
                lines.append(self._pick(said.overwhelmed))
            if size and not self.revealed.issuperset(REQUIRED_FACTS):
                events.append("guessed")
                lines.append(self._pick(said.guessed, size=size))
                asked = asked | set(REQUIRED_FACTS)  # provoked, she says both
            elif size == self.truth:
                events.append("right_size")
                self.phase = "order"
                return [self._pick(said.right_size, size=size)], events, []
            elif size:
                events.append("wrong_size")
                lines.append(self._pick(said.wrong_size, size=size))
                asked = asked | set(REQUIRED_FACTS)  # she repeats what she said
            to_say = [fact for fact in REQUIRED_FACTS if fact in asked]
            if to_say:
                revealed = [fact for fact in to_say if fact not in self.revealed]
                self.revealed.update(to_say)
                lines.append(Line(
                    zh="，".join(card.facts[f].say.zh for f in to_say) + "。",
                    en=", ".join(card.facts[f].say.en for f in to_say) + ".",
                ))
            elif not lines:
                events.append("ignored")
                lines.append(self._pick(said.ignored))
        elif self.phase == "order":
            if signals.has_numbered_steps(reply) and "jargon" not in events:
                events.append("clear_steps")
                self.phase = "done"
                self.ended = "satisfied"
                return [self._pick(said.satisfied)], events, []
            events.append("no_steps")
            lines.append(self._pick(said.no_steps))
        return lines, events, revealed

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


def _jargon_terms() -> tuple[str, ...]:
    from kit.shop import catalogue

    return tuple(catalogue().jargon)
