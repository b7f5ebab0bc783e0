"""Calibration: do the graders agree with a careful human reviewer?

    from kit.calibration import calibrate
    report = calibrate("tests/data/calibration")   # -> Calibration
    print(report)                                  # per grader: items, agreement, Cohen's kappa, disagreements

Each file of the folder is a transcript (`Transcript.to_dict()`), or a plain chat log (`persona`,
`system_prompt` and `messages`, read by `kit.chat_log` the way an instructor grades an exported
conversation), plus a `labels` object that says,
for every grader, what a human reviewer judged after reading the conversation and the grader's
stated purpose: "pass" (the agent did this well), "fail", or "n/a" (the quality does not come up),
each with a one-line "why". Optional `about` (one line) and `quality` (good, bad or subtle) describe
the file. A grader's verdict is "pass" for a score of 80 or more (`PASS_MARK`), "fail" below, and
"n/a" when it does not apply (score None); it is compared with the label as one of three
categories, and agreement is summarised as the share of equal verdicts and as Cohen's kappa.

The LLM judge joins in when a real model is configured (or one is passed): its empathy, clarity
and task rubrics are compared with the empathy, clarity and task_solved labels, on the files whose
label is pass or fail (the judge always answers with a score, so it has no "n/a").
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit import columns
from kit.conversation import Transcript, Turn
from kit.errors import KitError
from kit.graders import GRADERS
from kit.graders.base import GraderResult
from kit.i18n import N_, _

PASS_MARK = 80.0
VERDICTS = ("pass", "fail", "n/a")
QUALITIES = ("good", "bad", "subtle")
EXTRA_FIELDS = ("labels", "about", "quality")  # what a calibration file adds to Transcript.to_dict()
TASK_KINDS = ("size_advice", "price_quote", "how_to_order", "product_advice", "return_request", "handoff", "shipping_question")
# The judge's rubrics, and the label each is compared with.
JUDGE_RUBRICS = {"empathy": "empathy", "clarity": "clarity", "task": "task_solved"}


class CalibrationError(KitError):
    """A calibration file (or folder) is not what `calibrate` reads; the message names the file and field."""


@dataclass(frozen=True)
class Label:
    """A human reviewer's verdict on one grader for one transcript."""

    verdict: str  # pass, fail or n/a
    why: str


@dataclass(frozen=True)
class Item:
    """One labelled transcript."""

    path: Path
    transcript: Transcript
    labels: dict[str, Label]
    about: str = ""
    quality: str = ""

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Disagreement:
    """A transcript where a grader's verdict differs from the label."""

    file: str
    grader: str
    label: str
    verdict: str
    score: float | None
    why: str  # the label's reason
    note: str = ""  # what the grader saw (its first evidence against the agent, or its hint)

    def __str__(self) -> str:
        score = "n/a" if self.score is None else f"{self.score:g}"
        text = _("{file}: label {label}, grader {verdict} (score {score}) — label's why: {why}").format(
            file=self.file, label=self.label, verdict=self.verdict, score=score, why=self.why)
        return text + (" | " + _("grader saw: {note}").format(note=self.note) if self.note else "")


