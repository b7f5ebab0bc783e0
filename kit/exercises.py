"""Build `exercises/` from `solutions/`: the same notebooks with the answers taken out.

A solution cell keeps a runnable weak starting point above an answer block marked the way
nbgrader marks it:

    prompt = "You are a customer service bot."   # the starting point
    ### BEGIN SOLUTION
    prompt = "..."                                # the answer
    ### END SOLUTION

The exercise keeps the starting point and replaces the block with a "your turn" comment, so
it runs end to end as given (and shows a low score). Outputs are cleared: learners make them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from kit.errors import KitError
from kit.i18n import LANGUAGES, N_, _, translations

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
YOUR_TURN = N_("# ✏️ Your turn: improve the line(s) above, run the cell, and compare the score.")
_BLOCK = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n.*?^[ \t]*{re.escape(END)}[^\n]*(\n|$)", re.M | re.S)


def strip_solutions(source: str, where: str = "cell", language: str = "en") -> str:
    """Replace every answer block in a cell's source with the "your turn" comment (in the notebook's language)."""
    if source.count(BEGIN) != source.count(END):
        raise KitError(_("{where}: {begins} '{begin}' but {ends} '{end}': pair them up.").format(
            where=where, begins=source.count(BEGIN), begin=BEGIN, ends=source.count(END), end=END))
    your_turn = translations(language).gettext(YOUR_TURN)  # the notebook's language, not the kit's
    return _BLOCK.sub(lambda match: f"{match.group(1)}{your_turn}\n", source).rstrip("\n")


def exercise_from(solution: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The exercise version of a solution notebook."""
    exercise = nbformat.from_dict(solution)
    language = exercise.metadata.get("kit_edition", {}).get("language", "en")
    for number, cell in enumerate(exercise.cells, 1):
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, _("{name}, cell {number}").format(name=name, number=number), language)
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)  # run timestamps: they would change on every build
    exercise.metadata.pop("widgets", None)
    return exercise


@dataclass(frozen=True)
class Built:
    path: Path
    changed: bool


def build(root: Path, check: bool = False) -> list[Built]:
    """Write (or, with `check`, only compare) exercises/NAME.ipynb for every solutions/NAME.ipynb, and
    exercises/zh/NAME.ipynb for every Chinese solution in solutions/zh/."""
    if not (root / "solutions").is_dir():
        raise KitError(_("No solutions/ folder in {root}: run this from the course's top folder.").format(root=root))
    results = _build_folder(root / "solutions", root / "exercises", check)
    for language in LANGUAGES[1:]:
        if (root / "solutions" / language).is_dir():
            results += _build_folder(root / "solutions" / language, root / "exercises" / language, check)
    return results


def _build_folder(solutions: Path, exercises: Path, check: bool) -> list[Built]:
    results = []
    for path in sorted(solutions.glob("*.ipynb")):
        text = nbformat.writes(exercise_from(nbformat.read(path, as_version=4), path.name)) + "\n"
        target = exercises / path.name
        changed = not target.is_file() or target.read_text(encoding="utf-8") != text
        if changed and not check:
            exercises.mkdir(exist_ok=True)
            target.write_text(text, encoding="utf-8")
        results.append(Built(target, changed))
    stale = {p.name for p in exercises.glob("*.ipynb")} - {p.name for p in solutions.glob("*.ipynb")} if exercises.is_dir() else set()
    if stale:
        raise KitError(_("{folder} has notebooks with no solution: {names}. Remove them.").format(
            folder=exercises, names=", ".join(sorted(stale))))
    return results
