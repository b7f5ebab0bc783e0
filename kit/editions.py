"""The Chinese edition of a lesson, built from the English one so that their code cannot drift apart.

    kit editions build      # notebooks/zh/<lesson>.ipynb from notebooks/<lesson>.ipynb + lessons/zh/<lesson>.yaml,
                            # solutions/zh/<lesson>.ipynb from solutions/<lesson>.ipynb + lessons/zh/solutions/<lesson>.yaml
    kit editions check      # fails when an edition is out of date, or a translation is missing or stale

The English notebook is the one source of the code. `lessons/zh/<lesson>.yaml` holds, by cell id, the
Chinese text of every markdown cell and, for a code cell, the replacements that may differ between the
editions (the prompts learners write, the examples they build on, the first cell's language switch):

    cells:
      c00: |
        # 第 00 课 · 准备工作
      c12:
        replace:
          - ['"You are a customer service bot."', '"你是一个网店客服机器人。"']

A lesson's solution notebook is translated the same way, in `lessons/zh/solutions/<lesson>.yaml`, and
`kit exercises build` makes the Chinese exercise from the Chinese solution. A built edition has no
outputs: `make notebooks` executes it on the practice model like every lesson.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kit.errors import KitError
from kit.i18n import _

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "lessons"
KINDS = ("lesson", "solution")


class EditionError(KitError):
    """A translation file that does not fit its lesson: the message names the file, the cell and what to fix."""


@dataclass(frozen=True)
class Edition:
    """One lesson (or its solution) in one language: where its translation lives and where the built notebook goes."""

    language: str
    lesson: str
    kind: str = "lesson"

    @property
    def _folder(self) -> str:
        return "notebooks" if self.kind == "lesson" else "solutions"

    @property
    def source(self) -> Path:
        folder = SOURCES / self.language if self.kind == "lesson" else SOURCES / self.language / "solutions"
        return folder / f"{self.lesson}.yaml"

    @property
    def english(self) -> Path:
        return ROOT / self._folder / f"{self.lesson}.ipynb"

    @property
    def target(self) -> Path:
        return ROOT / self._folder / self.language / f"{self.lesson}.ipynb"


def editions(language: str = "zh") -> list[Edition]:
    """Every lesson and solution that has a translation file in this language."""
    lessons = [Edition(language, path.stem) for path in sorted((SOURCES / language).glob("*.yaml"))]
    solutions = [Edition(language, path.stem, "solution")
                 for path in sorted((SOURCES / language / "solutions").glob("*.yaml"))]
    return lessons + solutions


def _translation(edition: Edition) -> dict[str, Any]:
    try:
        data = yaml.safe_load(edition.source.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise EditionError(_("{where}: not valid YAML: {problem}").format(where=edition.source, problem=error)) from None
    cells = data.get("cells")
    if not isinstance(cells, dict):
        raise EditionError(_("{path}: needs `cells:`, a mapping from cell id (c00, c01, ...) to the translation.").format(
            path=edition.source))
    return {str(cell_id): entry for cell_id, entry in cells.items()}  # an id of digits only reads as a number


def build(edition: Edition) -> dict[str, Any]:
    """The translated notebook (no outputs), from the English notebook and the translation file."""
    notebook = json.loads(edition.english.read_text(encoding="utf-8"))
    cells = _translation(edition)
    ids = {cell["id"] for cell in notebook["cells"]}
    if unknown := sorted(set(cells) - ids):
        raise EditionError(_("{path}: cells {cells} are not in {notebook} (a cell was removed or renamed): delete or "
                             "move their translation.").format(path=edition.source, cells=", ".join(unknown),
                                                                notebook=edition.english.name))
    built = copy.deepcopy(notebook)
    for cell in built["cells"]:
        entry = cells.get(cell["id"])
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            if not isinstance(entry, str) or not entry.strip():
                raise EditionError(_("{path}: cell {cell} (markdown) has no translation. Add it as "
                                     "`{cell}: |` followed by the Chinese text.").format(path=edition.source,
                                                                                         cell=cell["id"]))
            source = entry.rstrip("\n")
        elif entry is not None:
            for pair in (entry or {}).get("replace", []):
                old, new = pair
                if source.count(old) != 1:
                    raise EditionError(_("{path}: cell {cell}: {text} appears {count} times in the English code (it "
                                         "must appear once): the English cell changed, so update the replacement.").format(
                                             path=edition.source, cell=cell["id"], text=repr(old),
                                             count=source.count(old)))
                source = source.replace(old, new)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cell["source"] = source.splitlines(keepends=True)
    built["metadata"] = {**built.get("metadata", {}), "kit_edition": {"language": edition.language,
                                                                      "from": f"{edition._folder}/{edition.lesson}.ipynb"}}
    return built


def sources_of(notebook: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(id, type, source) of every cell: what must match between a built edition and the committed one."""
    return [(cell["id"], cell["cell_type"], "".join(cell["source"])) for cell in notebook["cells"]]


def write(edition: Edition) -> Path:
    """Build an edition and write it, keeping the committed outputs when the cells did not change."""
    built = build(edition)
    target = edition.target
    if target.is_file():
        committed = json.loads(target.read_text(encoding="utf-8"))
        if sources_of(committed) == sources_of(built):
            return target  # up to date: its executed outputs stay
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(built, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


def stale(edition: Edition) -> str:
    """Why the committed edition is out of date ("" when it is current)."""
    if not edition.target.is_file():
        return _("{path} is missing: run `kit editions build`.").format(path=edition.target)
    committed = json.loads(edition.target.read_text(encoding="utf-8"))
    built = build(edition)
    for (cid, kind, have), (_id, _kind, want) in zip(sources_of(committed), sources_of(built)):
        if have != want:
            return _("{notebook}: cell {cell} ({kind}) differs from what {source} builds.").format(
                notebook=edition.target.name, cell=cid, kind=kind, source=edition.source.name)
    if len(committed["cells"]) != len(built["cells"]):
        return _("{notebook} has {count} cells; the English lesson has {english}.").format(
            notebook=edition.target.name, count=len(committed["cells"]), english=len(built["cells"]))
    return ""
