"""What a learner waits for on a real endpoint: kit.evaluate and a playground run against their limit, and offline speed.

Run: .venv/bin/python benchmarks/runner.py [--latencies 0.5 2] [--concurrency 8] [--rev 6804e81] [--rounds 3]

(a) Against the kit's local OpenAI-protocol server (kit.testing.openai_server) with a fixed latency L
    injected into every answer (the practice model answers behind it, so the conversations are real),
    `kit.evaluate(agent, 4 customers, seeds=2)` and a playground run (the typo auntie and the size
    seeker, 3 seeds) at concurrency c. Each wall time is set against the limit no engine can beat:
        max(longest conversation's calls x L, all calls x L / c)
    and the ratio limit / wall is printed (1.0: as fast as possible; the target is at least 0.8). One
    evaluation before the measured ones pays what a kernel pays once (imports, persona cards, the first
    connection) and what the local server pays on its first requests.
(b) Offline (practice model), the same evaluation in fresh processes of today's kit and of an earlier
    commit (`--rev`, checked out into a temporary git worktree), round by round (A B A B ...):
    conversations per second, and today / baseline.
(c) Offline, the whole cast x 3 seeds played one after another in one process, against two worker
    processes: why the runner plays offline conversations in turn.
Raw numbers are printed next to the ratios, with the load average; nothing asserts a time (the
machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import kit
from kit.demo import PROMPTS
from kit.llm import OpenAIChat
from kit.runner import Job, play_many
from kit.testing.openai_server import serve

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "6804e81"  # the kit before the one engine: evaluate and the playground played one after another
CUSTOMERS = ["typo_auntie", "size_seeker", "angry_refund", "mind_changer"]
PLAYGROUND = ["typo_auntie", "size_seeker"]

OFFLINE = r"""
import json, sys, time
import kit
from kit.demo import PROMPTS
agent = kit.Agent(PROMPTS[2][1])
customers = ["typo_auntie", "size_seeker", "angry_refund", "mind_changer"]
kit.evaluate(agent, customers, seeds=1, **({"progress": False} if "progress" in kit.evaluate.__code__.co_varnames else {}))
start, n = time.perf_counter(), 0
while time.perf_counter() - start < 3.0:
    kw = {"progress": False} if "progress" in kit.evaluate.__code__.co_varnames else {}
    kit.evaluate(agent, customers, seeds=3, **kw)
    n += 12
