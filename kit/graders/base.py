"""What every grader returns: a 0-100 score (or "not applicable"), the evidence, and a hint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from kit.conversation import Transcript, Turn
from kit.i18n import N_, _

# The facts a customer gives, as the graders name them in their notes (the id itself in English).
FACT_NAMES = {
    "height": N_("fact: height"), "weight": N_("fact: weight"), "bust": N_("fact: bust"), "waist": N_("fact: waist"),
    "hips": N_("fact: hips"), "shoulder": N_("fact: shoulder"), "usual_size": N_("fact: usual_size"),
    "fit": N_("fact: fit"), "phone_last4": N_("fact: phone_last4"), "order_id": N_("fact: order_id"),
    "skin_type": N_("fact: skin_type"), "shade": N_("fact: shade"), "region": N_("fact: region"),
    "human": N_("fact: human"), "member": N_("fact: member"), "quantity": N_("fact: quantity"),
    "coupons": N_("fact: coupons"),
}


def fact_name(fact: str) -> str:
    """A fact as the learner reads it: its id in English ('order_id'), its name in Chinese (订单号)."""
    message = FACT_NAMES.get(fact)
    shown = _(message) if message else fact
    return fact if shown == message else shown


def joined(items: Iterable[str], separator: str = ", ") -> str:
    """Items listed the way the learner's language lists them: "a, b" in English, "a、b" in Chinese.

    `separator` is ", " (a list of words) or "; " (a list of clauses).
    """
    return {", ": _(", "), "; ": _("; ")}[separator].join(items)


@dataclass(frozen=True)
class Evidence:
    """A turn of the transcript and what the grader saw in it."""

    turn: int
    quote: str
    note: str
    good: bool = False  # evidence of something done right (hints point only at what went wrong)

    @classmethod
    def at(cls, turn: Turn, note: str, width: int = 60, good: bool = False) -> Evidence:
        text = " ".join(turn.text.split())
        return cls(turn.number, text if len(text) <= width else text[: width - 1] + "…", note, good)

    def __str__(self) -> str:
        return _('turn {turn}: "{quote}" — {note}').format(turn=self.turn, quote=self.quote, note=self.note)


@dataclass(frozen=True)
class GraderResult:
    """One quality of the conversation. `score is None` means the grader does not apply here."""

    name: str
    title: str
    score: float | None
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    hint: str = ""

    @property
    def applicable(self) -> bool:
        return self.score is not None


class Grader(Protocol):
    """Reads a transcript (and the shop's ground truth) and scores one quality."""

    name: str
    title: str

    def __call__(self, transcript: Transcript) -> GraderResult: ...
