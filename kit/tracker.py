"""Attempt history per lesson: every scored attempt is appended to a JSON-lines file, never rewritten.

    tracker = kit.Tracker("01_first_prompt")            # learner: KIT_LEARNER, else your user name
    tracker.log(agent, card)      # attempt 1, 2, 3, ...
    tracker.table(); tracker.plot(); tracker.plot_graders(); tracker.diff(1, 3)
    tracker.export("amy_01.jsonl")                      # a progress file to hand in

    kit.Tracker.import_files(["amy_01.jsonl", "bo_01.jsonl"])   # instructors: one row per attempt
"""

from __future__ import annotations

import difflib
import functools
import getpass
import html
import json
import math
import os
import re
import secrets
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit import __version__
from kit.artifacts import write_artifact
from kit.config import data_dir
from kit.i18n import N_, _, language
from kit.keys import scrub
from kit.plots import plain_labels

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure

    from kit.conversation import Agent
    from kit.graders import Scorecard

SESSION = secrets.token_hex(4)  # one per Python process: the plot marks where a re-run of a lesson starts
FORMAT = "kit-progress/1"  # the first line of an exported progress file says this
REQUIRED = {"attempt": int, "total": (int, float), "scores": dict, "prompt": str}


def default_learner() -> str:
    """The learner's name: KIT_LEARNER, else the name you are logged in as, else "learner"."""
    if name := os.environ.get("KIT_LEARNER", "").strip():
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in some containers
        return "learner"



def _grader_label(name: str) -> str:
    """A grader's line in a picture: its id in English (the name code uses), its title in Chinese."""
    if language() != "zh":
        return name
    from kit.graders import GRADERS

    titles = {grader.name: grader.title for grader in GRADERS}
    return _(titles[name]) if name in titles else name

