"""`kit exercises build`: exercises are the solutions with the answers removed, and stay in sync."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kit.errors import KitError
from kit.exercises import YOUR_TURN, build, strip_solutions

SOLVED = '''prompt = "You are a customer service bot."  # the starting point
### BEGIN SOLUTION
prompt = """Ask for height and weight first."""
### END SOLUTION
print(prompt)'''


def test_the_answer_block_becomes_a_your_turn_comment_and_the_start_stays() -> None:
    assert strip_solutions(SOLVED) == (
        'prompt = "You are a customer service bot."  # the starting point\n' + YOUR_TURN + "\nprint(prompt)"
    )


def test_indentation_and_several_blocks_are_kept() -> None:
    source = "def f():\n    x = 1\n    ### BEGIN SOLUTION\n    x = 2\n    ### END SOLUTION\n    return x\n" + SOLVED
    out = strip_solutions(source)
    assert "    " + YOUR_TURN in out and "x = 2" not in out and "height" not in out and out.count(YOUR_TURN) == 2


def test_unpaired_markers_are_an_error_naming_the_cell() -> None:
    with pytest.raises(KitError, match="lesson.ipynb, cell 3: 1 '### BEGIN SOLUTION' but 0"):
        strip_solutions("### BEGIN SOLUTION\nx = 1", "lesson.ipynb, cell 3")


def course(tmp_path: Path) -> Path:
    (tmp_path / "solutions").mkdir()
    cell = new_code_cell(SOLVED, execution_count=3, outputs=[new_output("stream", name="stdout", text="Ask...")])
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Lesson"), cell]), tmp_path / "solutions" / "01_x.ipynb")
    return tmp_path


def test_build_writes_runnable_exercises_without_answers_or_outputs(tmp_path: Path) -> None:
    root = course(tmp_path)
    assert [b.changed for b in build(root)] == [True]
    exercise = nbformat.read(root / "exercises" / "01_x.ipynb", as_version=4)
    code = exercise.cells[1]
    assert "height" not in code.source and code.outputs == [] and code.execution_count is None
    namespace: dict = {}
    exec(code.source, namespace)  # noqa: S102 - the exercise runs as given
    assert namespace["prompt"] == "You are a customer service bot."


def test_check_reports_out_of_date_exercises_without_writing(tmp_path: Path) -> None:
    root = course(tmp_path)
    assert [b.changed for b in build(root, check=True)] == [True]
    assert not (root / "exercises").exists()
    build(root)
    assert [b.changed for b in build(root, check=True)] == [False]


def test_cli_check_fails_when_out_of_date(tmp_path: Path) -> None:
    root = course(tmp_path)
    run = subprocess.run([sys.executable, "-m", "kit", "exercises", "build", "--check", "--root", str(root)],
                         capture_output=True, text=True)
    assert run.returncode == 1 and "out of date" in run.stderr


def test_the_committed_exercises_are_in_sync_with_the_solutions() -> None:
    root = Path(__file__).resolve().parent.parent
    if not (root / "solutions").is_dir():
        pytest.skip("no solutions/ yet")
    stale = [str(b.path) for b in build(root, check=True) if b.changed]
    assert not stale, f"run `kit exercises build`: {stale}"


def test_in_chinese_an_unpaired_solution_marker_is_explained_in_chinese() -> None:
    from kit import i18n
    from kit.errors import KitError
    from kit.exercises import strip_solutions

    i18n.set_language("zh")
    try:
        with pytest.raises(KitError, match="cell：有 1 个 '### BEGIN SOLUTION'，却有 0 个 '### END SOLUTION'"):
            strip_solutions("x = 1\n### BEGIN SOLUTION\nx = 2\n")
    finally:
        i18n._chosen = None
