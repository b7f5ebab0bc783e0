"""One key scrubber for everything the kit writes or shows (issue 16, item 5).

The attack: a server that echoes the Authorization header into its answers. Before, the arena's
HTML report held the key (built from unmasked in-memory records), so did cache files and the
transcript's HTML. Here every file of a full arena run and of a lesson is searched for it.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

import kit
from kit.demo import PROMPTS
from kit.keys import HIDDEN, remember, scrub
from kit.testing.openai_server import serve
from kit.tracker import Tracker


def test_scrub_hides_keys_inside_nested_records_and_leaves_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-" + secrets.token_hex(12)
    monkeypatch.setenv("KIT_API_KEY", key)
    record = {"text": f"your key is {key}", "calls": [{"arguments": {"note": key}}], "seed": 3, "pair": (key, 1.5)}
    assert scrub(record) == {"text": f"your key is {HIDDEN}", "calls": [{"arguments": {"note": HIDDEN}}], "seed": 3,
                             "pair": (HIDDEN, 1.5)}
    monkeypatch.setenv("KIT_API_KEY", "none")  # a placeholder, not a secret: ordinary words stay as they are
    assert scrub("none of the sizes") == "none of the sizes"


def test_a_key_given_to_a_model_is_hidden_even_when_it_is_in_no_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-" + secrets.token_hex(12)
    for name in ("KIT_API_KEY", "OPENAI_API_KEY", "DASHSCOPE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    kit.llm.OpenAIChat("test-model", base_url="http://127.0.0.1:9/v1", api_key=key)
    assert scrub(f"Bearer {key}") == f"Bearer {HIDDEN}"
    remember("short")  # too short to be a key: ignored
    assert scrub("a short answer") == "a short answer"


def test_an_echoing_server_never_gets_the_key_into_any_file_or_record(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-echo-" + secrets.token_hex(12)
    work = tmp_path / "work"
    monkeypatch.setenv("KIT_DATA_DIR", str(work / "data"))
    monkeypatch.setenv("KIT_CACHE_DIR", str(work / "cache"))
    monkeypatch.setenv("KIT_CACHE", "write")
    with serve(log=tmp_path / "server" / "requests.log", echo_auth=True) as base_url:
        monkeypatch.setenv("KIT_BASE_URL", base_url)
        monkeypatch.setenv("KIT_MODEL", "test-model")
        monkeypatch.setenv("KIT_API_KEY", key)
        agents = [{"name": "v3", "prompt": PROMPTS[2][1], "model": "test-model", "tools": "shop"}]
        arena = kit.arena.run(agents, personas=["typo_auntie", "angry_city_woman"], seeds=1,
                              results=work / "arena" / "results.jsonl", progress=False)
        arena.report(work / "arena" / "report.html")

        # A lesson: play, grade, log the attempt, save and show the transcript, hand in the progress.
        agent = kit.Agent(PROMPTS[2][1])
        transcript = kit.converse(agent, "retired_grandma", seed=0, max_turns=2)
        card = kit.grade(transcript)
        tracker = Tracker("01_first_prompt", learner="amy")
        tracker.log(agent, card)
        transcript.save(work / "transcript.json")
        (work / "transcript.html").write_text(transcript._repr_html_(), encoding="utf-8")
        tracker.export(work / "handin.jsonl")

    assert "(you sent: Bearer" in transcript.agent_turns[0].text, "the server echoed the header"
    assert key not in str(arena.records) and key not in str(transcript.to_dict()), "records in memory"
    files = [path for path in work.rglob("*") if path.is_file()]
    assert {"results.jsonl", "report.html", "transcript.json", "transcript.html", "handin.jsonl"} <= {p.name for p in files}
    assert any(path.parent.parent.name == "cache" or "cache" in path.parts for path in files), "calls were recorded"
    leaked = [str(path.relative_to(work)) for path in files if key.encode() in path.read_bytes()]
    assert leaked == []
    assert HIDDEN.encode() in (work / "arena" / "results.jsonl").read_bytes()
