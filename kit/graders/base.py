"""What every grader returns: a 0-100 score (or "not applicable"), the evidence, and a hint."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from kit.conversation import Transcript, Turn


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
        return f'turn {self.turn}: "{self.quote}" — {self.note}'


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