class Tracker:
    """One learner's attempts at one lesson, stored in `<data folder>/<lesson>.jsonl`.

    Several learners may share a file: each attempt records its learner. Attempts written
    before learners had names count as the default learner's.
    """

    def __init__(self, lesson: str, folder: str | Path | None = None, learner: str | None = None) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", lesson or ""):
            raise ValueError(_(
                "Lesson name {lesson} cannot be a file name: use letters, digits, '_', '-' or '.', "
                "for example '01_first_prompt'."
            ).format(lesson=repr(lesson)))
        self.lesson = lesson
        self.learner = (default_learner() if learner is None else str(learner)).strip()
        if not self.learner:
            raise ValueError(_("The learner's name is empty: pass learner=\"your name\" or leave it out."))
        self.path = Path(folder) if folder is not None else data_dir()
        self.path = self.path / f"{lesson}.jsonl"

    def __repr__(self) -> str:
        return f"Tracker({self.lesson!r}, learner={self.learner!r}, {len(self.history())} attempts)"

    def _records(self) -> list[dict[str, Any]]:
        """Every record in the file, of every learner; a damaged line is skipped with a warning, never deleted."""
        if not self.path.is_file():
            return []
        records, unnamed = [], default_learner()
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                warnings.warn(
                    _("{path}, line {number}: not a complete record (perhaps the kernel stopped while "
                      "writing); skipped. The file is left as it is.").format(path=self.path, number=number),
                    stacklevel=3,
                )
                continue
            records.append({**record, "learner": record.get("learner") or unnamed})
        return records

    def history(self, learner: str | None = None) -> list[dict[str, Any]]:
        """Every attempt this tracker's learner (or `learner`) logged so far, oldest first."""
        name = self.learner if learner is None else learner
        return [record for record in self._records() if record["learner"] == name]

    def learners(self) -> list[str]:
        """The names of everyone with an attempt in this lesson's file."""
        return sorted({record["learner"] for record in self._records()})

    def log(self, agent: Agent, card: Scorecard, note: str = "") -> dict[str, Any]:
        """Append one attempt: the learner, the prompt, the model, the scores and the time."""
        entry = {
            "attempt": 0,  # numbered under the file's lock, below: two processes never take the same number
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "lesson": self.lesson,
            "learner": self.learner,
            "agent": agent.name,
            "model": agent.model.name,
            "prompt": agent.system_prompt,
            "persona": card.persona_id,
            "seed": card.seed,
            "total": card.total,
            "scores": card.scores,
            "note": note,
            "session": SESSION,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
            raise ValueError(_("{path}: the progress file is a link or not a regular file; the tracker writes only "
                               "to a file of its own. Remove it or set KIT_DATA_DIR to a folder of your own.").format(
                                   path=self.path))
        descriptor = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(descriptor, "a+", encoding="utf-8") as file:
            _lock(file)
            entry["attempt"] = len(self.history()) + 1
            file.seek(0, os.SEEK_END)
            if file.tell() > 0:
                file.seek(file.tell() - 1)
                if file.read(1) != "\n":  # a record cut short: start ours on a fresh line
                    file.write("\n")
            file.write(json.dumps(scrub(entry), ensure_ascii=False) + "\n")
            file.flush()
            os.fsync(file.fileno())
        return entry

    def table(self) -> pandas.DataFrame:
        """One row per attempt: total, each grader's score, and the prompt's first line."""
        import pandas as pd

        rows = [
            {"attempt": a["attempt"], "total": a["total"], **a["scores"], "prompt": a["prompt"].splitlines()[0][:50]}
            for a in self.history()
        ]
        return labelled(pd.DataFrame(rows).set_index("attempt").round(1), TABLE_LABELS) if rows else pd.DataFrame()

    def export(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write this learner's attempts to a progress file to hand in; never over a file unless `overwrite=True`."""
        path = Path(path)
        if path.resolve() == self.path.resolve():
            raise ValueError(_("{path} is the lesson's own history file: export to another file.").format(path=path))
        attempts = self.history()
        header = {"format": FORMAT, "kit_version": __version__, "lesson": self.lesson, "learner": self.learner,
                  "exported": datetime.now(timezone.utc).isoformat(timespec="seconds"), "attempts": len(attempts)}
        lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in (header, *attempts))
        return write_artifact(path, lines, overwrite=overwrite)

    @staticmethod
    def import_files(paths: str | Path | Iterable[str | Path]) -> pandas.DataFrame:
        """Instructors: every attempt in learners' progress files, one row each, sorted by learner and attempt.

        A file or line that cannot be read is skipped with a warning naming it (also kept in
        `.attrs["skipped"]`); the other files are still read.
        """
        import pandas as pd

        rows, skipped = [], []
        for path in [paths] if isinstance(paths, (str, Path)) else paths:
            found, problems = _read_progress(Path(path))
            rows += found
            skipped += problems
        for problem in skipped:
            warnings.warn(problem, stacklevel=2)
        front = ["learner", "lesson", "attempt", "time", "total"]
        back = ["model", "persona", "seed", "prompt", "note", "file"]
        table = pd.DataFrame(rows, columns=None if rows else front + back)
        graders = sorted(column for column in table.columns if column not in front + back)
        table = table.reindex(columns=front + graders + back).drop_duplicates(["learner", "lesson", "attempt", "time", "total", "prompt"])
        table = table.sort_values(["learner", "lesson", "attempt"], kind="stable").reset_index(drop=True)
        table.attrs["skipped"] = skipped
        return table

    @plain_labels
    def plot(self, ax: Any = None, *, graders: bool = True, learner: str | None = None) -> Figure:
        """The learning curve: the total per attempt, bold, over each grader's score, faint.

        `learner` draws another learner's curve from this lesson's file. Returns the figure:
        a notebook shows it as the cell's value; a script can `savefig` it.
        """
        import matplotlib.pyplot as plt

        attempts = self._attempts_of(learner)
        if ax is None:
            fig, ax = plt.subplots(figsize=(6.4, 3.6))
        else:
            fig = ax.figure
        xs = [a["attempt"] for a in attempts]
        for name in _graders(attempts) if graders else []:
            ax.plot(xs, _scores(attempts, name), marker=".", alpha=0.35, label=_grader_label(name))
        totals = [a["total"] for a in attempts]
        ax.plot(xs, totals, marker="o", linewidth=2.5, color="black", label=_(TOTAL))
        for x, y in zip(xs, totals):
            ax.annotate(f"{y:.0f}", (x, y), textcoords="offset points", xytext=(0, 7), ha="center")
        for before, after in zip(attempts, attempts[1:]):
            if before.get("session") and after.get("session") and before["session"] != after["session"]:
                ax.axvline(after["attempt"] - 0.5, linestyle=":", color="grey")
                ax.annotate(_("new session"), (after["attempt"] - 0.5, 104), ha="center", fontsize="x-small",
                            color="grey")
        title = _("Learning curve: {lesson} ({learner})").format(lesson=self.lesson, learner=learner or self.learner)
        ax.set(xlabel=_(ATTEMPT), ylabel=_("score (0-100)"), ylim=(-5, 110), title=title)
        if xs:
            ax.set_xticks(xs)
        ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize="small")
        fig.tight_layout()
        plt.close(fig)  # shown once, as the cell's value, not again by pyplot's automatic display
        return fig

    @plain_labels
    def plot_graders(self, learner: str | None = None, columns: int = 3) -> Figure:
        """One small panel per grader: its score per attempt, with the total faint behind it."""
        import matplotlib.pyplot as plt

        attempts = self._attempts_of(learner)
        names = _graders(attempts) or ["total"]
        rows = math.ceil(len(names) / columns)
        fig, axes = plt.subplots(rows, min(columns, len(names)), figsize=(3.2 * min(columns, len(names)), 2.4 * rows),
                                 sharex=True, sharey=True, squeeze=False)
        xs = [a["attempt"] for a in attempts]
        panels = axes.flatten()
        for ax, name in zip(panels, names):
            ax.plot(xs, [a["total"] for a in attempts], color="grey", alpha=0.35, linewidth=2, label=_(TOTAL))
            if name != "total":
                ax.plot(xs, _scores(attempts, name), marker="o", label=_grader_label(name))
            ax.set(title=_(TOTAL) if name == "total" else _grader_label(name), ylim=(-5, 110))
            if xs:
                ax.set_xticks(xs)
        for ax in panels[len(names):]:
            ax.axis("off")
        for ax in axes[-1]:
            ax.set_xlabel(_(ATTEMPT))
        for ax in axes[:, 0]:
            ax.set_ylabel(_("score"))
        fig.suptitle(_("Each grader per attempt, the total in grey: {lesson} ({learner})").format(
            lesson=self.lesson, learner=learner or self.learner))
        fig.tight_layout()
        plt.close(fig)  # shown once, as the cell's value
        return fig

    def diff(self, a: int | None = None, b: int | None = None) -> PromptDiff:
        """What changed in the prompt from attempt `a` to attempt `b` (default: the last two), and the score change."""
        attempts = {attempt["attempt"]: attempt for attempt in self.history()}
        numbers = sorted(attempts)
        if b is None and numbers:
            b = numbers[-1]
        if a is None and b is not None:
            a = max((n for n in numbers if n < b), default=None)  # the attempt before b
        for number in (a, b):
            if number not in attempts:
                have = (_("attempts {first}-{last}").format(first=numbers[0], last=numbers[-1]) if numbers
                        else _("no attempts yet"))
                asked = _("two attempts") if number is None else _("attempt {number}").format(number=number)
                raise ValueError(_("diff needs {asked}; {learner} has {have} in {lesson}.").format(
                    asked=asked, learner=self.learner, have=have, lesson=self.lesson))
        return PromptDiff(attempts[a], attempts[b])

    def _attempts_of(self, learner: str | None) -> list[dict[str, Any]]:
        """This learner's attempts, or `learner`'s, who must have some."""
        attempts = self.history(learner)
        if learner is not None and not attempts:
            here = ", ".join(self.learners()) or _("none")
            raise ValueError(_("No attempts by {learner} in {path}; learners here: {here}.").format(
                learner=repr(learner), path=self.path, here=here))
        return attempts


