"""The reader's last word on each instruction a line may concern: it gives it, it negates it, or neither.

Three readings of a line come before it: the catalogue's wording (what it counted for and against each instruction
it names), the likeness model (how much the line reads like each instruction, each negation and a line that gives
none) and the stance model (whether the line negates, or only mentions, an instruction its wording names). Each is
right where the others slip, and fixed thresholds on each one alone could not weigh them against each other. This
model does: gradient-boosted trees (scikit-learn's `HistGradientBoostingClassifier`) over the three readings of every
(line, instruction) pair, trained on the dev split as the likeness and stance models read it *without having seen
the line's writer* (seven folds of writers), so it learns how far to trust each reading on a writer it never met.

Shipped as `decision.npz` (the trees as arrays, walked with numpy); retrained by `make likeness`, after the two
models it weighs. Its thresholds were chosen with writers held out, never on the test split.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.practice.likeness import Likeness
    from kit.practice.reading import Said
    from kit.practice.stance import Stance, Weighed

MODEL_FILE = Path(__file__).with_name("decision.npz")
# A line is read as giving an instruction when the trees give that at least 0.75 (and more than its negation), and
# as negating one from 0.6. Chosen with the dev split's 54 writers held out (seven folds), by a rule stated first:
# the fewest negations credited plus neutral lines matched, reading at least as many instruction labels and negations
# as the hand-set thresholds it replaced (95.3% and 3,132 of 3,509). They read 95.3% and 3,179, credited 104 negations
# where those credited 149, and matched 1.5% of neutral lines where those matched 4.9%. Re-checked with 58 writers
# (the hardest negations added): giving from 0.8 would credit 18 fewer negations but read 79 fewer labels.
GIVES, NEGATES = 0.75, 0.6
# An instruction is weighed when the wording names it, or when the line reads at least this much like it or its
# negation.
CANDIDATE = 0.2
# In a line of several clauses, an instruction the whole line does not clearly give is read again in the clauses that
# name it, as a line of their own ("Ask height and weight before sizing; ask only what you need"): it is given when
# those read as giving it from 0.9 and the whole line reads as negating it under 0.25. Held out (54 writers), the
# trees alone read 681 of the 779 instructions in lines that give two or more, where the hand-set thresholds had read
# 736; with this (then under 0.1), 712, for no more negations credited and 4 more neutral lines matched. Under 0.25
# since lesson 07's own line "Use the tools to look up orders and quote prices; show an order only after the customer
# gives the last 4 digits of its phone." read as negating the tools at 0.24 (58 writers held out: 7 more labels
# read, 2 more negations credited, 1 more neutral line matched).
CLAUSE_GIVES, CLAUSE_UNLESS = 0.9, 0.25
# A plain line gives an instruction from 0.6, and a plain clause from 0.8: the wording reads it as giving the
# instruction and refusing nothing, and outside the instruction's own words it holds no negation, condition,
# exception, number, question or withdrawal ("顾客要人工就转人工。"). The hardest negations share an instruction's words
# and differ from it only in such small words ("超过三次才转人工", "只有退货流程才分步骤"); with 68 writers, many
# of them writing those, the models read some plain rules as half negated (the course's own
# "教顾客下单时分步骤说明。" gave it at 0.73). Held out (68 writers, seven folds): 31 more labels read than without
# it (95.5% of 13,728), 6 more negations credited and 4 more neutral lines matched, and 41 more instruction lines
# credited with an instruction their writer did not give (the clause rule's share); chosen by a rule written first
# (no more than ten more negations credited plus neutral lines matched than the models alone, no fewer labels),
# with every line the lessons rely on read.
# A plain clause counts only where the whole line gives the instruction from 0.4: held out, that credits 35 fewer
# lines with an instruction their writer did not give (132, where the clause rule had added 41) and matches 3 fewer
# neutral lines, reading as many labels and crediting no more negations (chosen by a rule written first).
PLAIN_GIVES, PLAIN_CLAUSE_GIVES, PLAIN_CLAUSE_WHOLE = 0.6, 0.8, 0.4
_HEDGES = re.compile(r"才|只有|只在|只对|只限|仅|除非|超过|以上|以下|除了|例外|废|删|取消|撤|停用|可选|[?？:：=\d]|"
                     r"\b(?:only|unless|except|if|when|reserved|instead|rather|bother|optional|strike|struck|"
                     r"scrap(?:ped)?|withdrawn?|deprecated|removed?)\b", re.I)
_FOLDS = 7
_TREES = dict(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, l2_regularization=1.0, early_stopping=False,
              random_state=0)
NEITHER, GIVES_IT, NEGATES_IT = 0, 1, 2  # the trees' three answers, in their column order


@dataclass(frozen=True)
class Evidence:
    """Everything read of one line before the decision: its wording's reading and both models'."""

    normalised: str
    gives: dict[str, tuple[str, ...]]  # by the catalogue's wording, with the words that said it
    contradicts: dict[str, tuple[str, ...]]
    weighed: dict[str, Weighed]  # every instruction the wording names, with its hits for and against
    where: dict[str, str]  # in a line of several clauses, the clauses naming an instruction that others do not
    setting: bool  # a setting ("handoff: off", "单位换算：关闭")
    directs: bool  # a mark of a line that directs the agent (a modal, an imperative, "you")
    likeness: Likeness
    stances: dict[str, Stance]  # for each instruction the wording names

    def candidates(self) -> list[str]:
        """The instructions the line may concern: named by its wording, or read as like it or its negation."""
        from kit.practice.likeness import NEGATED

        liked = {label.removeprefix(NEGATED) for label, chance in self.likeness.chances.items() if chance >= CANDIDATE}
        return sorted((liked & set(instructions_of(self.likeness))) | set(self.weighed))


def instructions_of(likeness: Likeness) -> list[str]:
    """The instructions a likeness reading covers (its labels without negations and `none`)."""
    from kit.practice.likeness import NEGATED, NOTHING

    return [label for label in likeness.chances if label != NOTHING and not label.startswith(NEGATED)]


def evidence(text: str, read_likeness: Callable[[str], Likeness] | None = None,
             read_stance: Callable[[str, str, Weighed], Stance] | None = None, only: str | None = None) -> Evidence:
    """Read one prompt line every way the decision weighs (with the shipped models unless others are given; with
    `only`, the wording and the stance about that one instruction)."""
    from kit.practice import reading
    from kit.practice.likeness import likeness
    from kit.practice.stance import stance

    read_likeness, read_stance = read_likeness or likeness, read_stance or stance
    converted = reading._converted(text)
    normalised = reading._normalised(converted)
    gives, contradicts, weighed, where = reading._worded(normalised, only)
    return Evidence(normalised, gives, contradicts, weighed, where, reading._is_setting(converted),
                    bool(reading._DIRECTS.search(normalised)), read_likeness(normalised),
                    {instruction: read_stance(normalised, instruction, counts)
                     for instruction, counts in weighed.items()})


def features(seen: Evidence, instruction: str, instructions: list[str]) -> list[float]:
    """One pair's features, in the order the trees were trained on (`instructions` gives the one-hot's order)."""
    from kit.practice.likeness import NEGATED, NOTHING

    chance = seen.likeness.chances.get
    others = [chance(other, 0.0) for other in instructions_of(seen.likeness) if other != instruction]
    counts = seen.weighed.get(instruction, (0, 0, 0, 0))
    side = seen.stances.get(instruction)
    return [float(value) for value in (
        instruction in seen.gives, instruction in seen.contradicts, instruction in seen.weighed,
        *(min(count, 3) for count in counts), seen.setting, seen.directs,
        chance(instruction, 0.0), chance(NEGATED + instruction, 0.0), chance(NOTHING, 0.0),
        max(others, default=0.0), sum(other > 0.5 for other in others),
        side.negates if side else -1.0, side.mentions if side else -1.0,  # -1: the wording does not name it
        len(seen.normalised) / 100, any("\u4e00" <= char <= "\u9fff" for char in seen.normalised),
        *(instruction == known for known in instructions))]


class _Model:
    """The shipped trees, flattened: each node's feature, threshold, children and value, and each tree's root."""

    def __init__(self, path: Path) -> None:
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            self.instructions = str(data["instructions"]).split("\n")
            self.feature = data["feature"].astype(np.intp)
            self.threshold = data["threshold"].astype(np.float64)
            children = np.stack([data["left"], data["right"]], axis=1).astype(np.intp)
            leaf = data["leaf"].astype(bool)
            self.value = data["value"].astype(np.float64)
            self.roots = data["roots"].astype(np.intp)  # iterations x answers
            self.baseline = data["baseline"].astype(np.float64)
            self.depth = int(data["depth"])
            self.corpus = str(data["corpus"])
        children[leaf] = np.flatnonzero(leaf)[:, None]  # a leaf is its own child: a walk that reaches it stays
        self.children = children

    def chances(self, rows: list[list[float]]):  # type: ignore[no-untyped-def]
        """Each pair's chances of (neither, gives, negates): every tree walked for every pair at once."""
        import numpy as np

        x = np.asarray(rows, dtype=np.float64)
        at = np.tile(self.roots.ravel(), (len(x), 1))  # pairs x trees: where each walk is
        pair = np.arange(len(x))[:, None]
        for _ in range(self.depth):  # one level of every tree at a time: left when the feature is at most the threshold
            at = self.children[at, (x[pair, self.feature[at]] > self.threshold[at]).astype(np.intp)]
        scores = self.baseline + self.value[at].reshape(len(x), *self.roots.shape).sum(axis=1)
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)


