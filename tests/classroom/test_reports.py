"""Workshop mode: the class's progress exports read together, bad files reported, and the three reports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kit
from kit.classroom import ClassroomError, collect, main
from kit.errors import KitError
from kit.tracker import FORMAT

SAMPLE = Path(__file__).resolve().parents[2] / "notebooks" / "data"


def export(path: Path, learner: str, lesson: str, totals: list[float], scores: dict | None = None) -> Path:
    """A progress file as `Tracker.export` writes it: a header line, then one attempt per line."""
    header = {"format": FORMAT, "kit_version": kit.__version__, "lesson": lesson, "learner": learner,
              "exported": "2026-03-14T12:00:00+00:00", "attempts": len(totals)}
    records = [{"attempt": n, "time": f"2026-03-14T09:{n:02d}:00+00:00", "lesson": lesson, "learner": learner,
                "model": "practice", "prompt": f"prompt {n}", "persona": "typo_auntie", "seed": 0, "total": total,
                "scores": {"empathy": total, "clarity": 100.0, "policy": None} if scores is None else scores,
                "note": ""}
               for n, total in enumerate(totals, 1)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (header, *records)), encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Two learners: amy climbs 20 → 90 in L1 and tries L2 once; bo passes L1 at once and skips L2."""
    export(tmp_path / "amy_L1.jsonl", "amy", "L1", [20, 60, 90])
    export(tmp_path / "amy_L2.jsonl", "amy", "L2", [50])
    export(tmp_path / "bo_L1.jsonl", "bo", "L1", [85])
    return tmp_path


def test_the_committed_sample_class_loads_cleanly() -> None:
    room = collect(SAMPLE / "class")
    assert len(room.learners) == 12 and not room.problems and not room.duplicates
    assert room.lesson_names[:5] == ["01_first_prompt", "02_prompt_anatomy", "03_difficult_customers",
                                     "04_knowledge_rag", "05_units_and_tools"]
    assert set(room.attempts["model"]) == {"practice"}
    assert room.attempts["total"].between(0, 100).all()


def test_late_hand_ins_each_get_one_clear_problem_and_the_good_lines_still_load() -> None:
    room = collect([SAMPLE / "class", SAMPLE / "class_late"])
    problems = {Path(p.file).name: p for p in room.problems}
    assert problems["lina_05_units_and_tools.jsonl"].line == 1
    assert "not a progress file" in problems["lina_05_units_and_tools.jsonl"].what
    assert problems["mo_02_prompt_anatomy.jsonl"].line == 8  # the line the copy cut short
    assert "not valid JSON" in problems["mo_02_prompt_anatomy.jsonl"].what
    assert "mo" in room.learners  # the six attempts before the cut are kept
    assert len(room.duplicates) == 1 and "bo_01_first_prompt (1).jsonl" in room.duplicates[0]
    alone = collect(SAMPLE / "class")
    assert len(room.attempts) == len(alone.attempts) + 6  # the duplicate added nothing


def test_the_same_file_twice_counts_once_and_a_re_export_adds_only_new_attempts(small: Path) -> None:
    shutil.copyfile(small / "amy_L1.jsonl", small / "amy_L1 copy.jsonl")
    room = collect(small)
    assert len(room.attempts) == 5 and len(room.duplicates) == 1
    export(small / "bo_L1_later.jsonl", "bo", "L1", [85, 95])  # the same first attempt, and one more
    assert len(collect(small).attempts) == 6


def test_a_missing_path_an_empty_folder_and_an_empty_export_are_reported(small: Path, tmp_path_factory) -> None:
    empty = tmp_path_factory.mktemp("empty")
    header_only = small / "cy_L1.jsonl"
    header_only.write_text(json.dumps({"format": FORMAT, "lesson": "L1", "learner": "cy"}) + "\n", encoding="utf-8")
    room = collect([small, small / "nope.jsonl", empty])
    messages = [str(p) for p in room.problems]
    assert any("nope.jsonl: no such file" in m for m in messages)
    assert any("no .jsonl progress files" in m for m in messages)
    assert any("cy_L1.jsonl: a progress file with no attempts" in m for m in messages)
    assert room.learners == ["amy", "bo"]