@dataclass(frozen=True)
class GraderCalibration:
    """How one grader's verdicts compare with the labels."""

    name: str
    title: str
    pairs: tuple[tuple[str, str], ...]  # (label, verdict) per item compared
    disagreements: tuple[Disagreement, ...] = ()
    skipped: int = 0  # items left out (the judge on n/a labels)

    @property
    def items(self) -> int:
        return len(self.pairs)

    @property
    def agreed(self) -> int:
        return sum(label == verdict for label, verdict in self.pairs)

    @property
    def agreement(self) -> float:
        """Percent of items where the verdict equals the label (0 when nothing was compared)."""
        return 100.0 * self.agreed / self.items if self.items else 0.0

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa over pass/fail/n/a; None when it is undefined (see `cohen_kappa`)."""
        return cohen_kappa(self.pairs)

    @property
    def labelled(self) -> int:
        """Items whose label is pass or fail (not n/a)."""
        return sum(label != "n/a" for label, _ in self.pairs)

    def confusion(self) -> dict[tuple[str, str], int]:
        """{(label, verdict): count}, every pair of categories present (zeros included)."""
        counts = Counter(self.pairs)
        return {(a, b): counts[(a, b)] for a in VERDICTS for b in VERDICTS}


@dataclass(frozen=True)
class Calibration:
    """Every grader against the labels of one folder."""

    folder: Path
    items: tuple[Item, ...]
    graders: tuple[GraderCalibration, ...]
    judge_model: str = ""  # the judge's model, when it ran
    notes: tuple[str, ...] = field(default_factory=tuple)

    def grader(self, name: str) -> GraderCalibration:
        for grader in self.graders:
            if grader.name == name:
                return grader
        raise KeyError(_("No grader {name} in this calibration: {graders}.").format(
            name=repr(name), graders=", ".join(g.name for g in self.graders)))

    @property
    def disagreements(self) -> list[Disagreement]:
        return [d for grader in self.graders for d in grader.disagreements]

    def counts(self) -> dict[str, Counter[str]]:
        """How many files per persona and per quality (good, bad, subtle)."""
        return {"persona": Counter(item.transcript.persona_id for item in self.items),
                "quality": Counter(item.quality or "unmarked" for item in self.items)}

    def __str__(self) -> str:
        qualities = ", ".join(f"{n} {_(q)}" for q, n in sorted(self.counts()["quality"].items()))
        head = [_(label) for label in HEADERS]
        lines = [
            _("Grader calibration: {count} labelled transcripts in {folder} ({qualities})").format(
                count=len(self.items), folder=self.folder, qualities=qualities),
            _("verdict: pass if score >= {mark}, fail below, n/a when the grader does not apply; "
              "kappa: Cohen's, over pass/fail/n/a").format(mark=f"{PASS_MARK:g}"),
            "",
            f"{columns.ljust(head[0], 16)} {columns.rjust(head[1], 5)} {columns.rjust(head[2], 8)} {columns.rjust(head[3], 6)} "
            f"{columns.rjust(head[4], 9)} {columns.rjust(head[5], 6)}",
        ]
        for g in self.graders:
            kappa = "—" if g.kappa is None else f"{g.kappa:.2f}"
            lines.append(f"{g.name:<16} {g.items:>5} {g.labelled:>8} {g.agreed:>6} {g.agreement:>8.1f}% {kappa:>6}")
        lines += ["", _("labelled: items whose label is pass or fail; agree: items where the grader's verdict equals "
                        "the label")]
        lines += list(self.notes)
        if self.disagreements:
            lines += ["", _("Disagreements ({count}):").format(count=len(self.disagreements))]
            for g in self.graders:
                if g.disagreements:
                    lines.append(f"  {g.name}")
                    lines += [f"    {d}" for d in g.disagreements]
        else:
            lines += ["", _("No disagreements.")]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        printer.text(str(self))

    def _repr_html_(self) -> str:
        rows = []
        for g in self.graders:
            colour = "#16a34a" if g.agreement >= 90 else "#d97706" if g.agreement >= 75 else "#dc2626"
            kappa = "—" if g.kappa is None else f"{g.kappa:.2f}"
            rows.append(
                f"<tr><td style='text-align:left'>{html.escape(g.name)}</td><td>{g.items}</td><td>{g.labelled}</td>"
                f"<td style='color:{colour}'><b>{g.agreement:.1f}%</b></td><td>{kappa}</td>"
                f"<td>{len(g.disagreements)}</td></tr>"
            )
        head = "".join(f"<th>{_(label)}</th>" for label in HTML_HEADERS)
        table = f"<table><tr>{head}</tr>{''.join(rows)}</table>"
        details = "".join(
            f"<details><summary>{html.escape(g.name)}: {len(g.disagreements)}</summary><ul>"
            + "".join(
                f"<li><code>{html.escape(d.file)}</code>: "
                + _("label <b>{label}</b>, grader <b>{verdict}</b> (score {score}) — {why}").format(
                    label=d.label, verdict=d.verdict, score="n/a" if d.score is None else f"{d.score:g}",
                    why=html.escape(d.why))
                + (f"<br><small>{_('grader saw: {note}').format(note=html.escape(d.note))}</small>" if d.note else "")
                + "</li>"
                for d in g.disagreements)
            + "</ul></details>"
            for g in self.graders if g.disagreements
        )
        notes = "".join(f"<br><small>{html.escape(n)}</small>" for n in self.notes)
        return ("<div>" + _("<b>Grader calibration</b>: {count} labelled transcripts in <code>{folder}</code> "
                            "<small>(pass: score &ge; {mark}; kappa: Cohen's over pass/fail/n/a)</small>").format(
                                count=len(self.items), folder=html.escape(str(self.folder)), mark=f"{PASS_MARK:g}")
                + f"{table}{notes}{details}</div>")


# What the views show (the verdicts pass, fail and n/a are the labels' own words and stay as they are).
HEADERS = (N_("grader"), N_("items"), N_("labelled"), N_("agree"), N_("agreement"), N_("kappa"))
HTML_HEADERS = (N_("grader"), N_("items"), N_("labelled"), N_("agreement"), N_("kappa"), N_("disagreements"))
QUALITY_NAMES = (N_("good"), N_("bad"), N_("subtle"), N_("unmarked"))


# ---------------------------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------------------------

def verdict(score: float | None) -> str:
    """A grader's score as a verdict: pass (>= PASS_MARK), fail, or n/a (None)."""
    if score is None:
        return "n/a"
    return "pass" if score >= PASS_MARK else "fail"


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' categories, given as (rater A, rater B) pairs.

    kappa = (p_o - p_e) / (1 - p_e), where p_o is the share of pairs that agree and p_e the
    agreement expected by chance: the sum over categories of A's share times B's share.
    1 is perfect agreement, 0 what chance gives, below 0 worse than chance. None when it is
    undefined: no pairs, or both raters put every item in the same single category (p_e = 1).
    """
    pairs = list(pairs)
    n = len(pairs)
    if n == 0:
        return None
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    observed = sum(a == b for a, b in pairs) / n
    expected = sum(first[c] * second[c] for c in first.keys() | second.keys()) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


# ---------------------------------------------------------------------------------------------
# Reading the files
# ---------------------------------------------------------------------------------------------

def load_item(path: str | Path, graders: Sequence[str] | None = None) -> Item:
    """Read one labelled transcript; a CalibrationError names the file and the field that is wrong."""
    path = Path(path)
    names = tuple(graders) if graders is not None else tuple(g.name for g in GRADERS)
    where = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CalibrationError(_("{path}: no such file.").format(path=path)) from None
    except UnicodeDecodeError as error:
        raise CalibrationError(_("{where}: not UTF-8 text ({reason} at byte {start}).").format(
            where=where, reason=error.reason, start=error.start)) from None
    except json.JSONDecodeError as error:
        raise CalibrationError(_("{where}: not valid JSON (line {line}, column {column}: {problem}).").format(
            where=where, line=error.lineno, column=error.colno, problem=error.msg)) from None
    if not isinstance(data, dict):
        raise CalibrationError(_("{where}: the file must hold one JSON object (a transcript with `labels`), "
                                 "not a {kind}.").format(where=where, kind=type(data).__name__))
    labels = _labels(where, data.get("labels"), names)
    about, quality = data.get("about", ""), data.get("quality", "")
    if not isinstance(about, str):
        raise CalibrationError(_("{where}: `about` must be one line of text.").format(where=where))
    if quality and quality not in QUALITIES:
        raise CalibrationError(_("{where}: `quality` is {quality}; use one of {qualities}.").format(
            where=where, quality=repr(quality), qualities=", ".join(QUALITIES)))
    if "messages" in data:
        transcript = _chat_log(where, data)
    else:
        transcript = _transcript(where, {k: v for k, v in data.items() if k not in EXTRA_FIELDS})
    return Item(path, transcript, labels, about, quality)


CHAT_LOG_FIELDS = ("persona", "tasks", "system_prompt", "messages", "model", "page")


def _chat_log(where: str, data: dict[str, Any]) -> Transcript:
    """A labelled chat log (persona or tasks, system prompt, messages) as the transcript kit.chat_log builds."""
    from kit.graders.chat_log import chat_log

    unknown = sorted(set(data) - set(CHAT_LOG_FIELDS) - set(EXTRA_FIELDS))
    if unknown:
        raise CalibrationError(_("{where}: `{field}` is not a chat-log field; a labelled chat log has "
                                 "{fields} and {extra}.").format(where=where, field=unknown[0],
                                                                 fields=", ".join(CHAT_LOG_FIELDS),
                                                                 extra=", ".join(EXTRA_FIELDS)))
    try:
        return chat_log(data["messages"], persona=data.get("persona"), tasks=data.get("tasks"),
                        system_prompt=data.get("system_prompt", ""), model=data.get("model", "chat log"),
                        page=data.get("page"), where=where)
    except KitError as error:
        raise CalibrationError(str(error)) from None


def _labels(where: str, raw: Any, names: Sequence[str]) -> dict[str, Label]:
    if raw is None:
        raise CalibrationError(_("{where}: no `labels` object: add one with a label for each grader "
                                 "({graders}).").format(where=where, graders=", ".join(names)))
    if not isinstance(raw, dict):
        raise CalibrationError(_("{where}: `labels` must be an object of grader -> {{\"label\", \"why\"}}.").format(
            where=where))
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise CalibrationError(_("{where}: labels.{name} is not a grader; the graders are {graders}.").format(
            where=where, name=unknown[0], graders=", ".join(names)))
    found = {}
    for name in names:
        entry = raw.get(name)
        if entry is None:
            raise CalibrationError(_("{where}: labels.{name} is missing (every grader needs a label: pass, fail or "
                                     "n/a).").format(where=where, name=name))
        if not isinstance(entry, dict):
            raise CalibrationError(_("{where}: labels.{name} must be an object {{\"label\": ..., \"why\": ...}}.").format(
                where=where, name=name))
        label = entry.get("label")
        if label not in VERDICTS:
            raise CalibrationError(_("{where}: labels.{name}.label is {label}; use pass, fail or n/a.").format(
                where=where, name=name, label=repr(label)))
        why = entry.get("why")
        if not isinstance(why, str) or not why.strip():
            raise CalibrationError(_("{where}: labels.{name}.why is empty: say in one line why the label is {label}.").format(
                where=where, name=name, label=label))
        extra = sorted(set(entry) - {"label", "why"})
        if extra:
            raise CalibrationError(_("{where}: labels.{name}.{field} is not a label field (use label and why).").format(
                where=where, name=name, field=extra[0]))
        found[name] = Label(label, why.strip())
    return found


_TURN_FIELDS = {f.name for f in dataclasses.fields(Turn)}
_REQUIRED_TRANSCRIPT = tuple(f.name for f in dataclasses.fields(Transcript)
                             if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)


def _transcript(where: str, data: dict[str, Any]) -> Transcript:
    known = {f.name for f in dataclasses.fields(Transcript)}
    for name in (*_REQUIRED_TRANSCRIPT, "turns"):
        if name not in data:
            raise CalibrationError(_("{where}: the transcript field `{name}` is missing (see Transcript.to_dict()).").format(
                where=where, name=name))
    unknown = sorted(set(data) - known)
    if unknown:
        raise CalibrationError(_("{where}: `{field}` is not a transcript field; a calibration file is "
                                 "Transcript.to_dict() plus {extra}.").format(where=where, field=unknown[0],
                                                                             extra=", ".join(EXTRA_FIELDS)))
    tasks = data["tasks"]
    if not isinstance(tasks, list) or not tasks:
        raise CalibrationError(_("{where}: `tasks` must list what the customer came for (at least one task).").format(
            where=where))
    for n, task in enumerate(tasks):
        if not isinstance(task, dict) or task.get("kind") not in TASK_KINDS:
            kind = task.get("kind") if isinstance(task, dict) else task
            raise CalibrationError(_("{where}: tasks[{n}].kind is {kind}; use one of {kinds}.").format(
                where=where, n=n, kind=repr(kind), kinds=", ".join(TASK_KINDS)))
    turns = data["turns"]
    if not isinstance(turns, list) or not turns:
        raise CalibrationError(_("{where}: `turns` must be a non-empty list of turns.").format(where=where))
    for n, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise CalibrationError(_("{where}: turns[{n}] must be an object.").format(where=where, n=n))
        for name in ("number", "role", "text"):
            if name not in turn:
                raise CalibrationError(_("{where}: turns[{n}].{name} is missing.").format(where=where, n=n, name=name))
        if turn["role"] not in ("customer", "agent"):
            raise CalibrationError(_("{where}: turns[{n}].role is {role}; use customer or agent.").format(
                where=where, n=n, role=repr(turn["role"])))
        if not isinstance(turn["text"], str):
            raise CalibrationError(_("{where}: turns[{n}].text must be text.").format(where=where, n=n))
        extra = sorted(set(turn) - _TURN_FIELDS)
        if extra:
            raise CalibrationError(_("{where}: turns[{n}].{field} is not a turn field.").format(where=where, n=n,
                                                                                               field=extra[0]))
    if "page" not in data:  # recorded before transcripts kept the page: the card's, as the simulation used it
        from kit.personas import load

        try:
            data = {**data, "page": load(data["persona_id"]).card.page}
        except KitError:
            pass
    try:
        return Transcript.from_dict(data)
    except (TypeError, ValueError, KeyError) as error:
        raise CalibrationError(_("{where}: not a transcript: {error}.").format(where=where, error=error)) from None


def load_folder(folder: str | Path, graders: Sequence[str] | None = None) -> tuple[Item, ...]:
    """Every `*.json` file of the folder, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CalibrationError(_("{folder}: no such folder of labelled transcripts.").format(folder=folder))
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise CalibrationError(_("{folder}: no *.json labelled transcripts in this folder.").format(folder=folder))
    return tuple(load_item(path, graders) for path in paths)


