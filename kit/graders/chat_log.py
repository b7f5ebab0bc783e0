"""Grade any chat log: a transcript built from plain messages, with what the customer did read from their words.

    t = kit.chat_log([{"role": "customer", "text": "..."}, {"role": "agent", "text": "..."}, ...],
                     persona="typo_auntie", system_prompt="...")
    kit.grade(t)

A conversation exported from a deployed bot has no simulator events: which task the customer asked
when, whether they tried to get the bot's instructions, changed their mind, asked to hear an answer
again, how upset they were and how they left. The examiner's customer readers
(`kit.graders.reading.customer`) infer them. With a persona the tasks (and their ground truth) come
from its card; without one, pass `tasks` in the shape `Transcript.tasks` uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kit.conversation import Transcript, Turn
from kit.errors import KitError
from kit.graders.reading import customer as said
from kit.graders.reading import reply as read
from kit.graders.reading.text import is_question, language
from kit.i18n import N_, _

ROLES = {"customer": "customer", "user": "customer", "agent": "agent", "assistant": "agent"}
TOOL_FIELDS = ("name", "arguments", "result")
WHERE = N_("chat log")  # where the messages come from when the caller does not say (a file, a cell)


class ChatLogError(KitError):
    """A chat log `chat_log` cannot read; the message says which message and field, and what to fix."""


def chat_log(
    messages: Sequence[Mapping[str, Any]],
    persona: Any = None,
    tasks: Sequence[Mapping[str, Any]] | None = None,
    system_prompt: str = "",
    *,
    model: str = "chat log",
    page: str | None = None,
    where: str = WHERE,
) -> Transcript:
    """A `Transcript` from plain messages (role customer/user or agent/assistant, and text or content)."""
    where = _(where) if where == WHERE else where
    card = _card(persona, where) if persona is not None else None
    if card is None and not tasks:
        raise ChatLogError(_("{where}: say who the customer is (persona='typo_auntie', see kit.personas.names()) "
                             "or what they came for (tasks=[{{'kind': 'price_quote', 'cart': {{'J-101': 1}}, "
                             "...}}]).").format(where=where))
    turns = _turns(messages, where)
    task_list = tuple(dict(task) for task in tasks) if tasks else _card_tasks(card)
    start = card.emotion.start if card is not None else 3
    customer_language = card.language if card is not None else language(" ".join(t.text for t in turns if t.role == "customer"))
    turns = _with_events(turns, task_list, start)
    return Transcript(
        persona_id=card.id if card is not None else "chat_log",
        persona_name=f"{card.name.zh} ({card.name.en})" if card is not None else _("Customer of a chat log"),
        language=customer_language,
        novice=card.style.novice if card is not None else False,
        tasks=task_list,
        seed=0,
        model=model,
        system_prompt=system_prompt,
        turns=turns,
        outcome=_outcome(turns),
        customer_model="chat log",
        page=page or (card.page if card is not None else ""),
    )


def _card(persona: Any, where: str) -> Any:
    from kit.personas import Persona, load

    if isinstance(persona, Persona):
        return persona.card
    if isinstance(persona, str):
        try:
            return load(persona).card
        except KitError as error:
            raise ChatLogError(_("{where}: {error}").format(where=where, error=error)) from None
    card = getattr(persona, "card", persona)
    if not hasattr(card, "tasks"):
        raise ChatLogError(_("{where}: persona= takes a persona id such as 'typo_auntie' or a loaded persona, "
                             "not {type}.").format(where=where, type=type(persona).__name__))
    return card


def _card_tasks(card: Any) -> tuple[dict[str, Any], ...]:
    from kit.conversation import _task_record

    return tuple(_task_record(task, card) for task in card.tasks)


def _turns(messages: Sequence[Mapping[str, Any]], where: str) -> tuple[Turn, ...]:
    if isinstance(messages, (str, bytes)) or not isinstance(messages, Sequence) or not messages:
        raise ChatLogError(_("{where}: messages must be a non-empty list of {{'role': ..., 'text': ...}} objects.").format(
            where=where))
    turns = []
    for number, message in enumerate(messages, 1):
        here = _("{where}, message {number}").format(where=where, number=number)
        if not isinstance(message, Mapping):
            raise ChatLogError(_("{here}: each message is an object with 'role' and 'text', not {type}.").format(
                here=here, type=type(message).__name__))
        role = ROLES.get(str(message.get("role", "")).lower())
        if role is None:
            raise ChatLogError(_("{here}: 'role' is {role}; use 'customer' (or 'user') and 'agent' "
                                 "(or 'assistant'). System messages belong in system_prompt=.").format(
                                     here=here, role=repr(message.get("role"))))
        text = message.get("text", message.get("content"))
        if not isinstance(text, str):
            raise ChatLogError(_("{here}: 'text' (or 'content') must be the message's words as a string.").format(here=here))
        calls = message.get("tool_calls") or ()
        if not isinstance(calls, Sequence) or any(not isinstance(c, Mapping) or "name" not in c for c in calls):
            raise ChatLogError(_("{here}: 'tool_calls' is a list of {{'name', 'arguments', 'result'}} objects.").format(
                here=here))
        turns.append(Turn(number=number, role=role, text=text,
                          tool_calls=tuple({key: call.get(key, {} if key == "arguments" else "") for key in TOOL_FIELDS}
                                           for call in calls)))
    if turns[0].role != "customer":
        raise ChatLogError(_("{where}: the log must start with the customer's first message (message 1 is the "
                             "agent's).").format(where=where))
    return tuple(turns)


def _with_events(turns: tuple[Turn, ...], tasks: Sequence[Mapping[str, Any]], start: int) -> tuple[Turn, ...]:
    """Each customer turn with the events the scripted customer would have reported, and an upset level."""
    pending = [task["kind"] for task in tasks]
    asked: set[str] = set()
    level = start
    out = []
    first = True
    for turn in turns:
        if turn.role != "customer":
            out.append(turn)
            continue
        events = []
        for kind in pending:  # a task asked again (a question of its own) is reported again: its answers run on
            if said.asks_task(turn.text, kind) and (kind not in asked or is_question(turn.text)):
                asked.add(kind)
                events.append(f"asks:{kind}")
        if first and not events and pending:
            asked.add(pending[0])
            events.append(f"asks:{pending[0]}")
        if said.attempts_injection(turn.text):
            events.append("aside:injection")
        if not first and said.changes_mind(turn.text):
            events.append("aside:change_mind")
        if said.asks_to_repeat(turn.text):
            events.append("say_again")
        if said.asks_for_human(turn.text):
            events.append("asks_for_human")
        level = said.upset_level(turn.text, level)
        out.append(Turn(number=turn.number, role="customer", text=turn.text, emotion=level, events=tuple(events)))
        first = False
    # The level is an estimate from words: it is kept only where a grader needs it, at the end.
    last = max(i for i, t in enumerate(out) if t.role == "customer")
    out = [t if t.role != "customer" or i == last else Turn(number=t.number, role="customer", text=t.text, events=t.events)
           for i, t in enumerate(out)]
    missing = [kind for kind in pending if kind not in asked]
    if missing:  # never recognised in their words: taken as asked in the first message
        opening = out[0]
        out[0] = Turn(number=1, role="customer", text=opening.text, emotion=opening.emotion,
                      events=(*opening.events, *(f"asks:{kind}" for kind in missing)))
    return tuple(out)


def _outcome(turns: tuple[Turn, ...]) -> str:
    """How the conversation ended, from the customer's last message and whether the agent handed off."""
    last = next((t for t in reversed(turns) if t.role == "customer"), None)
    if last is None:
        return "max_turns"
    handed = any(read.handoff(t.text) == "performed" or any(c.get("name") == "hand_off" for c in t.tool_calls)
                 for t in turns if t.role == "agent" and t.number < last.number)
    if said.leaving(last.text):
        return "left"
    if said.satisfied(last.text):
        return "satisfied"
    if handed:
        return "handoff"
    if not is_question(last.text) and not said.expresses_distress(last.text) and not said.waiting(last.text):
        return "satisfied"  # the log ends on a calm word that asks for nothing more: they got what they came for
    return "max_turns"