def test_nothing_readable_is_one_kit_error_naming_each_file(tmp_path: Path) -> None:
    (tmp_path / "notes.jsonl").write_text("hello\n", encoding="utf-8")
    with pytest.raises(KitError, match=r"notes\.jsonl, line 1: not a progress file"):
        collect(tmp_path)
    with pytest.raises(ClassroomError, match="pass_mark"):
        collect(tmp_path, pass_mark=120)


def test_leaderboard_ranks_by_mean_best_over_all_lessons(small: Path) -> None:
    board = collect(small).leaderboard()
    table = board.table
    assert list(table["learner"]) == ["amy", "bo"]
    amy, bo = table.iloc[0], table.iloc[1]
    assert amy["score"] == 70.0 and bo["score"] == 42.5  # bo's untried L2 counts 0
    assert (amy["passed"], amy["tried"], amy["attempts"]) == (1, 2, 4)
    assert amy["climb"] == 35.0  # (70 + 0) / 2
    assert amy["L1"] == 90 and bo["L2"] != bo["L2"]  # NaN where not tried
    detail = board.detail.set_index(["learner", "lesson"])
    assert detail.loc[("amy", "L1"), "attempts to pass"] == 3
    assert "amy" in str(board) and "1/2" in str(board)


def test_tied_learners_share_a_rank(tmp_path: Path) -> None:
    export(tmp_path / "a.jsonl", "a", "L1", [90])
    export(tmp_path / "b.jsonl", "b", "L1", [90])
    assert list(collect(tmp_path).leaderboard().table.index) == [1, 1]


def test_lessons_report_hardest_first(small: Path) -> None:
    lessons = collect(small).lessons()
    assert lessons.hardest == "L2"  # amy's only try is below 80
    row = lessons.table.loc["L1"]
    assert (row["learners"], row["passed"], row["below pass"]) == (2, 2, 0.0)
    assert row["median attempts to pass"] == 2.0  # amy needed 3, bo 1
    assert row["customer"] == "typo_auntie"
    assert "L2" in str(lessons) and "100%" in str(lessons)


def test_graders_report_weakest_first_with_what_each_grader_checks(small: Path) -> None:
    graders = collect(small).graders()
    assert list(graders.table["mean"]) == sorted(graders.table["mean"])
    assert graders.weakest["grader"] == "empathy" and graders.weakest["lesson"] == "L2"
    assert graders.weakest["title"] == "Empathy when upset"
    assert "acknowledges" in graders.weakest["checks"]
    assert "policy" not in set(graders.table["grader"])  # never applied: no row
    assert list(graders.matrix.index) == ["empathy", "clarity"]


def test_reports_show_as_html_with_names_escaped(tmp_path: Path) -> None:
    export(tmp_path / "x.jsonl", "<b>x</b>", "L1", [10, 95])
    room = collect(tmp_path)
    for part in (room, room.leaderboard(), room.lessons(), room.graders()):
        page = part._repr_html_()
        assert "<table" in page or "1 file from 1 learner" in page
        assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in room.leaderboard()._repr_html_()


def test_one_plot_per_question(small: Path) -> None:
    room = collect(small)
    board, lessons, graders = room.leaderboard().plot(), room.lessons().plot(), room.graders().plot()
    assert [t.get_text() for t in board.axes[0].get_yticklabels()] == ["1. amy", "2. bo"]
    assert "pass mark 80" in lessons.axes[0].get_legend().get_texts()[0].get_text()
    assert [t.get_text() for t in graders.axes[0].get_yticklabels()] == ["empathy", "clarity"]


def test_learner_and_best_views(small: Path) -> None:
    room = collect(small)
    assert list(room.learner("amy")["total"]) == [20, 60, 90, 50]
    assert list(room.best("L1")["learner"]) == ["amy", "bo"]
    with pytest.raises(ClassroomError, match="learners in this class: amy, bo"):
        room.learner("zoe")


