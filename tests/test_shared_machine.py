"""Shared-machine attacks, in one file to audit (issue 16): each test plays the attack or the fault first.

A workshop's JupyterHub, a contest folder every learner writes into, a world-writable hand-in folder:
the kit reads only regular files it was pointed at, writes without following links, hides keys in all
it writes, and survives concurrent writers. Items 9 to 11 (transport faults, bad input, the kill test)
live next to their modules: tests/test_openai_chat.py, tests/test_arena_server.py,
tests/test_bad_input.py and tests/test_arena_kill.py.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import secrets
import warnings
from pathlib import Path

import pytest

import kit
from kit.arena.config import ArenaError, load_config
from kit.arena.store import ResultStore
from kit.classroom import collect
from kit.config import load_settings
from kit.demo import PROMPTS
from kit.errors import ConfigError, ReplayMiss
from kit.keys import HIDDEN
from kit.llm.base import Reply
from kit.llm.cache import CachedModel, cache_key
from kit.testing.openai_server import serve
from kit.tracker import FORMAT, Tracker


# ------------------------------------------------------------------------------------------------
# 1. An arena prompt file can be a link to any file the instructor can read
# ------------------------------------------------------------------------------------------------


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


def test_a_folder_the_config_names_may_hold_prompt_files_and_no_other(tmp_path: Path) -> None:
    room, shared = tmp_path / "room", tmp_path / "shared-prompts"
    room.mkdir()
    shared.mkdir()
    (shared / "house.txt").write_text("You are the customer service of a clothing shop.", encoding="utf-8")
    (tmp_path / "elsewhere.txt").write_text("You are a bot.", encoding="utf-8")
    path = config(room, "../shared-prompts/house.txt")
    path.write_text(path.read_text(encoding="utf-8") + "prompt_folders: [../shared-prompts]\n", encoding="utf-8")
    (agent,) = load_config(path).build_agents()
    assert agent.system_prompt.startswith("You are the customer service")
    path.write_text(path.read_text(encoding="utf-8").replace("shared-prompts/house.txt", "elsewhere.txt"),
                    encoding="utf-8")
    with pytest.raises(ArenaError, match="name their folder in `prompt_folders:`"):
        load_config(path).build_agents()


# ------------------------------------------------------------------------------------------------
# 2. A .env in any parent folder was read; credentials in a URL were shown
# ------------------------------------------------------------------------------------------------


def test_a_dotenv_in_a_parent_folder_is_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16, item 2: a .env planted in /tmp (or any parent) must not redirect a learner's key."""
    monkeypatch.setattr("kit.config.COURSE", tmp_path / "course")
    (tmp_path / "course").mkdir()
    (tmp_path / ".env").write_text("KIT_MODEL=gpt-4o-mini\nKIT_BASE_URL=http://evil.example/v1\n")
    learner = tmp_path / "learner"
    learner.mkdir()
    settings = load_settings(environ={"KIT_API_KEY": "sk-learner"}, cwd=learner)
    assert settings.is_practice and settings.base_url is None


def test_doctor_says_where_the_url_came_from_and_masks_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kit.config.COURSE", tmp_path)
    (tmp_path / ".env").write_text("KIT_BASE_URL=http://user:hunter2@proxy.example/v1\n")
    settings = load_settings(environ={"KIT_PROVIDER": "openai", "OPENAI_API_KEY": "sk-x"}, cwd=tmp_path)
    text = settings.describe()
    assert "hunter2" not in text and "***@proxy.example" in text
    assert f"URL from .env ({tmp_path / '.env'})" in text and "model from preset openai" in text
    assert "key set from OPENAI_API_KEY in environment" in text


def test_a_dotenv_that_is_a_link_or_a_pipe_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from kit.errors import ConfigError

    monkeypatch.setattr("kit.config.COURSE", tmp_path / "course")
    (tmp_path / "secret").write_text("KIT_MODEL=x\n")
    (tmp_path / ".env").symlink_to(tmp_path / "secret")
    with pytest.raises(ConfigError, match="is a link or not a regular file"):
        load_settings(environ={"KIT_ENV_FILE": ".env"}, cwd=tmp_path)
    (tmp_path / ".env").unlink()
    os.mkfifo(tmp_path / ".env")
    with pytest.raises(ConfigError, match="is a link or not a regular file"):
        load_settings(environ={"KIT_ENV_FILE": ".env"}, cwd=tmp_path)


