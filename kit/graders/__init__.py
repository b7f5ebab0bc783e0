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
    "DEFAULT_WEIGHTS", "GRADERS", "LESSON_WEIGHTS", "RUBRICS", "Comparison", "Evidence", "Grader", "GraderResult", "Judge", "JudgeResult",
    "Policy", "Scorecard", "compare", "grade",
]


# Lessons that stress one quality weigh it more; everything else keeps its default weight.
LESSON_WEIGHTS: dict[str, dict[str, float]] = {
    "03_difficult_customers": {"empathy": 30, "clarity": 20},
    "04_knowledge_rag": {"grounded": 40},
    "05_units_and_tools": {"task_solved": 40, "grounded": 30},
    "06_multi_turn": {"memory": 30, "efficiency": 20},
    "07_safety_and_policy": {"policy": 50},
}


def grade(transcript: Transcript, weights: Mapping[str, float] | None = None, lesson: str | None = None) -> Scorecard:
    """Run every grader on the transcript and combine them into a scorecard.

    `weights` replaces the default weights; `lesson` applies that lesson's emphasis (LESSON_WEIGHTS) on top.
    """
    if weights is not None and lesson is not None:
        raise ValueError("Pass either weights= or lesson=, not both.")
    if lesson is not None and lesson not in LESSON_WEIGHTS:
        raise ValueError(f"No weights for lesson {lesson!r}; lessons with their own weights: {', '.join(LESSON_WEIGHTS)}.")
    chosen = dict(DEFAULT_WEIGHTS if weights is None else weights) | LESSON_WEIGHTS.get(lesson or "", {})
    unknown = set(chosen) - {g.name for g in GRADERS}
    if unknown:
        raise ValueError(
            f"Unknown grader(s) in weights: {', '.join(sorted(unknown))}. "
            f"Graders are: {', '.join(g.name for g in GRADERS)}."
        )
    return Scorecard(
        tuple(grader(transcript) for grader in GRADERS), chosen, transcript.persona_id, transcript.seed,
        transcript.notes,
    )
