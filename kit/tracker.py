"""Attempt history per lesson: every scored attempt is appended to a JSON-lines file, never rewritten.

    tracker = kit.Tracker("01_first_prompt")
    tracker.log(agent, card)      # attempt 1, 2, 3, ...
    tracker.table(); tracker.plot()
"""

from __future__ import annotations

import json
import os
import re
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.config import data_dir

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure

    from kit.conversation import Agent
    from kit.graders import Scorecard


class Tracker:
    """The attempts of one lesson, stored in `<data folder>/<lesson>.jsonl`."""

    def __init__(self, lesson: str, folder: str | Path | None = None) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", lesson or ""):
            raise ValueError(
                f"Lesson name {lesson!r} cannot be a file name: use letters, digits, '_', '-' or '.', "
                "for example '01_first_prompt'."
            )
        self.lesson = lesson
        self.path = Path(folder) if folder is not None else data_dir()
        self.path = self.path / f"{lesson}.jsonl"

    def __repr__(self) -> str:
        return f"Tracker({self.lesson!r}, {len(self.history())} attempts)"

    def history(self) -> list[dict[str, Any]]:
        """Every attempt logged so far; a damaged line is skipped with a warning, never deleted."""
        if not self.path.is_file():
            return []
        attempts = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                attempts.append(json.loads(line))
            except json.JSONDecodeError:
                warnings.warn(
                    f"{self.path}, line {number}: not a complete record (perhaps the kernel stopped while "
                    "writing); skipped. The file is left as it is.",
                    stacklevel=2,
                )
        return attempts

    def log(self, agent: Agent, card: Scorecard, note: str = "") -> dict[str, Any]:
        """Append one attempt: the prompt, the model, the scores and the time."""
        entry = {
            "attempt": len(self.history()) + 1,
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "lesson": self.lesson,
            "agent": agent.name,
            "model": agent.model.name,
            "prompt": agent.system_prompt,
            "persona": card.persona_id,
            "seed": card.seed,
            "total": card.total,
            "scores": card.scores,
            "note": note,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+", encoding="utf-8") as file:
            file.seek(0, os.SEEK_END)
            if file.tell() > 0:
                file.seek(file.tell() - 1)
                if file.read(1) != "\n":  # a record cut short: start ours on a fresh line
                    file.write("\n")
            file.write(json.dumps(entry, ensure_ascii=False) + "\n")
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
        return pd.DataFrame(rows).set_index("attempt") if rows else pd.DataFrame()

    def plot(self, ax: Any = None) -> Figure:
        """The learning curve: the total per attempt, bold, over each grader's score, faint.

        Returns the figure: a notebook shows it as the cell's value; a script can `savefig` it.
        """
        import matplotlib.pyplot as plt

        attempts = self.history()
        if ax is None:
            fig, ax = plt.subplots(figsize=(6.4, 3.6))
        else:
            fig = ax.figure
        xs = [a["attempt"] for a in attempts]
        graders = sorted({name for a in attempts for name in a["scores"]})
        for name in graders:
            ys = [a["scores"].get(name) for a in attempts]
            ax.plot(xs, [y if y is not None else float("nan") for y in ys], marker=".", alpha=0.35, label=name)
        totals = [a["total"] for a in attempts]
        ax.plot(xs, totals, marker="o", linewidth=2.5, color="black", label="total")
        for x, y in zip(xs, totals):
            ax.annotate(f"{y:.0f}", (x, y), textcoords="offset points", xytext=(0, 7), ha="center")
        ax.set(xlabel="attempt", ylabel="score (0-100)", ylim=(-5, 110), title=f"Learning curve: {self.lesson}")
        if xs:
            ax.set_xticks(xs)
        ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize="small")
        fig.tight_layout()
        plt.close(fig)  # shown once, as the cell's value, not again by pyplot's automatic display
        return fig