def default_folder(name: str = "calibration") -> Path:
    """One of the kit's own calibration sets, in tests/data of the repository (or of the current folder).

    `calibration`: 52 transcripts labelled alongside the graders (in-sample); `chatlogs`: 70 chat logs
    written and labelled outside the project, never tuned on (out-of-sample).
    """
    for root in (Path(__file__).resolve().parent.parent, Path.cwd()):
        candidate = root / "tests" / "data" / name
        if candidate.is_dir():
            return candidate
    raise CalibrationError(_("No calibration set found (tests/data/{name}): run from the kit's repository "
                             "or name a folder: `kit graders calibrate FOLDER`.").format(name=name))


SETS = {"in-sample": "calibration", "out-of-sample": "chatlogs"}


def calibrate_sets(judge: Any = None) -> dict[str, Calibration]:
    """The kit's two calibration sets, in-sample and out-of-sample, each calibrated."""
    return {label: calibrate(default_folder(name), judge=judge) for label, name in SETS.items()}


# ---------------------------------------------------------------------------------------------
# Running the graders
# ---------------------------------------------------------------------------------------------

Grade = Callable[[Transcript], GraderResult]


def calibrate(folder: str | Path | None = None, judge: Any = None) -> Calibration:
    """Run every grader on every labelled transcript of `folder` and compare the verdicts with the labels.

    `judge`: None runs the LLM judge only when a real model is configured; False never runs it;
    a model name or ChatModel runs it with that model.
    """
    folder = Path(folder) if folder is not None else default_folder()
    items = load_folder(folder)
    results = [_compare(items, grader.name, grader.title, grader) for grader in GRADERS]
    notes: list[str] = []
    model_name = ""
    judges = _judges(judge)
    if judges:
        model_name = judges[0][1]
        for rubric, (grade, _model) in zip(JUDGE_RUBRICS, judges):
            results.append(_compare(items, f"judge:{rubric}", f"Judge ({rubric})", grade, label=JUDGE_RUBRICS[rubric],
                                    skip_na=True))
        notes.append(_("judge ({model}): each rubric against its grader's labels, on the files labelled pass or "
                       "fail.").format(model=model_name))
    else:
        notes.append(_("judge: not run (no real model configured)."))
    return Calibration(folder, items, tuple(results), model_name, tuple(notes))


