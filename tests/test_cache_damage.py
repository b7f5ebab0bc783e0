"""The record/replay cache on a shared machine: concurrent writers, damaged records, links (issue 16, item 6)."""

from __future__ import annotations

import multiprocessing
import warnings
from pathlib import Path

import pytest

from kit.errors import ConfigError, ReplayMiss
from kit.llm.base import Reply
from kit.llm.cache import CachedModel, cache_key

MESSAGES = [{"role": "user", "content": "你好"}]


class Echo:
    name = "echo"

    def __init__(self) -> None:
        self.calls = 0

    def complete(self, messages, tools=None, **params):  # type: ignore[no-untyped-def]
        self.calls += 1
        return Reply(f"reply {self.calls}")


def _write_many(folder: str, rounds: int) -> int:
    model = CachedModel(Echo(), "write", Path(folder))
    errors = 0
    for _ in range(rounds):
        try:
            model.complete(MESSAGES)
        except OSError:
            errors += 1
    return errors


def test_writers_of_the_same_call_never_collide_and_a_reader_never_sees_half_a_record(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        errors = pool.starmap(_write_many, [(str(tmp_path), 300)] * 4)
    assert errors == [0, 0, 0, 0]
    record = tmp_path / cache_key("echo", MESSAGES, None, {})[:2]
    assert [p.suffix for p in record.iterdir()] == [".json"]  # no temporary file left behind
    assert CachedModel(Echo(), "replay", tmp_path).complete(MESSAGES).text.startswith("reply ")


@pytest.mark.parametrize("damage", [b"{not json", b"\xff\xfe\x00", b'{"text": "half"}'])
def test_a_damaged_record_is_named_a_miss_in_read_mode_and_an_error_in_replay(tmp_path: Path, damage: bytes) -> None:
    CachedModel(Echo(), "write", tmp_path).complete(MESSAGES)
    path = next(tmp_path.rglob("*.json"))
    path.write_bytes(damage)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inner = Echo()
        assert CachedModel(inner, "read", tmp_path).complete(MESSAGES).text == "reply 1"
    assert inner.calls == 1 and any(str(path) in str(w.message) and "miss" in str(w.message) for w in caught)
    path.write_bytes(damage)
    with pytest.raises(ReplayMiss, match=str(path.name)):
        CachedModel(Echo(), "replay", tmp_path).complete(MESSAGES)


def test_a_record_that_is_a_link_is_neither_read_nor_written_through(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("KIT_API_KEY=sk-secret", encoding="utf-8")
    path = tmp_path / "cache" / cache_key("echo", MESSAGES, None, {})[:2] / f"{cache_key('echo', MESSAGES, None, {})}.json"
    path.parent.mkdir(parents=True)
    path.symlink_to(secret)
    with pytest.raises(ConfigError, match="is a link"):
        CachedModel(Echo(), "write", tmp_path / "cache").complete(MESSAGES)
    assert secret.read_text(encoding="utf-8") == "KIT_API_KEY=sk-secret"
    with pytest.raises(ReplayMiss, match="link"):
        CachedModel(Echo(), "replay", tmp_path / "cache").complete(MESSAGES)