@cache
def _model() -> _Model:
    return _Model(MODEL_FILE)


def trained_on() -> str:
    """The fingerprint of the corpus the shipped trees were trained on."""
    return _model().corpus


def decide(seen: Evidence) -> tuple[Said, Said, frozenset[str], Said]:
    """What the line gives and contradicts (by the trees; in a line of several clauses, also by the clauses naming
    an instruction), which of those the wording did not read so (their words are then the likeness model's cues),
    and what the wording named that the line only mentions."""
    return decide_all([seen])[0]


def decide_all(lines: list[Evidence]) -> list[tuple[Said, Said, frozenset[str], Said]]:
    """`decide` for several lines, their pairs weighed by one walk of the trees (a prompt's lines are read together)."""
    from kit.practice.likeness import NEGATED

    model = _model()
    candidates = [seen.candidates() for seen in lines]
    rows = [features(seen, instruction, model.instructions)
            for seen, names in zip(lines, candidates) for instruction in names]
    chances = iter(model.chances(rows).tolist() if rows else [])
    decided = []
    for seen, names in zip(lines, candidates):
        gives: dict[str, tuple[str, ...]] = {}
        contradicts: dict[str, tuple[str, ...]] = {}
        set_aside: dict[str, tuple[str, ...]] = {}
        for instruction in names:
            _, given, negated = next(chances)
            in_clauses = seen.where.get(instruction)
            if given > negated and (given >= GIVES or given >= PLAIN_GIVES and _plain(seen, instruction)):
                gives[instruction] = seen.gives.get(instruction) or seen.likeness.cues(instruction)
            elif negated >= NEGATES and negated > given:
                contradicts[instruction] = (seen.contradicts.get(instruction)
                                            or seen.likeness.cues(NEGATED + instruction))
            elif negated < CLAUSE_UNLESS and in_clauses and (words := _given_in(in_clauses, instruction, given)):
                gives[instruction] = words
            elif worded := seen.gives.get(instruction) or seen.contradicts.get(instruction):
                set_aside[instruction] = worded  # named, giving and negating nothing of it: "the size tool takes cm"
        likened = {instruction for instruction in gives if instruction not in seen.gives}
        likened |= {instruction for instruction in contradicts if instruction not in seen.contradicts}
        decided.append((tuple(gives.items()), tuple(contradicts.items()), frozenset(likened), tuple(set_aside.items())))
    return decided


