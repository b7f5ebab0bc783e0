"""One bad hand-in never stops the class's report (issue 16, item 4): pipes, links, huge files, wrong types."""

from __future__ import annotations

import json
import os
from pathlib import Path

import kit
from kit.classroom import collect
from kit.tracker import FORMAT

HEADER = {"format": FORMAT, "kit_version": "0.1.0", "lesson": "01_first_prompt", "learner": "amy", "attempts": 1}


def attempt(**changes: object) -> dict:
    row = {"attempt": 1, "time": "2026-03-14T09:04:00+00:00", "lesson": "01_first_prompt", "learner": "amy",
           "agent": "a", "model": "practice", "prompt": "You are a bot.", "persona": "typo_auntie", "seed": 0,
           "total": 40.0, "scores": {"task_solved": 0.0, "empathy": 50.0}}
    return row | changes


def hand_in(path: Path, *rows: dict) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_pipes_links_and_huge_files_are_reported_and_the_class_still_loads(tmp_path: Path) -> None:
    room = tmp_path / "handins"
    room.mkdir()
    hand_in(room / "amy_01.jsonl", attempt())
    os.mkfifo(room / "fifo.jsonl")  # would block a reader forever
    (room / "zero.jsonl").symlink_to("/dev/zero")  # would fill memory
    (room / "huge.jsonl").write_bytes(b"x" * 21_000_000)
    report = collect(room)
    assert list(report.attempts["learner"]) == ["amy"]
    why = {Path(p.file).name: p.what for p in report.problems}
    assert "not a regular file" in why["fifo.jsonl"] and "a link" in why["zero.jsonl"] and "bytes" in why["huge.jsonl"]


def test_rows_of_the_wrong_type_or_that_override_identity_are_skipped_with_their_line(tmp_path: Path) -> None:
    path = hand_in(tmp_path / "mallory.jsonl",
                   attempt(),
                   attempt(attempt=2, learner=["x"]),
                   attempt(attempt=3, total="100"),
                   attempt(attempt=4, scores={"learner": "eve", "total": 100}),
                   attempt(attempt=5, scores={"empathy": "high"}))
    report = collect(path)
    assert list(report.attempts["attempt"]) == [1]
    lines = sorted(p.line for p in report.problems if p.line)
    assert lines == [3, 4, 5, 6]
    assert any("scores has a field named learner, total" in p.what for p in report.problems)


def test_labels_with_dollar_signs_do_not_break_the_plots(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    hand_in(tmp_path / "a.jsonl", attempt(learner="$x^$", lesson="$\\frac$"))
    report = collect(tmp_path)
    for figure in (report.leaderboard().plot(), report.lessons().plot(), report.graders().plot()):
        figure.canvas.draw()  # mathtext would raise on an unescaped "$x^$"
