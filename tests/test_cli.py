"""The `kit` command: the demo's climb, and clear one-line errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def kit_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kit", *args], capture_output=True, text=True, env=None)


def test_demo_shows_three_strictly_rising_totals_the_last_30_above_the_first() -> None:
    run = kit_command("demo")
    assert run.returncode == 0, run.stderr
    assert "Practice model (offline stand-in)" in run.stdout
    totals = [float(x) for x in re.search(r"Totals: ([\d.]+) → ([\d.]+) → ([\d.]+)", run.stdout).groups()]
    assert totals[0] < totals[1] < totals[2] and totals[2] >= totals[0] + 30


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("kit")
    assert script.exists() or shutil.which("kit"), "pip install -e . should create the `kit` command"
    run = subprocess.run([str(script), "personas", "list"], capture_output=True, text=True)
    assert "typo_auntie" in run.stdout


def test_unknown_persona_is_one_clear_line_listing_the_known_ones() -> None:
    run = kit_command("demo", "--persona", "typo_uncle")
    assert run.returncode == 2
    line = run.stderr.strip()
    assert line.startswith("error: No persona called 'typo_uncle'. Known personas: ") and "typo_auntie" in line
    assert "\n" not in line


@pytest.mark.parametrize("args", [["personas", "validate", "/no/such/card.yaml"]])
def test_missing_file_is_reported(args: list[str]) -> None:
    run = kit_command(*args)
    assert run.returncode == 1 and "no such file" in run.stderr and "Traceback" not in run.stderr


def test_kit_class_reads_the_sample_class_and_refuses_to_overwrite_a_report(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "class"
    page = tmp_path / "class.html"
    first = kit_command("class", str(sample), "--html", str(page))
    assert first.returncode == 0, first.stderr
    assert "12 learners" in first.stdout and "Class leaderboard" in first.stdout
    written = page.read_bytes()
    again = kit_command("class", str(sample), "--html", str(page))
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert page.read_bytes() == written


def test_kit_arena_exits_1_when_every_conversation_failed(tmp_path: Path) -> None:
    import os
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "arena.yaml"
    config.write_text("agents:\n  - name: unreachable\n    prompt: You are a bot.\n    model: nowhere\n"
                      "personas: [typo_auntie]\nseeds: 1\nresults: results.jsonl\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIT_", "OPENAI_"))}
    env |= {"KIT_BASE_URL": f"http://127.0.0.1:{port}/v1", "KIT_MAX_RETRIES": "0", "KIT_DATA_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "kit", "arena", str(config), "--no-progress"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Every conversation failed (1)" in run.stderr and "Could not reach" in run.stdout
    assert "Traceback" not in run.stderr


def test_in_chinese_the_demo_and_the_help_speak_chinese_and_the_prompts_stay_as_written() -> None:
    import os

    env = {**os.environ, "KIT_LANG": "zh"}
    demo = subprocess.run([sys.executable, "-m", "kit", "demo"], capture_output=True, text=True, env=env)
    assert demo.returncode == 0, demo.stderr
    assert "三段提示词，一段比一段好：" in demo.stdout and "第 1 次尝试" in demo.stdout and "一句话提示词" in demo.stdout
    assert "You are a customer service bot." in demo.stdout  # the prompts are what the model was sent: not translated
    assert re.search(r"总分：[\d.]+ → [\d.]+ → [\d.]+", demo.stdout) and "Totals" not in demo.stdout
    helped = subprocess.run([sys.executable, "-m", "kit", "arena", "--help"], capture_output=True, text=True, env=env)
    assert "擂台的 YAML 文件" in helped.stdout and "不显示进度条" in helped.stdout
    wrong = subprocess.run([sys.executable, "-m", "kit", "demo", "--persona", "typo_uncle"], capture_output=True,
                           text=True, env=env)
    assert wrong.returncode == 2 and wrong.stderr.startswith("出错：") and "typo_uncle" in wrong.stderr
