"""Calls per second of the unit parser, next to a plain regex scan of the same messages.

Run: .venv/bin/python benchmarks/units.py [seconds-per-measurement]
Both are measured in this one process, interleaved, after a warm-up (the first call builds the
pint registry); the ratio says how much real parsing costs over just finding the digits.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable

from kit.units import parse_body

MESSAGES = [
    "我一米六五，一百二十斤，穿什么码？",
    "身高158公分左右，体重九十八斤",
    "I'm 5'4\" and about 132 lbs",
    "5尺2，一百多斤，能穿L吗",
    "1.72m 65kg",
    "你好，我想问问这件外套有没有黑色的",
]
DIGITS = re.compile(r"\d+(?:\.\d+)?")


def rate(call: Callable[[str], object], seconds: float) -> float:
    """Messages handled per second, over about `seconds` of wall time."""
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for message in MESSAGES:
            call(message)
        done += len(MESSAGES)
    return done / elapsed


def main(seconds: float = 1.0) -> None:
    parse_body(MESSAGES[0])  # warm-up: registry and caches
    candidates = {"regex scan (baseline)": DIGITS.findall, "kit.units.parse_body": parse_body}
    results: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(3):
        for name, call in candidates.items():
            results[name].append(rate(call, seconds))
    baseline = max(results["regex scan (baseline)"])
    print(f"{'':<24} {'calls/s (best of 3)':>20} {'x baseline':>11}")
    for name, rates in results.items():
        print(f"{name:<24} {max(rates):20,.0f} {max(rates) / baseline:11.4f}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