def _plain(seen: Evidence, instruction: str) -> bool:
    """The wording gives the instruction and refuses nothing, and no word outside the instruction's own hedges it."""
    from kit.practice.reading import _NEGATION

    words = seen.gives.get(instruction)
    if not words or seen.contradicts:
        return False
    rest = seen.normalised
    for word in filter(None, words):  # "ask only what you need": the instruction's own "only" hedges nothing
        rest = rest.replace(word, " ")
    return not (_NEGATION.search(rest) or _HEDGES.search(rest))


def _given_in(clauses: str, instruction: str, whole: float) -> tuple[str, ...]:
    """The words that give an instruction in some clauses of a line read as a line of their own (or none); `whole`
    is how much the whole line gives it."""
    seen = evidence(clauses, only=instruction)
    model = _model()
    (_, given, negated), = model.chances([features(seen, instruction, model.instructions)]).tolist()
    plain_enough = given >= PLAIN_CLAUSE_GIVES and whole >= PLAIN_CLAUSE_WHOLE and _plain(seen, instruction)
    if given > negated and (given >= CLAUSE_GIVES or plain_enough):
        return seen.gives.get(instruction) or seen.likeness.cues(instruction) or (clauses,)
    return ()


def train(folder: Path, out: Path = MODEL_FILE, keep: Path | None = None) -> None:
    """Fit the trees on a corpus split read by models that never saw each line's writer, and write them (needs
    scikit-learn). Trains the likeness and stance models once per fold, so it takes some minutes. With `keep`, the
    folds' models and held-out rows are kept there, to measure the reader on writers it never saw."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from kit.practice import likeness, stance
    from kit.practice.evaluate import load
    from kit.practice.likeness import NEGATED, fingerprint

    files = sorted(folder.glob("*.jsonl"))
    rows: list[list[float]] = []
    answers: list[int] = []
    folds: list[int] = []
    instructions = sorted({label for item in load(folder) for label in item["labels"] if not label.startswith(NEGATED)})
    for fold in range(_FOLDS):
        held = files[fold::_FOLDS]  # round robin: each fold mixes writers of every round
        with tempfile.TemporaryDirectory() as scratch:
            seen_folder, held_folder = Path(scratch, "seen"), Path(scratch, "held")
            seen_folder.mkdir(), held_folder.mkdir()
            for path in files:
                (held_folder if path in held else seen_folder).joinpath(path.name).symlink_to(path.resolve())
            likeness.train(seen_folder, out=Path(scratch, "likeness.npz"))
            stance.train(seen_folder, out=Path(scratch, "stance.npz"))
            fold_likeness = likeness._Model(Path(scratch, "likeness.npz"))
            fold_stance = stance._Model(Path(scratch, "stance.npz"))
            if keep:
                keep.mkdir(parents=True, exist_ok=True)
                for name in ("likeness", "stance"):
                    shutil.copyfile(Path(scratch, f"{name}.npz"), keep / f"{name}_{fold}.npz")
                (keep / f"held_{fold}.txt").write_text("\n".join(path.name for path in held), encoding="utf-8")
            fold_rows, fold_answers = labelled_rows(load(held_folder), fold_likeness.read, fold_stance.stance,
                                                    instructions)
            rows += fold_rows
            answers += fold_answers
            folds += [fold] * len(fold_rows)
        print(f"decision: fold {fold + 1} of {_FOLDS} read", flush=True)
    if keep:
        np.savez_compressed(keep / "rows.npz", rows=np.array(rows), answers=np.array(answers), folds=np.array(folds),
                            instructions="\n".join(instructions))
    trees = HistGradientBoostingClassifier(**_TREES).fit(np.array(rows), np.array(answers))
    _write(trees, instructions, out, fingerprint(folder), len(rows))


def labelled_rows(items: list[dict[str, Any]], read_likeness: Callable[[str], Likeness],
                  read_stance: Callable[[str, str, Weighed], Stance],
                  instructions: list[str]) -> tuple[list[list[float]], list[int]]:
    """The trees' rows for labelled corpus lines read with the given models: every pair the decision weighs, with
    its writer's answer (gives, negates or neither)."""
    from kit.practice.likeness import NEGATED

    rows, answers = [], []
    for item in items:
        seen = evidence(item["line"], read_likeness, read_stance)
        for instruction in seen.candidates():
            rows.append(features(seen, instruction, instructions))
            answers.append(GIVES_IT if instruction in item["labels"] else
                           NEGATES_IT if NEGATED + instruction in item["labels"] else NEITHER)
    return rows, answers


