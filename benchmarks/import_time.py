"""How much `import kit` adds to Python's start-up, next to the libraries it keeps lazy.

Run: .venv/bin/python benchmarks/import_time.py [rounds]
Each command runs in a fresh interpreter, interleaved round by round so machine noise hits all
of them alike; the report gives medians and ratios to bare start-up, never a verdict on its own.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python (bare)": "pass",
    "import kit": "import kit",
    "kit: first conversation + grade (cold)": (
        "import kit; kit.grade(kit.converse(kit.Agent('You are a customer service bot.'), 'typo_auntie'))"
    ),
    "import pandas": "import pandas",
    "import matplotlib.pyplot": "import matplotlib.pyplot",
    "import openai": "import openai",
}


def main(rounds: int = 7) -> None:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, code in COMMANDS.items():
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times[name].append(time.perf_counter() - started)
    bare = statistics.median(times["python (bare)"])
    print(f"{'command':<34} {'median s':>9} {'x bare':>8}   ({rounds} interleaved rounds)")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:<34} {median:9.3f} {median / bare:8.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
