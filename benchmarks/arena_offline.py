"""The offline arena: the practice model, every customer x 3 agents x 10 seeds, in conversations per second.

Run: .venv/bin/python benchmarks/arena_offline.py [--seeds 10] [--rounds 2]

The three agents are those of examples/arena.yaml (one with tools and the knowledge base). Measured
side by side in one run, interleaved round by round so machine noise hits them alike:
  - kit.arena.run at its default concurrency (8 threads) and at concurrency 1, each into a fresh
    results file (so nothing is skipped; every conversation is appended and fsynced as it ends),
  - the same conversations played in a plain loop of kit.converse + kit.grade (no arena: no
    threads, no results file, no leaderboard).
It prints conversations per second of wall time and per CPU second (this process's), and the
arena's over the plain loop's. The practice model is CPU work in Python, so threads cannot run it
in parallel on an idle machine; the CPU ratio shows what the arena's bookkeeping costs on top of
the conversations themselves. (On a machine busy with other work, more threads get a larger share
of the CPU, so the wall-time ratio can favour the arena more than the CPU ratio does.)
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import kit

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "arena.yaml"
DEFAULT_CONCURRENCY = 8  # kit.arena.run's default


Scores = list[float | None]


def arena(agents: list[kit.Agent], seeds: int, concurrency: int, folder: Path) -> Scores:
    """One arena run into a fresh results file; its scores in order."""
    results = Path(tempfile.mkdtemp(dir=folder)) / "results.jsonl"
    played = kit.arena.run(agents, seeds=seeds, concurrency=concurrency, progress=False, results=results)
    return [None if match.failed else match.total for match in played.matches()]


def plain(agents: list[kit.Agent], seeds: int) -> Scores:
    """The same conversations in a loop of kit.converse + kit.grade; their scores in the arena's order."""
    return [kit.grade(kit.converse(agent, persona, seed=seed)).total
            for agent in agents for persona in kit.personas.names() for seed in range(seeds)]


def timed(work: Callable[[], Scores]) -> tuple[float, float, Scores]:
    """Wall seconds, CPU seconds of this process, and the scores."""
    wall, cpu = time.perf_counter(), time.process_time()
    scores = work()
    return time.perf_counter() - wall, time.process_time() - cpu, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each, interleaved; medians printed")
    args = parser.parse_args()

    agents = kit.arena.load_config(EXAMPLE).build_agents()
    conversations = len(agents) * len(kit.personas.names()) * args.seeds
    plain(agents, 1)  # warm up: lazy loading (parsers, retrieval, catalogue) is not timed

    names = ("arena", "arena, concurrency 1", "converse + grade loop")
    walls: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    scores: dict[str, Scores] = {}
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as scratch:
        for _ in range(args.rounds):
            for name, work in (
                ("arena", lambda: arena(agents, args.seeds, DEFAULT_CONCURRENCY, Path(scratch))),
                ("arena, concurrency 1", lambda: arena(agents, args.seeds, 1, Path(scratch))),
                ("converse + grade loop", lambda: plain(agents, args.seeds)),
            ):
                wall, cpu, scores[name] = timed(work)
                walls[name].append(wall)
                cpus[name].append(cpu)

    wall = {name: statistics.median(values) for name, values in walls.items()}
    cpu = {name: statistics.median(values) for name, values in cpus.items()}
    print(f"offline practice-model arena: {len(agents)} agents (examples/arena.yaml) x "
          f"{len(kit.personas.names())} customers x {args.seeds} seeds = {conversations} conversations")
    print(f"median of {args.rounds} rounds, interleaved:")
    for name in names:
        print(f"  {name + ':':24} {wall[name]:6.2f} s wall {conversations / wall[name]:6.1f} conversations/s | "
              f"{cpu[name]:6.2f} s CPU {conversations / cpu[name]:6.1f} conversations/CPU-s   "
              f"(wall of each run: {', '.join(f'{s:.2f}' for s in walls[name])} s)")
    loop = "converse + grade loop"
    for name, label in (("arena", f"arena (concurrency {DEFAULT_CONCURRENCY})"), ("arena, concurrency 1", "arena (concurrency 1)")):
        print(f"{label} / plain loop, conversations per second: {wall[loop] / wall[name]:.2f} wall, "
              f"{cpu[loop] / cpu[name]:.2f} CPU")
    same = scores["arena"] == scores["arena, concurrency 1"] == scores["converse + grade loop"]
    print(f"same scores in all three: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
