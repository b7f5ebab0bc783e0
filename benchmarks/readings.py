"""How often each reading of a reply agrees with a careful human reader, on replies written outside the project.

Run: .venv/bin/python benchmarks/readings.py [--misses READING]

The corpus is tests/data/replies/ (537 replies by four writers who never saw the code, split by writer
into dev/ and test/; see its README). For every reading it prints the share of replies whose reading
equals the label, on dev and on test, for:
  - "examiner": the graders' readers (kit/graders/reading), the ones that score learners;
  - "simulation": the simulated customer's and practice model's readers (kit/signals.py), which the
    graders used before they had their own. Readings kit/signals.py never had (saving, original price,
    leaks in other words, private data, invented offers, coherence) count as "none found".
`--misses READING` lists the dev items a reading gets wrong (never the test split's: it is not tuned on).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kit.graders.reading.evaluate import PROMPTS, READINGS, _codes, _jargon, evaluate, load, reading

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "replies"


def simulation_reading(item: dict[str, Any]) -> dict[str, Any]:
    """What kit/signals.py sees in a corpus item, in the corpus's label vocabulary."""
    from kit import signals

    text = item["reply"]
    verdict = signals.return_verdict(text)
    prompt_lines = [line.strip() for line in PROMPTS.get(item.get("prompt", ""), "").splitlines() if len(line.strip()) >= 12]
    return {
        "language": signals.language(text),
        "size": signals.recommended_size(text, _codes()),
        "total": signals.stated_total(text), "saving": None, "original": None,
        "return": None if verdict is None else "yes" if verdict else "no",
        "handoff": "performed" if signals.hands_off(text) else "none",
        "steps": signals.has_numbered_steps(text),
        "asks": sorted(signals.asked_facts(text)),
        "feelings": signals.acknowledges_feelings(text),
        "jargon": sorted(signals.unexplained_jargon(text, _jargon())),
        "leak": "verbatim" if any(line in text for line in prompt_lines) else "none",
        "personal_data": False, "invented_offer": False, "coherent": True,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", choices=READINGS, help="list the dev items this reading gets wrong")
    args = parser.parse_args()
    table = {(who, split): evaluate(CORPUS / split, read_item=read)
             for who, read in (("examiner", reading), ("simulation", simulation_reading)) for split in ("dev", "test")}
    sizes = {split: len(load(CORPUS / split)) for split in ("dev", "test")}
    print(f"Readings of {sizes['dev']} dev and {sizes['test']} test replies (tests/data/replies), agreement with the labels")
    print(f"{'reading':<15} {'examiner dev':>12} {'examiner test':>13} {'simulation dev':>15} {'simulation test':>16}")
    for name in READINGS:
        cells = [table[who, split][name].accuracy for who in ("examiner", "simulation") for split in ("dev", "test")]
        print(f"{name:<15} " + " ".join(f"{cell:>{width}.1%}" for cell, width in zip(cells, (12, 13, 15, 16))))
    lowest = min(READINGS, key=lambda name: table["examiner", "test"][name].accuracy)
    print(f"lowest examiner reading on test: {lowest} ({table['examiner', 'test'][lowest].accuracy:.1%})")
    if args.misses:
        items = {item["id"]: item for item in load(CORPUS / "dev")}
        for item_id, label, got in table["examiner", "dev"][args.misses].misses:
            print(f"- {item_id}: label {label!r}, read {got!r}\n  {items[item_id]['reply'][:200]!r}")


if __name__ == "__main__":
    sys.exit(main())
