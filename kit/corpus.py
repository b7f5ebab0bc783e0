"""Labelled corpora written outside the project: a folder of JSON-lines files, one item per line.

Both readers' measurements (the examiner's in `kit.graders.reading`, the practice model's in
`kit.practice`) load their test sets the same way; only the fields an item must have differ.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kit.errors import KitError
from kit.i18n import _


def load_items(folder: str | Path, check: Callable[[dict[str, Any]], object], shape: str) -> list[dict[str, Any]]:
    """Every item of the folder's .jsonl files, in file order. `check` raises (KeyError, TypeError, ValueError)
    on an item without the fields it needs; such a line is reported with its file, line and `shape` (a message with
    an {error} placeholder, N_-marked by the caller so that it is shown translated)."""
    items = []
    for path in sorted(Path(folder).glob("*.jsonl")):
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
                check(item)
            except (ValueError, KeyError, TypeError) as error:
                raise KitError(_("{path}, line {number}: {problem}").format(
                    path=path, number=number, problem=_(shape).format(error=error))) from None
            items.append(item)
    return items
