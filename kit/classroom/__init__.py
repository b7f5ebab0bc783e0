"""Workshop mode: a class's progress exports read together, to see who climbed and where the class got stuck.

    room = kit.classroom.collect("handed_in/")   # a folder (searched for *.jsonl), a file, or a list of them
    room.problems                                # each file or line that could not be read: which, where, what
    room.leaderboard()                           # per learner: best per lesson, attempts, first → best; ranked
    room.lessons()                               # per lesson: share below the pass mark, median attempts to pass
    room.graders()                               # mean per grader per lesson, weakest first
    room.leaderboard().plot()                    # one picture per question (also .lessons().plot(), .graders().plot())

Learners hand in files written by `kit.Tracker(lesson).export(path)`; they are read with
`kit.Tracker.import_files`. The same file handed in twice counts once. On the command line:
`python -m kit.classroom FOLDER --html report.html`; from Python, `kit.classroom.main([...])`.
"""

from __future__ import annotations

import hashlib
import html
import re
import warnings
from collections.abc import Iterable, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kit.artifacts import write_artifact
from kit.classroom.reports import GraderReport, Leaderboard, LessonReport
from kit.errors import KitError
from kit.i18n import _, ngettext

if TYPE_CHECKING:
    import pandas

__all__ = ["Classroom", "ClassroomError", "GraderReport", "Leaderboard", "LessonReport", "Problem", "collect", "main"]

PASS_MARK = 80.0  # the total a lesson counts as passed at; kit.evaluate's pass_at has the same default


class ClassroomError(KitError, ValueError):
    """Nothing usable was handed in, or an argument cannot make a class report."""


@dataclass(frozen=True)
class Problem:
    """One file (or one line of it) that could not be read, and why; the rest of the class still loads."""

    file: str
    line: int | None
    what: str

    def __str__(self) -> str:
        if self.line:
            return _("{file}, line {line}: {what}").format(file=self.file, line=self.line, what=self.what)
        return _("{file}: {what}").format(file=self.file, what=self.what)


@dataclass(frozen=True, repr=False, eq=False)
class Classroom:
    """Every attempt the class handed in (one row each), what could not be read, and the pass mark."""

    attempts: pandas.DataFrame
    files: tuple[str, ...]  # the files read, as given
    problems: tuple[Problem, ...] = ()
    duplicates: tuple[str, ...] = ()  # "b.jsonl is the same as a.jsonl": counted once
    pass_mark: float = PASS_MARK

    @property
    def learners(self) -> list[str]:
        return sorted(self.attempts["learner"].unique())

    @property
    def lesson_names(self) -> list[str]:
        return sorted(self.attempts["lesson"].unique())

    def leaderboard(self) -> Leaderboard:
        """Per learner: best total per lesson, attempts, first → best climb, lessons passed; ranked over lessons."""
        return Leaderboard(self.attempts, self.pass_mark)

    def lessons(self) -> LessonReport:
        """Which lessons the class struggles with: share below the pass mark, median attempts to pass; hardest first."""
        return LessonReport(self.attempts, self.pass_mark)

    def graders(self) -> GraderReport:
        """Which qualities the class struggles with: each grader's mean on learners' best attempts, weakest first."""
        return GraderReport(self.attempts, self.pass_mark)

    def learner(self, name: str) -> pandas.DataFrame:
        """One learner's attempts, lesson by lesson: total, the note, the prompt's first line."""
        if name not in self.learners:
            raise ClassroomError(_("No attempts by {name}; learners in this class: {learners}.").format(
                name=repr(name), learners=", ".join(self.learners)))
        rows = self.attempts[self.attempts["learner"] == name]
        table = rows[["lesson", "attempt", "total", "note"]].copy()
        table["prompt"] = rows["prompt"].map(lambda p: (p.splitlines() or [""])[-1][:60])
        return table.rename(columns={"prompt": _("prompt's last line")}).set_index(["lesson", "attempt"])

    def best(self, lesson: str) -> pandas.DataFrame:
        """Each learner's best attempt at `lesson`, best first, with the whole prompt: what worked, to show the class."""
        if lesson not in self.lesson_names:
            raise ClassroomError(_("No attempts at lesson {lesson}; lessons here: {lessons}.").format(
                lesson=repr(lesson), lessons=", ".join(self.lesson_names)))
        rows = self.attempts[self.attempts["lesson"] == lesson]
        best = rows.sort_values(["total", "attempt"], ascending=[False, True], kind="stable").drop_duplicates("learner")
        return best[["learner", "attempt", "total", "persona", "prompt"]].reset_index(drop=True)

    def summary(self) -> str:
        """One line: how many files, learners, attempts and lessons, and what was skipped."""
        parts = [_("{files} from {learners}: {attempts} at {lessons} (pass mark {mark})").format(
            files=_count(self.files, ngettext("{n} file", "{n} files", len(self.files))),
            learners=_count(self.learners, ngettext("{n} learner", "{n} learners", len(self.learners))),
            attempts=_count(self.attempts, ngettext("{n} attempt", "{n} attempts", len(self.attempts))),
            lessons=_count(self.lesson_names, ngettext("{n} lesson", "{n} lessons", len(self.lesson_names))),
            mark=f"{self.pass_mark:g}")]
        if self.duplicates:
            parts.append(_count(self.duplicates, ngettext("{n} duplicate file counted once", "{n} duplicate files "
                                                          "counted once", len(self.duplicates))))
        if self.problems:
            parts.append(_count(self.problems, ngettext("{n} problem (see .problems)", "{n} problems (see .problems)",
                                                        len(self.problems))))
        return _("; ").join(parts)

    def __repr__(self) -> str:
        return f"Classroom({self.summary()})"

    def __str__(self) -> str:
        lines = [self.summary()]
        lines += ["  " + _("same file twice: {note}").format(note=note) for note in self.duplicates]
        lines += ["  " + _("skipped: {problem}").format(problem=problem) for problem in self.problems]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        """IPython's plain-text view: the readable text, not the fields."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        items = [f"<li>{html.escape(_('same file twice: {note}').format(note=note))}</li>" for note in self.duplicates]
        items += [f"<li style='color:#b91c1c'>{html.escape(_('skipped: {problem}').format(problem=p))}</li>"
                  for p in self.problems]
        return f"<div><b>{html.escape(self.summary())}</b>{f'<ul>{chr(10).join(items)}</ul>' if items else ''}</div>"

    def report_html(self) -> str:
        """A whole HTML page: the summary, the three tables and their plots, for the instructor to keep or share."""
        from kit.classroom.page import report_page

        return report_page(self)

    def save_report(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write `report_html()` to `path`; never over an existing file unless `overwrite=True`."""
        return write_artifact(path, self.report_html(), overwrite=overwrite)


