"""How the practice model reads dev writers it never saw: the held-out numbers the README and the corpus README give.

Run (needs the `train` extra, scikit-learn: `make likeness` installs it; about ten minutes on two cores):

    .venv/bin/python -m kit.practice.decision /tmp/folds     # keeps each fold's models and rows in /tmp/folds
    .venv/bin/python benchmarks/heldout.py /tmp/folds [--writers lS,lT] [--rebuild]

The first command also retrains the shipped `decision.npz` (on the same lines, so to the same trees while the dev
split is unchanged).

The dev split's writers are dealt into seven folds. For each fold, the likeness and stance models trained without it
(kept by `decision.train`) and trees fitted on the other folds' rows read its lines through the kit's own reading code,
thresholds and rules included. So a change to the reader's code can be measured on writers it never saw without
retraining. The trees are fitted on the rows `decision.train` kept; after a change to the wording or to the decision's
features, `--rebuild` first reads the rows again with today's code (and the kept likeness and stance models), so the
trees learn from what today's code sees (about half a minute more). A change to the corpus or the n-gram models
needs the first command again. Never run on the test split.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV = ROOT / "tests" / "data" / "instructions" / "dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folds", type=Path, help="the folder `python -m kit.practice.decision FOLDER` kept")
    parser.add_argument("--writers", help="only these writers (comma-separated ids, such as lS,lT)")
    parser.add_argument("--rebuild", action="store_true",
                        help="read the trees' rows again with today's code before fitting them")
    args = parser.parse_args()

    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from kit.practice import decision, likeness, reading, stance
    from kit.practice.evaluate import Recognition, evaluate

    if not (args.folds / "rows.npz").is_file():
        sys.exit(f"{args.folds} holds no kept folds (rows.npz): "
                 f"run `python -m kit.practice.decision {args.folds}` first.")
    held = sorted(name for path in args.folds.glob("held_*.txt") for name in path.read_text(encoding="utf-8").split())
    if held != sorted(path.name for path in DEV.glob("*.jsonl")):
        sys.exit(f"{args.folds} was kept for another dev split ({len(held)} writers; {DEV} has "
                 f"{len(list(DEV.glob('*.jsonl')))}): run `python -m kit.practice.decision {args.folds}` again.")
    kept = np.load(args.folds / "rows.npz")
    rows, answers, folds = kept["rows"], kept["answers"], kept["folds"]
    instructions = str(kept["instructions"]).split("\n")
    if args.rebuild:
        rows, answers, folds = _rows(args.folds, instructions)
    wanted = set(args.writers.split(",")) if args.writers else None
    total = Recognition()
    with tempfile.TemporaryDirectory() as scratch:
        for fold in range(int(folds.max()) + 1):
            others = folds != fold
            trees = HistGradientBoostingClassifier(**decision._TREES).fit(rows[others], answers[others])
            trees_file = Path(scratch, f"decision_{fold}.npz")
            decision._write(trees, instructions, trees_file, "held out", int(others.sum()))
            # the fold's three models stand in for the shipped ones
            trees_model = decision._Model(trees_file)
            likeness_model = likeness._Model(args.folds / f"likeness_{fold}.npz")
            stance_model = stance._Model(args.folds / f"stance_{fold}.npz")
            decision._model = lambda: trees_model
            likeness._model = lambda: likeness_model
            stance._model = lambda: stance_model
            reading._read.cache_clear()  # readings made with the previous fold's models
            for name in (args.folds / f"held_{fold}.txt").read_text(encoding="utf-8").split():
                if wanted and name.removesuffix(".jsonl") not in wanted:
                    continue
                folder = Path(scratch, name.removesuffix(".jsonl"))
                folder.mkdir()
                (folder / name).symlink_to((DEV / name).resolve())
                result = evaluate(folder)
                labels = sum(result.per_instruction.values())
                print(f"{folder.name}: {result.recall:.1%} of {labels} labels, {result.read_as_contradiction}/"
                      f"{result.negations} negations read ({result.credited_negations} credited), "
                      f"{result.neutral_matched}/{result.neutral} neutral matched", flush=True)
                for field in fields(Recognition):
                    setattr(total, field.name, getattr(total, field.name) + getattr(result, field.name))
    print(f"\nheld out ({'writers ' + args.writers if wanted else 'every dev writer'}): {total}")


def _rows(kept: Path, instructions: list[str]):  # type: ignore[no-untyped-def]
    """The trees' rows read again with today's code: each fold's lines through its kept likeness and stance models,
    as `decision.train` reads them."""
    import numpy as np

    from kit.practice import decision, likeness, stance
    from kit.practice.evaluate import load

    rows, answers, folds = [], [], []
    for fold in range(len(list(kept.glob("held_*.txt")))):
        with tempfile.TemporaryDirectory() as held:  # the fold's writers in one folder, read in `train`'s order
            for name in (kept / f"held_{fold}.txt").read_text(encoding="utf-8").split():
                Path(held, name).symlink_to((DEV / name).resolve())
            fold_rows, fold_answers = decision.labelled_rows(
                load(held), likeness._Model(kept / f"likeness_{fold}.npz").read,
                stance._Model(kept / f"stance_{fold}.npz").stance, instructions)
        rows += fold_rows
        answers += fold_answers
        folds += [fold] * len(fold_rows)
    return np.array(rows), np.array(answers), np.array(folds)


if __name__ == "__main__":
    main()
