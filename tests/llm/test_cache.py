"""The record/replay cache, around the practice model (the HTTP round trip is in test_secrets)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kit
from kit.errors import ConfigError, ReplayMiss
from kit.llm import CachedModel, PracticeModel


class Counting(PracticeModel):
    """The practice model, counting the calls that reach it."""

    def __init__(self) -> None:
        self.calls = 0

    def complete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.calls += 1
        return super().complete(*args, **kwargs)


def talk(model: object, seed: int = 0) -> kit.Transcript:
    return kit.converse(kit.Agent("You are a customer service bot.", model=model), "typo_auntie", seed=seed)


def test_write_then_replay_gives_the_same_transcript_without_calling_the_model(tmp_path: Path) -> None:
    writer = Counting()
    recorded = talk(CachedModel(writer, "write", tmp_path))
    assert writer.calls == len(recorded.agent_turns)
    replayer = Counting()
    assert talk(CachedModel(replayer, "replay", tmp_path)) == recorded
    assert replayer.calls == 0


def test_read_calls_the_model_only_on_a_miss(tmp_path: Path) -> None:
    talk(CachedModel(PracticeModel(), "write", tmp_path), seed=0)
    reader = Counting()
    talk(CachedModel(reader, "read", tmp_path), seed=0)
    assert reader.calls == 0
    talk(CachedModel(reader, "read", tmp_path), seed=1)
    assert reader.calls > 0


def test_a_replay_miss_names_the_call_and_how_to_record_it(tmp_path: Path) -> None:
    with pytest.raises(ReplayMiss) as caught:
        talk(CachedModel(PracticeModel(), "replay", tmp_path))
    message = str(caught.value)
    assert "'practice'" in message and "KIT_CACHE=write" in message and "last customer message" in message


def test_an_unknown_mode_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="off, read, write, replay"):
        CachedModel(PracticeModel(), "sometimes", tmp_path)


def test_replay_needs_no_api_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A class replaying a recorded run offline should not need anyone's key."""
    from kit.llm import get_model

    monkeypatch.setenv("KIT_MODEL", "qwen-plus")
    monkeypatch.setenv("KIT_CACHE", "replay")
    monkeypatch.setenv("KIT_CACHE_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    model = get_model()
    with pytest.raises(ReplayMiss, match="qwen-plus"):
        talk(model)


def test_in_chinese_a_replay_miss_says_how_to_record_and_quotes_the_customer_as_written(tmp_path: Path) -> None:
    from kit import i18n

    i18n.set_language("zh")
    try:
        with pytest.raises(ReplayMiss) as caught:
            talk(CachedModel(PracticeModel(), "replay", tmp_path))
        message = str(caught.value)
        assert message.startswith("KIT_CACHE=replay，但这次对 'practice' 的调用从来没有记录在")
        assert "请先用 KIT_CACHE=write 记录下来" in message
        opening = kit.personas.load("typo_auntie").preview(0).text
        assert repr(opening[:60]) in message  # the customer's words stay as they were typed
        with pytest.raises(ConfigError, match="不是缓存模式"):
            CachedModel(PracticeModel(), "sometimes", tmp_path)
    finally:
        i18n._chosen = None
