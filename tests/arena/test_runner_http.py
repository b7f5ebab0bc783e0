"""The arena against a real local OpenAI-protocol server: failing calls, and an API key that never reaches a file."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

import kit
from kit.cli import main
from kit.demo import PROMPTS
from kit.testing.openai_server import Faults, serve, stats

PERSONAS = kit.personas.names()


def test_with_a_fifth_of_calls_failing_every_conversation_is_scored_or_listed_none_missing_none_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    faults = Faults(rate=0.2, kinds=("429", "500", "timeout"), retry_after_s=0.05, hang_s=3.0, seed=0)
    with serve(log=tmp_path / "server.log", faults=faults) as base_url:
        monkeypatch.setenv("KIT_BASE_URL", base_url)
        monkeypatch.setenv("KIT_API_KEY", "sk-test-fault")
        agents = [{"name": "one-liner", "prompt": PROMPTS[0][1], "model": "test-model"},
                  {"name": "v3", "prompt": PROMPTS[2][1], "model": "test-model"}]
        seeds = -(-100 // (2 * len(PERSONAS)))  # at least 100 conversations
        arena = kit.arena.run(agents, seeds=seeds, concurrency=16, results=tmp_path / "results.jsonl",
                              timeout_s=1.0, max_retries=1, progress=False)  # 1 s: far above a loaded answer
        served = stats(base_url)
    expected = {(a["name"], p, s) for a in agents for p in PERSONAS for s in range(seeds)}
    assert len(expected) >= 100
    written = kit.arena.store.ResultStore(tmp_path / "results.jsonl").read()
    keys = [(r["agent"], r["persona"], r["seed"]) for r in written]
    assert len(keys) == len(set(keys)) == len(expected) and set(keys) == expected  # none missing, none twice
    assert all(r["status"] in ("scored", "failed") for r in written)
    failed = [r for r in written if r["status"] == "failed"]
    assert failed and len(failed) < len(written)  # some calls failed twice in a row; most conversations got through
    assert all(r["reason"] and r["total"] is None for r in failed)
    assert len(arena.failures()) == len(failed) == arena.failed_count
    board = arena.leaderboard()
    assert (board["scored"] + board["failed"] == len(expected) // 2).all()
    assert all(served["by_outcome"][kind] > 0 for kind in ("429", "500", "timeout"))
    # Over HTTP the server answers as the practice model would: a scored conversation scores the same in-process.
    for record in [r for r in written if r["status"] == "scored"][:6]:
        agent = kit.Agent(PROMPTS[0][1] if record["agent"] == "one-liner" else PROMPTS[2][1])
        assert record["total"] == kit.grade(kit.converse(agent, record["persona"], seed=record["seed"])).total


def test_the_api_key_is_in_no_file_the_arena_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture) -> None:
    key = f"sk-test-{secrets.token_hex(16)}"
    work = tmp_path / "work"
    work.mkdir()
    (work / "arena.yaml").write_text(
        "agents:\n  - name: weak\n    prompt: You are a customer service bot.\n    model: test-model\n"
        "  - name: tools\n    prompt_file: v3.txt\n    tools: shop\n    model: test-model\n"
        "personas: [typo_auntie, size_seeker]\nseeds: 2\ntimeout_s: 10\nmax_retries: 1\n"
        "report: arena.html\n", encoding="utf-8")
    (work / "v3.txt").write_text(PROMPTS[2][1], encoding="utf-8")
    monkeypatch.setenv("KIT_CACHE", "write")
    monkeypatch.setenv("KIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KIT_DATA_DIR", str(tmp_path / "data"))
    # Errors, not hangs: a short timeout made every call fail on a loaded machine, and nothing was cached.
    faults = Faults(rate=0.3, kinds=("429", "500"), seed=1)
    with serve(log=tmp_path / "server" / "requests.log", faults=faults) as base_url:
        monkeypatch.setenv("KIT_BASE_URL", base_url)
        monkeypatch.setenv("KIT_API_KEY", key)
        assert main(["arena", str(work / "arena.yaml"), "--no-progress"]) == 0
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert work / "arena.results.jsonl" in written and work / "arena.html" in written
    assert any(path.is_relative_to(tmp_path / "cache") for path in written)  # the cache was written too
    leaks = [str(path) for path in written if key.encode() in path.read_bytes()]
    assert leaks == []
    out = capsys.readouterr()
    assert key not in out.out + out.err


def test_a_key_inside_an_error_message_is_masked_in_the_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = f"sk-test-{secrets.token_hex(8)}"
    monkeypatch.setenv("KIT_API_KEY", key)

    class Leaky:
        name = "leaky"

        def complete(self, messages, tools=None, **params):  # type: ignore[no-untyped-def]
            raise kit.errors.ModelError(f"the server echoed the header Authorization: Bearer {key}")

        async def acomplete(self, messages, tools=None, **params):  # type: ignore[no-untyped-def]
            return self.complete(messages, tools)

    arena = kit.arena.run([kit.Agent("You are a bot.", model=Leaky(), name="leaky")], personas=["typo_auntie"],
                          seeds=1, results=tmp_path / "r.jsonl", progress=False)
    text = (tmp_path / "r.jsonl").read_text(encoding="utf-8")
    assert key not in text and "Bearer [hidden]" in text
    assert arena.failed_count == 1


def test_unreadable_responses_are_retried_or_listed_as_failed_never_scored_as_the_models_mistake(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16, item 9: cut-off tool-call JSON scored 40.0 where the fault-free run scored 80.4."""
    faults = Faults(rate=0.3, kinds=("malformed", "html"), seed=2)
    personas = PERSONAS[:4]
    with serve(log=tmp_path / "server.log", faults=faults) as base_url:
        monkeypatch.setenv("KIT_BASE_URL", base_url)
        monkeypatch.setenv("KIT_API_KEY", "sk-test-fault")
        agents = [{"name": "v3", "prompt": PROMPTS[2][1], "model": "test-model", "tools": "shop"}]
        kit.arena.run(agents, personas=personas, seeds=4, concurrency=8, results=tmp_path / "results.jsonl",
                      max_retries=1, progress=False)
        served = stats(base_url)
    assert served["by_outcome"]["malformed"] > 0 and served["by_outcome"]["html"] > 0
    written = kit.arena.store.ResultStore(tmp_path / "results.jsonl").read()
    assert len(written) == 16
    fault_free = kit.Agent(PROMPTS[2][1], tools=kit.tools.SHOP_TOOLS)
    for record in written:
        if record["status"] == "failed":
            assert "could not be read" in record["reason"] and record["total"] is None
        else:
            expected = kit.grade(kit.converse(fault_free, record["persona"], seed=record["seed"])).total
            assert record["total"] == expected, f"{record['persona']} seed {record['seed']} scored as the fault's"
    assert any(r["status"] == "scored" for r in written)