def progress_files(sources: str | Path | Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """The files to read: each file as given, each folder's *.jsonl files (sub-folders too), sorted by path."""
    from kit.tracker import unreadable

    found, problems = [], []
    for source in [sources] if isinstance(sources, (str, Path)) else list(sources):
        path = Path(source)
        if path.is_dir() and not path.is_symlink():
            inside = sorted(path.rglob("*.jsonl"))
            if not inside:
                problems.append(Problem(str(path), None, _("a folder with no .jsonl progress files in it.")))
            for file in inside:  # a hand-in folder anyone can write to: regular files only, of a sane size
                if why := unreadable(file):
                    problems.append(Problem(str(file), None, _("{why}; skipped.").format(why=why)))
                else:
                    found.append(file)
        elif path.is_file() or path.is_symlink():
            if why := unreadable(path):
                problems.append(Problem(str(path), None, _("{why}; skipped.").format(why=why)))
            else:
                found.append(path)
        else:
            problems.append(Problem(str(path), None, _("no such file or folder.")))
    return found, problems


def collect(sources: str | Path | Iterable[str | Path], pass_mark: float = PASS_MARK) -> Classroom:
    """Read the class's progress exports from folders and files; bad files are reported, the good ones still load."""
    import pandas as pd

    from kit.tracker import Tracker

    if isinstance(pass_mark, bool) or not isinstance(pass_mark, (int, float)) or not 0 <= pass_mark <= 100:
        raise ClassroomError(_("pass_mark is the total (0-100) a lesson counts as passed at; got {value}.").format(
            value=repr(pass_mark)))
    paths, problems = progress_files(sources)
    tables, files, duplicates, seen = [], [], [], {}
    for path in paths:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as error:
            problems.append(Problem(str(path), None, _("cannot be read ({why}); skipped.").format(
                why=error.strerror or error)))
            continue
        if digest in seen:
            duplicates.append(_("{path} is the same as {other}").format(path=path, other=seen[digest]))
            continue
        seen[digest] = path
        with warnings.catch_warnings():  # each problem is kept in .problems instead
            warnings.simplefilter("ignore")
            table = Tracker.import_files(path)
        problems += [_problem(str(path), message) for message in table.attrs.get("skipped", [])]
        files.append(str(path))
        if table.empty and not table.attrs.get("skipped"):
            problems.append(Problem(str(path), None, _("a progress file with no attempts in it.")))
        elif not table.empty:
            tables.append(table)
    if not tables:
        listed = _("; ").join(str(p) for p in problems) or _("nothing was given")
        raise ClassroomError(_("No attempts could be read ({listed}). Learners export theirs with "
                               "kit.Tracker(lesson).export('name_lesson.jsonl').").format(listed=listed))
    attempts = pd.concat(tables, ignore_index=True)
    attempts = attempts.drop_duplicates(["learner", "lesson", "attempt", "time", "total", "prompt"])  # a re-export repeats attempts
    attempts = attempts.sort_values(["learner", "lesson", "attempt"], kind="stable").reset_index(drop=True)
    return Classroom(attempts, tuple(files), tuple(problems), tuple(duplicates), float(pass_mark))


def _count(things: Sized, message: str) -> str:
    """A count in words: `message` is ngettext's choice for len(things), with {n} where the number goes."""
    return message.format(n=len(things))


# Where Tracker.import_files's message names the line: "<path>, line 3: why", or its Chinese "<path> 第 3 行：why".
_LINE = re.compile(r"\s*[,，]?\s*(?:line|第)\s*(\d+)\s*行?\s*[:：]\s*(.*)", re.DOTALL)


def _problem(path: str, message: str) -> Problem:
    """Turn one of Tracker.import_files's messages ("<path>, line 3: why") into a Problem."""
    rest = message[len(path):] if message.startswith(path) else f": {message}"
    if match := _LINE.fullmatch(rest):
        return Problem(path, int(match.group(1)), match.group(2))
    return Problem(path, None, re.sub(r"^\s*[:：]\s*", "", rest, count=1))


def main(argv: list[str] | None = None) -> int:
    """`kit class FOLDER... [--pass-mark 80] [--html report.html]`: print the class report, and save it as HTML."""
    from kit.classroom.command import run

    return run(argv)
