"""Today's kit against an earlier commit, side by side in one run: grading speed and the offline arena.

Run: .venv/bin/python benchmarks/against_baseline.py [--rev 0d1fb21] [--rounds 5]

`--rev` is any commit of this repository (default: the last one before the graders got their own
readers). It is checked out into a temporary git worktree; both checkouts run in fresh processes of
the same Python, one after the other, round by round (A B A B ...), so machine noise hits both alike:
  - grading: kit.grade over the 52 in-sample calibration transcripts, transcripts per second;
  - arena: kit.arena.run over every customer x the 3 example agents x 2 seeds on the practice model,
    concurrency 1, into a fresh results file, conversations per second (playing and grading).
It prints each side's median and today's / baseline ratio for both (above 1: today is faster). It
never asserts a time: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "0d1fb21"  # the kit before its graders read replies with their own readers

CHILD = r"""
import json, sys, tempfile, time
from pathlib import Path
work, calibration, example = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
import kit
if work == "grading":
    from kit.calibration import EXTRA_FIELDS
    from kit.conversation import Transcript
    transcripts = [Transcript.from_dict({k: v for k, v in json.loads(p.read_text(encoding="utf-8")).items()
                                         if k not in EXTRA_FIELDS and k != "page"})
                   for p in sorted(calibration.glob("*.json"))]
    for t in transcripts: kit.grade(t)  # warm the quote caches
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < 2.0:
        for t in transcripts: kit.grade(t)
        n += len(transcripts)
    print(json.dumps(n / (time.perf_counter() - start)))
else:
    agents = kit.arena.load_config(example).build_agents()
    results = Path(tempfile.mkdtemp()) / "results.jsonl"
    start = time.perf_counter()
    played = kit.arena.run(agents, seeds=2, concurrency=1, progress=False, results=results)
    print(json.dumps(len(list(played.matches())) / (time.perf_counter() - start)))
"""


def run(checkout: Path, work: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(checkout), "KIT_MODEL": "practice", "KIT_CACHE": "off"}
    args = [sys.executable, "-c", CHILD, work, str(ROOT / "tests" / "data" / "calibration"), str(ROOT / "examples" / "arena.yaml")]
    done = subprocess.run(args, cwd=checkout, env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default=BASELINE, help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kit-baseline-") as scratch:
        baseline = Path(scratch) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), args.rev],
                       check=True, capture_output=True)
        try:
            rates: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.rounds):
                for work in ("grading", "arena"):
                    for side, checkout in (("today", ROOT), ("baseline", baseline)):
                        rates.setdefault((work, side), []).append(run(checkout, work))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], check=False)
    print(f"today ({ROOT.name}) against {args.rev}, {args.rounds} rounds, medians")
    for work, unit in (("grading", "transcripts/s"), ("arena", "conversations/s")):
        today, before = (statistics.median(rates[work, side]) for side in ("today", "baseline"))
        print(f"{work:<8} today {today:8.1f} {unit}   baseline {before:8.1f} {unit}   today/baseline {today / before:.2f}")
    print(json.dumps({work: round(statistics.median(rates[work, 'today']) / statistics.median(rates[work, 'baseline']), 3)
                      for work in ("grading", "arena")}))


if __name__ == "__main__":
    main()
