"""How the practice model reads prompt lines written outside the project, today and at an earlier commit.

Run: .venv/bin/python benchmarks/recognition.py [--rev 0d1fb21] [--rounds 3]

The corpus is tests/data/instructions/ (29,319 prompt lines by 90 writers who never saw the catalogue or
the reader; dev/ = writers iA, iB, iE-iZ, jA-jJ, kA-kD, kM-kT, kY, kZ, lA, lB, lG-lN, lS-lZ, mA, mB, test/ = iC, iD,
kE-kL, kU-kX, lC-lF, lO-lR). For each split it prints:
  - instruction lines: the share of labelled instructions recognised, and per instruction;
  - negating lines (`not:<id>`): read as the contradiction, and wrongly credited as the instruction;
  - neutral lines (no instruction): the share matched as anything;
  - instruction lines that also contradict an instruction their writer did not negate (the practice model
    would then drop that instruction if an earlier line gave it);
and the same for the catalogue's wording alone ("worded"), without the likeness, stance and decision models: they were
trained on the dev split, so their dev numbers say little, and the worded ones show what they add.
`--rev` runs the same measurement with that commit's recogniser (checked out in a temporary git
worktree, in a fresh process), and times both on the same work side by side: reading every corpus
line once, a 20 KB prompt, and two practice-model replies under a 200 KB prompt of short lines
(medians over the rounds; ratios, never a limit).
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
CORPUS = ROOT / "tests" / "data" / "instructions"
BASELINE = "0d1fb21"

CHILD = r"""
import json, sys, time
from pathlib import Path
corpus = Path(sys.argv[1])
import kit
# An editable install would serve today's kit.practice to an older checkout: look for the folder instead.
if (Path(kit.__file__).parent / "practice" / "reading.py").exists():
    from kit.practice.reading import read_line
    def read(text):
        r = read_line(text)
        return set(r.gives), set(r.contradicts)
    def clear():
        from kit.practice.reading import _read, read_prompt
        _read.cache_clear(); read_prompt.cache_clear()
    from kit.practice.catalogue import recognise
    try:  # the catalogue's wording alone, without the likeness, stance and decision models (trained on the dev split)
        from kit.practice.reading import _worded, normalise
        def worded(text):
            gives, against = _worded(normalise(text))[:2]
            return set(gives), set(against)
    except ImportError:
        worded = None
else:  # before kit/practice existed
    from kit.llm.catalogue import recognise
    def read(text):
        return {k for k, row in recognise(text).items() if row.found}, set()
    def clear():
        pass
    worded = None
out = {}
readers = {"": read, "worded ": worded} if worded else {"": read}
for (name, reader), split in [(r, s) for r in readers.items() for s in ("dev", "test")]:
    read_now = reader
    items = [json.loads(l) for f in sorted((corpus / split).glob("*.jsonl")) for l in f.read_text(encoding="utf-8").splitlines() if l.strip()]
    per, ok, neg, contra, credited, neutral, matched, stray, instruction_lines = {}, {}, 0, 0, 0, 0, 0, 0, 0
    for item in items:
        gives, against = read_now(item["line"])
        labels = item["labels"]
        if any(not label.startswith("not:") for label in labels):
            instruction_lines += 1
            stray += bool(against - {label[4:] for label in labels if label.startswith("not:")})
        for label in labels:
            if label.startswith("not:"):
                neg += 1; contra += label[4:] in against; credited += label[4:] in gives
            else:
                per[label] = per.get(label, 0) + 1; ok[label] = ok.get(label, 0) + (label in gives)
        if not labels:
            neutral += 1; matched += bool(gives or against)
    out[name + split] = {"per": per, "ok": ok, "neg": neg, "contra": contra, "credited": credited, "neutral": neutral, "matched": matched,
                         "stray": stray, "lines": instruction_lines}
lines = [json.loads(l)["line"] for f in sorted(corpus.glob("*/*.jsonl")) for l in f.read_text(encoding="utf-8").splitlines() if l.strip()]
clear(); start = time.perf_counter()
for text in lines:
    read(text)
out["lines_s"] = time.perf_counter() - start
prompt = "\n".join(lines)[:20000]
clear(); start = time.perf_counter(); recognise(prompt); out["prompt_s"] = time.perf_counter() - start
# Two replies of the practice model under a 200 KB prompt of many short lines (it used to re-read the prompt every reply).
from kit.llm import PracticeModel
from kit.shop import brief
big = "\n".join(f"rule {i}: be friendly to customer number {i * 7919 % 1000}" for i in range(6000))[:200_000]
messages = [{"role": "system", "content": big}, {"role": "system", "content": brief("J-101")}, {"role": "user", "content": "这件棉服多少钱？"}]
clear(); start = time.perf_counter()
model = PracticeModel(); model.complete(messages)
messages += [{"role": "assistant", "content": "好的。"}, {"role": "user", "content": "我穿什么码？"}]
model.complete(messages); out["two_replies_s"] = time.perf_counter() - start
print(json.dumps(out))
"""


def measure(checkout: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(CORPUS)], cwd=checkout, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def show(name: str, result: dict) -> None:
    for split in ("dev", "test", "worded dev", "worded test"):
        if split not in result:
            continue
        r = result[split]
        total, ok = sum(r["per"].values()), sum(r["ok"].values())
        print(f"{name:<9} {split:<11}  instructions {ok / total:6.1%} ({ok}/{total})   negations read as contradiction "
              f"{r['contra']}/{r['neg']}, credited {r['credited']}/{r['neg']}   neutral matched {r['matched']}/{r['neutral']} "
              f"({r['matched'] / r['neutral']:.1%})   instruction lines contradicting one they do not negate "
              f"{r['stray']}/{r['lines']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default=BASELINE)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kit-baseline-") as scratch:
        baseline = Path(scratch) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), args.rev], check=True, capture_output=True)
        try:
            runs = {"today": [], "baseline": []}
            for _ in range(args.rounds):
                runs["today"].append(measure(ROOT))
                runs["baseline"].append(measure(baseline))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], check=False)
    show("today", runs["today"][0])
    show(args.rev, runs["baseline"][0])
    print("per instruction, today (dev | test):")
    today = runs["today"][0]
    for label in sorted(today["dev"]["per"]):
        cells = [f"{today[s]['ok'].get(label, 0)}/{today[s]['per'].get(label, 0)}" for s in ("dev", "test")]
        print(f"  {label:<16} {cells[0]:>7} | {cells[1]:>7}")
    for key, what in (("lines_s", "every corpus line once"), ("prompt_s", "a 20 KB prompt"),
                      ("two_replies_s", "two practice-model replies under a 200 KB prompt")):
        t, b = (statistics.median(run[key] for run in runs[side]) for side in ("today", "baseline"))
        print(f"speed, {what}: today {t:.3f} s, {args.rev} {b:.3f} s, today/baseline time {t / b:.2f}")


if __name__ == "__main__":
    main()
