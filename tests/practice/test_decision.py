"""The decision that weighs the wording, likeness and stance readings of each (line, instruction) pair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


def _stumps(path: Path) -> Path:
    """Two iterations of three one-split trees: feature 0 <= 0.5 goes left (leaf 1), else right (leaf 2)."""
    feature, threshold, left, right, leaf, value, roots = [], [], [], [], [], [], []
    for iteration in range(2):
        row = []
        for answer in range(3):
            root = len(feature)
            row.append(root)
            low, high = (1.0, 0.0) if answer == 0 else (0.0, 1.0 if answer == 1 else -1.0)
            feature += [0, 0, 0]
            threshold += [0.5, 0.0, 0.0]
            left += [root + 1, 0, 0]
            right += [root + 2, 0, 0]
            leaf += [False, True, True]
            value += [0.0, low, high]
        roots.append(row)
    np.savez(path, instructions="ask_first\nhandoff", feature=np.array(feature), threshold=np.array(threshold),
             left=np.array(left), right=np.array(right), leaf=np.array(leaf), value=np.array(value),
             roots=np.array(roots), baseline=np.zeros(3), depth=1, corpus="hand-made")
    return path


def test_the_trees_are_walked_for_every_pair_and_their_scores_summed_into_chances(tmp_path: Path) -> None:
    from kit.practice.decision import _Model

    model = _Model(_stumps(tmp_path / "stumps.npz"))
    low, high = model.chances([[0.0], [1.0]]).tolist()
    # left: "neither" scores 1 + 1, the others 0; right: "gives" 2, "negates" -2, "neither" 0
    assert low == pytest.approx(np.exp([2, 0, 0]) / np.exp([2, 0, 0]).sum())
    assert high == pytest.approx(np.exp([0, 2, -2]) / np.exp([0, 2, -2]).sum())
    assert model.instructions == ["ask_first", "handoff"] and model.corpus == "hand-made"


def test_a_line_that_names_nothing_and_reads_like_nothing_is_decided_without_the_trees() -> None:
    from kit.practice.decision import decide, evidence

    seen = evidence("ok")
    assert not seen.weighed
    assert decide(seen) == ((), (), frozenset(), ())


def test_every_instruction_the_wording_names_is_weighed() -> None:
    from kit.practice.decision import evidence

    seen = evidence("Don't transfer anyone to a human, and keep replies short.")
    assert {"handoff", "be_brief"} <= set(seen.candidates())
    assert set(seen.stances) == set(seen.weighed)


def test_a_line_is_plain_only_when_nothing_outside_the_instructions_own_words_hedges_it() -> None:
    from dataclasses import replace

    from kit.practice.decision import _plain, evidence

    seen = evidence("ask only what you need")
    assert seen.gives.get("ask_only_needed") and _plain(seen, "ask_only_needed")  # its own "only" hedges nothing
    # The wording may find an instruction by an empty word too; it blanks nothing, so 只有 still hedges.
    found = replace(evidence("只有会员分步骤说明"), gives={"numbered_steps": ("分步骤", "")}, contradicts={})
    assert not _plain(found, "numbered_steps")
