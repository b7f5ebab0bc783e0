"""The customer's final satisfaction: how the conversation ended, and how upset they were."""

from __future__ import annotations

from kit.conversation import Transcript
from kit.graders.base import Evidence, GraderResult
from kit.i18n import N_, _

BASE = {"satisfied": 100.0, "handoff": 40.0, "max_turns": 40.0, "context_full": 40.0, "left": 0.0}
PER_LEVEL = 5.0  # points lost per level of upset left at the end
ENDINGS = {
    "satisfied": N_("left satisfied"), "handoff": N_("was handed to a human"), "left": N_("gave up and left"),
    "max_turns": N_("was still waiting when the conversation hit its turn limit"),
    "context_full": N_("was still waiting when the conversation outgrew the model's context"),
}


class Satisfaction:
    name = "satisfaction"
    title = N_("Customer satisfied")

    def __call__(self, transcript: Transcript) -> GraderResult:
        last = transcript.customer_turns[-1]
        upset = last.emotion or 0
        base = 100.0 if wanted_person(transcript) else BASE[transcript.outcome]
        score = max(0.0, base - PER_LEVEL * upset)
        note = _(ENDINGS[transcript.outcome])
        happy = transcript.outcome == "satisfied" or wanted_person(transcript)
        hint = "" if happy else (
            _("Read the turn where the customer got upset, and fix what the other graders point at first.")
        )
        evidence = Evidence.at(last, _("{ending}, upset {upset}/10").format(ending=note, upset=upset), good=happy)
        return GraderResult(self.name, self.title, score, (evidence,), hint)


def wanted_person(transcript: Transcript, from_the_start: bool = False) -> bool:
    """Handed to a person the customer asked for: the end they wanted, not a failure.

    `from_the_start`: only when a person was what they came for (a hand-off task, or asked in their
    first message), not when they asked because the agent failed them.
    """
    from kit.graders.reading import customer as said

    if transcript.outcome != "handoff":
        return False
    asked = [t for t in transcript.customer_turns if "asks_for_human" in t.events or said.asks_for_human(t.text)]
    if from_the_start:
        first = transcript.customer_turns[0]
        return transcript.task("handoff") is not None or bool(asked and asked[0].number == first.number)
    return bool(asked)
