"""The arena: every agent against the cast over seeds, appended as it goes, resumable, failures kept in sight."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest

import kit
from kit.arena import ArenaError, load_config
from kit.arena.report import ReportExists
from kit.cli import main
from kit.errors import ModelError
from kit.llm import PracticeModel

WEAK = "You are a customer service bot."
STRONG = kit.demo.PROMPTS[2][1] if hasattr(kit, "demo") else ""
CAST = ["typo_auntie", "human_now"]


def strong() -> str:
    from kit.demo import PROMPTS

    return PROMPTS[2][1]


class Counting:
    """The practice model under another name, counting calls; optionally failing for one customer or slow."""

    def __init__(self, name: str = "fake-model", fail_on: str | None = None, delay_s: float = 0.0) -> None:
        self.name, self.fail_on, self.delay_s, self.calls = name, fail_on, delay_s, 0
        self.inner = PracticeModel()

    def complete(self, messages: list[dict[str, Any]], tools: Any = None, **params: Any) -> Any:
        self.calls += 1
        time.sleep(self.delay_s)
        if self.fail_on and any(self.fail_on in str(m.get("content")) for m in messages if m["role"] == "user"):
            raise ModelError("HTTP 500 after 3 attempts")
        return self.inner.complete(messages, tools, **params)

    async def acomplete(self, messages: list[dict[str, Any]], tools: Any = None, **params: Any) -> Any:
        return self.complete(messages, tools, **params)


def agents(model: Any = None) -> list[kit.Agent]:
    return [kit.Agent(WEAK, model=model, name="one-liner"), kit.Agent(strong(), model=model, name="v3")]


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_agent_meets_every_customer_over_every_seed_and_the_better_prompt_ranks_first(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    arena = kit.arena.run(agents(), personas=CAST, seeds=2, results=results, progress=False)
    written = lines(results)
    assert len(written) == 8
    assert {(r["agent"], r["persona"], r["seed"]) for r in written} == {
        (a, p, s) for a in ("one-liner", "v3") for p in CAST for s in (0, 1)}
    assert all(r["status"] == "scored" and r["transcript"]["turns"] for r in written)
    board = arena.leaderboard()
    assert list(board["agent"]) == ["v3", "one-liner"]
    assert list(board.index) == [1, 2]
    assert (board["low 90%"] <= board["mean"]).all() and (board["mean"] <= board["high 90%"]).all()
    assert board.loc[1, "cost (USD)"] == 0  # the practice model is free
    assert board.loc[1, "tokens"] > 0
    assert "one-liner" in str(arena) and "<table>" in arena._repr_html_()


def test_the_same_results_as_playing_each_conversation_alone(tmp_path: Path) -> None:
    arena = kit.arena.run(agents(), personas=CAST, seeds=2, results=tmp_path / "r.jsonl", progress=False, concurrency=4)
    for match in arena.matches():
        agent = kit.Agent(WEAK if match.agent == "one-liner" else strong())
        assert match.total == kit.grade(kit.converse(agent, match.persona, seed=match.seed)).total


def test_running_again_skips_finished_work_and_a_changed_prompt_plays_again(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    first = kit.arena.run(agents(), personas=CAST, seeds=2, results=results, progress=False)
    model = Counting(name="practice")
    again = kit.arena.run(agents(model), personas=CAST, seeds=2, results=results, progress=False)
    assert model.calls == 0
    assert len(lines(results)) == 8
    assert again.leaderboard().equals(first.leaderboard())

    changed = [kit.Agent(WEAK + "\nAsk for height and weight first.", name="one-liner"), agents()[1]]
    kit.arena.run(changed, personas=CAST, seeds=2, results=results, progress=False)
    written = lines(results)
    assert len(written) == 12  # four new conversations for the new prompt; the old lines are kept
    assert len({r["fingerprint"] for r in written if r["agent"] == "one-liner"}) == 2
    both = kit.arena.load(results)
    assert len(both.agents) == 3 and any(name.startswith("one-liner (") for name in both.agents)


def test_a_renamed_agent_keeps_its_results_and_twins_play_once(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    kit.arena.run([kit.Agent(WEAK, name="old name")], personas=CAST, seeds=1, results=results, progress=False)
    model = Counting(name="practice")
    twins = [kit.Agent(WEAK, model=model, name="new name"), kit.Agent(WEAK + "\nKeep replies short.", model=model,
                                                                       name="a"), kit.Agent(WEAK + "\nKeep replies short.", name="b")]
    arena = kit.arena.run(twins, personas=CAST, seeds=1, results=results, progress=False)
    assert arena.agents == ["new name", "a", "b"] and {m.agent for m in arena.matches()} == set(arena.agents)
    assert len(lines(results)) == 4  # two for the old prompt, two for the new one, played once for both names
    board = arena.leaderboard().set_index("agent")
    assert board.loc["a", "mean"] == board.loc["b", "mean"]


def test_a_line_cut_short_by_a_kill_is_skipped_with_a_warning_and_kept(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    whole = kit.arena.run(agents(), personas=CAST, seeds=2, results=results, progress=False)
    data = results.read_bytes()
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    cut = data[: last_start + (len(data) - last_start) // 2]  # killed halfway through writing the last line
    results.write_bytes(cut)
    lost = json.loads(data[last_start:])
    with pytest.warns(UserWarning, match="cut short|not a complete"):
        resumed = kit.arena.run(agents(), personas=CAST, seeds=2, results=results, progress=False)
    text = results.read_bytes()
    assert text.startswith(cut)  # nothing before was touched, the fragment included
    assert len(text.splitlines()) == 9  # 7 whole + the fragment + the replayed conversation
    replayed = json.loads(text.splitlines()[-1])
    assert (replayed["agent"], replayed["persona"], replayed["seed"]) == (lost["agent"], lost["persona"], lost["seed"])
    assert resumed.leaderboard().equals(whole.leaderboard())
    with pytest.warns(UserWarning, match="not a complete"):  # reading again still skips the fragment, no more
        kit.arena.run(agents(), personas=CAST, seeds=2, results=results, progress=False)
    assert len(results.read_bytes().splitlines()) == 9


def test_a_failed_conversation_is_listed_with_its_reason_and_counts_as_zero(tmp_path: Path) -> None:
    model = Counting(fail_on="人工")  # the customer who wants a human says 人工 at once
    results = tmp_path / "results.jsonl"
    arena = kit.arena.run([kit.Agent(WEAK, model=model, name="flaky")], personas=CAST, seeds=2, results=results,
                          progress=False)
    failures = arena.failures()
    assert list(zip(failures["persona"], failures["seed"])) == [("human_now", 0), ("human_now", 1)]
    assert (failures["reason"] == "HTTP 500 after 3 attempts").all()
    row = arena.leaderboard().iloc[0]
    assert (row["scored"], row["failed"]) == (2, 2)
    scored = [m.total for m in arena.matches() if not m.failed]
    assert row["mean"] == pytest.approx(sum(scored) / 4, abs=0.1)  # failures count as 0, not dropped
    assert "failed: flaky vs human_now, seed 0: HTTP 500" in str(arena)
    assert arena.worst("flaky").persona == "typo_auntie"  # the worst *played* conversation
    assert sum(r["status"] == "failed" for r in lines(results)) == 2

    fixed = Counting()  # same name, prompt, tools: same agent; its failures are played again, the rest skipped
    again = kit.arena.run([kit.Agent(WEAK, model=fixed, name="flaky")], personas=CAST, seeds=2, results=results,
                          progress=False)
    assert again.failed_count == 0 and len(lines(results)) == 6


@pytest.mark.parametrize("concurrency", [1, 4])
def test_interrupted_the_arena_keeps_what_finished_starts_nothing_new_and_resumes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, concurrency: int) -> None:
    from kit.arena.store import ResultStore

    saved = ResultStore.append

    def append_then_ctrl_c(store: ResultStore, record: dict[str, Any]) -> None:
        saved(store, record)
        monkeypatch.setattr(ResultStore, "append", saved)
        raise KeyboardInterrupt  # Ctrl+C (the kernel's stop button) right after the first conversation is saved

    monkeypatch.setattr(ResultStore, "append", append_then_ctrl_c)
    model, results = Counting(delay_s=0.01), tmp_path / "r.jsonl"
    with pytest.raises(KeyboardInterrupt):
        kit.arena.run([kit.Agent(WEAK, model=model, name="a")], personas=CAST, seeds=4, results=results,
                      progress=False, concurrency=concurrency)
    (kept,) = lines(results)
    assert kept["status"] == "scored"  # no conversation cut off is recorded
    calls = model.calls
    time.sleep(0.3)
    assert model.calls <= calls + concurrency  # conversations under way stopped at their next call
    again = kit.arena.run([kit.Agent(WEAK, model=Counting(), name="a")], personas=CAST, seeds=4, results=results,
                          progress=False, concurrency=concurrency)
    assert len(lines(results)) == 8 and again.failed_count == 0


def test_the_text_view_lists_ten_failures_and_counts_the_rest() -> None:
    records = [{"agent": "a", "fingerprint": "f", "persona": "typo_auntie", "seed": s, "status": "failed",
                "reason": f"HTTP 500 (call {s})", "total": None, "scores": {}} for s in range(12)]
    text = str(kit.arena.Arena(records))
    assert "HTTP 500 (call 9)" in text and "HTTP 500 (call 10)" not in text
    assert "… and 2 more failed" in text and len(kit.arena.Arena(records).failures()) == 12


def test_a_conversation_past_its_deadline_fails_with_the_reason(tmp_path: Path) -> None:
    kit.converse(kit.Agent(WEAK), "typo_auntie")  # load the cast and the shop first: the deadline is for the model
    slow, hanging = Counting(delay_s=0.4), Counting(name="hanging", delay_s=3.0)
    arena = kit.arena.run([kit.Agent(WEAK, model=slow, name="slow"), kit.Agent(WEAK, model=hanging, name="hangs")],
                          personas=["typo_auntie"], seeds=1, results=tmp_path / "r.jsonl", conversation_timeout_s=0.2,
                          progress=False)
    slow_reason, hanging_reason = arena.failures()["reason"]
    assert "longer than 0.2 s" in slow_reason and "after 1 model calls" in slow_reason  # stopped before its 2nd call
    assert "longer than 0.2 s" in hanging_reason and "still waiting" in hanging_reason  # stopped waiting for its 1st


def test_agents_as_dicts_and_inside_a_running_event_loop(tmp_path: Path) -> None:
    async def in_a_notebook() -> Any:  # Jupyter already runs an event loop
        return kit.arena.run([{"name": "dict-agent", "prompt": WEAK, "model": "practice"}], personas=["typo_auntie"],
                             seeds=1, results=tmp_path / "r.jsonl", progress=False)

    arena = asyncio.run(in_a_notebook())
    assert arena.agents == ["dict-agent"] and len(arena.records) == 1


@pytest.mark.parametrize("bad, message", [
    (dict(agents=[kit.Agent(WEAK, name="a"), kit.Agent(WEAK, name="a")]), "Two agents are called 'a'"),
    (dict(agents=[kit.Agent(WEAK)], seeds=0), "seeds must be a whole number of at least 1"),
    (dict(agents=[kit.Agent(WEAK)], personas=["nobody"]), "No persona called 'nobody'"),
    (dict(agents=["You are a bot."]), "agents are kit.Agent objects or dicts"),
    (dict(agents=[{"name": "x"}]), "prompt"),
    (dict(agents=[kit.Agent(WEAK)], timeout_s=0), "timeout_s is a number of seconds above 0"),
])
def test_bad_arguments_say_what_to_change(tmp_path: Path, bad: dict[str, Any], message: str) -> None:
    with pytest.raises(kit.errors.KitError, match=message):
        kit.arena.run(results=tmp_path / "r.jsonl", progress=False, **bad)


def test_the_report_is_one_file_with_pictures_and_links_and_never_overwrites(tmp_path: Path) -> None:
    arena = kit.arena.run(agents(Counting(fail_on="人工")), personas=CAST, seeds=1, results=tmp_path / "r.jsonl",
                          progress=False)
    page = arena.report(tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3  # ranking, heatmap, graders: inline
    assert "src='http" not in page and 'src="http' not in page
    for index in range(2):
        assert f"href='#worst-{index}'" in page and f"id='worst-{index}'" in page
    assert "HTTP 500 after 3 attempts" in page  # the failures are in the report too
    with pytest.raises(ReportExists, match="already exists"):
        arena.report(tmp_path / "report.html")
    first, second = arena.report(), arena.report()  # no name: the next free one in the data folder
    assert (first.name, second.name) == ("report-1.html", "report-2.html") and first.parent.name == "arena"


def test_cost_comes_from_the_price_table_and_an_unknown_model_has_none(tmp_path: Path) -> None:
    prices = tmp_path / "prices.yaml"
    prices.write_text("models:\n  fake-model: {input: 1.0, output: 2.0}\n", encoding="utf-8")
    arena = kit.arena.run([kit.Agent(WEAK, model=Counting(), name="priced"),
                           kit.Agent(WEAK, model=Counting(name="mystery"), name="unpriced")],
                          personas=["typo_auntie"], seeds=1, results=tmp_path / "r.jsonl", prices=prices, progress=False)
    record = next(r for r in arena.records if r["agent"] == "priced")
    tokens = record["tokens"]
    assert record["cost"] == pytest.approx((tokens["prompt"] * 1.0 + tokens["completion"] * 2.0) / 1e6)
    board = arena.leaderboard().set_index("agent")
    assert board.loc["unpriced", "cost (USD)"] != board.loc["unpriced", "cost (USD)"]  # NaN: unknown price
    assert kit.arena.load_prices().cost("gpt-4o-mini-2024-07-18", 1_000_000, 0) == pytest.approx(0.15)
    prices.write_text("models:\n  fake-model: {input: cheap}\n", encoding="utf-8")
    with pytest.raises(kit.errors.KitError, match=r"prices.yaml: models.fake-model.input"):
        kit.arena.load_prices(prices)


# ---- YAML configs -------------------------------------------------------------------------------------------

def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "arena.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, expected", [
    ("agents:\n  - name: a\n    model: practice\n", r"arena.yaml:2: agents.0.prompt: give the system prompt"),
    ("agents:\n  - name: a\n    prompt: hi\n  - name: b\n    promt: hi\n", r"arena.yaml:5: agents.1.promt: unknown field; did you mean prompt\?"),
    ("agents:\n  - name: a\n    prompt: hi\n    tools: [size_lookup, teleport]\n",
     r"arena.yaml:4: agents.0.tools: no tool called 'teleport'; the tools are: size_lookup"),
    ("agents:\n  - name: a\n    prompt: hi\npersonas: [typo_auntie, nobody]\n",
     r"arena.yaml:4: personas: no customer called 'nobody'"),
    ("agents:\n  - name: a\n    prompt: hi\n  - name: a\n    prompt: ho\n", r"agents: two agents are called 'a'"),
    ("agents:\n  - name: a\n    prompt: hi\nseeds: 0\n", r"arena.yaml:4: seeds: Input should be greater than 0 — write"),
    ("agents: []\n", r"arena.yaml:1: agents: .* — write a list of agents"),
    ("agents:\n  - name: a\n    prompt: hi\n  - name: b\n    model: practice\npersonas:\n  - typo_auntie\n",
     r"arena.yaml:4: agents.1.prompt: give the system prompt"),
    ("agents:\n  - name: a\n    prompt: hi\nseedz: 3\n", r"arena.yaml:4: seedz: unknown field; did you mean seeds\?"),
    ("- just a list\n", r"arena.yaml: an arena config is a YAML mapping"),
    ("agents:\n  - name: a\n    prompt: [unclosed\n", r"arena.yaml:\d+: not valid YAML"),
    ("agents:\n  - name: a\n    prompt: hi\nconcurrency: lots\n", r"arena.yaml:4: concurrency: .*integer — write how many"),
])
def test_a_bad_config_names_file_line_field_and_what_to_write(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ArenaError, match=expected):
        load_config(write(tmp_path, text))


def test_a_missing_prompt_file_is_named(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "agents:\n  - name: a\n    prompt_file: prompts/nope.txt\n"))
    with pytest.raises(ArenaError, match=r"agents.0.prompt_file: no file .*nope.txt"):
        config.build_agents()


def test_the_example_config_is_valid_and_builds_its_agents() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "arena.yaml"
    config = load_config(example)
    built = config.build_agents()
    assert [a.name for a in built] == ["one-liner", "lesson-01-v3", "cast-with-tools"]
    assert built[2].tools and built[2].knowledge is not None
    assert config.results_path == example.parent / "arena.results.jsonl"


def test_kit_arena_runs_a_config_resumes_and_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "v3.txt").write_text(strong(), encoding="utf-8")
    config = write(tmp_path, "agents:\n  - name: weak\n    prompt: You are a customer service bot.\n"
                             "  - name: v3\n    prompt_file: prompts/v3.txt\n    tools: shop\n"
                             "personas: [typo_auntie, terse_customer]\nseeds: 2\nresults: out/results.jsonl\n")
    assert main(["arena", str(config), "--report", str(tmp_path / "a.html"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "1 v3" in " ".join(out.split()) and "a.html" in out
    assert len(lines(tmp_path / "out" / "results.jsonl")) == 8
    assert main(["arena", str(config), "--report", str(tmp_path / "a.html"), "--no-progress"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["arena", str(config), "--concurrency", "2", "--no-progress"]) == 0  # resumed: nothing new
    assert len(lines(tmp_path / "out" / "results.jsonl")) == 8
    assert main(["arena", str(tmp_path / "missing.yaml")]) == 2
    assert "no such arena config" in capsys.readouterr().err


def test_in_chinese_the_leaderboard_report_and_errors_are_chinese_and_reasons_stay_as_said(
        tmp_path: Path, chinese: None, capsys: pytest.CaptureFixture) -> None:
    arena = kit.arena.run(agents(Counting(fail_on="人工")), personas=CAST, seeds=1, results=tmp_path / "r.jsonl",
                          progress=False)
    text = str(arena)
    assert text.startswith("擂台：2 个客服 × 2 位顾客 × 1 个种子 = 4 段对话") and "平均分" in text
    assert "失败：one-liner 对 human_now，种子 0：HTTP 500 after 3 attempts" in text  # the reason as it was given
    assert list(arena.leaderboard().columns)[:3] == ["agent", "mean", "low 90%"]  # code selects these: they stay English
    assert "cost (USD)" in arena.leaderboard().columns
    page = arena.report(tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "<h1 id=\"top\">擂台报告</h1>" in page and "每个客服最差的那段对话" in page
    assert "Arena report" not in page and "HTTP 500 after 3 attempts" in page
    with pytest.raises(ArenaError, match="arena.yaml:4: seeds: 应大于 0——请写：每个客服和每位顾客对话几次"):
        load_config(write(tmp_path, "agents:\n  - name: a\n    prompt: hi\nseeds: 0\n"))
    with pytest.raises(ArenaError, match="没有这个字段；你是想写 prompt 吗？"):
        load_config(write(tmp_path, "agents:\n  - name: a\n    promt: hi\n"))
    with pytest.raises(ArenaError, match="seeds 必须是不小于 1 的整数"):
        kit.arena.run([kit.Agent(WEAK)], seeds=0, results=tmp_path / "r.jsonl", progress=False)
    config = write(tmp_path, "agents:\n  - name: weak\n    prompt: You are a customer service bot.\n"
                             "personas: [typo_auntie]\nseeds: 1\nresults: out/results.jsonl\n")
    assert main(["arena", str(config), "--report", str(tmp_path / "a.html"), "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert "报告：" in out and "1 个客服，结果写在" in err
    assert main(["arena", str(config), "--report", str(tmp_path / "a.html"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("出错：") and "已经存在" in err