def test_a_dotenv_in_the_current_folder_is_read_only_when_the_learner_names_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shared working folder (a contest folder every learner writes into) may hold anyone's .env."""
    monkeypatch.setattr("kit.config.COURSE", tmp_path / "course")
    (tmp_path / ".env").write_text("KIT_MODEL=gpt-4o-mini\nKIT_BASE_URL=http://evil.example/v1\n")
    assert load_settings(environ={"KIT_API_KEY": "sk-learner"}, cwd=tmp_path).is_practice
    chosen = load_settings(environ={"KIT_API_KEY": "sk-learner", "KIT_ENV_FILE": ".env"}, cwd=tmp_path)
    assert chosen.model == "gpt-4o-mini" and chosen.url_source == f".env ({tmp_path / '.env'})"
    with pytest.raises(ConfigError, match="KIT_ENV_FILE=missing.env: no such file"):
        load_settings(environ={"KIT_ENV_FILE": "missing.env"}, cwd=tmp_path)


# ------------------------------------------------------------------------------------------------
# 3. The arena results file followed links
# ------------------------------------------------------------------------------------------------


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


def test_reports_exports_and_transcripts_never_write_through_a_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every artifact the kit writes: a link planted at its name is refused, or replaced when overwriting,
    and the file it pointed to (here, a stand-in for a shell start-up file) is never touched."""
    monkeypatch.setenv("KIT_DATA_DIR", str(tmp_path / "data"))
    bashrc = tmp_path / "bashrc"
    bashrc.write_text("# mine\n")
    transcript = kit.converse(kit.Agent(PROMPTS[0][1]), "typo_auntie", seed=0, max_turns=1)
    tracker = Tracker("01_first_prompt", learner="amy")
    tracker.log(kit.Agent(PROMPTS[0][1]), kit.grade(transcript))
    arena = kit.arena.run([kit.Agent(PROMPTS[0][1], name="a")], personas=["typo_auntie"], seeds=1,
                          results=tmp_path / "results.jsonl", progress=False)
    writers = {"transcript.json": transcript.save, "handin.jsonl": tracker.export, "arena.html": arena.report}
    for name, write in writers.items():
        (tmp_path / name).symlink_to(bashrc)
        with pytest.raises(FileExistsError, match="already exists"):
            write(tmp_path / name)
    (tmp_path / "handin.jsonl").unlink()
    (tmp_path / "handin.jsonl").symlink_to(bashrc)
    with pytest.raises(FileExistsError, match="a link"):
        tracker.export(tmp_path / "handin.jsonl", overwrite=True)
    assert bashrc.read_text() == "# mine\n"
    written = tracker.export(tmp_path / "fresh.jsonl")
    assert written.is_file() and not written.is_symlink() and oct(written.stat().st_mode)[-3:] == "644"


# ------------------------------------------------------------------------------------------------
# 4. One bad hand-in stopped `kit class` for the whole class
# ------------------------------------------------------------------------------------------------


HEADER = {"format": FORMAT, "kit_version": "0.1.0", "lesson": "01_first_prompt", "learner": "amy", "attempts": 1}


def attempt(**changes: object) -> dict:
    row = {"attempt": 1, "time": "2026-03-14T09:04:00+00:00", "lesson": "01_first_prompt", "learner": "amy",
           "agent": "a", "model": "practice", "prompt": "You are a bot.", "persona": "typo_auntie", "seed": 0,
           "total": 40.0, "scores": {"task_solved": 0.0, "empathy": 50.0}}
    return row | changes


def hand_in(path: Path, *rows: dict) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_pipes_links_and_huge_files_are_reported_and_the_class_still_loads(tmp_path: Path) -> None:
    room = tmp_path / "handins"
    room.mkdir()
    hand_in(room / "amy_01.jsonl", attempt())
    os.mkfifo(room / "fifo.jsonl")  # would block a reader forever
    (room / "zero.jsonl").symlink_to("/dev/zero")  # would fill memory
    (room / "huge.jsonl").write_bytes(b"x" * 21_000_000)
    report = collect(room)
    assert list(report.attempts["learner"]) == ["amy"]
    why = {Path(p.file).name: p.what for p in report.problems}
    assert "not a regular file" in why["fifo.jsonl"] and "a link" in why["zero.jsonl"] and "bytes" in why["huge.jsonl"]


def test_rows_of_the_wrong_type_or_that_override_identity_are_skipped_with_their_line(tmp_path: Path) -> None:
    path = hand_in(tmp_path / "mallory.jsonl",
                   attempt(),
                   attempt(attempt=2, learner=["x"]),
                   attempt(attempt=3, total="100"),
                   attempt(attempt=4, scores={"learner": "eve", "total": 100}),
                   attempt(attempt=5, scores={"empathy": "high"}))
    report = collect(path)
    assert list(report.attempts["attempt"]) == [1]
    lines = sorted(p.line for p in report.problems if p.line)
    assert lines == [3, 4, 5, 6]
    assert any("scores has a field named learner, total" in p.what for p in report.problems)


def test_a_megabyte_prompt_is_not_replayed_for_hints(tmp_path: Path) -> None:
    """A 1.2 MB prompt of short lines held the class report for minutes while its hint was replayed."""
    from kit.classroom.hints import replay_hint
    from kit.graders import GRADERS

    prompt = PROMPTS[0][1]
    card = kit.grade(kit.converse(kit.Agent(prompt), "typo_auntie", seed=0))
    grader = next(g.name for g in GRADERS if card.scores.get(g.name) is not None and card.scores[g.name] < 100)
    row = attempt(prompt=prompt, model="practice", **{name: score for name, score in card.scores.items()})
    assert replay_hint(row, grader), "a prompt of normal size is replayed and its hint found"
    padded = row | {"prompt": prompt + "\n" * 1_200_000}
    assert replay_hint(padded, grader) is None


def test_labels_with_dollar_signs_do_not_break_the_plots(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    hand_in(tmp_path / "a.jsonl", attempt(learner="$x^$", lesson="$\\frac$"))
    report = collect(tmp_path)
    for figure in (report.leaderboard().plot(), report.lessons().plot(), report.graders().plot()):
        figure.canvas.draw()  # mathtext would raise on an unescaped "$x^$"


# ------------------------------------------------------------------------------------------------
# 5. Keys were masked only in the arena results file
# ------------------------------------------------------------------------------------------------


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
        (work / "transcript.html").write_text(kit.views.chat_html(transcript), encoding="utf-8")
        tracker.export(work / "handin.jsonl")

    assert "(you sent: Bearer" in transcript.agent_turns[0].text, "the server echoed the header"
    assert key not in str(arena.records) and key not in str(transcript.to_dict()), "records in memory"
    files = [path for path in work.rglob("*") if path.is_file()]
    assert {"results.jsonl", "report.html", "transcript.json", "transcript.html", "handin.jsonl"} <= {p.name for p in files}
    assert any(path.parent.parent.name == "cache" or "cache" in path.parts for path in files), "calls were recorded"
    leaked = [str(path.relative_to(work)) for path in files if key.encode() in path.read_bytes()]
    assert leaked == []
    assert HIDDEN.encode() in (work / "arena" / "results.jsonl").read_bytes()


# ------------------------------------------------------------------------------------------------
# 6. The replay cache raced, and a damaged record raised a raw error
# ------------------------------------------------------------------------------------------------


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


# ------------------------------------------------------------------------------------------------
# 7. Two processes logging for one learner shared attempt numbers
# ------------------------------------------------------------------------------------------------


def _log_many(data_dir: str, count: int) -> None:
    import os

    os.environ["KIT_DATA_DIR"] = data_dir
    import kit

    tracker = kit.Tracker("01_first_prompt", learner="amy")
    agent = kit.Agent("You are a bot.")
    card = kit.grade(kit.converse(agent, "typo_auntie", seed=0, max_turns=1))
    for _ in range(count):
        tracker.log(agent, card)


def test_two_processes_logging_for_one_learner_never_share_an_attempt_number(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16, item 7: attempt numbers are taken under the file's lock."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.starmap(_log_many, [(str(tmp_path), 150)] * 2)
    monkeypatch.setenv("KIT_DATA_DIR", str(tmp_path))
    attempts = [a["attempt"] for a in kit.Tracker("01_first_prompt", learner="amy").history()]
    assert sorted(attempts) == list(range(1, 301))


# ------------------------------------------------------------------------------------------------
# 8. Two arenas on one results file played everything twice
# ------------------------------------------------------------------------------------------------


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
