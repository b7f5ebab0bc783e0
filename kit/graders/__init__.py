"""Graders: each reads a transcript and the shop's ground truth and scores one quality.

    card = kit.grade(transcript)   # -> Scorecard: .total, .scores, .evidence, .hints
"""

from __future__ import annotations

from collections.abc import Mapping

from kit.conversation import Transcript
from kit.graders.asking import AskedBeforeGuessing
from kit.graders.base import Evidence, Grader, GraderResult
from kit.graders.clarity import Clarity
from kit.graders.compare import Comparison, compare
from kit.graders.efficiency import Efficiency
from kit.graders.empathy import Empathy
from kit.graders.grounded import Grounded
from kit.graders.judge import RUBRICS, Judge, JudgeResult
from kit.graders.language import Language
from kit.graders.memory import Memory
from kit.graders.policy import Policy
from kit.graders.satisfaction import Satisfaction
from kit.graders.scorecard import Scorecard
from kit.graders.task import TaskSolved

GRADERS: tuple[Grader, ...] = (
    TaskSolved(), AskedBeforeGuessing(), Empathy(), Clarity(), Policy(), Satisfaction(),
    Grounded(), Memory(), Language(), Efficiency(),
)

# How much each quality counts in the total; lessons may pass their own weights.
DEFAULT_WEIGHTS: dict[str, float] = {
    "task_solved": 30,
    "asked_first": 20,
    "empathy": 20,
    "clarity": 15,
    "policy": 15,
    "satisfaction": 15,
    "grounded": 20,
    "memory": 10,
    "language": 10,
    "efficiency": 10,
}

__all__ = [
    "DEFAULT_WEIGHTS", "GRADERS", "RUBRICS", "Comparison", "Evidence", "Grader", "GraderResult", "Judge", "JudgeResult",
    "Policy", "Scorecard", "compare", "grade",
]


def grade(transcript: Transcript, weights: Mapping[str, float] | None = None) -> Scorecard:
    """Run every grader on the transcript and combine them into a scorecard."""
    chosen = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(chosen) - {g.name for g in GRADERS}
    if unknown:
        raise ValueError(
            f"Unknown grader(s) in weights: {', '.join(sorted(unknown))}. "
            f"Graders are: {', '.join(g.name for g in GRADERS)}."
        )
    return Scorecard(
        tuple(grader(transcript) for grader in GRADERS), chosen, transcript.persona_id, transcript.seed
    )
