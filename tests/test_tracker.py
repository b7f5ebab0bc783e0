"""The tracker appends attempts, never rewrites them, and survives a damaged last line;
learners, progress files, grader curves and prompt diffs."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
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


def test_each_attempt_names_its_learner_and_learners_sharing_a_file_count_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIT_LEARNER", "小林")
    mine, amy = kit.Tracker("l", folder=tmp_path), kit.Tracker("l", folder=tmp_path, learner="amy")
    assert mine.learner == "小林"
    attempt(mine, PROMPTS[0][1])
    attempt(amy, PROMPTS[1][1])
    attempt(mine, PROMPTS[2][1])
    assert [(a["learner"], a["attempt"]) for a in mine.history()] == [("小林", 1), ("小林", 2)]
    assert [(a["learner"], a["attempt"]) for a in amy.history()] == [("amy", 1)]
    assert [a["attempt"] for a in mine.history("amy")] == [1]
    assert mine.learners() == ["amy", "小林"] and "learner='小林'" in repr(mine)
    assert "小林" in mine.path.read_text(encoding="utf-8"), "names are stored as written, not escaped"


def test_without_kit_learner_the_user_name_is_used_and_old_attempts_are_theirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIT_LEARNER", raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "lab-pc-07")
    old = {"attempt": 1, "total": 40.0, "scores": {"empathy": 0.0}, "prompt": "Be nice."}  # written before learners
    (tmp_path / "l.jsonl").write_text(json.dumps(old) + "\n", encoding="utf-8")
    tracker = kit.Tracker("l", folder=tmp_path)
    assert tracker.learner == "lab-pc-07"
    assert attempt(tracker, PROMPTS[0][1])["attempt"] == 2
    assert [a["learner"] for a in tracker.history()] == ["lab-pc-07", "lab-pc-07"]
    assert kit.Tracker("l", folder=tmp_path, learner="amy").history() == []
    with pytest.raises(ValueError, match="learner's name is empty"):
        kit.Tracker("l", learner="  ")


def test_export_writes_a_header_and_the_learners_attempts_and_never_overwrites_by_accident(tmp_path: Path) -> None:
    tracker = kit.Tracker("01_first_prompt", folder=tmp_path / "data", learner="amy")
    other = kit.Tracker("01_first_prompt", folder=tmp_path / "data", learner="bo")
    attempt(tracker, PROMPTS[0][1])
    attempt(other, PROMPTS[1][1])
    attempt(tracker, PROMPTS[2][1])
    path = tracker.export(tmp_path / "out" / "amy.jsonl")
    header, *attempts = map(json.loads, path.read_text(encoding="utf-8").splitlines())
    assert header["format"] == "kit-progress/1" and header["kit_version"] == kit.__version__
    assert (header["lesson"], header["learner"], header["attempts"]) == ("01_first_prompt", "amy", 2)
    assert attempts == tracker.history()

    before = path.read_text(encoding="utf-8")
    attempt(tracker, PROMPTS[1][1])
    with pytest.raises(FileExistsError, match="overwrite=True"):
        tracker.export(path)
    assert path.read_text(encoding="utf-8") == before
    tracker.export(path, overwrite=True)
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1 + 3
    with pytest.raises(ValueError, match="own history file"):
        tracker.export(tracker.path, overwrite=True)


def test_import_files_reads_every_good_file_and_names_the_file_and_line_of_each_bad_one(tmp_path: Path) -> None:
    paths = []
    for learner, prompts in (("amy", PROMPTS[:2]), ("bo", PROMPTS)):
        tracker = kit.Tracker("l", folder=tmp_path / learner, learner=learner)
        for _, prompt in prompts:
            attempt(tracker, prompt)
        paths.append(tracker.export(tmp_path / f"{learner}.jsonl"))
    damaged = tmp_path / "cy.jsonl"
    kit.Tracker("l", folder=tmp_path / "cy", learner="cy").export(damaged)
    with damaged.open("a", encoding="utf-8") as file:
        file.write(json.dumps({"attempt": 1, "total": 50, "scores": {}, "prompt": "Hi.", "learner": "cy"}) + "\n")
        file.write('{"attempt": 2, "total": 5\n')
        file.write('{"attempt": 3, "total": "high", "scores": {}, "prompt": "x"}\n')
    raw = tmp_path / "raw.jsonl"  # the tracker's own file, not an export
    raw.write_text(paths[0].read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")

    with pytest.warns(UserWarning) as caught:
        table = kit.Tracker.import_files([*paths, damaged, raw, tmp_path / "missing.jsonl"])
    messages = [str(w.message) for w in caught]
    assert messages == table.attrs["skipped"] and len(messages) == 4
    assert f"{damaged}, line 3: not valid JSON" in messages[0]
    assert f"{damaged}, line 4: not an attempt (missing or wrong: total)" in messages[1]
    assert f"{raw}, line 1: not a progress file" in messages[2]
    assert f"{tmp_path / 'missing.jsonl'}: cannot be read" in messages[3]
    assert list(zip(table["learner"], table["attempt"])) == [
        ("amy", 1), ("amy", 2), ("bo", 1), ("bo", 2), ("bo", 3), ("cy", 1)]
    assert list(table.columns[:5]) == ["learner", "lesson", "attempt", "time", "total"]
    assert {"empathy", "task_solved", "prompt", "file"} <= set(table.columns)
    assert table.groupby("learner")["total"].max()["bo"] == table[table.learner == "bo"]["total"].iloc[-1]
    again = kit.Tracker.import_files(paths + paths[:1])  # the same file twice counts once
    assert len(again) == 5 and list(kit.Tracker.import_files([]).columns[:3]) == ["learner", "lesson", "attempt"]


def test_plot_draws_one_learners_curve_optionally_without_graders(tmp_path: Path) -> None:
    mine, amy = kit.Tracker("l", folder=tmp_path, learner="me"), kit.Tracker("l", folder=tmp_path, learner="amy")
    attempt(mine, PROMPTS[0][1])
    for _, prompt in PROMPTS:
        attempt(amy, prompt)
    figure = mine.plot(learner="amy")
    total = next(line for line in figure.axes[0].lines if line.get_label() == "total")
    assert list(total.get_ydata()) == [a["total"] for a in amy.history()]
    assert "amy" in figure.axes[0].get_title()
    assert [line.get_label() for line in mine.plot(graders=False).axes[0].lines] == ["total"]
    assert figure.number not in plt.get_fignums(), "closed: shown once, as the cell's value"
    with pytest.raises(ValueError, match="learners here: amy, me"):
        mine.plot(learner="nobody")


def test_plot_graders_draws_one_panel_per_grader(tmp_path: Path) -> None:
    tracker = kit.Tracker("l", folder=tmp_path)
    for _, prompt in PROMPTS:
        attempt(tracker, prompt)
    figure = tracker.plot_graders()
    graders = sorted({name for a in tracker.history() for name in a["scores"]})
    titled = [ax for ax in figure.axes if ax.get_title()]
    assert [ax.get_title() for ax in titled] == graders
    empathy = titled[graders.index("empathy")].lines[-1]
    assert list(empathy.get_ydata()) == [a["scores"]["empathy"] for a in tracker.history()]
    assert figure.number not in plt.get_fignums()
    assert kit.Tracker("empty", folder=tmp_path).plot_graders().axes[0].get_title() == "total"


def test_diff_shows_the_prompt_change_and_the_score_change(tmp_path: Path) -> None:
    tracker = kit.Tracker("l", folder=tmp_path)
    attempt(tracker, "You are a customer service bot.")
    attempt(tracker, "You are a customer service bot.\nAsk for height & weight <first>.")
    diff = tracker.diff(1, 2)
    assert (diff.added, diff.removed) == (1, 0)
    assert diff.change == round(tracker.history()[1]["total"] - tracker.history()[0]["total"], 1)
    text = str(diff)
    assert text.startswith("Attempt 1 → 2: total ") and "1 lines added, 0 removed" in text
    assert "+Ask for height & weight <first>." in text and "--- attempt 1" in text
    page = diff._repr_html_()
    assert "+Ask for height &amp; weight &lt;first&gt;." in page and "<first>" not in page
    assert str(tracker.diff()) == text, "no arguments: the last two attempts"

    attempt(tracker, "You are a customer service bot.\nAsk for height & weight <first>.")
    assert "the prompt did not change" in str(tracker.diff(2, 3)) and tracker.diff(2, 3).lines == []
    with pytest.raises(ValueError, match="attempt 9; .* has attempts 1-3"):
        tracker.diff(1, 9)
    with pytest.raises(ValueError, match="needs two attempts"):
        kit.Tracker("new", folder=tmp_path).diff()


def test_the_plot_marks_where_a_rerun_of_the_lesson_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = kit.Tracker("l", folder=tmp_path)
    first, second = PROMPTS[0][1], PROMPTS[2][1]
    attempt(tracker, first), attempt(tracker, second)
    assert not [t for t in tracker.plot().axes[0].texts if t.get_text() == "new session"]
    monkeypatch.setattr("kit.tracker.SESSION", "rerun")  # the learner runs the lesson again in a new kernel
    attempt(tracker, first), attempt(tracker, second)
    axes = tracker.plot().axes[0]
    (mark,) = [t for t in axes.texts if t.get_text() == "new session"]
    assert mark.xy[0] == 2.5  # between attempt 2 (first run) and attempt 3 (the re-run)
    assert [a["session"] for a in tracker.history()][1:3] != ["rerun", "rerun"]


def test_in_chinese_the_table_shows_chinese_headers_and_code_still_selects_the_english_keys(tmp_path: Path) -> None:
    from kit import i18n

    tracker = kit.Tracker("01_first_prompt", folder=tmp_path, learner="amy")
    attempt(tracker, "You are a bot.")
    attempt(tracker, "You are a bot.\n请先问身高体重。")
    i18n.set_language("zh")
    try:
        table = tracker.table()
        assert table["total"].tolist() == [a["total"] for a in tracker.history()]
        assert table.loc[2, "prompt"] == "You are a bot."  # the learner's prompt stays as written
        shown = table._repr_html_()
        assert "<th>总分</th>" in shown and "<th>提示词</th>" in shown and "<th>total</th>" not in shown
        assert "尝试" in repr(table) and "task_solved" in shown  # grader ids are identifiers
        diff = tracker.diff()
        assert diff.summary().startswith("第 1 次 → 第 2 次：总分 ") and "新增 1 行，删除 0 行" in diff.summary()
        assert "+请先问身高体重。" in str(diff)
        with pytest.raises(ValueError, match="diff 需要第 9 次；amy 在 01_first_prompt 里有第 1-2 次尝试。"):
            tracker.diff(1, 9)
        with pytest.raises(ValueError, match="不能用作文件名"):
            kit.Tracker("../x")
        figure = tracker.plot()
        assert figure.axes[0].get_title() == "学习曲线：01_first_prompt（amy）"
        plt.close(figure)
        missing = tmp_path / "nothing.jsonl"
        missing.write_text("{}\n", encoding="utf-8")
        with pytest.warns(UserWarning, match="第 1 行：不是学习进度文件"):
            kit.Tracker.import_files([missing])
    finally:
        i18n._chosen = None
