"""Persona cards: the YAML files that describe a simulated customer, validated by pydantic.

A card that breaks the schema fails with its file, the line of the offending field where it
can be found, the field's path, and what is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kit.errors import CardError


class _Card(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Line(_Card):
    """Something the customer says, and its English gloss (shown to learners on demand)."""

    zh: str
    en: str


class Goal(_Card):
    """The task the customer brings; `kit.shop` computes its right answer."""

    kind: Literal["size_advice"]
    sku: str


class Fact(_Card):
    """A fact the customer knows and gives only when asked (or when provoked into it)."""

    value: float = Field(description="the true value, in cm for height and kg for weight")
    say: Line = Field(description="how the customer words it, e.g. 一百二十斤")


class Style(_Card):
    typo_rate: float = Field(0.0, ge=0.0, le=1.0, description="share of common hanzi typed as a homophone")
    protect: tuple[str, ...] = Field((), description="words never garbled by typos (key words and facts)")
    novice: bool = Field(False, description="new to online shopping: shop jargon confuses them")
    max_reply_chars: int = Field(
        120, gt=0, description="a reply longer than this reads as a wall of text (English words count double)"
    )


class Emotion(_Card):
    """Upset level 0 (calm) to 10 (furious), per turn, and what moves it."""

    start: int = Field(ge=0, le=10)
    human_at: int = Field(ge=1, le=10, description="asks for a human at this level")
    leave_at: int = Field(ge=1, le=10, description="leaves the chat at this level")
    patience: int = Field(gt=0, description="asks for a human after this many replies without the task solved")
    raise_: dict[str, int] = Field(alias="raise")
    lower: dict[str, int]

    @model_validator(mode="after")
    def _order(self) -> Emotion:
        if not self.start < self.human_at <= self.leave_at:
            raise ValueError(f"need start < human_at <= leave_at, got {self.start}, {self.human_at}, {self.leave_at}")
        return self


class Lines(_Card):
    """What the customer says in each situation; one variant is picked per seed."""

    opening: tuple[Line, ...] = Field(min_length=1)
    guessed: tuple[Line, ...] = Field(min_length=1, description="the agent named a size before knowing her")
    jargon: tuple[Line, ...] = Field(min_length=1, description="{term}: a shop word she does not know")
    overwhelmed: tuple[Line, ...] = Field(min_length=1, description="asked for measurements she does not know")
    repeated: tuple[Line, ...] = Field(min_length=1, description="asked again for something she said")
    wrong_size: tuple[Line, ...] = Field(min_length=1, description="{size}: a size that cannot be right")
    right_size: tuple[Line, ...] = Field(min_length=1, description="{size}: accepts, asks how to order")
    no_steps: tuple[Line, ...] = Field(min_length=1, description="ordering explained too fast")
    ignored: tuple[Line, ...] = Field(min_length=1, description="the reply did not answer her")
    wall_of_text: tuple[Line, ...] = Field(min_length=1)
    satisfied: tuple[Line, ...] = Field(min_length=1)
    ask_human: tuple[Line, ...] = Field(min_length=1)
    refused_human: tuple[Line, ...] = Field(min_length=1, description="leaves after a refused hand-off")
    handed_off: tuple[Line, ...] = Field(min_length=1)
    leave: tuple[Line, ...] = Field(min_length=1)


class PersonaCard(_Card):
    """Everything the simulator needs to play one customer."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Line
    language: Literal["zh", "en"]
    background: Line
    goal: Goal
    facts: dict[Literal["height", "weight"], Fact]
    style: Style
    emotion: Emotion
    lines: Lines

    @model_validator(mode="after")
    def _goal_is_solvable(self) -> PersonaCard:
        from kit.shop import catalogue

        try:
            catalogue().chart_for(self.goal.sku)
        except KeyError as error:
            raise ValueError(f"goal.sku: {error.args[0]}") from None
        missing = {"height", "weight"} - set(self.facts)
        if missing:
            raise ValueError(f"a size_advice goal needs facts for {', '.join(sorted(missing))}")
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
    """Read and validate one card; problems are reported as `file:line: field: message`."""
    text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise CardError(f"{where}: not valid YAML: {getattr(error, 'problem', error)}") from None
    if not isinstance(raw, dict):
        raise CardError(f"{path}: a persona card is a YAML mapping (id:, name:, goal:, ...), not {type(raw).__name__}")
    try:
        return PersonaCard.model_validate(raw)
    except ValidationError as error:
        problems = []
        for issue in error.errors():
            field = ".".join(str(part) for part in issue["loc"]) or "(card)"
            line = _line_of(text, issue["loc"])
            where = f"{path}:{line}" if line else str(path)
            problems.append(f"{where}: {field}: {issue['msg']}")
        raise CardError("\n".join(problems)) from None
