"""`kit doctor` as a learner runs it: a subprocess with only the environment we give it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from kit.testing.openai_server import serve


def clean_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The current environment without any KIT_*/OPENAI_* variable, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIT_", "OPENAI_", "DASHSCOPE_"))}
    return {**env, "KIT_DATA_DIR": str(tmp_path / "data"), **settings}


def doctor(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m kit doctor` in `tmp_path` (so no .env file is found)."""
    return subprocess.run(
        [sys.executable, "-m", "kit", "doctor", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )


def closed_port() -> int:
    """A localhost port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_configuration_uses_the_practice_model(tmp_path: Path) -> None:
    result = doctor(tmp_path, clean_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Practice model" in result.stdout
    assert "FAIL" not in result.stdout


def test_unreachable_endpoint_fails_fast_in_one_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    env = clean_env(tmp_path, KIT_MODEL="test-model", KIT_BASE_URL=url, KIT_API_KEY="sk-test")
    started = time.perf_counter()
    result = doctor(tmp_path, env, "--timeout", "3")
    elapsed = time.perf_counter() - started

    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    (failure,) = [line for line in output.splitlines() if "Could not reach" in line]
    assert failure.startswith("FAIL") and url in failure
    assert elapsed < 10, f"doctor took {elapsed:.1f} s against a closed port"


def test_slow_endpoint_is_cut_off_by_timeout(tmp_path: Path) -> None:
    env = clean_env(tmp_path, KIT_MODEL="test-model", KIT_API_KEY="sk-test")
    delay_s = 60  # far longer than doctor may take: finishing first proves the timeout cut the call
    with serve([{"delay": delay_s, "text": "ready"}], tmp_path / "requests.jsonl") as url:
        started = time.perf_counter()
        result = doctor(tmp_path, {**env, "KIT_BASE_URL": url}, "--timeout", "0.3")
        elapsed = time.perf_counter() - started

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("FAIL")], result.stdout
    # one try and one retry (doctor uses max_retries=1), each cut at 0.3 s: well before the server would answer
    assert elapsed < delay_s / 2, f"doctor took {elapsed:.1f} s with --timeout 0.3"
    assert "ready" not in result.stdout


def test_scripted_server_answers(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    env = clean_env(tmp_path, KIT_MODEL="test-model", KIT_API_KEY="sk-test")
    with serve([{"text": "ready"}], log, models=["test-model", "other"]) as url:
        result = doctor(tmp_path, {**env, "KIT_BASE_URL": url}, "--timeout", "3")

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"test-model at {url}" in result.stdout
    (connection,) = [line for line in result.stdout.splitlines() if "connection" in line]
    assert connection.startswith("ok") and "answered in" in connection and "ready" in connection
    requests = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert requests[0]["model"] == "test-model" and requests[0]["messages"]
    assert "'test-model' is one of the 2 models the server lists" in result.stdout
    (tools,) = [line for line in result.stdout.splitlines() if "tool calls" in line]
    assert tools.startswith("WARN") and "answered in words" in tools  # "ready" is no tool call
    assert requests[1]["tools"][0]["function"]["name"] == "size_lookup"


def test_a_model_the_server_does_not_list_fails_with_the_names_it_does(tmp_path: Path) -> None:
    env = clean_env(tmp_path, KIT_MODEL="qwen2.5-7b")  # no key: a server on localhost needs none
    script = [{"text": "ready"}, {"tool_call": {"name": "size_lookup", "arguments": {"sku": "J-101"}}}]
    with serve(script, models=["local-model"]) as url:
        result = doctor(tmp_path, {**env, "KIT_BASE_URL": url}, "--timeout", "3")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "No API key" not in result.stdout and "no key needed" in result.stdout
    (name,) = [line for line in result.stdout.splitlines() if "model name" in line]
    assert name.startswith("FAIL") and "lists local-model" in name and "'qwen2.5-7b' is not among them" in name
    (tools,) = [line for line in result.stdout.splitlines() if "tool calls" in line]
    assert tools.startswith("ok") and "called size_lookup" in tools


def test_the_llamacpp_preset_says_how_to_use_another_port(tmp_path: Path) -> None:
    result = doctor(tmp_path, clean_env(tmp_path, KIT_PROVIDER="llamacpp"), "--timeout", "1")
    assert "KIT_BASE_URL=http://localhost:PORT/v1" in result.stdout


def test_unknown_provider_is_a_failed_check_not_a_crash(tmp_path: Path) -> None:
    result = doctor(tmp_path, clean_env(tmp_path, KIT_PROVIDER="no-such-provider"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "KIT_PROVIDER" in result.stdout


def test_in_chinese_every_check_is_chinese_the_markers_stay_and_the_reply_is_quoted_as_said(tmp_path: Path) -> None:
    offline = doctor(tmp_path, clean_env(tmp_path, KIT_LANG="zh"))
    assert offline.returncode == 0, offline.stdout + offline.stderr
    lines = offline.stdout.splitlines()
    assert all(line.startswith("ok  ") for line in lines)
    assert any("工具包" in line and "运行在 Python" in line for line in lines)
    (connection,) = [line for line in lines if "连接" in line]
    assert "离线回答：" in connection
    env = clean_env(tmp_path, KIT_MODEL="test-model", KIT_API_KEY="sk-test", KIT_LANG="zh")
    with serve([{"text": "ready"}], models=["test-model"]) as url:
        online = doctor(tmp_path, {**env, "KIT_BASE_URL": url}, "--timeout", "3")
    (answered,) = [line for line in online.stdout.splitlines() if "连接" in line]
    assert answered.startswith("ok") and "秒回答了：'ready'" in answered  # the model's words, as it said them
    (tools,) = [line for line in online.stdout.splitlines() if "工具调用" in line]
    assert tools.startswith("WARN") and "直接用文字回答" in tools and "answered in words" not in tools
