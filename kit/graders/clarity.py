"""Clarity for this customer: no unexplained shop jargon for a novice, no walls of text, steps when teaching."""

from __future__ import annotations

from kit import signals
from kit.conversation import Transcript
from kit.graders.base import Evidence, GraderResult
from kit.shop import catalogue

PENALTY = {"jargon": 20.0, "wall": 10.0, "no_steps": 25.0}
WALL = 90  # reading length (signals.reading_length) a reader takes in at a glance


class Clarity:
    name = "clarity"
    title = "Clear for this customer"

    def __call__(self, transcript: Transcript) -> GraderResult:
        jargon = tuple(catalogue().jargon) if transcript.novice else ()
        score, evidence, hints = 100.0, [], {}
        turns = transcript.turns
        for previous, turn in zip(turns, turns[1:]):
            if turn.role != "agent":
                continue
            if terms := signals.unexplained_jargon(turn.text, jargon):
                score -= PENALTY["jargon"]
                evidence.append(Evidence.at(turn, f"shop jargon without a gloss: {', '.join(terms)}"))
                hints["jargon"] = "Tell the agent to use plain words and explain any shop term (号型, 加购, 下单)."
            teaching = signals.asks_how_to_order(previous.text)
            if teaching and not signals.has_numbered_steps(turn.text):
                score -= PENALTY["no_steps"]
                evidence.append(Evidence.at(turn, "explained how to order without numbered steps"))
                hints["steps"] = "Tell the agent to explain how to order in short numbered steps."
            elif not teaching and not signals.has_numbered_steps(turn.text) and (
                length := signals.reading_length(turn.text)) > WALL:
                score -= PENALTY["wall"]
                unit = "characters" if signals.language(turn.text) == "zh" else "words"
                size = length if unit == "characters" else length // 2
                evidence.append(Evidence.at(turn, f"{size} {unit}: a wall of text for this customer"))
                hints["wall"] = "Tell the agent to keep replies short, without greetings and sign-offs around them."
        return GraderResult(self.name, self.title, max(0.0, score), tuple(evidence), " ".join(hints.values()))
