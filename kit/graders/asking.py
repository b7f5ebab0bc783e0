"""Asked before guessing: no size before the customer's height and weight are known, and no needless questions."""

from __future__ import annotations

from kit.conversation import Transcript
from kit.graders.base import Evidence, GraderResult, fact_name, joined
from kit.graders.reading import reply as read
from kit.i18n import N_, _
from kit.shop import catalogue
from kit.units import parse_body

NEEDED = frozenset({"height", "weight"})
NEEDLESS_PENALTY = 30.0


class AskedBeforeGuessing:
    name = "asked_first"
    title = N_("Asked before guessing")

    def __call__(self, transcript: Transcript) -> GraderResult:
        task = transcript.task("size_advice")
        if task is None:
            return GraderResult(self.name, self.title, None, hint=_("The customer did not ask for a size."))
        codes = {row.code: row.size for row in catalogue().chart_for(task["sku"]).rows}
        known: set[str] = set()
        asked_needed = False
        score, evidence, hints = 100.0, [], []
        for turn in transcript.turns:
            if turn.role == "customer":
                body = parse_body(turn.text)
                known |= {fact for fact, value in (("height", body.height_cm), ("weight", body.weight_kg)) if value}
                continue
            asked = read.asked_facts(turn.text)
            asked_needed = asked_needed or bool(asked & NEEDED)
            if extra := asked & read.MEASUREMENTS:
                if transcript.novice and score == 100.0:
                    score -= NEEDLESS_PENALTY
                    facts = joined(fact_name(fact) for fact in sorted(extra))
                    note = _("asked for {facts}, which this customer cannot know").format(facts=facts)
                    evidence.append(Evidence.at(turn, note))
                    hints.append(_("Tell the agent to ask only for what it needs (height and weight), one short question."))
            if _recommends(turn, codes) and not NEEDED <= known:
                unknown = sorted(NEEDED - known)
                note = (_("recommended a size before knowing {fact}").format(fact=fact_name(unknown[0])) if len(unknown) == 1
                        else _("recommended a size before knowing height and weight"))
                evidence.insert(0, Evidence.at(turn, note))
                hints.insert(0, _("Tell the agent to ask for height and weight first, before it recommends a size."))
                return GraderResult(self.name, self.title, 0.0, tuple(evidence), " ".join(hints))
        if not asked_needed and not NEEDED <= known:
            return GraderResult(self.name, self.title, 0.0, tuple(evidence),
                                _("The agent never asked for height and weight: tell it to ask for them first."))
        return GraderResult(self.name, self.title, score, tuple(evidence), " ".join(hints))


def _recommends(turn, codes) -> bool:  # type: ignore[no-untyped-def]
    """The reply recommends a size: in its words, or by a size_lookup whose size it passes on."""
    if read.recommended_size(turn.text, codes):
        return True
    looked_up = {_tool_size(call) for call in turn.tool_calls if call.get("name") == "size_lookup"} - {None}
    return any(size in read.sizes_named(turn.text, codes) for size in looked_up)


def _tool_size(call: dict) -> str | None:  # type: ignore[type-arg]
    import json

    try:
        return json.loads(call.get("result") or "{}").get("size")
    except (ValueError, AttributeError):
        return None
