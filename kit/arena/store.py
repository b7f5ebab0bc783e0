"""The arena's results file: one JSON line per finished conversation, appended and synced to disk at once.

The file is only ever appended to, so a killed run loses nothing it finished: re-running reads
the file and skips that work. A line cut short by the kill is skipped with a warning and left
in place; the next result starts on a fresh line after it.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import IO, Any

from kit.arena.config import ArenaError
from kit.i18n import _
from kit.keys import scrub

FORMAT = "kit-arena/1"
REQUIRED = {"agent": str, "fingerprint": str, "persona": str, "seed": int, "status": str}


def shape_problem(record: Any) -> str | None:
    """What makes a record unusable (a field missing or of the wrong type), or None if it can be ranked."""
    if not isinstance(record, dict):
        return _("not a JSON object")
    for field, kind in REQUIRED.items():
        if not isinstance(record.get(field), kind) or isinstance(record.get(field), bool):
            return _("`{field}` should be a {kind}, not {value}").format(field=field, kind=kind.__name__,
                                                                          value=f"{record.get(field)!r:.40}")
    if record["status"] == "scored":
        if not _number(record.get("total")):
            return _("`total` of a scored conversation should be a number, not {value}").format(
                value=f"{record.get('total')!r:.40}")
        scores = record.get("scores")
        if not isinstance(scores, dict) or not all(isinstance(k, str) and (v is None or _number(v))
                                                   for k, v in scores.items()):
            return _("`scores` should map grader names to numbers (or null: not applicable)")
        if not isinstance(record.get("transcript"), (dict, type(None))):
            return _("`transcript` should be a transcript object")
    elif record["status"] == "failed":
        if not isinstance(record.get("reason"), str):
            return _("`reason` of a failed conversation should be text")
    else:
        return _("`status` should be scored or failed, not {value}").format(value=f"{record['status']!r:.40}")
    tokens = record.get("tokens", {})
    if not isinstance(tokens, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in tokens.values()):
        return _("`tokens` should map prompt/completion/calls to whole numbers")
    if record.get("cost") is not None and not _number(record["cost"]):
        return _("`cost` should be a number or null, not {value}").format(value=f"{record['cost']!r:.40}")
    return None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def key_of(record: dict[str, Any]) -> tuple[str, str, int]:
    """What makes a conversation unique: the agent's fingerprint, the customer and the seed."""
    return record["fingerprint"], record["persona"], record["seed"]


class ResultStore:
    """Append-only JSON-lines results; every line passes the key scrubber (`kit.keys`) before it is written."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file: IO[bytes] | None = None

    def __repr__(self) -> str:
        return f"ResultStore({str(self.path)!r})"

    def read(self) -> list[dict[str, Any]]:
        """Every readable record, in file order; a damaged line is skipped with a warning, never removed."""
        self._refuse_links()
        if not self.path.is_file():
            return []
        records = []
        for number, line in enumerate(self.path.read_bytes().decode("utf-8", errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None
            if record is None:
                warnings.warn(_("{path}, line {number}: not a complete arena result (perhaps the run was stopped "
                                "while writing it); skipped and left in the file. That conversation will be played "
                                "again.").format(path=self.path, number=number), stacklevel=2)
                continue
            if problem := shape_problem(record):
                warnings.warn(_("{path}, line {number}: {problem}; skipped and left in the file (was it edited by "
                                "hand?). That conversation will be played again.").format(
                                    path=self.path, number=number, problem=problem), stacklevel=2)
                continue
            records.append(record)
        return records

    def append(self, record: dict[str, Any]) -> None:
        """Write one record as a line, flush it and sync it to disk before returning."""
        if self._file is None:
            self._open()
        assert self._file is not None
        line = scrub(json.dumps({"format": FORMAT, **record}, ensure_ascii=False, default=str))
        self._file.write(line.encode("utf-8") + b"\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def lock(self) -> None:
        """Hold this results file for one arena run: a second run on it stops with a clear message, never duplicates."""
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        if lock_path.is_symlink():
            raise ArenaError(_("{path}: the arena's lock file is a link; remove it.").format(path=lock_path))
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(descriptor)
            raise ArenaError(_("{path}: another arena is playing into this results file right now. Wait for it to "
                               "finish (then run again to add what is missing), or choose another results file.").format(
                                   path=self.path)) from None
        self._lock = descriptor

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if getattr(self, "_lock", None) is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _refuse_links(self) -> None:
        """A results path that is a link (or a pipe, a folder) is someone else's file: never read or append to it."""
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
            raise ArenaError(_("{path}: the results file is a link or not a regular file; the arena reads and appends "
                               "only to a file of its own. Remove it or choose another results path.").format(
                                   path=self.path))

    def _open(self) -> None:
        """Open for appending; if the last line was cut short, end it so the next record starts cleanly."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._refuse_links()
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        try:
            descriptor = os.open(self.path, flags, 0o600)
        except OSError as error:
            raise ArenaError(_("{path}: cannot open the results file to append ({reason}).").format(
                path=self.path, reason=error.strerror)) from None
        self._file = os.fdopen(descriptor, "ab")
        size = self.path.stat().st_size
        if size:
            with self.path.open("rb") as existing:
                existing.seek(size - 1)
                ends_cleanly = existing.read(1) == b"\n"
            if not ends_cleanly:
                warnings.warn(_("{path}: the last line was cut short (the run was stopped while writing it); it is "
                                "kept as it is and new results start on the next line.").format(path=self.path),
                              stacklevel=3)
                self._file.write(b"\n")
