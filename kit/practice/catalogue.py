"""The practice model's instruction catalogue: load it, match a prompt against it, explain the match."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from kit.errors import CardError

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")


class Instruction(BaseModel):
    """One instruction the practice model can recognise, and what it does without it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    en: tuple[str, ...]
    zh: tuple[str, ...]
    does: str
    without: str

    @field_validator("en", "zh")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        if not patterns:
            raise ValueError("needs at least one phrasing")
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"phrasing {pattern!r} is not a valid regular expression: {error}") from None
        return patterns

    def matches(self, line: str) -> bool:
        return any(re.search(p, line, re.IGNORECASE) for p in (*self.en, *self.zh))


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    instructions: tuple[Instruction, ...]
    replies: dict[str, dict[str, tuple[str, ...]]]
    dialect: dict[str, str] = {}


@cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """Read and validate the catalogue file (once)."""
    try:
        return Catalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as error:
        raise CardError(f"{path}: {error}") from None


@dataclass(frozen=True)
class Recognised:
    """An instruction and the prompt line that triggered it (None when not found)."""

    instruction: Instruction
    line_number: int | None
    line: str | None

    @property
    def found(self) -> bool:
        return self.line_number is not None


def recognise(system_prompt: str) -> dict[str, Recognised]:
    """Which catalogue instructions the prompt contains, keyed by id, each with its first matching line."""
    lines = system_prompt.splitlines() or [system_prompt]
    result = {}
    for instruction in load_catalogue().instructions:
        hit = next(((n, text) for n, text in enumerate(lines, 1) if instruction.matches(text)), (None, None))
        result[instruction.id] = Recognised(instruction, *hit)
    return result


@dataclass(frozen=True)
class Explanation:
    """What the practice model will do with a prompt, instruction by instruction."""

    prompt: str
    rows: tuple[Recognised, ...]

    @property
    def recognised(self) -> list[str]:
        return [row.instruction.id for row in self.rows if row.found]

    def __str__(self) -> str:
        out = ["Practice model (offline stand-in): what it recognised in this prompt"]
        for row in self.rows:
            if row.found:
                out.append(f"  [x] {row.instruction.title} — line {row.line_number}: {row.line.strip()!r}")
                out.append(f"      → {row.instruction.does}")
            else:
                out.append(f"  [ ] {row.instruction.title} — not found")
                out.append(f"      → without it: {row.instruction.without}")
        return "\n".join(out)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        """IPython's plain-text view: the readable text, not the dataclass fields."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        cells = []
        for row in self.rows:
            mark = "✅" if row.found else "—"
            source = (
                f"line {row.line_number}: <code>{html.escape(row.line.strip())}</code>" if row.found else "not found"
            )
            effect = row.instruction.does if row.found else f"<i>without it:</i> {html.escape(row.instruction.without)}"
            cells.append(
                f"<tr><td>{mark}</td><td style='text-align:left'>{html.escape(row.instruction.title)}</td>"
                f"<td style='text-align:left'>{source}</td><td style='text-align:left'>{effect}</td></tr>"
            )
        return (
            "<p><b>Practice model (offline stand-in)</b>: what it recognised in this prompt</p>"
            "<table><tr><th></th><th style='text-align:left'>instruction</th><th style='text-align:left'>where</th>"
            "<th style='text-align:left'>effect</th></tr>"
            + "".join(cells)
            + "</table>"
        )


def explain(system_prompt: str) -> Explanation:
    """Show which instructions the practice model recognises in a prompt, and from which lines."""
    return Explanation(system_prompt, tuple(recognise(system_prompt).values()))
