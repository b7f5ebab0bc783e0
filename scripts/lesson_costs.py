"""Measure each lesson's model calls and conversations on the practice model; write kit/lessons.yaml.

Run: .venv/bin/python scripts/lesson_costs.py   (after a lesson's cells change; `make notebooks` does not)

Each teaching notebook is executed as it is (KIT_MODEL=practice, a scratch data folder) with one
counting cell put in front, which wraps the practice model's `complete` and `kit.converse`; the
notebooks themselves are not changed. `kit.check(lesson)` prints the result in each lesson's header.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
COUNTING = """
import kit.conversation as _conversation, kit.practice.model as _model
_counts = {"calls": 0, "conversations": 0}
_complete, _converse = _model.PracticeModel.complete, _conversation.converse
def _counted_complete(self, *args, **kwargs):
    _counts["calls"] += 1
    return _complete(self, *args, **kwargs)
def _counted_converse(*args, **kwargs):
    _counts["conversations"] += 1
    return _converse(*args, **kwargs)
_model.PracticeModel.complete, _conversation.converse = _counted_complete, _counted_converse
"""


def measure(path: Path) -> dict[str, int]:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(COUNTING))
    notebook.cells.append(nbformat.v4.new_code_cell("import json; print(json.dumps(_counts))"))
    with tempfile.TemporaryDirectory() as data:
        os.environ.update(KIT_MODEL="practice", KIT_CACHE="off", KIT_DATA_DIR=data)
        NotebookClient(notebook, timeout=900, resources={"metadata": {"path": str(path.parent)}}).execute()
    return json.loads(notebook.cells[-1].outputs[0]["text"])


def main() -> None:
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = dict(zip((p.stem for p in lessons), pool.map(measure, lessons)))
    for lesson, count in counts.items():
        print(f"{lesson:<26} {count['calls']:>5} calls  {count['conversations']:>4} conversations")
    (ROOT / "kit" / "lessons.yaml").write_text(
        "# Model calls and conversations per lesson on the practice model (scripts/lesson_costs.py writes this)\n"
        + yaml.safe_dump(counts, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
