"""Efficient: the agent gets the customer what they came for in few replies, without going in circles.

The budget is 2 replies per task plus 1, plus 1 for each question the customer asks on the side
or each time they ask to hear an answer again. The scale:
  - ended satisfied within the budget: 100; over it: 100 x budget / replies (7 replies for a
    budget of 5: 71.4);
  - never ended satisfied (left, handed off, out of turns): 50 x the share of tasks finished
    before it ended (at most 50: the replies did not get the customer everything);
  - then 10 points off for each loop: a reply that repeats the one before word for word (unless
    the customer asked to hear it again), or a reply that called tools more than 3 times or
    made the same call twice.
"""

from __future__ import annotations

import json

from kit.conversation import Transcript, Turn
from kit.graders.base import Evidence, GraderResult, joined
from kit.graders.reading import customer as said
from kit.graders.satisfaction import wanted_person
from kit.i18n import N_, _, ngettext

PER_TASK = 2  # replies a task needs: usually a question, then the answer
LOOP_PENALTY = 10.0
MAX_CALLS = 3  # tool calls in one reply before it counts as a loop
ENDED = {  # how a conversation ended that did not end satisfied (the outcome's id stays in the English)
    "left": N_("ended (left) after {used}, {done} done"),
    "handoff": N_("ended (handoff) after {used}, {done} done"),
    "max_turns": N_("ended (max_turns) after {used}, {done} done"),
    "context_full": N_("ended (context_full) after {used}, {done} done"),
    "": N_("ended ({outcome}) after {used}, {done} done"),
}


class Efficiency:
    name = "efficiency"
    title = N_("Efficient")

    def __call__(self, transcript: Transcript) -> GraderResult:
        replies = transcript.agent_turns
        if not replies:
            return GraderResult(self.name, self.title, None, hint=_("The agent never replied."))
        tasks = max(1, len(transcript.tasks))
        extra = sum(_aside(t) or _asks_again(t) for t in transcript.customer_turns)
        budget = PER_TASK * tasks + 1 + extra
        last, hints = replies[-1], []
        used = _("{replies} for {tasks}").format(
            replies=ngettext("{count} reply", "{count} replies", len(replies)).format(count=len(replies)),
            tasks=ngettext("{count} task", "{count} tasks", tasks).format(count=tasks))
        if transcript.outcome == "satisfied" or wanted_person(transcript, from_the_start=True):
            score = 100.0 * min(1.0, budget / len(replies))
            over = len(replies) > budget
            evidence = [Evidence.at(last, _("{used}, budget {budget}").format(used=used, budget=budget), good=not over)]
            if over:
                hints.append(_("Tell the agent to answer what was asked at once, and to ask for everything it needs "
                             "in one question, so the customer is done in fewer turns."))
        else:
            done = _tasks_done(transcript, tasks)
            score = 50.0 * done / tasks
            ended = _(ENDED.get(transcript.outcome, ENDED[""])).format(outcome=transcript.outcome, used=used, done=done)
            evidence = [Evidence.at(last, ended)]
            hints.append(_("The customer did not get everything they came for: fix what the task grader points at first."))
        loops = _loops(transcript)
        if loops:
            hints.append(_("Tell the agent not to repeat itself: if its answer did not help, answer differently, "
                         "ask what is unclear, or hand off; and to call each tool once, then answer."))
        evidence = sorted(loops + evidence, key=lambda e: e.turn)
        score = max(0.0, score - LOOP_PENALTY * len(loops))
        return GraderResult(self.name, self.title, round(score, 1), tuple(evidence), " ".join(hints))


def _loops(transcript: Transcript) -> list[Evidence]:
    """Replies that repeat the one before (unasked), and replies stuck calling tools."""
    found = []
    before: Turn | None = None  # the agent's previous reply
    asked_again = False  # the customer asked to hear it again since then
    for turn in transcript.turns:
        if turn.role == "customer":
            asked_again = asked_again or _asks_again(turn)
            continue
        if before is not None and _same(turn.text, before.text) and not asked_again:
            found.append(Evidence.at(turn, _("the same reply as turn {turn}, word for word").format(turn=before.number)))
        calls = [(c["name"], json.dumps(c["arguments"], sort_keys=True, ensure_ascii=False)) for c in turn.tool_calls]
        twice = sorted({name for name, arguments in calls if calls.count((name, arguments)) > 1})
        if twice:
            found.append(Evidence.at(turn, _("called {tools} twice with the same arguments").format(tools=joined(twice))))
        elif len(calls) > MAX_CALLS:
            found.append(Evidence.at(turn, _("{count} tool calls before one reply").format(count=len(calls))))
        before, asked_again = turn, False
    return found


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split()) and bool(a.strip())


def _tasks_done(transcript: Transcript, tasks: int) -> int:
    """Tasks finished before the end: the customer moved on to a new one (asks:...) after each."""
    asked = {e for t in transcript.customer_turns for e in t.events if e.startswith("asks:")}
    return min(tasks, max(0, len(asked) - 1))


def _aside(turn: Turn) -> bool:
    """A customer message that asks something on the side (a question, an attack, a haggle)."""
    return any(event.startswith("aside:") for event in turn.events)


def _asks_again(turn: Turn) -> bool:
    """A customer message asking to hear the last answer again."""
    return "say_again" in turn.events or said.asks_to_repeat(turn.text)

