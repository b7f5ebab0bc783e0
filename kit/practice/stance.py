"""A line's stance on an instruction its words name: gives it, negates it, or only mentions it.

The catalogue's wording finds an instruction's topic in a line and reads a negation by scope rules; the
likeness model (`likeness.py`) reads each instruction and each negation apart, one label at a time. Neither
learns how people say *no* across instructions ("…那条删了", "isn't a priority here", "能省就省" negate
whatever they name), nor how a fact differs from a rule about the same thing ("The size_lookup tool takes
height in cm"). This model is trained on exactly the decision the reader faces: every (line, instruction)
pair of the dev split whose wording names the instruction, labelled by its writer as given, negated, or
neither. Its features are the line's character n-grams shared by all instructions (how a negation or a fact
is said), the same n-grams per instruction (what negating *this* one looks like), and what the wording
counted for and against it. Two logistic regressions over them, one chance each, ship as `stance.npz`; the
decision (`decision.py`) weighs their chances, for the instructions the wording found, with the other readings.

Retrained with the likeness model by `make likeness` (needs the `train` extra: scikit-learn).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from pathlib import Path

from kit.practice.likeness import NEGATED, fingerprint, gram_columns, gram_counts

MODEL_FILE = Path(__file__).with_name("stance.npz")
Weighed = tuple[int, int, int, int]  # the wording's hits: stated, failure forbidden, failure requested, refused


@dataclass(frozen=True)
class Stance:
    """The chances that a line negates an instruction its words name (rather than gives it), and that it only
    mentions it (gives and negates nothing of it: a fact, a tool list, a definition)."""

    negates: float
    mentions: float


def features(normalised: str, instruction: str, weighed: Weighed) -> Counter[str]:
    """The pair's features: n-grams shared and per instruction, and the wording's count for and against it."""
    counts: Counter[str] = Counter()
    for gram, count in gram_counts(normalised):
        counts["g:" + gram] += count
        counts[instruction + "|" + gram] += count
    counts.update(_wording(instruction, weighed))
    return counts


def _wording(instruction: str, weighed: Weighed) -> list[str]:
    """The wording's counts as features (capped at two), shared and for this instruction, and the instruction."""
    stated, forbidden, requested, refused = weighed
    return [f"w:st{min(stated, 2)}", f"w:fb{min(forbidden, 2)}", f"w:rq{min(requested, 2)}", f"w:rf{min(refused, 2)}",
            f"{instruction}|w:{min(stated + forbidden, 2)}{min(requested + refused, 2)}", "x:" + instruction]


class _Model:
    """The shipped weights: each feature's idf and its weight towards each chance, and the intercepts."""

    def __init__(self, path: Path) -> None:
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            names = str(data["features"]).split("\n")
            self.idf = data["idf"].astype(np.float64)
            self.weights = data["weights"].astype(np.float64)  # features x (negates, mentions)
            self.intercepts = data["intercepts"].astype(np.float64)
            self.corpus = str(data["corpus"])
        # The rows of `features`' names, split as it builds them, so reading a pair joins no strings: shared
        # n-grams ("g:…"), the wording's shared counts and the instruction ("w:…", "x:…"), and per instruction
        # ("ask_first|…": its n-grams and its wording count).
        self.shared: dict[str, int] = {}
        self.other: dict[str, int] = {}
        self.own: dict[str, dict[str, int]] = {}
        for index, name in enumerate(names):
            if name.startswith("g:"):
                self.shared[name[2:]] = index
            elif name.startswith(("w:", "x:")):
                self.other[name] = index
            else:
                instruction, _, rest = name.partition("|")
                self.own.setdefault(instruction, {})[rest] = index

    def stance(self, normalised: str, instruction: str, weighed: Weighed) -> Stance:
        import numpy as np

        own = self.own.get(instruction, {})
        grams, counts = gram_columns(normalised)
        # as `features`: each n-gram shared, then for this instruction (-1: a feature the model does not have)
        shared_rows = np.fromiter(map(self.shared.get, grams, repeat(-1)), np.intp, len(grams))
        own_rows = np.fromiter(map(own.get, grams, repeat(-1)), np.intp, len(grams))
        rows = np.stack([shared_rows, own_rows], axis=1).ravel()
        known = rows >= 0
        wording = [index for index in (self.other.get(name) if name.startswith(("w:", "x:"))
                                       else own.get(name.partition("|")[2]) for name in _wording(instruction, weighed))
                   if index is not None]
        at = np.concatenate([rows[known], np.array(wording, dtype=np.intp)])
        scores = self.intercepts.copy()
        if len(at):
            counts = np.concatenate([np.repeat(counts, 2)[known], np.ones(len(wording))])
            values = (1 + np.log(counts)) * self.idf[at]  # tf-idf as trained
            scores += values @ self.weights[at] / np.linalg.norm(values)
        negates, mentions = (1 / (1 + np.exp(-scores))).tolist()
        return Stance(negates, mentions)


@cache
def _model() -> _Model:
    return _Model(MODEL_FILE)


def stance(normalised: str, instruction: str, weighed: Weighed) -> Stance:
    """A line's stance (as `reading.normalise` leaves it) on an instruction its wording named, weighed as it counted."""
    return _model().stance(normalised, instruction, weighed)


def trained_on() -> str:
    """The fingerprint of the corpus the shipped model was trained on."""
    return _model().corpus


def train(folder: Path, out: Path = MODEL_FILE, strength: float = 10.0) -> None:
    """Fit the model on a corpus split and write it (needs scikit-learn: `pip install -e .[train]`)."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    from kit.practice.evaluate import load
    from kit.practice.reading import normalise, weighed

    pairs, given, negated = [], [], []
    for item in load(folder):
        line = normalise(item["line"])
        for instruction, counts in weighed(line).items():
            pairs.append(features(line, instruction, counts))
            given.append(instruction in item["labels"])
            negated.append(NEGATED + instruction in item["labels"])
    vectorizer = DictVectorizer()
    counts = vectorizer.fit_transform(pairs)
    seen_twice = np.asarray((counts > 0).sum(axis=0)).ravel() >= 2  # as min_df=2: a feature of one pair is noise
    counts = counts[:, seen_twice]
    tfidf = TfidfTransformer(sublinear_tf=True)
    matrix = tfidf.fit_transform(counts)
    labelled = np.array(given) | np.array(negated)
    # balanced: the rarer answer (a negation; a mere mention) weighs as much as the other
    negation = LogisticRegression(C=strength, max_iter=5000, class_weight="balanced").fit(
        matrix[labelled], np.array(negated)[labelled])
    mention = LogisticRegression(C=strength, max_iter=5000, class_weight="balanced").fit(matrix, ~labelled)
    weights = np.array([negation.coef_[0], mention.coef_[0]]).T
    weights[np.abs(weights) < 0.05] = 0  # too small to move a reading; zeros keep the file small (every feature
    # stays: a line's tf-idf is scaled over all the features it has, as in training)
    np.savez_compressed(out, features="\n".join(vectorizer.get_feature_names_out()[seen_twice]),
                        idf=tfidf.idf_.astype(np.float32), weights=weights.astype(np.float16),
                        intercepts=np.array([negation.intercept_[0], mention.intercept_[0]], dtype=np.float32),
                        corpus=fingerprint(folder),
                        trained=f"{len(pairs)} pairs, two logistic regressions C={strength}, min_df=2")


if __name__ == "__main__":  # make likeness
    from kit.practice.likeness import DEV_SPLIT

    train(DEV_SPLIT)
    print(f"{MODEL_FILE.name}: trained on {DEV_SPLIT} ({trained_on()})")
