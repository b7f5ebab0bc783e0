"""The customer's final satisfaction: how the conversation ended, and how upset they were."""

from __future__ import annotations

from kit.conversation import Transcript
from kit.graders.base import Evidence, GraderResult

BASE = {"satisfied": 100.0, "handoff": 40.0, "max_turns": 40.0, "left": 0.0}
PER_LEVEL = 5.0  # points lost per level of upset left at the end


class Satisfaction:
    name = "satisfaction"
    title = "Customer satisfied"

    def __call__(self, transcript: Transcript) -> GraderResult:
        last = transcript.customer_turns[-1]
        upset = last.emotion or 0
        score = max(0.0, BASE[transcript.outcome] - PER_LEVEL * upset)
        note = {"satisfied": "left satisfied", "handoff": "was handed to a human", "left": "gave up and left",
                "max_turns": "was still waiting when the conversation hit its turn limit"}[transcript.outcome]
        hint = "" if transcript.outcome == "satisfied" else (
            "Read the turn where the customer got upset, and fix what the other graders point at first."
        )
        evidence = Evidence.at(last, f"{note}, upset {upset}/10", good=transcript.outcome == "satisfied")
        return GraderResult(self.name, self.title, score, (evidence,), hint)
