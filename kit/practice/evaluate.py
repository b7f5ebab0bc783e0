"""How well the practice model reads prompt lines it was not written against.

    from kit.practice.evaluate import evaluate
    print(evaluate("tests/data/instructions/test"))

The corpus (`tests/data/instructions/`) is lines of system prompts written outside the project by
writers who never saw the catalogue or the reader, each labelled with the instructions it gives
(`ask_first`), negates (`not:handoff`) or none (`[]`); split by writer into dev/ (the reader was
developed against it) and test/ (never tuned on).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.corpus import load_items
from kit.practice.reading import read_line


def load(folder: str | Path) -> list[dict[str, Any]]:
    """Every line of a corpus folder's .jsonl files; a bad line names its file and line."""
    def check(item: dict[str, Any]) -> None:
        if not isinstance(item["line"], str) or not isinstance(item["labels"], list):
            raise TypeError("line must be text and labels a list")

    return load_items(folder, check, "not a corpus line ({error}); each line is a JSON object with line and labels.")


@dataclass
class Recognition:
    """Agreement of the reader with the labels of one corpus split."""

    per_instruction: Counter[str] = field(default_factory=Counter)  # labelled lines
    recognised: Counter[str] = field(default_factory=Counter)  # of those, recognised as that instruction
    by_likeness: int = 0  # of the recognised, how many by likeness to example lines rather than the catalogue's wording
    negations: int = 0
    read_as_contradiction: int = 0  # negating lines recognised as the contradiction (and not credited)
    credited_negations: int = 0  # negating lines credited as the instruction they negate
    neutral: int = 0
    neutral_matched: int = 0
    instruction_lines: int = 0
    with_extra: int = 0  # instruction lines also credited with an unlabelled instruction
    with_stray_contradiction: int = 0  # instruction lines read as contradicting an instruction they do not negate
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, label, line)

    @property
    def recall(self) -> float:
        return sum(self.recognised.values()) / max(1, sum(self.per_instruction.values()))

    def __str__(self) -> str:
        worst = sorted(self.per_instruction, key=lambda i: self.recognised[i] / self.per_instruction[i])[:5]
        return (f"instruction lines recognised: {self.recall:.1%} ({sum(self.recognised.values())}/"
                f"{sum(self.per_instruction.values())}, {self.by_likeness} of them by likeness); negating lines read as the contradiction: "
                f"{self.read_as_contradiction}/{self.negations}, credited as the instruction: {self.credited_negations}; "
                f"neutral lines matched: {self.neutral_matched}/{self.neutral} ({self.neutral_matched / max(1, self.neutral):.1%}); "
                f"lines credited with an extra instruction: {self.with_extra}/{self.instruction_lines}, "
                f"contradicting one they do not negate: {self.with_stray_contradiction}/{self.instruction_lines}\n"
                "  weakest: " + ", ".join(f"{i} {self.recognised[i]}/{self.per_instruction[i]}" for i in worst))


def evaluate(folder: str | Path) -> Recognition:
    """Read every line of a corpus split and compare with its labels."""
    result = Recognition()
    for item in load(folder):
        reading = read_line(item["line"])
        labels = item["labels"]
        wanted = {label for label in labels if not label.startswith("not:")}
        negated = {label[4:] for label in labels if label.startswith("not:")}
        for label in wanted:
            result.per_instruction[label] += 1
            if label in reading.gives:
                result.recognised[label] += 1
                result.by_likeness += label in reading.likened
            else:
                result.misses.append(("instruction", label, item["line"]))
        if wanted:
            result.instruction_lines += 1
            result.with_extra += bool(set(reading.gives) - wanted)
            result.with_stray_contradiction += bool(set(reading.contradicts) - negated)
        for label in negated:
            result.negations += 1
            result.credited_negations += label in reading.gives
            if label in reading.contradicts:
                result.read_as_contradiction += 1
            else:
                result.misses.append(("negation", label, item["line"]))
        if not labels:
            result.neutral += 1
            if reading.gives or reading.contradicts:
                result.neutral_matched += 1
                result.misses.append(("neutral", ",".join(reading.gives or reading.contradicts), item["line"]))
    return result
