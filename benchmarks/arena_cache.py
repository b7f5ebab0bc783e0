"""A replay-cache hit next to a live call to a local endpoint with no injected latency.

Run: .venv/bin/python benchmarks/arena_cache.py [--rounds 5]

The calls are real ones: every model call of the three example agents (examples/arena.yaml)
against the whole cast, seed 0, made once through the kit's local OpenAI-protocol test server
(kit.testing.openai_server, the practice model behind it, 0 ms latency) and recorded with
`CachedModel(mode="write")`. Then, round by round, the same calls are timed:
  - live: `OpenAIChat` to the local server (the openai SDK over HTTP on 127.0.0.1),
  - replay: `CachedModel(mode="replay")` (KIT_CACHE=replay), every call a hit read from disk,
  - in-process: `PracticeModel` itself, no HTTP (a floor for what the answer costs to compute).
It prints the median time per call of each and live / replay. A real endpoint adds its own
network and generation time to "live", so against one the ratio is far larger.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kit
from kit.llm import CachedModel, ChatModel, OpenAIChat, PracticeModel
from kit.testing.openai_server import serve

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "arena.yaml"
MODEL = "practice-over-http"


def per_call(model: ChatModel, calls: list[dict[str, Any]]) -> float:
    """Seconds per call of `model` over the recorded calls."""
    started = time.perf_counter()
    for call in calls:
        model.complete(call["messages"], call.get("tools"))
    return (time.perf_counter() - started) / len(calls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kit-bench-") as scratch, \
            serve(log=Path(scratch) / "server.log") as url:
        folder = Path(scratch)
        live = OpenAIChat(MODEL, base_url=url, api_key="not-a-key", timeout_s=30)
        recorder = CachedModel(live, "write", folder / "cache")
        for agent in kit.arena.load_config(EXAMPLE).build_agents():
            agent.model = recorder
            for persona in kit.personas.names():
                kit.converse(agent, persona, seed=0)
        log = (folder / "server.log").read_text(encoding="utf-8").splitlines()
        calls = [json.loads(line) for line in log]
        replay = CachedModel(OpenAIChat(MODEL, base_url="http://127.0.0.1:9/v1", api_key="unused"), "replay",
                             folder / "cache")
        models: dict[str, ChatModel] = {"live": live, "replay": replay, "in-process": PracticeModel()}
        measured: dict[str, list[float]] = {name: [] for name in models}
        for _ in range(args.rounds):
            for name, model in models.items():
                measured[name].append(per_call(model, calls))
        stored = sum(path.stat().st_size for path in (folder / "cache").rglob("*.json"))

    median: dict[str, float] = {name: statistics.median(values) for name, values in measured.items()}
    show: Callable[[float], str] = lambda seconds: f"{seconds * 1000:7.3f} ms"
    print(f"{len(calls)} recorded calls (3 agents x {len(kit.personas.names())} customers, seed 0), "
          f"{stored / 1024:.0f} KiB of recordings; median of {args.rounds} rounds, interleaved")
    for name in models:
        print(f"  {name + ':':12} {show(median[name])} per call   "
              f"(each round: {', '.join(f'{s * 1000:.2f}' for s in measured[name])} ms)")
    print(f"live call to the local server (0 ms latency) / replay-cache hit: {median['live'] / median['replay']:.1f}x")
    print(f"replay-cache hit / practice model in-process: {median['replay'] / median['in-process']:.2f}x")


if __name__ == "__main__":
    main()