def _write(trees, instructions: list[str], out: Path, corpus: str, pairs: int) -> None:  # type: ignore[no-untyped-def]
    """The fitted trees as flat arrays: node indices are made global, and each tree's root recorded."""
    import numpy as np

    nodes = [predictor.nodes for iteration in trees._predictors for predictor in iteration]
    assert not any(node["is_categorical"].any() for node in nodes), "the features are all numbers"
    offsets = np.cumsum([0] + [len(node) for node in nodes[:-1]])
    flat = np.concatenate(nodes)
    shift = np.repeat(offsets, [len(node) for node in nodes])
    np.savez_compressed(
        out, instructions="\n".join(instructions), feature=flat["feature_idx"].astype(np.int16),
        threshold=flat["num_threshold"].astype(np.float64), left=(flat["left"] + shift).astype(np.int32),
        right=(flat["right"] + shift).astype(np.int32), leaf=flat["is_leaf"].astype(bool),
        value=flat["value"].astype(np.float64), roots=offsets.reshape(len(trees._predictors), -1).astype(np.int32),
        baseline=np.asarray(trees._baseline_prediction, dtype=np.float64).ravel(),
        depth=int(flat["depth"].max()), corpus=corpus,
        trained=f"{pairs} pairs, gradient-boosted trees {_TREES}, {_FOLDS} folds of writers")


if __name__ == "__main__":  # make likeness, after the likeness and stance models
    from kit.practice.likeness import DEV_SPLIT

    train(DEV_SPLIT, keep=Path(sys.argv[1]) if len(sys.argv) > 1 else None)  # python -m kit.practice.decision [KEEP]
    print(f"{MODEL_FILE.name}: trained on {DEV_SPLIT} ({trained_on()})")