print(json.dumps(n / (time.perf_counter() - start)))
"""


def against_limit(what: str, latency_s: float, concurrency: int, play: callable) -> dict[str, float]:
    """Play once, then set the wall time against max(longest conversation x L, all calls x L / c)."""
    start = time.perf_counter()
    calls = play()
    wall = time.perf_counter() - start
    limit = max(max(calls) * latency_s, sum(calls) * latency_s / concurrency)
    print(f"  {what:<11} L={latency_s:g} s  c={concurrency}: {len(calls)} conversations, {sum(calls)} calls "
          f"(longest {max(calls)}), wall {wall:6.2f} s, limit {limit:6.2f} s, limit/wall {limit / wall:.2f}")
    return {"wall_s": round(wall, 2), "limit_s": round(limit, 2), "ratio": round(limit / wall, 3)}


def endpoint(latencies: list[float], concurrency: int) -> dict[str, dict[str, float]]:
    results = {}
    for latency in latencies:
        with serve(latency_s=latency) as url, tempfile.TemporaryDirectory() as data:
            os.environ["KIT_DATA_DIR"] = data  # the playground logs its attempt: not into the learner's folder
            model = OpenAIChat("served", base_url=url, api_key="sk-bench", timeout_s=60)
            agent = kit.Agent(PROMPTS[2][1], model=model)
            # Not measured: what a kernel and a server pay once (imports, persona cards, connections).
            kit.evaluate(agent, CUSTOMERS, seeds=1, concurrency=concurrency, progress=False)

            def evaluate() -> list[int]:
                ev = kit.evaluate(agent, CUSTOMERS, seeds=2, concurrency=concurrency, progress=False)
                return _calls(ev.transcripts)

            def playground() -> list[int]:
                os.environ["KIT_CONCURRENCY"] = str(concurrency)
                pg = kit.widgets.Playground(lesson="bench", prompt=PROMPTS[2][1], personas=PLAYGROUND, seeds=3,
                                            model=None)
                pg.configured = "served"
                pg._model_argument = lambda _: model  # the served model, as the "configured" choice
                run = pg.run(model="configured")
                return _calls({"all": run.transcripts})

            results[f"evaluate@{latency:g}"] = against_limit("evaluate", latency, concurrency, evaluate)
            results[f"playground@{latency:g}"] = against_limit("playground", latency, concurrency, playground)
    return results


def _calls(transcripts: dict[str, tuple]) -> list[int]:
    """Model calls per conversation: one per agent reply, plus one per round of tool calls (none here)."""
    return [len(t.agent_turns) for ts in transcripts.values() for t in ts]


def offline(rev: str, rounds: int) -> float:
    with tempfile.TemporaryDirectory(prefix="kit-baseline-") as scratch:
        baseline = Path(scratch) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), rev], check=True,
                       capture_output=True)
        try:
            rates: dict[str, list[float]] = {"today": [], "baseline": []}
            for _ in range(rounds):
                for side, checkout in (("today", ROOT), ("baseline", baseline)):
                    env = {**os.environ, "PYTHONPATH": str(checkout), "KIT_MODEL": "practice", "KIT_CACHE": "off"}
                    done = subprocess.run([sys.executable, "-c", OFFLINE], cwd=checkout, env=env, capture_output=True,
                                          text=True, check=True)
                    rates[side].append(float(done.stdout.strip().splitlines()[-1]))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], check=False)
    today, before = statistics.median(rates["today"]), statistics.median(rates["baseline"])
    print(f"  offline evaluate: today {today:.1f} conversations/s, {rev} {before:.1f} conversations/s, "
          f"today/baseline {today / before:.2f} ({rounds} rounds, medians)")
    return round(today / before, 3)


PROCESSES = r"""
import json, sys, time
from concurrent.futures import ProcessPoolExecutor
start = time.perf_counter()
import kit
from kit.demo import PROMPTS

def one(job):
    persona, seed = job
    return kit.grade(kit.converse(kit.Agent(PROMPTS[2][1]), persona, seed=seed)).total

jobs = [(p, s) for p in kit.personas.names() for s in range(3)]
if sys.argv[1] == "processes":
    with ProcessPoolExecutor(max_workers=2) as pool:
        totals = list(pool.map(one, jobs))
else:
    totals = [one(job) for job in jobs]
print(json.dumps({"seconds": time.perf_counter() - start, "totals": totals}))
"""


def offline_processes(rounds: int) -> float:
    """The whole cast x 3 seeds offline: one after another in one process, against 2 worker processes.

    Both start a fresh interpreter (what a lesson cell pays is the same either way); the processes also
    start their workers, each importing the kit and reading the cards."""
    times: dict[str, list[float]] = {"in-process": [], "processes": []}
    totals = {}
    for _ in range(rounds):
        for how in times:
            env = {**os.environ, "KIT_MODEL": "practice", "KIT_CACHE": "off"}
            done = subprocess.run([sys.executable, "-c", PROCESSES, how], cwd=ROOT, env=env, capture_output=True,
                                  text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            times[how].append(result["seconds"])
            totals[how] = result["totals"]
    one, two = (statistics.median(times[how]) for how in ("in-process", "processes"))
    same = "the same totals" if totals["in-process"] == totals["processes"] else "DIFFERENT totals"
    print(f"  the whole cast x 3 seeds offline: in one process {one:.2f} s, 2 worker processes {two:.2f} s "
          f"(processes/in-process time {two / one:.2f}; {same}; {rounds} rounds, medians)")
    return round(two / one, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latencies", type=float, nargs="+", default=[0.5, 2.0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rev", default=BASELINE)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print("(a) against the local protocol server")
    results: dict[str, object] = endpoint(args.latencies, args.concurrency)
    print("(b) offline, against the baseline")
    results["offline_today_over_baseline"] = offline(args.rev, args.rounds)
    print("(c) offline, why conversations play one after another there")
    results["offline_processes_over_in_process_time"] = offline_processes(args.rounds)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
