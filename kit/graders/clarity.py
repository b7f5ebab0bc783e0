"""Clarity for this customer: readable at all, no unexplained shop jargon for a novice, no walls of
text, steps when teaching."""

from __future__ import annotations

import re

from kit.conversation import Transcript
from kit.graders.base import Evidence, GraderResult, joined
from kit.graders.reading import customer as said
from kit.graders.reading import reply as read
from kit.i18n import N_, _
from kit.shop import catalogue

PENALTY = {"jargon": 25.0, "wall": 10.0, "long_wall": 25.0, "complaint": 15.0, "no_steps": 25.0, "garbled": 40.0}
LONG_WALL = 160  # reading length of a reply nobody reads to the end
_TOO_LONG = re.compile(r"太长|说重点|重点呢|谁看|看不完|三句话|简单点|too long|get to the point|tl;?dr|shorter", re.I)
WALL = 90  # reading length (kit.graders.reading.reply.reading_length) a reader takes in at a glance


class Clarity:
    name = "clarity"
    title = N_("Clear for this customer")

    def __call__(self, transcript: Transcript) -> GraderResult:
        jargon = tuple(catalogue().jargon) if transcript.novice else ()
        score, evidence, hints = 100.0, [], {}
        turns = transcript.turns
        for previous, turn in zip(turns, turns[1:]):
            if turn.role != "agent":
                continue
            if not read.coherent(turn.text):
                score -= PENALTY["garbled"]
                evidence.append(Evidence.at(turn, _("hard to follow: garbled, broken off or contradicting itself")))
                hints["garbled"] = (_("The reply cannot be followed. With a real model, check the reply limit (KIT_MAX_TOKENS) "
                                    "and the model's size; tell it to answer in short, complete sentences."))
            if terms := read.unexplained_jargon(turn.text, jargon):
                score -= PENALTY["jargon"]
                evidence.append(Evidence.at(turn, _("shop jargon without a gloss: {terms}").format(terms=joined(terms))))
                hints["jargon"] = _("Tell the agent to use plain words and explain any shop term (号型, 加购, 下单).")
            teaching = said.asks_task(previous.text, "how_to_order")
            steps = read.has_listed_steps(turn.text) if transcript.novice else read.has_steps(turn.text)
            if teaching and not steps:
                score -= PENALTY["no_steps"]
                evidence.append(Evidence.at(turn, _("explained how to order without steps on lines of their own")
                                            if transcript.novice else _("explained how to order without steps")))
                hints["steps"] = _("Tell the agent to explain how to order step by step, in short numbered steps.")
            elif not teaching and not read.has_steps(turn.text) and not _listed(turn.text) and (
                length := read.reading_length(turn.text)) > WALL:
                score -= PENALTY["long_wall" if length >= LONG_WALL else "wall"]
                chinese = read.language(turn.text) == "zh"
                size = length if chinese else length // 2
                complained = any(_TOO_LONG.search(t.text) for t in turns if t.role == "customer" and t.number > turn.number)
                if complained:
                    score -= PENALTY["complaint"]
                    wall = (_("{size} characters: a wall of text for this customer (they said it was too long)") if chinese
                            else _("{size} words: a wall of text for this customer (they said it was too long)"))
                else:
                    wall = (_("{size} characters: a wall of text for this customer") if chinese
                            else _("{size} words: a wall of text for this customer"))
                evidence.append(Evidence.at(turn, wall.format(size=size)))
                hints["wall"] = _("Tell the agent to keep replies short, without greetings and sign-offs around them.")
        return GraderResult(self.name, self.title, max(0.0, score), tuple(evidence), " ".join(hints.values()))


def _listed(reply: str) -> bool:
    """Most of the reply is a list (a numbered breakdown, bullet points): read at a glance, not a wall."""
    lines = [line for line in reply.splitlines() if line.strip()]
    items = sum(bool(re.match(r"\s*(\d+[.、)）]|[-*•·①②③④⑤⑥⑦⑧⑨]|第.步)", line)) for line in lines)
    return len(lines) >= 3 and items >= len(lines) / 2