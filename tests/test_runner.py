"""The one engine for many conversations: concurrent on an endpoint, in turn offline, same scores, stable order."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import kit
from kit.errors import ConfigError, ContextOverflow, ModelError
from kit.llm import OpenAIChat, PracticeModel
from kit.llm.rate import RateLimit
from kit.runner import SEQUENTIAL, Job, concurrency_setting, play_many
from kit.testing.openai_server import serve

from kit.demo import PROMPTS  # noqa: E402

PROMPT = PROMPTS[2][1]
CAST = ["typo_auntie", "size_seeker", "human_now"]


class InFlight:
    """The practice model under another name, counting how many calls are under way at once."""

    def __init__(self, delay_s: float = 0.05) -> None:
        self.name, self.delay_s, self.inner = "in-flight", delay_s, PracticeModel()
        self.now = self.most = self.calls = 0
        self.lock = threading.Lock()

    def complete(self, messages: list[dict[str, Any]], tools: Any = None, **params: Any) -> Any:
        with self.lock:
            self.now += 1
            self.calls += 1
            self.most = max(self.most, self.now)
        try:
            time.sleep(self.delay_s)
            return self.inner.complete(messages, tools, **params)
        finally:
            with self.lock:
                self.now -= 1

    async def acomplete(self, messages: list[dict[str, Any]], tools: Any = None, **params: Any) -> Any:
        return self.complete(messages, tools, **params)


def test_over_http_conversations_overlap_and_score_as_one_after_another(tmp_path: Path) -> None:
    """Against a real OpenAI-protocol server the scores equal the practice model's in-process, in the jobs' order."""
    sequential = kit.evaluate(kit.Agent(PROMPT, model="practice"), CAST, seeds=2, progress=False)
    assert sequential.spend.offline and "one after another" in str(sequential.spend)
    log = tmp_path / "requests.jsonl"
    with serve(log=log, latency_s=0.05) as url:
        model = OpenAIChat("served", base_url=url, api_key="sk-test")
        concurrent = kit.evaluate(kit.Agent(PROMPT, model=model), CAST, seeds=2, concurrency=4, progress=False)
    for persona in CAST:
        assert [c.total for c in concurrent.scorecards[persona]] == [c.total for c in sequential.scorecards[persona]]
        assert [t.seed for t in concurrent.transcripts[persona]] == [0, 1]
    spend = concurrent.spend
    requests = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert spend.usage.calls == len(requests) and not spend.offline and "4 at a time" in str(spend)
    assert all(r["max_tokens"] == 512 and "temperature" not in r for r in requests)  # the agent's reply limit
    assert spend.usage.tokens > 0 and "cost unknown" in str(spend)  # "served" is not in the price table


def test_at_most_concurrency_calls_are_under_way_and_kit_concurrency_sets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    model = InFlight()
    jobs = [Job(kit.Agent(PROMPT, model=model), persona, seed) for persona in CAST for seed in range(2)]
    monkeypatch.setenv("KIT_CONCURRENCY", "3")
    batch = play_many(jobs, progress=False)
    assert batch.concurrency == 3 and 2 <= model.most <= 3
    assert [p.job for p in batch.finished] == jobs and all(p.ok for p in batch.finished)
    monkeypatch.setenv("KIT_CONCURRENCY", "lots")
    with pytest.raises(ConfigError, match="KIT_CONCURRENCY='lots'"):
        play_many(jobs, progress=False)
    assert concurrency_setting(2) == 2


def test_offline_plays_in_this_thread_one_after_another() -> None:
    seen: list[str] = []
    jobs = [Job(kit.Agent(PROMPT), persona) for persona in CAST]
    batch = play_many(jobs, progress=False, on_result=lambda p: seen.append(threading.current_thread().name))
    assert batch.mode == SEQUENTIAL and seen == [threading.current_thread().name] * 3


def test_each_result_arrives_as_it_ends_in_the_callers_thread() -> None:
    model, arrived = InFlight(), []
    jobs = [Job(kit.Agent(PROMPT, model=model), persona) for persona in CAST]
    caller = threading.current_thread()
    batch = play_many(jobs, concurrency=3, progress=False,
                      on_result=lambda p: arrived.append((p.index, threading.current_thread() is caller)))
    assert sorted(arrived) == [(0, True), (1, True), (2, True)] and len(batch.finished) == 3


@pytest.mark.parametrize("concurrency", [1, 3])
def test_interrupted_the_run_keeps_the_conversations_that_finished(concurrency: int) -> None:
    finished: list[Any] = []

    def ctrl_c_after_two(played: Any) -> None:
        finished.append(played)
        if len(finished) == 2:
            raise KeyboardInterrupt  # Ctrl+C (the kernel's stop button) lands in the thread that waits

    model = InFlight(delay_s=0.01)
    jobs = [Job(kit.Agent(PROMPT, model=model), persona, seed) for persona in CAST for seed in range(3)]
    batch = play_many(jobs, concurrency=concurrency, progress=False, on_result=ctrl_c_after_two)
    assert batch.interrupted and len(jobs) > 2
    assert [p.index for p in batch.finished] == sorted(p.index for p in finished)  # the jobs' order, not arrival's
    calls = model.calls
    time.sleep(0.3)
    assert model.calls <= calls + concurrency, "conversations under way stop at their next call"


def test_a_failure_stops_evaluate_with_its_reason() -> None:
    class Broken(InFlight):
        def complete(self, messages: list[dict[str, Any]], tools: Any = None, **params: Any) -> Any:
            raise ModelError("http://x/v1 answered HTTP 500 after 3 attempts")

    with pytest.raises(ModelError, match="HTTP 500"):
        kit.evaluate(kit.Agent(PROMPT, model=Broken()), CAST, seeds=2, progress=False)


def test_the_rate_limit_spaces_call_starts_across_threads() -> None:
    limit = RateLimit(rpm=600)  # one call start every 0.1 s
    waits = [limit._slot() for _ in range(4)]
    steps = [later - earlier for earlier, later in zip(waits, waits[1:])]
    assert waits[0] == 0 and all(abs(step - 0.1) < 0.05 for step in steps)


def test_reply_limits_and_temperature_are_sent_and_kit_rpm_shares_one_limiter(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_MAX_TOKENS", "300")
    monkeypatch.setenv("KIT_TEMPERATURE", "0")
    monkeypatch.setenv("KIT_RPM", "6000")
    log = tmp_path / "requests.jsonl"
    with serve([{"text": "您好！请问身高体重？"}], log) as url:
        first, second = (OpenAIChat("served", base_url=url, api_key="sk-test") for _ in range(2))
        first.complete([{"role": "user", "content": "你好"}])
        first.complete([{"role": "user", "content": "你好"}], max_tokens=50)  # a role's own limit wins
    bodies = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(b["max_tokens"], b["temperature"]) for b in bodies] == [(300, 0.0), (50, 0.0)]
    assert first._rate is second._rate is not None and first._rate.rpm == 6000
    for bad in ("0", "-3", "many"):
        monkeypatch.setenv("KIT_MAX_TOKENS", bad)
        with pytest.raises(ConfigError, match="KIT_MAX_TOKENS"):
            kit.config.load_settings(cwd=tmp_path)


def test_a_context_overflow_trims_the_history_and_says_so(tmp_path: Path) -> None:
    """Over HTTP, llama.cpp's "exceeds the available context size" is a ContextOverflow; converse keeps the
    transcript, shows the agent fewer recent messages, and ends with context_full when even that does not fit."""
    with serve(context_chars=1400) as url:  # the practice model's whole conversation with her needs 1,794
        model = OpenAIChat("served", base_url=url, api_key="sk-test", max_retries=0)
        with pytest.raises(ContextOverflow, match="no longer fits"):
            model.complete([{"role": "user", "content": "长" * 3000}])
        transcript = kit.converse(kit.Agent(PROMPT, model=model), "size_seeker", seed=0)
    assert len(transcript.turns) > 8 and transcript.outcome != "context_full"
    assert any("no longer fits served's context" in note for note in transcript.notes), transcript.notes
    card = kit.grade(transcript)
    assert card.notes == transcript.notes and "Note: Turn" in str(card)
    with serve(context_chars=300) as url:  # the prompt alone is longer: nothing fits
        model = OpenAIChat("served", base_url=url, api_key="sk-test", max_retries=0)
        tiny = kit.converse(kit.Agent(PROMPT, model=model), "typo_auntie", seed=0)
    assert tiny.outcome == "context_full" and len(tiny.turns) == 1 and "ends here" in tiny.notes[0]
    assert kit.grade(tiny).scores["satisfaction"] is not None


def test_tools_never_called_are_noted_in_the_transcript_and_scorecard() -> None:
    plain = kit.Agent("You are the shop's customer service.", tools=kit.tools.SHOP_TOOLS)
    transcript = kit.converse(plain, "size_seeker", seed=0)
    names = ", ".join(tool.name for tool in kit.tools.SHOP_TOOLS)
    assert transcript.notes == (f"The agent was offered tools ({names}) and never called one.",)
    assert "Note: The agent was offered tools" in str(kit.grade(transcript))
    used = kit.converse(kit.Agent(PROMPT + "\nUse the tools.", tools=kit.tools.SHOP_TOOLS), "size_seeker", seed=0)
    assert not any("never called" in note for note in used.notes)


def test_converse_many_plays_like_converse_in_customer_then_seed_order() -> None:
    agent = kit.Agent(PROMPT)
    many = kit.converse_many(agent, ["typo_auntie", "size_seeker"], seeds=2)
    assert [(t.persona_id, t.seed) for t in many] == [("typo_auntie", 0), ("typo_auntie", 1),
                                                      ("size_seeker", 0), ("size_seeker", 1)]
    assert many[3] == kit.converse(agent, "size_seeker", seed=1)
    assert [t.persona_id for t in kit.converse_many(agent, kit.personas.load("human_now"))] == ["human_now"]
    with pytest.raises(kit.errors.KitError, match="seeds is how many"):
        kit.converse_many(agent, "typo_auntie", seeds=0)


def test_in_chinese_bad_settings_and_arguments_say_so_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    from kit import i18n
    from kit.errors import KitError
    from kit.runner import concurrency_setting

    i18n.set_language("zh")
    try:
        monkeypatch.setenv("KIT_CONCURRENCY", "lots")
        with pytest.raises(ConfigError, match="KIT_CONCURRENCY='lots' 不是有效的同时对话数"):
            concurrency_setting()
        with pytest.raises(KitError, match="seeds 是每位顾客的对话次数：应为不小于 1 的整数；现在是 0。"):
            kit.converse_many(kit.Agent(PROMPT), "typo_auntie", seeds=0)
    finally:
        i18n._chosen = None
