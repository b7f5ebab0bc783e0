"""`OpenAIChat` through the real `openai` SDK against the scripted server: retries, tools, errors."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest

import kit
from kit.config import load_settings
from kit.errors import ConfigError, KitError, ModelError
from kit.llm import OpenAIChat
from kit.testing.openai_server import Faults, events, serve
from kit.tools import size_lookup

AUNTIE_ARGS = {"sku": "J-101", "height_cm": 165, "weight_kg": 60}
AUNTIE_SCRIPT: list[dict[str, Any]] = [
    {"status": 429, "retry_after": 0.1},
    {"text": "阿姨您好，请问您的身高和体重是多少呢？"},
    {"tool_call": {"name": "size_lookup", "arguments": AUNTIE_ARGS}},
    {"text": "别着急，根据您的身高体重，建议您买L码，穿着不紧也不大。"},
    {"text": "1. 点页面下面的“L码”\n2. 点“立即购买”\n3. 填好地址，点“付款”就好了"},
]


@pytest.fixture(autouse=True)
def away_from_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run where no `.env` is found (conftest.py already cleared the KIT_* variables)."""
    monkeypatch.chdir(tmp_path)


def requests(log: Path) -> list[dict[str, Any]]:
    """The request bodies the server received, in order."""
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def chat(url: str, max_retries: int = 2) -> OpenAIChat:
    """The model as a learner would configure it, pointed at the scripted server."""
    return OpenAIChat("test-model", base_url=url, api_key="sk-test", max_retries=max_retries, timeout_s=10)


