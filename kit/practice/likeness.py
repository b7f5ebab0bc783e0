"""A second reading for lines the catalogue's wording misses: what kind of instruction a line reads like.

The catalogue's patterns say *why* a line gives an instruction, but people write rules in more ways than any
list of wordings holds ("made-up prices = screenshots = drama, stay on the page"). This is a linear model over
the line's character n-grams (a logistic regression per instruction, per negated instruction and for lines that
give none), trained on the dev split of the instruction corpus (`tests/data/instructions/dev/`, lines written
outside the project) and shipped as data in `likeness.npz`. Its chances are one of the readings the decision
(`decision.py`) weighs: they find the instructions the wording missed, and tell a rule from its negation and
from a plain fact where the wording named it.

Retrain after the dev split changes (a test fails until you do): `make likeness`, which needs the `train`
extra (scikit-learn); the kit itself only reads the weights.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import compress, repeat
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("likeness.npz")
NEGATED = "not:"
NOTHING = "none"  # the label of a line that gives no instruction: a role, a shop fact, a tone
_SIZES = (1, 2, 3, 4)  # character n-gram lengths, taken inside each word padded with spaces


def grams(normalised: str) -> Counter[str]:
    """The character n-grams of a line as the reader normalises it (lower case, simplified, slips put right)."""
    counts: Counter[str] = Counter()
    for word in normalised.split():
        padded = f" {word} "
        for size in _SIZES:
            counts.update(padded[start: start + size] for start in range(len(padded) - size + 1))
    return counts


@lru_cache(maxsize=1024)
def gram_counts(normalised: str) -> tuple[tuple[str, int], ...]:
    """`grams` as pairs, kept for the line's other readings (the likeness model's and each stance)."""
    return tuple(grams(normalised).items())


@lru_cache(maxsize=1024)
def gram_columns(normalised: str) -> tuple[tuple[str, ...], Any]:
    """`gram_counts` as two columns, the n-grams and a numpy array of their counts, for the models' lookups."""
    import numpy as np

    pairs = gram_counts(normalised)
    grams = tuple(gram for gram, _ in pairs)
    return grams, np.fromiter((count for _, count in pairs), np.float64, len(pairs))


@dataclass(frozen=True)
class Likeness:
    """How much a line reads like each instruction (`ask_first`), each negation of one (`not:ask_first`), and like
    a line that gives none (`none`)."""

    chances: dict[str, float]
    _grams: tuple[str, ...] = ()  # the line's n-grams the model knows
    _shares: Any = None  # their weighted shares, n-grams x labels
    _labels: tuple[str, ...] = ()

    def of(self, label: str) -> float:
        return self.chances.get(label, 0.0)

    def cues(self, label: str) -> tuple[str, ...]:
        """The (at most three) n-grams of the line that weighed most towards a label."""
        if not self._grams or label not in self._labels:
            return ()
        column = self._shares[:, self._labels.index(label)]
        cues = dict.fromkeys(self._grams[k].strip() for k in column.argsort()[::-1] if column[k] > 0)  # " lon" is "lon"
        return tuple(cues)[:3]


class _Model:
    """The shipped weights: an n-gram's row of weights per label, its idf, and each label's intercept."""

    def __init__(self, path: Path) -> None:
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            self.labels = tuple(str(data["labels"]).split("\n"))
            self.row = {gram: index for index, gram in enumerate(str(data["grams"]).split("\n"))}
            self.idf = data["idf"].astype(np.float64)
            self.weights = data["weights"].astype(np.float32)  # n-grams x labels
            self.intercepts = data["intercepts"].astype(np.float64)
            self.corpus = str(data["corpus"])

    def read(self, text: str) -> Likeness:
        import numpy as np

        grams, counts = gram_columns(text)
        rows = np.fromiter(map(self.row.get, grams, repeat(-1)), np.intp, len(grams))  # -1: an n-gram it never saw
        known = rows >= 0
        if not known.any():
            return Likeness(dict(zip(self.labels, (1 / (1 + np.exp(-self.intercepts))).tolist())))
        rows = rows[known]
        # tf-idf as trained: sublinear term frequency times idf, scaled to unit length
        values = (1 + np.log(counts[known])) * self.idf[rows]
        values /= np.linalg.norm(values)
        shares = self.weights[rows] * values[:, None]
        chances = 1 / (1 + np.exp(-(self.intercepts + shares.sum(axis=0))))
        return Likeness(dict(zip(self.labels, chances.tolist())), tuple(compress(grams, known)), shares, self.labels)


@cache
def _model() -> _Model:
    return _Model(MODEL_FILE)


def likeness(normalised: str) -> Likeness:
    """How much one prompt line (as `reading.normalise` leaves it) reads like each instruction and each negation."""
    return _model().read(normalised)


def trained_on() -> str:
    """The fingerprint of the corpus the shipped model was trained on."""
    return _model().corpus


def fingerprint(folder: Path) -> str:
    """A corpus split's fingerprint: its files' names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.jsonl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def train(folder: Path, out: Path = MODEL_FILE, strength: float = 30.0) -> None:
    """Fit the model on a corpus split and write it (needs scikit-learn: `pip install -e .[train]`)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from kit.practice.evaluate import load
    from kit.practice.reading import normalise

    items = load(folder)
    instructions = sorted({label for item in items for label in item["labels"] if not label.startswith(NEGATED)})
    labels = instructions + [NEGATED + instruction for instruction in instructions] + [NOTHING]
    vectorizer = TfidfVectorizer(analyzer=lambda line: grams(normalise(line)), min_df=2, sublinear_tf=True)
    matrix = vectorizer.fit_transform([item["line"] for item in items])
    vocabulary = vectorizer.get_feature_names_out()
    intercepts, columns = [], []
    for label in labels:
        wanted = [label in item["labels"] or (label == NOTHING and not item["labels"]) for item in items]
        # balanced: a label's few lines weigh as much as all the others together, so its chances are not drowned
        fit = LogisticRegression(C=strength, max_iter=5000, class_weight="balanced").fit(matrix, wanted)
        intercepts.append(float(fit.intercept_[0]))
        columns.append(fit.coef_[0])
    weights = np.array(columns).T
    weights[np.abs(weights) < 0.05] = 0  # too small to move a reading; zeros keep the file small
    weights = weights.astype(np.float16)  # the weights are learned to two digits at best
    np.savez_compressed(out, labels="\n".join(labels), grams="\n".join(vocabulary), idf=vectorizer.idf_.astype(np.float32),
                        weights=weights, intercepts=np.array(intercepts, dtype=np.float32), corpus=fingerprint(folder),
                        trained=f"{len(items)} lines, logistic regression C={strength}, char n-grams {_SIZES}, min_df=2")


DEV_SPLIT = Path(__file__).resolve().parents[2] / "tests" / "data" / "instructions" / "dev"

if __name__ == "__main__":  # make likeness
    train(DEV_SPLIT)
    print(f"{MODEL_FILE.name}: trained on {DEV_SPLIT} ({trained_on()})")
