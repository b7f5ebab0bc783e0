"""How fast the deterministic graders read transcripts, next to baselines measured in the same run.

Run: .venv/bin/python benchmarks/graders.py [rounds] [seconds-per-measurement]

The workload is the calibration set (tests/data/calibration: every persona, good, bad and subtle
conversations, 3 to 17 turns). Each measurement runs one piece of work over the whole set again and
again for about `seconds`, and reports transcripts per second. The pieces, interleaved round by
round so machine noise hits all of them alike:
  - json.loads of every file's text (the floor: reading a transcript with no grading at all),
  - json.loads + Transcript.from_dict (what `kit.calibration` does before grading),
  - the whole rubric: every grader of kit.graders.GRADERS on every transcript,
  - kit.grade (the rubric plus the scorecard),
  - each grader alone.
It prints medians over the rounds and ratios to the JSON baseline (how many times slower than
loading the file), never a verdict or a time limit. The graders cache the shop's quotes, so a
first pass over the set is timed once on its own (cold caches) before the rounds (warm).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import kit
from kit.calibration import EXTRA_FIELDS
from kit.conversation import Transcript
from kit.graders import GRADERS

FOLDER = Path(__file__).resolve().parent.parent / "tests" / "data" / "calibration"


def rate(work: Callable[[], object], seconds: float) -> float:
    """Calls per second of `work`, measured over about `seconds` (at least one call)."""
    calls, started = 0, time.perf_counter()
    while True:
        work()
        calls += 1
        if (elapsed := time.perf_counter() - started) >= seconds:
            return calls / elapsed


def main(rounds: int = 5, seconds: float = 0.2) -> None:
    paths = sorted(FOLDER.glob("*.json"))
    texts = [path.read_text(encoding="utf-8") for path in paths]

    def parse(text: str) -> Transcript:
        return Transcript.from_dict({k: v for k, v in json.loads(text).items() if k not in EXTRA_FIELDS})

    transcripts = [parse(text) for text in texts]
    n = len(transcripts)
    turns = sum(len(t.turns) for t in transcripts)

    started = time.perf_counter()
    for transcript in transcripts:
        for grader in GRADERS:
            grader(transcript)
    cold = time.perf_counter() - started

    work: dict[str, Callable[[], object]] = {
        "json.loads (baseline)": lambda: [json.loads(text) for text in texts],
        "json.loads + from_dict": lambda: [parse(text) for text in texts],
        "whole rubric (10 graders)": lambda: [[grader(t) for grader in GRADERS] for t in transcripts],
        "kit.grade (rubric + scorecard)": lambda: [kit.grade(t).total for t in transcripts],
    }
    for grader in GRADERS:
        work[f"  {grader.name}"] = lambda grader=grader: [grader(t) for t in transcripts]

    samples: dict[str, list[float]] = {name: [] for name in work}
    for _ in range(rounds):
        for name, job in work.items():
            samples[name].append(n * rate(job, seconds))
    rates = {name: statistics.median(values) for name, values in samples.items()}
    base = rates["json.loads (baseline)"]
    rubric = rates["whole rubric (10 graders)"]

    print(f"{n} calibration transcripts ({turns} turns) from {FOLDER}")
    print(f"first pass of the whole rubric, cold caches: {cold * 1000:.0f} ms ({n / cold:,.0f} transcripts/s)")
    print(f"median of {rounds} interleaved rounds, about {seconds:g} s each:\n")
    print(f"{'work':<32} {'transcripts/s':>14} {'json÷this':>10} {'share of rubric':>16}")
    for name, value in rates.items():
        share = f"{100 * rubric / value:.0f}%" if name.startswith("  ") else ""
        print(f"{name:<32} {value:>14,.0f} {base / value:>9.1f}x {share:>16}")
    print("\njson÷this: how many times slower than JSON-loading the same transcripts; "
          "share of rubric: the grader's part of the whole rubric's time.")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5, float(sys.argv[2]) if len(sys.argv) > 2 else 0.2)