def test_auntie_conversation_over_http_retries_429_and_sends_tool_result(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with serve(AUNTIE_SCRIPT, log) as url:
        agent = kit.Agent("你是一家服装店的客服。", model=chat(url), tools=[size_lookup])
        transcript = kit.converse(agent, "typo_auntie", seed=0, max_turns=12)

    assert transcript.outcome == "satisfied", str(transcript)
    calls = [call for turn in transcript.agent_turns for call in turn.tool_calls]
    assert [call["name"] for call in calls] == ["size_lookup"]
    assert calls[0]["arguments"] == AUNTIE_ARGS
    assert json.loads(calls[0]["result"])["size"] == "L"
    assert all(turn.tokens > 0 for turn in transcript.agent_turns)  # the server's usage reached the kit

    sent = requests(log)
    answered = len(AUNTIE_SCRIPT) - 1  # every step but the 429 is one successful call
    assert len(sent) == answered + 1, "the 429 should cost exactly one extra request"
    assert sent[0] == sent[1], "the SDK retries the same request after a 429"
    assert sent[0]["tools"][0]["function"]["name"] == "size_lookup"

    after_tool = [body for body in sent if any(m["role"] == "tool" for m in body["messages"])]
    assert after_tool, "no request carried the tool result back to the model"
    messages = after_tool[0]["messages"]
    tool_message = next(m for m in messages if m["role"] == "tool")
    assert json.loads(tool_message["content"])["size"] == "L"
    asked = next(m for m in messages if m.get("tool_calls"))
    assert asked["tool_calls"][0]["id"] == tool_message["tool_call_id"]


@pytest.mark.parametrize("status", [500, 429])
def test_persistent_error_becomes_model_error_naming_url_and_status(tmp_path: Path, status: int) -> None:
    log = tmp_path / "requests.jsonl"
    with serve([{"status": status, "retry_after": 0.05}], log) as url:
        with pytest.raises(ModelError) as caught:
            chat(url, max_retries=2).complete([{"role": "user", "content": "你好"}])

    message = str(caught.value)
    assert url in message and f"HTTP {status} after 3 attempts" in message and "\n" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # no SDK traceback chained
    assert isinstance(caught.value, KitError)  # so the CLI prints one line
    assert len(requests(log)) == 3, "max_retries=2 means one try and two retries"


def test_cut_off_tool_arguments_are_a_transport_fault_retried_not_a_reply(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    script = [{"malformed_tool_call": True}, {"text": "阿姨您好，请问您的身高和体重是多少呢？"}]
    with serve(script, log) as url:
        agent = kit.Agent("你是一家服装店的客服。", model=chat(url, max_retries=1), tools=[size_lookup])
        transcript = kit.converse(agent, "typo_auntie", seed=0, max_turns=1)

    first = transcript.agent_turns[0]
    assert first.text == script[1]["text"] and not first.tool_calls, "the broken response left no trace"
    sent = requests(log)
    assert len(sent) == 2 and sent[0]["messages"] == sent[1]["messages"], "the same request, sent again"


@pytest.mark.parametrize("outcome", ["malformed", "html"])
def test_a_response_that_stays_unreadable_is_one_clear_model_error(tmp_path: Path, outcome: str) -> None:
    log = tmp_path / "server.log"
    with serve(log=log, schedule=[outcome]) as url:
        model = chat(url, max_retries=1)
        with pytest.raises(ModelError, match=r"answered 2 times with a response that could not be read") as caught:
            model.complete(HELLO, tools=[size_lookup.schema()])
        with pytest.raises(ModelError, match=r"could not be read"):
            asyncio.run(model.acomplete(HELLO, tools=[size_lookup.schema()]))
    assert [event["outcome"] for event in events(log)] == [outcome] * 4
    assert "\n" not in str(caught.value) and ("502 Bad Gateway" in str(caught.value)) == (outcome == "html")


HELLO = [{"role": "user", "content": "你好"}]
KEY = "sk-test-3f9a1c77e0d24b6b"


def test_429_waits_at_least_the_retry_after_the_server_asked_for(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    retry_after = 1.0  # longer than the SDK's own first backoff (at most 0.5 s), so only the header explains it
    with serve(log=log, schedule=["429", "429", "ok"], faults=Faults(retry_after_s=retry_after)) as url:
        reply = chat(url, max_retries=2).complete(HELLO)

    assert reply.text and reply.model == "test-model"
    arrivals = events(log)
    assert [event["outcome"] for event in arrivals] == ["429", "429", "ok"]
    gaps = [later["t"] - earlier["t"] for earlier, later in zip(arrivals, arrivals[1:])]
    assert min(gaps) >= retry_after, f"retried {min(gaps):.2f} s after a 429 asking for {retry_after} s"


def test_500_is_retried_max_retries_times_then_fails_in_one_line(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with serve(log=log, schedule=["500"]) as url:
        with pytest.raises(ModelError, match=r"HTTP 500 after 2 attempts") as caught:
            chat(url, max_retries=1).complete(HELLO)
    assert [event["outcome"] for event in events(log)] == ["500", "500"]
    assert "\n" not in str(caught.value) and "Error code" not in str(caught.value)


def test_a_hanging_server_times_out_after_the_timeout_not_the_hang(tmp_path: Path) -> None:
    hang_s, timeout_s = 4.0, 0.3
    with serve(log=tmp_path / "server.log", schedule=["timeout"], faults=Faults(hang_s=hang_s)) as url:
        model = OpenAIChat("test-model", base_url=url, api_key=KEY, timeout_s=timeout_s, max_retries=0)
        import openai  # noqa: F401  (loaded before the clock starts)

        started = time.perf_counter()
        with pytest.raises(ModelError, match=r"timed out after 0\.3 s \(1 attempt\)"):
            model.complete(HELLO)
        waited = time.perf_counter() - started
    assert timeout_s <= waited < hang_s


def test_async_calls_use_the_same_retries(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with serve(log=log, schedule=["500", "ok"], faults=Faults()) as url:
        reply = asyncio.run(chat(url, max_retries=1).acomplete(HELLO))
    assert reply.text and [event["outcome"] for event in events(log)] == ["500", "ok"]


def test_the_key_never_reaches_the_server_log_or_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "server"
    messages = []
    with serve([{"text": "好的"}], folder / "server.log", schedule=["ok", "429", "500", "timeout", "malformed"],
               faults=Faults(hang_s=1.0, retry_after_s=0.05)) as url:
        model = OpenAIChat("test-model", base_url=url, api_key=KEY, timeout_s=0.3, max_retries=0)
        for _ in range(5):
            try:
                model.complete(HELLO)
            except ModelError as error:
                messages.append(str(error))
    assert len(messages) == 3 and any("timed out" in m for m in messages)
    files = [path for path in folder.rglob("*") if path.is_file()]
    assert len(files) >= 2 and sum(path.stat().st_size for path in files) > 0
    assert not [path for path in files if KEY.encode() in path.read_bytes()]
    assert not [m for m in messages if KEY in m] and KEY not in repr(model)


def test_timeout_and_retries_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_TIMEOUT", "2.5")
    monkeypatch.setenv("KIT_MAX_RETRIES", "0")
    model = OpenAIChat("test-model", base_url="http://127.0.0.1:9/v1", api_key=KEY)
    assert (model.timeout_s, model.max_retries) == (2.5, 0)
    assert OpenAIChat("m", base_url="http://x/v1", api_key=KEY, timeout_s=9, max_retries=4).max_retries == 4
    faster = model.with_limits(timeout_s=0.5)
    assert (faster.timeout_s, faster.max_retries, model.timeout_s) == (0.5, 0, 2.5)
    defaults = load_settings("test-model", environ={}, cwd=Path.cwd())
    assert (defaults.timeout_s, defaults.max_retries) == (60, 2)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [("KIT_TIMEOUT", "soon", "KIT_TIMEOUT=60"), ("KIT_TIMEOUT", "-3", "more than 0"),
     ("KIT_MAX_RETRIES", "2.5", "KIT_MAX_RETRIES=2"), ("KIT_MAX_RETRIES", "many", "whole number")],
)
def test_a_bad_timeout_or_retry_setting_says_what_to_write(tmp_path: Path, name: str, value: str, expected: str) -> None:
    (tmp_path / ".env").write_text(f"KIT_MODEL=test-model\n{name}={value}\n")
    with pytest.raises(ConfigError, match=expected) as caught:
        load_settings(environ={"KIT_ENV_FILE": ".env"}, cwd=tmp_path)
    assert name in str(caught.value) and ".env" in str(caught.value)


def test_in_chinese_a_rejected_key_or_missing_key_is_explained_without_the_key(tmp_path: Path) -> None:
    from kit import i18n

    i18n.set_language("zh")
    try:
        with serve([{"status": 500}]) as url:
            with pytest.raises(ModelError) as caught:
                chat(url, max_retries=0).complete([{"role": "user", "content": "你好"}])
        assert str(caught.value).startswith(f"{url} 返回了 HTTP 500（共尝试 1 次）：")
        with pytest.raises(ConfigError, match="test-model 没有 API 密钥：请在环境变量或 .env 文件里设置 KIT_API_KEY"):
            OpenAIChat("test-model", base_url="https://example.invalid/v1")._client_args()
        with pytest.raises(ConfigError, match="max_retries=-1：重试次数应为不小于 0 的整数"):
            OpenAIChat("test-model", base_url="https://example.invalid/v1", api_key="sk-test", max_retries=-1)
    finally:
        i18n._chosen = None
