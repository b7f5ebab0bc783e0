"""Kill test: SIGKILL `kit arena` mid-run, run it again, and get exactly what an uninterrupted run gets.

The arena plays against the local OpenAI-protocol server with a latency per call, so it is still running
when the test kills it however fast the machine is (offline, all 32 conversations can finish between
the check and the kill on an idle machine).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kit.arena.store import ResultStore
from kit.cli import main
from kit.demo import PROMPTS
from kit.testing.openai_server import serve

LATENCY_S = 0.08  # per model call: 32 conversations take seconds, the first 6 well under one

CONFIG = """agents:
  - name: one-liner
    prompt: You are a customer service bot.
    model: test-model
  - name: v3
    prompt_file: v3.txt
    tools: shop
    model: test-model
personas: [typo_auntie, human_now, size_seeker, terse_customer, bargainer, angry_refund, english_customer, retired_grandma]
seeds: 2
concurrency: 4
"""


def arena_in(folder: Path) -> Path:
    folder.mkdir()
    (folder / "v3.txt").write_text(PROMPTS[2][1], encoding="utf-8")
    config = folder / "arena.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return config


def by_key(path: Path) -> dict[tuple, float | None]:
    records = ResultStore(path).read()
    keys = [(r["agent"], r["fingerprint"], r["persona"], r["seed"]) for r in records]
    assert len(keys) == len(set(keys)), "a conversation was recorded twice"
    return {key: r["total"] for key, r in zip(keys, records)}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_arena_resumes_to_exactly_the_uninterrupted_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(log=tmp_path / "server.log", latency_s=LATENCY_S) as base_url:
        monkeypatch.setenv("KIT_BASE_URL", base_url)
        monkeypatch.setenv("KIT_API_KEY", "sk-test-kill")
        kill_and_resume(tmp_path)


def kill_and_resume(tmp_path: Path) -> None:
    killed = arena_in(tmp_path / "killed")
    results = killed.with_name("arena.results.jsonl")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "kit", "arena", str(killed), "--no-progress"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if results.is_file() and results.read_bytes().count(b"\n") >= 6:
                break
            time.sleep(0.02)
        assert process.poll() is None, "the arena finished before it could be killed: " + process.stderr.read().decode()
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
        process.stderr.close()
    before = results.read_bytes()
    finished_before = by_key(results)
    assert 6 <= len(finished_before) < 32  # killed mid-run

    assert main(["arena", str(killed), "--no-progress"]) == 0  # resume
    after = results.read_bytes()
    assert after.startswith(before)  # nothing finished before the kill was lost or rewritten
    resumed = by_key(results)

    whole = arena_in(tmp_path / "whole")
    assert main(["arena", str(whole), "--no-progress"]) == 0
    uninterrupted = by_key(whole.with_name("arena.results.jsonl"))
    assert len(uninterrupted) == 32
    assert resumed == uninterrupted  # same conversations, same totals
    assert all(resumed[key] == total for key, total in finished_before.items())
