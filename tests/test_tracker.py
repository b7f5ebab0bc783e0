"""The tracker appends attempts, never rewrites them, and survives a damaged last line."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pytest

import kit
from kit.demo import PROMPTS


def attempt(tracker: kit.Tracker, prompt: str) -> dict:
    agent = kit.Agent(prompt)
    return tracker.log(agent, kit.grade(kit.converse(agent, "typo_auntie")))


def test_attempts_are_appended_and_numbered(tmp_path: Path) -> None:
    tracker = kit.Tracker("01_first_prompt", folder=tmp_path)
    totals = [attempt(tracker, prompt)["total"] for _, prompt in PROMPTS]
    again = kit.Tracker("01_first_prompt", folder=tmp_path)  # a new session sees the old attempts
    assert [a["attempt"] for a in again.history()] == [1, 2, 3]
    assert list(again.table()["total"]) == totals
    assert again.table().loc[1, "prompt"] == "You are a customer service bot."


def test_the_default_folder_is_kit_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_DATA_DIR", str(tmp_path / "data"))
    tracker = kit.Tracker("lesson")
    attempt(tracker, PROMPTS[0][1])
    assert (tmp_path / "data" / "lesson.jsonl").is_file()


def test_a_damaged_last_line_is_skipped_with_a_warning_and_kept(tmp_path: Path) -> None:
    tracker = kit.Tracker("l", folder=tmp_path)
    attempt(tracker, PROMPTS[0][1])
    with tracker.path.open("a", encoding="utf-8") as file:
        file.write('{"attempt": 2, "total": 4')  # the kernel died mid-write
    with pytest.warns(UserWarning, match=r"l\.jsonl, line 2: not a complete record"):
        assert len(tracker.history()) == 1
    with pytest.warns(UserWarning):
        attempt(tracker, PROMPTS[2][1])
    lines = tracker.path.read_text(encoding="utf-8").splitlines()
    assert lines[1] == '{"attempt": 2, "total": 4'  # the learner's data is never deleted
    assert '"attempt": 2' in lines[2]


def test_the_plot_draws_the_total_and_each_grader(tmp_path: Path) -> None:
    tracker = kit.Tracker("l", folder=tmp_path)
    for _, prompt in PROMPTS:
        attempt(tracker, prompt)
    figure = tracker.plot()
    labels = [line.get_label() for line in figure.axes[0].lines]
    assert "total" in labels and "empathy" in labels
    total = next(line for line in figure.axes[0].lines if line.get_label() == "total")
    assert list(total.get_ydata()) == [a["total"] for a in tracker.history()]


@pytest.mark.parametrize("name", ["", "../escape", "a b"])
def test_a_lesson_name_that_is_not_a_file_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="cannot be a file name"):
        kit.Tracker(name)
