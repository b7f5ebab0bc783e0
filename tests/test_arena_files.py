"""On a shared machine the arena reads only its own prompt files and appends only to its own results file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kit
from kit.arena.config import ArenaError, load_config
from kit.arena.store import ResultStore


def config(folder: Path, prompt_file: str) -> Path:
    path = folder / "arena.yaml"
    path.write_text(f"agents:\n  - name: mine\n    prompt_file: {prompt_file}\npersonas: [typo_auntie]\nseeds: 1\n", encoding="utf-8")
    return path


def test_a_prompt_file_that_is_a_link_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.env"
    secret.write_text("KIT_API_KEY=sk-secret", encoding="utf-8")
    (tmp_path / "room").mkdir()
    (tmp_path / "room" / "mallory.txt").symlink_to(secret)
    with pytest.raises(ArenaError, match="is a link"):
        load_config(config(tmp_path / "room", "mallory.txt")).build_agents()


def test_a_prompt_file_outside_the_folder_a_pipe_or_a_huge_file_is_refused(tmp_path: Path) -> None:
    room = tmp_path / "room"
    room.mkdir()
    (tmp_path / "outside.txt").write_text("You are a bot.", encoding="utf-8")
    with pytest.raises(ArenaError, match="outside the config's folder"):
        load_config(config(room, "../outside.txt")).build_agents()
    os.mkfifo(room / "pipe.txt")
    with pytest.raises(ArenaError, match="not a regular file"):
        load_config(config(room, "pipe.txt")).build_agents()
    (room / "huge.txt").write_text("x" * 300_000, encoding="utf-8")
    with pytest.raises(ArenaError, match="at most"):
        load_config(config(room, "huge.txt")).build_agents()
    (room / "ok.txt").write_text("You are the customer service of a clothing shop.", encoding="utf-8")
    (agent,) = load_config(config(room, "ok.txt")).build_agents()
    assert agent.system_prompt.startswith("You are the customer service")


def test_the_results_file_never_follows_a_link(tmp_path: Path) -> None:
    target = tmp_path / ".bashrc"
    target.write_text("# mine\n", encoding="utf-8")
    results = tmp_path / "results.jsonl"
    results.symlink_to(target)
    with pytest.raises(ArenaError, match="is a link or not a regular file"):
        kit.arena.run([kit.Agent("You are a bot.")], personas=["typo_auntie"], seeds=1, progress=False, results=results)
    assert target.read_text(encoding="utf-8") == "# mine\n"
    with pytest.raises(ArenaError, match="is a link"):
        with ResultStore(results) as store:
            store.append({"x": 1})


def test_a_second_arena_on_the_same_results_file_stops_instead_of_playing_everything_twice(tmp_path: Path) -> None:
    """Issue 16, item 8: the results file is held for the length of a run."""
    results = tmp_path / "results.jsonl"
    first = ResultStore(results)
    first.lock()
    try:
        with pytest.raises(ArenaError, match="another arena is playing into this results file"):
            kit.arena.run([kit.Agent("You are a bot.")], personas=["typo_auntie"], seeds=1, progress=False, results=results)
        assert not results.exists() or results.read_text(encoding="utf-8") == ""
    finally:
        first.close()
    arena = kit.arena.run([kit.Agent("You are a bot.")], personas=["typo_auntie"], seeds=1, progress=False, results=results)
    assert len(list(arena.matches())) == 1  # once the first is done, the run goes ahead
