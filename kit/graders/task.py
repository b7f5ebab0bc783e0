"""Task solved: did the agent end on the right size, as the shop's size chart computes it?"""

from __future__ import annotations

from kit import signals
from kit.conversation import Transcript
from kit.graders.base import Evidence, GraderResult
from kit.shop import catalogue, recommend_size


class TaskSolved:
    name = "task_solved"
    title = "Right size"

    def __call__(self, transcript: Transcript) -> GraderResult:
        goal = transcript.goal
        chart = catalogue().chart_for(goal["sku"])
        truth = recommend_size(chart, goal["height_cm"], goal["weight_kg"]).size
        codes = {row.code: row.size for row in chart.rows}
        named = [(turn, size) for turn in transcript.agent_turns if (size := signals.recommended_size(turn.text, codes))]
        if not named:
            return GraderResult(
                self.name, self.title, 0.0,
                hint=f"The agent never named a size (the right one was {truth}). Tell it to recommend one "
                "size once it knows the customer's height and weight.",
            )
        final_turn, final = named[-1]
        if final == truth:
            return GraderResult(self.name, self.title, 100.0, (Evidence.at(final_turn, f"{final} is right", good=True),))
        evidence = (Evidence.at(final_turn, f"ended on {final}; the size chart gives {truth}"),)
        score = 50.0 if any(size == truth for _, size in named) else 0.0
        read_as_kg = recommend_size(chart, goal["height_cm"], goal["weight_kg"] * 2).size
        if final == read_as_kg != truth:
            hint = ("The agent read 斤 as kilograms. Customers here weigh themselves in 斤: tell the agent "
                    "\"1 斤 = 0.5 kg; convert before reading the size chart\".")
        else:
            hint = f"The right size was {truth}. Tell the agent to read the size chart with the customer's height and weight."
        return GraderResult(self.name, self.title, score, evidence, hint)
