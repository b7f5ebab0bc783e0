"""The local OpenAI-protocol test server: practice answers over HTTP, faults by rate or schedule, /stats."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import kit
from kit.llm import OpenAIChat
from kit.testing.openai_server import Faults, events, serve, stats
from kit.tools import size_lookup

HELLO = {"model": "any-model", "messages": [{"role": "user", "content": "你好"}]}


@pytest.fixture(autouse=True)
def away_from_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run where no `.env` is found (conftest.py already cleared the KIT_* variables)."""
    monkeypatch.chdir(tmp_path)


def post(url: str, body: dict[str, Any], timeout: float = 10) -> tuple[int, dict[str, str], dict[str, Any]]:
    """One raw chat-completions request: (status, headers, JSON body)."""
    request = urllib.request.Request(
        f"{url}/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_without_a_script_the_practice_model_answers_over_http(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    prompt = "You are a customer service bot. Ask for height and weight before recommending a size."
    with serve(log=log) as url:
        remote = OpenAIChat("practice-over-http", base_url=url, api_key="sk-test", timeout_s=10)
        over_http = kit.converse(kit.Agent(prompt, model=remote, tools=[size_lookup]), "typo_auntie", seed=0)
        counters = stats(url)
    in_process = kit.converse(kit.Agent(prompt, tools=[size_lookup]), "typo_auntie", seed=0)

    assert [turn.text for turn in over_http.turns] == [turn.text for turn in in_process.turns]
    assert [turn.tool_calls for turn in over_http.turns] == [turn.tool_calls for turn in in_process.turns]
    assert over_http.model == "practice-over-http" and all(t.tokens > 0 for t in over_http.agent_turns)
    assert counters["requests"] == len(log.read_text().splitlines()) >= len(over_http.agent_turns)
    assert counters["by_outcome"]["ok"] == counters["requests"]


def test_schedule_cycles_outcomes_with_retry_after_and_stats(tmp_path: Path) -> None:
    faults = Faults(retry_after_s=0.25)
    with serve(log=tmp_path / "server.log", schedule=["ok", "429", "500", "malformed"], faults=faults) as url:
        answers = [post(url, HELLO) for _ in range(5)]
        counters = stats(url)

    assert [status for status, _, _ in answers] == [200, 429, 500, 200, 200]
    assert answers[1][1]["Retry-After"] == "0.25"
    assert answers[1][2]["error"]["code"] == "rate_limit_exceeded" and "error" in answers[2][2]
    assert answers[0][2]["model"] == "any-model" and answers[0][2]["usage"]["total_tokens"] > 0
    assert counters == {"requests": 5, "by_outcome": {"ok": 2, "429": 1, "500": 1, "timeout": 0, "malformed": 1, "html": 0}}
    assert [event["outcome"] for event in events(tmp_path / "server.log")] == ["ok", "429", "500", "malformed", "ok"]


def test_malformed_fault_sends_tool_arguments_that_are_not_json(tmp_path: Path) -> None:
    body = {**HELLO, "tools": [size_lookup.schema()]}
    with serve(log=tmp_path / "server.log", schedule=["malformed"]) as url:
        status, _, answer = post(url, body)
    (call,) = answer["choices"][0]["message"]["tool_calls"]
    assert status == 200 and call["function"]["name"] == "size_lookup"
    with pytest.raises(json.JSONDecodeError):
        json.loads(call["function"]["arguments"])


def test_fault_rate_is_seeded_and_mixes_the_kinds_evenly(tmp_path: Path) -> None:
    faults = Faults(rate=0.3, kinds=("429", "500"), seed=7)
    runs = []
    for attempt in range(2):
        with serve(log=tmp_path / f"run{attempt}.log", faults=faults) as url:
            for _ in range(60):
                post(url, HELLO)
            runs.append(stats(url)["by_outcome"])
    outcomes = [[e["outcome"] for e in events(tmp_path / f"run{n}.log")] for n in range(2)]
    assert outcomes[0] == outcomes[1], "the same seed fails the same requests"
    failed = runs[0]["429"] + runs[0]["500"]
    assert 6 <= failed <= 30 and abs(runs[0]["429"] - runs[0]["500"]) <= 1
    assert runs[0]["ok"] == 60 - failed and runs[0]["timeout"] == 0


def test_timeout_fault_hangs_past_the_client_timeout(tmp_path: Path) -> None:
    with serve(log=tmp_path / "server.log", schedule=["timeout", "ok"], faults=Faults(hang_s=2.0)) as url:
        with pytest.raises(TimeoutError):
            post(url, HELLO, timeout=0.3)
        assert post(url, HELLO)[0] == 200  # the server still answers the next request
        assert stats(url)["by_outcome"]["timeout"] == 1


def test_serve_stops_the_server_even_when_the_block_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        with serve(log=tmp_path / "server.log") as url:
            port = int(url.rsplit(":", 1)[1].split("/")[0])
            raise RuntimeError("boom")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"faults": Faults}, None),
        ({"schedule": ["ok", "404"]}, "schedule"),
        ({"latency_s": -1}, "latency"),
    ],
)
def test_bad_settings_fail_before_starting(tmp_path: Path, settings: dict[str, Any], message: str | None) -> None:
    if message is None:
        with pytest.raises(ValueError, match="rate"):
            Faults(rate=1.5)
        with pytest.raises(ValueError, match="kind"):
            Faults(kinds=("429", "502"))
        return
    with pytest.raises(ValueError, match=message):
        with serve(log=tmp_path / "server.log", **settings):
            pass


def test_command_line_prints_the_base_url_and_serves(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "kit.testing.openai_server", "--port", "0", "--latency", "0",
               "--fail-rate", "0", "--seed", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        assert post(url, HELLO)[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=5)