@dataclass(frozen=True)
class PromptDiff:
    """Two attempts side by side: the prompt's unified diff and how the scores moved."""

    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def lines(self) -> list[str]:
        """The unified diff of the two prompts, line by line (empty when they are the same)."""
        a, b = self.before, self.after
        return list(difflib.unified_diff(a["prompt"].splitlines(), b["prompt"].splitlines(),
                                         _("attempt {number}").format(number=a["attempt"]),
                                         _("attempt {number}").format(number=b["attempt"]), lineterm=""))

    @property
    def added(self) -> int:
        return sum(line.startswith("+") and not line.startswith("+++") for line in self.lines)

    @property
    def removed(self) -> int:
        return sum(line.startswith("-") and not line.startswith("---") for line in self.lines)

    @property
    def change(self) -> float:
        """The total's change, in points."""
        return round(self.after["total"] - self.before["total"], 1)

    @property
    def score_changes(self) -> dict[str, tuple[float | None, float | None]]:
        """Each grader whose score moved: (before, after); None where it did not apply."""
        old, new = self.before.get("scores", {}), self.after.get("scores", {})
        return {name: (old.get(name), new.get(name)) for name in sorted({*old, *new}) if old.get(name) != new.get(name)}

    def summary(self) -> str:
        """One line: which attempts, the total's change, and how many lines changed."""
        a, b = self.before, self.after
        lines = (_("{added} lines added, {removed} removed").format(added=self.added, removed=self.removed)
                 if self.lines else _("the prompt did not change"))
        totals = _("total {before} → {after} ({change})").format(before=f"{a['total']:.0f}", after=f"{b['total']:.0f}",
                                                                  change=f"{self.change:+.0f}")
        return _("Attempt {before} → {after}: {totals}; {lines}").format(before=a["attempt"], after=b["attempt"],
                                                                        totals=totals, lines=lines)

    def _moves(self) -> str:
        return ", ".join(f"{name} {_shown(x)} → {_shown(y)}" for name, (x, y) in self.score_changes.items())

    def __str__(self) -> str:
        moves = f"  {self._moves()}" if self.score_changes else ""
        return "\n".join(line for line in [self.summary(), moves, *self.lines] if line)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        """IPython's plain-text view: the readable text, not the dataclass fields."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colours = {"+": "#dcfce7", "-": "#fee2e2", "@": "#f1f5f9"}
        body = "".join(
            f"<div style='background:{colours.get(line[:1], 'none')}'>{html.escape(line) or '&nbsp;'}</div>"
            for line in self.lines[2:]  # the ---/+++ header is in the summary already
        )
        moves = f"<br><small>{html.escape(self._moves())}</small>" if self.score_changes else ""
        return (f"<div><b>{html.escape(self.summary())}</b>{moves}"
                f"<pre style='white-space:pre-wrap;margin-top:6px'>{body}</pre></div>")


TOTAL, ATTEMPT = N_("total"), N_("attempt")
TABLE_LABELS = {"attempt": ATTEMPT, "total": TOTAL, "prompt": N_("prompt")}


def labelled(frame: pandas.DataFrame, labels: dict[str, str]) -> pandas.DataFrame:
    """`frame` as it is for code (`table["total"]` works in every language), shown with its column and row labels
    (and the index's name) translated: `labels` maps a label to its N_-marked English text. In English the frame
    itself is returned."""
    if language() == "en":
        return frame
    shown = _labelled_frame()(frame)
    shown.shown_labels = labels
    return shown


@functools.cache
def _labelled_frame() -> type:
    """The DataFrame subclass `labelled` returns (made on first use: pandas loads only when a table is asked for)."""
    import pandas as pd

    class Labelled(pd.DataFrame):
        """A DataFrame whose views show translated labels; anything computed from it is a plain DataFrame."""

        _metadata = ["shown_labels"]

        @property
        def _constructor(self) -> type:
            return pd.DataFrame

        def _shown(self) -> pandas.DataFrame:
            names = {key: _(text) for key, text in self.shown_labels.items()}
            shown = pd.DataFrame(self).rename(columns=names, index=names)
            shown.index.name = names.get(self.index.name, self.index.name)
            return shown

        def _repr_html_(self) -> str | None:
            return self._shown()._repr_html_()

        def __repr__(self) -> str:
            return repr(self._shown())

        def to_string(self, *args: Any, **kwargs: Any) -> str:
            return self._shown().to_string(*args, **kwargs)

        def __reduce__(self) -> tuple:  # pickled (a worker process, a cache) as the plain DataFrame it holds
            return pd.DataFrame, (pd.DataFrame(self).copy(),)

    return Labelled


def _shown(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.0f}"


def _graders(attempts: list[dict[str, Any]]) -> list[str]:
    return sorted({name for a in attempts for name in a["scores"]})


def _scores(attempts: list[dict[str, Any]], name: str) -> list[float]:
    """One grader's score per attempt; NaN (a gap in the line) where it did not apply."""
    return [float("nan") if (y := a["scores"].get(name)) is None else y for a in attempts]


def _read_progress(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The attempts in one progress file as table rows, and a message for each part that could not be read."""
    if problem := unreadable(path):
        return [], [_("{path}: {problem}; skipped.").format(path=path, problem=problem)]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        why = _("not UTF-8 text") if isinstance(error, UnicodeDecodeError) else error.strerror or str(error)
        return [], [_("{path}: cannot be read ({why}); skipped.").format(path=path, why=why)]
    try:
        header = json.loads(lines[0]) if lines else None
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return [], [_("{path}, line 1: not a progress file (the first line should be a {format} header, "
                      "as tracker.export(path) writes it); skipped.").format(path=path, format=repr(FORMAT))]
    rows, problems = [], []
    for number, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            problems.append(_("{path}, line {number}: not valid JSON (perhaps cut short or edited); skipped.").format(
                path=path, number=number))
            continue
        fields = record if isinstance(record, dict) else {}
        wrong = [key for key, kind in REQUIRED.items() if not isinstance(fields.get(key), kind)]
        wrong += [key for key in ("learner", "lesson") if fields.get(key) is not None and not isinstance(fields[key], str)]
        if isinstance(fields.get("attempt"), bool) or isinstance(fields.get("total"), bool):
            wrong.append("attempt/total")
        if wrong:
            problems.append(_("{path}, line {number}: not an attempt (missing or wrong: {fields}); skipped.").format(
                path=path, number=number, fields=", ".join(wrong)))
            continue
        scores = record["scores"]
        clash = sorted(set(scores) & IDENTITY)
        odd = sorted(k for k, v in scores.items() if not isinstance(k, str) or not (v is None or isinstance(v, (int, float))
                                                                                   and not isinstance(v, bool)))
        if clash or odd:
            why = (_("scores has a field named {names}").format(names=", ".join(clash)) if clash
                   else _("scores.{name} is not a number").format(name=odd[0]))
            problems.append(_("{path}, line {number}: {why}; skipped.").format(path=path, number=number, why=why))
            continue
        rows.append({
            "learner": record.get("learner") or header.get("learner"),
            "lesson": record.get("lesson") or header.get("lesson"),
            "attempt": record["attempt"], "time": record.get("time"), "total": record["total"], **record["scores"],
            "model": record.get("model"), "persona": record.get("persona"), "seed": record.get("seed"),
            "prompt": record["prompt"], "note": record.get("note", ""), "file": path.name,
        })
    return rows, problems


IDENTITY = frozenset({"learner", "lesson", "attempt", "time", "total", "model", "persona", "seed", "prompt", "note", "file"})
MAX_PROGRESS_BYTES = 20_000_000  # a progress file larger than this is not a learner's hand-in


def unreadable(path: Path) -> str | None:
    """Why a hand-in cannot be read safely (a link, a pipe or device, too big), or None when it can."""
    if path.is_symlink():
        return _("a link, not a file of its own (it could point anywhere)")
    if not path.exists():
        return None  # reading it says so, as for any file that cannot be opened
    if not path.is_file():
        return _("not a regular file (a pipe, a device or a folder)")
    if path.stat().st_size > MAX_PROGRESS_BYTES:
        return _("{size} bytes, more than a progress file holds ({limit})").format(
            size=f"{path.stat().st_size:,}", limit=f"{MAX_PROGRESS_BYTES:,}")
    return None


def _lock(file: Any) -> None:
    """Hold the progress file while numbering and appending an attempt (released when the file closes)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        return
    fcntl.flock(file.fileno(), fcntl.LOCK_EX)