def _judges(judge: Any) -> list[tuple[Grade, str]]:
    """One judge per rubric, or none: without a real model the judge cannot run."""
    if judge is False:
        return []
    from kit.config import PRACTICE, load_settings
    from kit.graders.judge import Judge
    from kit.llm import get_model

    if judge is None or judge is True:
        settings = load_settings()
        if settings.is_practice:
            if judge is True:
                raise CalibrationError(_("The judge needs a real model: set KIT_MODEL (see `kit doctor`)."))
            return []
        model = get_model(None, settings)
    else:
        model = get_model(judge)
        if model.name == PRACTICE:
            return []
    return [(Judge(model, rubric=rubric, threshold=PASS_MARK), model.name) for rubric in JUDGE_RUBRICS]


def _compare(items: Sequence[Item], name: str, title: str, grade: Grade, label: str | None = None,
             skip_na: bool = False) -> GraderCalibration:
    pairs, disagreements, skipped = [], [], 0
    for item in items:
        wanted = item.labels[label or name]
        if skip_na and wanted.verdict == "n/a":
            skipped += 1
            continue
        try:
            result = grade(item.transcript)
        except Exception as error:  # a grader that crashes on a file is a finding, named with the file
            raise CalibrationError(_("{file}: the {name} grader failed on it: {kind}: {error}").format(
                file=item.name, name=name, kind=type(error).__name__, error=error)) from error
        got = verdict(result.score)
        pairs.append((wanted.verdict, got))
        if got != wanted.verdict:
            disagreements.append(Disagreement(item.name, name, wanted.verdict, got, result.score, wanted.why,
                                              _saw(result)))
    return GraderCalibration(name, title, tuple(pairs), tuple(disagreements), skipped)


def _saw(result: GraderResult) -> str:
    """The grader's own account: its first evidence against the agent, else its first good evidence, else its hint."""
    against = [e for e in result.evidence if not e.good]
    shown = against or list(result.evidence)
    if shown:
        return _("turn {turn}: {note}").format(turn=shown[0].turn, note=shown[0].note)
    return result.hint
