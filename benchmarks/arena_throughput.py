"""The arena against a slow endpoint: throughput next to the ideal, and concurrent over sequential.

Run: .venv/bin/python benchmarks/arena_throughput.py [--latency 0.2] [--concurrency 16] [--seeds 3] [--speedup-seeds 1]

The endpoint is the kit's local OpenAI-protocol test server (kit.testing.openai_server) with a
fixed latency injected into every answer; the practice model answers behind it, so the arena's
work is real (the openai SDK over HTTP, customers, graders, results appended to disk) and the
only waiting is the injected latency. The agents are the three of examples/arena.yaml, against
the whole cast.

(a) throughput: model calls per second at `concurrency` conversations at once, divided by the
    ideal `concurrency / latency` (every slot always waiting on a call). Target: at least 0.8.
    Also printed: the rate in the middle of the run (from the server's arrival times, between the
    10th and 90th percentile call), which leaves out the start and the tail, when fewer
    conversations than slots are left.
(b) speed-up: the same arena at concurrency 1 over `concurrency`, in wall time (with the default
    3 seeds the sequential run takes over two minutes; --speedup-seeds 1 measures a smaller arena).
All runs are in this one process, one after the other, each into a fresh results file; raw numbers
are printed next to the ratios, with the machine's load average (it is shared, and noisy).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import kit
from kit.llm import OpenAIChat
from kit.testing.openai_server import events, serve, stats

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "arena.yaml"


@dataclass(frozen=True)
class Run:
    """One arena run: how many conversations and calls, in how long."""

    conversations: int
    calls: int
    seconds: float
    cpu_seconds: float  # this process's CPU time (the arena's side: SDK, customers, graders, results file)
    failed: int
    totals: tuple[float | None, ...]
    arrivals: tuple[float, ...]  # when the server received each call (epoch seconds)

    @property
    def calls_per_s(self) -> float:
        return self.calls / self.seconds

    @property
    def middle_calls_per_s(self) -> float:
        """Calls per second between the 10th and the 90th percentile arrival."""
        low, high = int(len(self.arrivals) * 0.1), int(len(self.arrivals) * 0.9)
        return (high - low) / (self.arrivals[high] - self.arrivals[low])


def agents_at(url: str) -> list[kit.Agent]:
    """The example arena's three agents, all talking to the endpoint at `url`."""
    model = OpenAIChat("practice-over-http", base_url=url, api_key="not-a-key", timeout_s=30, max_retries=2)
    agents = kit.arena.load_config(EXAMPLE).build_agents()
    for agent in agents:
        agent.model = model
    return agents


def warm_up(url: str) -> None:
    """One graded conversation per agent and customer type, so lazy loading (parsers, retrieval) is not timed."""
    for agent in agents_at(url):
        for persona in ("typo_auntie", "angry_city_woman", "shipping_asker"):
            kit.grade(kit.converse(agent, persona, seed=0))


def play(url: str, seeds: int, concurrency: int, folder: Path) -> Run:
    """Run the arena once into a fresh results file; count the calls the server received."""
    agents = agents_at(url)
    before = stats(url)["requests"]
    started, cpu = time.perf_counter(), time.process_time()
    arena = kit.arena.run(agents, seeds=seeds, concurrency=concurrency, progress=False,
                          results=Path(tempfile.mkdtemp(dir=folder)) / "results.jsonl")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    matches = arena.matches()
    arrivals = tuple(event["t"] for event in events(folder / "server.log")[before:])
    return Run(len(matches), stats(url)["requests"] - before, seconds, cpu, arena.failed_count,
               tuple(None if m.failed else m.total for m in matches), arrivals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2, help="seconds injected into every answer")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seeds", type=int, default=3, help="seeds per agent and customer")
    parser.add_argument("--speedup-seeds", type=int, help="seeds for (b), if fewer than --seeds: a quicker, "
                        "smaller arena played at both concurrencies (default: (a)'s arena, played again at 1)")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as scratch, \
            serve(log=Path(scratch) / "server.log", latency_s=args.latency) as url:
        folder = Path(scratch)
        warm_up(url)

        wide = play(url, args.seeds, args.concurrency, folder)
        speedup_seeds = args.speedup_seeds or args.seeds
        small_wide = wide if speedup_seeds == args.seeds else play(url, speedup_seeds, args.concurrency, folder)
        small_one = play(url, speedup_seeds, 1, folder)

    load_after = os.getloadavg()[0]
    ideal = args.concurrency / args.latency
    calls_per_conversation = wide.calls / wide.conversations
    print(f"endpoint: local test server, {args.latency * 1000:.0f} ms latency per call, practice model behind it")
    print(f"agents: 3 (examples/arena.yaml) x {len(kit.personas.names())} customers; "
          f"machine load average {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores")
    print()
    print(f"(a) throughput at concurrency {args.concurrency}, {args.seeds} seeds:")
    print(f"    {wide.conversations} conversations, {wide.calls} model calls "
          f"({calls_per_conversation:.1f} per conversation), {wide.failed} failed, {wide.seconds:.2f} s")
    print(f"    {wide.calls_per_s:.1f} calls/s; ideal {args.concurrency} / {args.latency:g} s = {ideal:.0f} calls/s")
    print(f"    throughput / ideal = {wide.calls_per_s / ideal:.2f}   (target >= 0.8)")
    print(f"    client CPU {wide.cpu_seconds:.2f} s = {wide.cpu_seconds / wide.calls * 1000:.1f} ms per call "
          f"(one free core would carry {wide.calls / wide.cpu_seconds:.0f} calls/s)")
    print(f"    in the middle of the run (10th-90th percentile call): {wide.middle_calls_per_s:.1f} calls/s, "
          f"{wide.middle_calls_per_s / ideal:.2f} of the ideal")
    print()
    print(f"(b) the same arena ({speedup_seeds} seeds) at concurrency 1 and {args.concurrency}:")
    print(f"    concurrency 1:  {small_one.conversations} conversations, {small_one.calls} calls, "
          f"{small_one.seconds:.2f} s, {small_one.calls_per_s:.1f} calls/s")
    print(f"    concurrency {args.concurrency}: {small_wide.conversations} conversations, {small_wide.calls} calls, "
          f"{small_wide.seconds:.2f} s, {small_wide.calls_per_s:.1f} calls/s")
    print(f"    speed-up = {small_one.seconds / small_wide.seconds:.1f}x (at most {args.concurrency}x); "
          f"same scores either way: {'yes' if small_one.totals == small_wide.totals else 'NO'}")


if __name__ == "__main__":
    main()
