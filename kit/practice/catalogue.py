"""The practice model's instruction catalogue: load it, read a prompt against it, explain the reading."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from kit.config import configured_model
from kit.errors import CardError
from kit.i18n import _, language
from kit.practice.literals import WordIndex

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")


@cache
def compile_pattern(text: str) -> re.Pattern[str]:
    """A catalogue pattern, compiled once as the reader uses it (case-insensitive): validating the catalogue compiles
    every pattern, and the reader then reuses them (Python's own cache holds fewer than the catalogue has)."""
    return re.compile(text, re.I)

Groups = tuple[tuple[str, ...], ...]


class Wording(BaseModel):
    """An instruction's title, effect and failure in Chinese (the English ones are the instruction's own fields)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    does: str
    without: str


class Instruction(BaseModel):
    """One instruction the practice model can recognise, what it does, and what it does without it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    wants: Groups
    avoids: Groups = ()
    example: dict[str, str]
    does: str
    without: str
    zh: Wording | None = None  # title, does and without in Chinese, shown when the kit speaks Chinese

    def shown(self, field: str) -> str:
        """The title, `does` or `without` in the learner's language (English where no Chinese is written)."""
        if language() == "zh" and self.zh is not None:
            return str(getattr(self.zh, field))
        return str(getattr(self, field))

    def examples(self) -> str:
        """How to phrase it: the example in the learner's language first, then the other one."""
        if language() == "zh":
            return f"“{self.example['zh']}” / \"{self.example['en']}\""
        return f"\"{self.example['en']}\" / “{self.example['zh']}”"

    @field_validator("wants", "avoids")
    @classmethod
    def _compiles(cls, groups: Groups) -> Groups:
        for group in groups:
            if not group:
                raise ValueError(_("a group needs at least one pattern"))
            for pattern in group:
                try:
                    compile_pattern(pattern)
                except re.error as error:
                    raise ValueError(_("pattern {pattern} is not a valid regular expression: {error}").format(
                        pattern=repr(pattern), error=error)) from None
        return groups

    @field_validator("wants")
    @classmethod
    def _has_wants(cls, groups: Groups) -> Groups:
        if not groups:
            raise ValueError(_("needs at least one group of patterns for what it wants"))
        return groups

    @field_validator("example")
    @classmethod
    def _example(cls, example: dict[str, str]) -> dict[str, str]:
        if set(example) != {"en", "zh"}:
            raise ValueError(_("example needs an en and a zh phrasing"))
        return example


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


@cache
def compiled() -> dict[str, tuple[tuple[tuple[re.Pattern[str], ...], ...], tuple[tuple[re.Pattern[str], ...], ...]]]:
    """Every instruction's `wants` and `avoids` groups, compiled once."""
    def groups(raw: Groups) -> tuple[tuple[re.Pattern[str], ...], ...]:
        return tuple(tuple(compile_pattern(text) for text in group) for group in raw)

    return {i.id: (groups(i.wants), groups(i.avoids)) for i in load_catalogue().instructions}


GroupKey = tuple[str, int, int]  # (instruction, 0 for `wants` or 1 for `avoids`, the group's place in them)


@cache
def first_words() -> WordIndex[GroupKey]:
    """Which groups a text may match, keyed `(instruction, side, index)`, by their first pattern's plain words alone
    (see `literals.py`): a group whose first words a line lacks cannot match it, or any clause of it, so the reader
    searches only the few groups that can."""
    return WordIndex({(i.id, side, index): [group[0]] for i in load_catalogue().instructions
                      for side, groups in enumerate((i.wants, i.avoids)) for index, group in enumerate(groups)})


@dataclass(frozen=True)
class Recognised:
    """An instruction and the prompt line that put it in force (None when it is not in force)."""

    instruction: Instruction
    line_number: int | None
    line: str | None
    contradicted: bool = False  # a line tells the agent not to do it

    @property
    def found(self) -> bool:
        return self.line_number is not None and not self.contradicted


def recognise(system_prompt: str) -> dict[str, Recognised]:
    """Which catalogue instructions are in force in the prompt, keyed by id, each with the line that gives it."""
    from kit.practice.reading import read_prompt

    reading = read_prompt(system_prompt)
    result = {}
    for instruction in load_catalogue().instructions:
        line = reading.line_for(instruction.id) if instruction.id in reading.follows else reading.against(instruction.id)
        result[instruction.id] = Recognised(instruction, line.number if line else None, line.text if line else None,
                                            contradicted=instruction.id in reading.refused)
    return result


def _in_turn(sentences: Iterable[str]) -> str:
    """Sentences one after another: "a; b" in English, "a；b。" in Chinese (one full stop, at the end)."""
    if language() != "zh":
        return "; ".join(sentences)
    return "；".join(s.rstrip("。") for s in sentences) + "。"


@dataclass(frozen=True)
class LineNote:
    """One line of the prompt as the practice model read it."""

    number: int
    text: str
    kind: str  # instruction, contradiction, none
    instructions: tuple[Instruction, ...]
    nearest: Instruction | None = None  # for an ignored line: the instruction it comes closest to
    likened: dict[str, tuple[str, ...]] = field(default_factory=dict)  # read by likeness, not wording: the cues
    set_aside: tuple[str, ...] = ()  # for an ignored line: words that name `nearest`, in a line that reads as a fact

    def _how(self, instruction: Instruction) -> str:
        """Nothing for a reading by the catalogue's wording; for one by likeness, that it was, and what weighed most."""
        if instruction.id not in self.likened:
            return ""
        cues = ", ".join(f"“{cue}”" for cue in self.likened[instruction.id] if cue)
        return " " + _("(read by likeness to example lines, not by the catalogue's wording; it weighed {cues})").format(
            cues=cues or "—")

    def words(self) -> str:
        """What the practice model made of the line, in the learner's language."""
        if self.kind == "instruction":
            return _("recognised: {instructions}").format(
                instructions=_in_turn(f"{i.shown('title')} → {i.shown('does')}{self._how(i)}" for i in self.instructions))
        if self.kind == "contradiction":
            return _("contradicts: {instructions}").format(instructions=_in_turn(
                _("this line tells the agent not to follow “{instruction}”, so instead it: {without}").format(
                    instruction=i.shown("title"), without=i.shown("without")) + self._how(i)
                for i in self.instructions))
        if self.nearest is not None and self.set_aside:
            return _("ignored: its words {words} name “{instruction}”, but the line reads as a fact or a role, not a rule "
                     "(by likeness to example lines); if you meant it, write for example {examples}").format(
                words=", ".join(f"“{word}”" for word in self.set_aside), instruction=self.nearest.shown("title"),
                examples=self.nearest.examples())
        if self.nearest is not None:
            return _("ignored (closest: {instruction}; if you meant it, write for example {examples})").format(
                instruction=self.nearest.shown("title"), examples=self.nearest.examples())
        return _("ignored: no instruction the practice model knows (a role, a fact or a tone is fine)")


@dataclass(frozen=True)
class Explanation:
    """What the practice model will do with a prompt: every line, then every instruction."""

    prompt: str
    rows: tuple[Recognised, ...]
    lines: tuple[LineNote, ...] = ()

    @property
    def recognised(self) -> list[str]:
        return [row.instruction.id for row in self.rows if row.found]

    @property
    def contradicted(self) -> list[str]:
        return [row.instruction.id for row in self.rows if row.contradicted]

    def __str__(self) -> str:
        out = [_("{practice_model}: how it read this prompt, line by line").format(
            practice_model=_("Practice model (offline stand-in)"))]
        if real := configured_model():
            out.append(_("(You are on {model}: it reads the prompt its own way. This is the practice model's reading; "
                         "your model's transcript shows what it did.)").format(model=real))
        for line in self.lines:
            out.append("  " + _("line {number}: {text}").format(number=line.number, text=repr(line.text.strip())))
            out.append(f"      {line.words()}")
        out.append(_("What it will do:"))
        for row in self.rows:
            title = row.instruction.shown("title")
            if row.found:
                out.append("  [x] " + _("{instruction} — line {number}: {text}").format(
                    instruction=title, number=row.line_number, text=repr(row.line.strip())))
                out.append(f"      → {row.instruction.shown('does')}")
            elif row.contradicted:
                out.append("  [!] " + _("{instruction} — contradicted by line {number}: {text}").format(
                    instruction=title, number=row.line_number, text=repr(row.line.strip())))
                out.append(f"      → {row.instruction.shown('without')}")
            else:
                out.append("  [ ] " + _("{instruction} — not found").format(instruction=title))
                out.append("      → " + _("without it: {without}").format(without=row.instruction.shown("without")))
        return "\n".join(out)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        """IPython's plain-text view: the readable text, not the dataclass fields."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        lines = "".join(
            f"<tr><td>{line.number}</td><td style='text-align:left'><code>{html.escape(line.text.strip())}</code></td>"
            f"<td>{ {'instruction': '✅', 'contradiction': '⚠️', 'none': '—'}[line.kind] }</td>"
            f"<td style='text-align:left'>{html.escape(line.words())}</td></tr>"
            for line in self.lines)
        cells = []
        for row in self.rows:
            mark = "✅" if row.found else "⚠️" if row.contradicted else "—"
            source = (_("line {number}: {text}").format(number=row.line_number,
                                                        text=f"<code>{html.escape(row.line.strip())}</code>")
                      if row.line_number else _("not found"))
            effect = (html.escape(row.instruction.shown("does")) if row.found else
                      f"<i>{_('without it:')}</i> {html.escape(row.instruction.shown('without'))}")
            cells.append(
                f"<tr><td>{mark}</td><td style='text-align:left'>{html.escape(row.instruction.shown('title'))}</td>"
                f"<td style='text-align:left'>{source}</td><td style='text-align:left'>{effect}</td></tr>"
            )
        real = configured_model()
        on_real = _("You are on {model}: it reads the prompt its own way. This is the practice model's reading; your "
                    "model's transcript shows what it did.").format(model=f"<b>{html.escape(real)}</b>") if real else ""
        return (
            "<p>" + _("{practice_model}: how it read this prompt, line by line").format(
                practice_model=f"<b>{_('Practice model (offline stand-in)')}</b>") + "</p>"
            + (f"<p><small>{on_real}</small></p>" if real else "")
            + f"<table><tr><th>{_('line')}</th><th style='text-align:left'>{_('text')}</th><th></th>"
            f"<th style='text-align:left'>{_('reading')}</th></tr>"
            + lines + f"</table><p>{_('What it will do:')}</p>"
            f"<table><tr><th></th><th style='text-align:left'>{_('instruction')}</th>"
            f"<th style='text-align:left'>{_('where')}</th><th style='text-align:left'>{_('effect')}</th></tr>"
            + "".join(cells)
            + "</table>"
        )


def explain(system_prompt: str) -> Explanation:
    """Show how the practice model reads a prompt: each line (recognised, contradicting or ignored) and what it will do."""
    from kit.practice.reading import read_prompt

    reading = read_prompt(system_prompt)
    by_id = {i.id: i for i in load_catalogue().instructions}
    notes = []
    for line in reading.lines:
        said = line.gives or line.contradicts
        ids = tuple(by_id[i] for i in said)
        closest, aside_words = None, ()
        if not ids and line.set_aside:  # its words name an instruction, but it reads as a fact: that is the closest
            aside_id, aside_words = next(iter(line.set_aside.items()))
            closest = by_id[aside_id]
        elif not ids:
            closest = nearest(line.text)
        notes.append(LineNote(line.number, line.text, line.kind, ids, closest,
                              {i: said[i] for i in said if i in line.likened}, aside_words))
    return Explanation(system_prompt, tuple(recognise(system_prompt).values()), tuple(notes))


def nearest(text: str) -> Instruction | None:
    """The instruction an ignored line comes closest to: the one it most reads like (by the likeness model, when
    that gives it one chance in five), else the one whose example phrasings share the most words with it."""
    from kit.practice.likeness import likeness
    from kit.practice.reading import normalise

    chances = likeness(normalise(text)).chances
    closest = max((i for i in load_catalogue().instructions), key=lambda i: chances.get(i.id, 0.0))
    if chances.get(closest.id, 0.0) >= 0.2:
        return closest

    def grams(value: str) -> set[str]:
        value = value.lower()
        words = set(re.findall(r"[a-z]{4,}", value))
        han = re.sub(r"[^\u4e00-\u9fff]", "", value)
        return words | {han[i: i + 2] for i in range(len(han) - 1)}

    seen = grams(text)
    best = max(load_catalogue().instructions, key=lambda i: len(seen & grams(i.example["en"] + " " + i.example["zh"] + " " + i.title)))
    shared = seen & grams(best.example["en"] + " " + best.example["zh"] + " " + best.title)
    return best if len(shared) >= 2 else None

