"""`OpenAIChat` through the real `openai` SDK against the scripted server: retries, tools, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import kit
from kit.errors import KitError, ModelError
from kit.llm import OpenAIChat
from kit.testing.openai_server import serve
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
    assert url in message and str(status) in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # no SDK traceback chained
    assert isinstance(caught.value, KitError)  # so the CLI prints one line
    assert len(requests(log)) == 3, "max_retries=2 means one try and two retries"


def test_malformed_tool_arguments_do_not_crash_the_conversation(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    script = [{"malformed_tool_call": True}, {"text": "阿姨您好，请问您的身高和体重是多少呢？"}]
    with serve(script, log) as url:
        agent = kit.Agent("你是一家服装店的客服。", model=chat(url), tools=[size_lookup])
        transcript = kit.converse(agent, "typo_auntie", seed=0, max_turns=1)

    first = transcript.agent_turns[0]
    assert first.text == script[1]["text"]
    (call,) = first.tool_calls
    assert call["name"] == "size_lookup" and "_unparsed" in call["arguments"]
    assert "error" in json.loads(call["result"]), "the model should be told its call failed"
    sent = requests(log)[1]["messages"]
    tool_message = next(m for m in sent if m["role"] == "tool")
    assert "not valid JSON" in json.loads(tool_message["content"])["error"]
    echoed = next(m for m in sent if m.get("tool_calls"))["tool_calls"][0]["function"]["arguments"]
    assert "_unparsed" not in echoed, "the model's own (broken) arguments go back as it wrote them"