def test_command_prints_the_report_and_writes_html_without_overwriting(small: Path, capsys) -> None:
    page = small / "out" / "report.html"
    assert main([str(small), "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert "Class leaderboard" in out and "hardest first" in out and "weakest first" in out
    text = page.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == 3 and "amy" in text
    assert main([str(small), "--html", str(page)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main([str(small), "--html", str(page), "--overwrite", "--pass-mark", "95"]) == 0


def test_command_exit_codes_for_skipped_and_unreadable_files(small: Path, tmp_path_factory, capsys) -> None:
    (small / "bad.jsonl").write_text("{}\n", encoding="utf-8")
    assert main([str(small)]) == 1
    empty = tmp_path_factory.mktemp("empty")
    assert main([str(empty)]) == 2
    assert "No attempts could be read" in capsys.readouterr().err


def test_python_dash_m_runs_the_same_command(small: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kit.classroom", str(small), "--pass-mark", "50"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "passed = best ≥ 50" in done.stdout


def test_importing_the_classroom_loads_no_pandas_or_matplotlib() -> None:
    code = "import sys, kit.classroom; print([m for m in ('pandas', 'matplotlib') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_hints_are_the_graders_own_words_replayed_on_the_practice_model() -> None:
    hints = collect(SAMPLE / "class").graders().hints(rows=3)
    assert len(hints.table) == 3
    assert hints.table["hint"].notna().sum() >= 2  # attempts that needed tools or a window do not replay
    weakest = hints.table.iloc[0]
    assert weakest["grader"] == "empathy" and "feelings" in weakest["hint"]  # the empathy grader's own advice
    assert set(hints.table["learner"].dropna()) <= set(collect(SAMPLE / "class").learners)
    assert "replayed on the practice model" in str(hints) and "<ul>" in hints._repr_html_()


def test_no_hint_when_the_replay_does_not_give_the_recorded_score(small: Path) -> None:
    from kit.classroom.hints import replay_hint

    attempt = collect(small).attempts.iloc[0].to_dict()  # made up: empathy 20 in a file, not what a replay gives
    assert replay_hint(attempt, "empathy") is None
    assert replay_hint({**attempt, "model": "qwen-plus"}, "empathy") is None  # only practice-model attempts replay
    assert replay_hint({**attempt, "persona": "gone_customer"}, "empathy") is None  # a card this kit no longer has
    hints = collect(small).graders().hints()
    assert hints.table["hint"].isna().all()
    assert "no attempt there replays exactly" in str(hints) and "no attempt there replays exactly" in hints._repr_html_()


def test_files_without_grader_scores_still_make_every_report(tmp_path: Path) -> None:
    export(tmp_path / "a.jsonl", "a", "L1", [40, 70], scores={})
    graders = collect(tmp_path).graders()
    assert graders.table.empty and "weakest first" in str(graders)
    assert graders.plot().axes[0].texts[0].get_text() == "No grader scores in these files"
    assert graders.hints().table.empty


def test_the_class_report_speaks_chinese_and_keeps_the_english_keys(chinese) -> None:
    room = collect([SAMPLE / "class", SAMPLE / "class_late"])
    assert str(room).startswith("13 位学员交来 72 个文件：7 课共 398 次尝试（及格线 80）；1 个重复交的文件只算一次")
    cut = next(p for p in room.problems if Path(p.file).name == "mo_02_prompt_anatomy.jsonl")
    assert cut.line == 8 and f"{cut.file} 第 8 行：" in str(cut)  # which file, which line, what is wrong
    assert "同一个文件交了两次：" in str(room) and "已跳过：" in room._repr_html_()
    board, lessons, graders = room.leaderboard(), room.lessons(), room.graders()
    assert str(board).startswith("全班排行榜 · 得分 = 7 课最好总分的平均") and "名次" in str(board)
    assert "<th>学员</th><th>得分</th><th>通过</th>" in board._repr_html_() and "8 次</small>" in board._repr_html_()
    assert "各课情况，最难的在前" in str(lessons) and "<th>未及格</th>" in lessons._repr_html_()
    assert "Lessons" not in lessons._repr_html_() and "below pass" not in str(lessons)
    page = graders._repr_html_()
    assert "顾客着急时先安抚" in page and "下一句回复先照顾到顾客的情绪" in page and "Empathy" not in page
    assert "人中" in str(graders) and "……还有" in str(graders)
    # the same code runs in both editions: the tables' keys stay English
    assert list(board.table.columns[:5]) == ["learner", "score", "passed", "tried", "attempts"]
    assert lessons.table.loc[lessons.hardest, "passed"] == 0 and "median best" in lessons.table
    assert {"grader", "mean", "below pass", "learners"} <= set(graders.table.columns)
    assert graders.weakest["title"] == "Empathy when upset"  # data in the table; translated where it is shown


def test_what_learners_wrote_stays_as_they_wrote_it_in_the_chinese_report(chinese) -> None:
    room = collect(SAMPLE / "class")
    amy, lina = room.learner("amy").loc["01_first_prompt"], room.learner("lina").loc["01_first_prompt"]
    assert list(amy.columns) == ["total", "note", "提示词最后一行"]
    assert amy["提示词最后一行"].iloc[0] == "You are a customer service bot."
    assert lina["提示词最后一行"].iloc[1] == "理解美妆术语，按客户的色号和肤质推荐。"
    assert room.best("01_first_prompt").loc[0, "prompt"].startswith("You are a customer service bot.\n")
    hints = room.graders().hints(rows=2)
    assert str(hints).startswith("最弱的几个评分项给典型学员的提示（在练习模型上重放得到）")
    assert "04_knowledge_rag · empathy（平均 0 分） → dmitri：" in str(hints)
    with pytest.raises(ClassroomError, match="没有 'zoe' 的尝试；这个班的学员有：amy, bo"):
        room.learner("zoe")
    with pytest.raises(ClassroomError, match="pass_mark 是一课算作通过的总分"):
        collect(SAMPLE / "class", pass_mark=-1)


def test_the_chinese_plots_and_page(small: Path, chinese) -> None:
    room = collect(small)
    lessons = room.lessons().plot().axes[0]
    assert lessons.get_legend().get_texts()[0].get_text() == "及格线 80"
    assert lessons.get_xlabel() == "课程" and lessons.get_ylabel() == "总分（0-100）" and "未及格" in lessons.get_title()
    assert room.leaderboard().plot().axes[0].get_title() == "各课最好总分（及格线 80）"
    assert room.graders().plot().axes[0].get_title().startswith("全班最好一次尝试上各评分项的平均分")
    page = room.report_html()
    assert page.startswith("<!doctype html><html lang='zh'>") and "<h1>班级报告</h1>" in page and "谁进步了？" in page


def test_the_command_speaks_chinese(small: Path, chinese, capsys) -> None:
    page = small / "report.html"
    assert main([str(small), "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert "全班排行榜" in out and f"报告已写入 {page}" in out
    assert main([str(small), "--html", str(page)]) == 2
    assert "已经存在：请换一个文件名，或者加上 --overwrite。" in capsys.readouterr().err
    empty = small / "empty"
    empty.mkdir()
    assert main([str(empty)]) == 2
    assert "一次尝试也没读到" in capsys.readouterr().err


def test_a_tracker_message_in_either_language_gives_the_file_and_the_line() -> None:
    from kit.classroom import Problem, _problem

    assert _problem("a.jsonl", "a.jsonl, line 8: not valid JSON; skipped.") == Problem("a.jsonl", 8, "not valid JSON; skipped.")
    assert _problem("a.jsonl", "a.jsonl 第 8 行：不是有效的 JSON；已跳过。") == Problem("a.jsonl", 8, "不是有效的 JSON；已跳过。")
    assert _problem("a.jsonl", "a.jsonl，第 3 行：坏了") == Problem("a.jsonl", 3, "坏了")
    assert _problem("a.jsonl", "a.jsonl: cannot be read; skipped.") == Problem("a.jsonl", None, "cannot be read; skipped.")
    assert _problem("a.jsonl", "a.jsonl：读不出来") == Problem("a.jsonl", None, "读不出来")


def test_every_graders_line_of_what_it_checks_has_a_translation() -> None:
    from kit.classroom.reports import CHECKS, grader_notes

    assert {checks for _, checks in grader_notes().values()} <= set(CHECKS)  # a grader's first line changed: update CHECKS
