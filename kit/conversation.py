"""The agent a learner builds, the conversation loop, and the transcript it leaves behind."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from kit.artifacts import write_artifact
from kit.errors import ContextOverflow, KitError, PromptError
from kit.i18n import _
from kit.llm import ChatModel, Message, Reply, get_model
from kit.personas import Persona, load
from kit.personas.typos import Typo
from kit.tools import Tool

MAX_TOOL_ROUNDS = 3
KNOWLEDGE_HEADING = "## 知识库摘录 / Knowledge base excerpts (cite the [id] you use)"


class Agent:
    """A customer-service agent: a system prompt, a model, and optionally tools.

    The agent also sees the page of the product the customer is asking about, as a second
    system message, like a real shop's chat window does.
    """

    def __init__(
        self,
        system_prompt: str,
        model: str | ChatModel | None = None,
        tools: Sequence[Tool] | None = None,
        knowledge: Any = None,
        name: str | None = None,
        k: int = 3,
        window: int | None = None,
    ) -> None:
        if not isinstance(system_prompt, str) or not system_prompt.strip():
            raise PromptError(_(
                "The system prompt is empty. Write at least one sentence telling the agent who it is "
                'and how to help, e.g. kit.Agent("You are the friendly customer service of a clothing shop.").'
            ))
        if knowledge is not None and not callable(getattr(knowledge, "search", None)):
            raise KitError(_("knowledge= takes a kit.rag.Index (anything with .search(query, k)); "
                             "build one with kit.rag.Index.from_docs()."))
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise KitError(_("k is how many knowledge-base passages the agent reads per turn: a whole number of at "
                             "least 1, not {value}.").format(value=repr(k)))
        if tools is not None and (isinstance(tools, (str, bytes)) or not all(hasattr(t, "schema") and hasattr(t, "run") for t in tools)):
            raise KitError(_("tools= takes the kit's tools, e.g. kit.tools.SHOP_TOOLS or [kit.tools.size_lookup]; "
                             "not {value}.").format(value=repr(tools)))
        if window is not None and (isinstance(window, bool) or not isinstance(window, int) or window < 1):
            raise KitError(_("window is how many recent messages the model sees (customer and agent): "
                             "a whole number of at least 1, or None for all of them; not {value}.").format(
                                 value=repr(window)))
        self.window = window
        self.knowledge = knowledge
        self.k = k
        self.last_sources: tuple[dict[str, Any], ...] = ()
        self.system_prompt = system_prompt.strip()
        self.model = get_model(model)
        self.tools = {tool.name: tool for tool in tools or ()}
        self.name = name or self.system_prompt.splitlines()[0][:40]

    def __repr__(self) -> str:
        window = f", window={self.window}" if self.window else ""
        return f"Agent(name={self.name!r}, model={self.model.name!r}, tools={list(self.tools)}{window})"

    def opening_messages(self, sku: str, language: str) -> list[Message]:
        """The system prompt and the product page the customer opened the chat from."""
        from kit.shop import brief

        return [
            {"role": "system", "content": self.system_prompt},
            {"role": "system", "content": brief(sku, language)},
        ]

    def respond(self, messages: list[Message], window: int | None = None) -> tuple[Reply, list[dict[str, Any]]]:
        """Answer the conversation, running any tools the model calls; appends to `messages`.

        With a knowledge base, the passages retrieved for the customer's last message are put in
        context first (replacing the previous turn's), and `last_sources` says which they were.
        `window` (default: the agent's own) is how many recent messages the model sees.
        """
        window = window or self.window
        if self.knowledge is not None:
            self._retrieve(messages)
        schemas = [tool.schema() for tool in self.tools.values()] or None
        calls: list[dict[str, Any]] = []
        for _round in range(MAX_TOOL_ROUNDS + 1):
            reply = self.model.complete(visible(messages, window), schemas)
            messages.append(reply.to_message())
            if not reply.tool_calls:
                return reply, calls
            for call in reply.tool_calls:
                result = self._run_tool(call.name, call.arguments)
                calls.append({"name": call.name, "arguments": call.arguments, "result": result})
                messages.append({"role": "tool", "tool_call_id": call.id, "content": result})
        return reply, calls


    def _retrieve(self, messages: list[Message]) -> None:
        """Search the knowledge base with the customer's last message and put the passages in context."""
        query = next((str(m.get("content") or "") for m in reversed(messages) if m.get("role") == "user"), "")
        hits = self.knowledge.search(query, k=self.k) if query.strip() else []
        self.last_sources = tuple(
            {"chunk": hit.chunk_id, "doc": hit.doc_id, "title": hit.title, "outdated": bool(getattr(hit, "outdated", False)),
             "text": hit.text}
            for hit in hits
        )
        passages = "\n\n".join(f"[{hit.chunk_id}] {hit.title}\n{hit.text.strip()}" for hit in hits)
        block = {"role": "system", "content": f"{KNOWLEDGE_HEADING}\n{passages or '(nothing found)'}"}
        for index, message in enumerate(messages):
            if message.get("role") == "system" and str(message.get("content", "")).startswith(KNOWLEDGE_HEADING):
                messages[index] = block
                return
        last_system = max(i for i, m in enumerate(messages) if m.get("role") == "system")
        messages.insert(last_system + 1, block)

    def _run_tool(self, name: str, arguments: dict[str, Any]) -> str:
        """Run one tool call; a call the agent cannot run comes back as an error the model can read."""
        if "_unparsed" in arguments:
            problem = f"the arguments were not valid JSON: {arguments['_unparsed']!r}"
        elif name not in self.tools:
            problem = f"there is no tool named {name!r}; the tools are: {', '.join(self.tools) or 'none'}"
        else:
            return self.tools[name].run(arguments)
        return json.dumps({"error": problem}, ensure_ascii=False)


def _spoken(messages: list[Message]) -> list[int]:
    """The positions of what the customer and the agent said (not tool calls, tool results or system messages)."""
    return [i for i, m in enumerate(messages)
            if m.get("role") == "user" or (m.get("role") == "assistant" and not m.get("tool_calls"))]


def visible(messages: list[Message], window: int | None) -> list[Message]:
    """What a model with a short memory sees: every system message, then the last `window` messages.

    Only what the customer and the agent said counts: an agent message that only calls tools, and
    the tools' results, belong to the reply they lead to, so a window never starts in the middle
    of a tool call. Real deployments cut long conversations like this to stay inside the model's
    context limit.
    """
    if window is None:
        return messages
    spoken = _spoken(messages)
    if len(spoken) <= window:
        return messages
    start = spoken[-window]
    return [m for i, m in enumerate(messages) if m.get("role") == "system" or i >= start]


@dataclass(frozen=True)
class Turn:
    """One message of the conversation, numbered from 1, with what the kit observed about it."""

    number: int
    role: Literal["customer", "agent"]
    text: str
    intended: str = ""
    gloss: str = ""
    typos: tuple[Typo, ...] = ()
    emotion: int | None = None
    events: tuple[str, ...] = ()
    revealed: tuple[str, ...] = ()
    tool_calls: tuple[dict[str, Any], ...] = ()
    sources: tuple[dict[str, Any], ...] = ()  # knowledge-base passages the agent was given for this reply
    tokens: int = 0
    latency_s: float = field(default=0.0, compare=False)  # wall-clock: differs run to run


@dataclass(frozen=True)
class Transcript:
    """A whole conversation and its context: who the customer was, what they wanted, how it ended."""

    persona_id: str
    persona_name: str
    language: str
    novice: bool
    tasks: tuple[dict[str, Any], ...]  # what the customer came for, with what graders need to check it
    seed: int
    model: str
    system_prompt: str
    turns: tuple[Turn, ...] = field(default_factory=tuple)
    outcome: str = "max_turns"  # satisfied, handoff, left, max_turns, context_full
    customer_model: str = "scripted"  # or the name of the real model that played the customer
    page: str = ""  # the product page the chat was opened from (the agent saw it as context)
    notes: tuple[str, ...] = ()  # how it was played, where that matters for reading it (history trimmed, tools unused, ...)

    def task(self, kind: str) -> dict[str, Any] | None:
        """The first task of this kind, or None."""
        return next((task for task in self.tasks if task["kind"] == kind), None)

    def asked_at(self, kind: str) -> int | None:
        """The number of the customer turn that asked a task of this kind (None: never reached)."""
        return next((t.number for t in self.customer_turns if f"asks:{kind}" in t.events), None)

    @property
    def customer_turns(self) -> list[Turn]:
        return [turn for turn in self.turns if turn.role == "customer"]

    @property
    def agent_turns(self) -> list[Turn]:
        return [turn for turn in self.turns if turn.role == "agent"]

    @property
    def emotions(self) -> list[int]:
        """The customer's upset level (0-10) at each of their messages."""
        return [turn.emotion for turn in self.customer_turns if turn.emotion is not None]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        turns = tuple(
            Turn(**{**turn, "typos": tuple(Typo(**t) for t in turn.get("typos", ())),
                    "events": tuple(turn.get("events", ())), "revealed": tuple(turn.get("revealed", ())),
                    "tool_calls": tuple(turn.get("tool_calls", ())), "sources": tuple(turn.get("sources", ()))})
            for turn in data["turns"]
        )
        return cls(**{**data, "turns": turns, "tasks": tuple(data["tasks"]), "notes": tuple(data.get("notes", ()))})

    def save(self, path: str | Path) -> Path:
        """Write the transcript as JSON; refuses to overwrite an existing file."""
        return write_artifact(path, json.dumps(self.to_dict(), ensure_ascii=False, indent=1))

    def __str__(self) -> str:
        lines = [_("{persona} · seed {seed} · {model} · ended: {outcome}").format(
            persona=self.persona_name, seed=self.seed, model=self.model, outcome=self.outcome)]
        for turn in self.turns:  # what was said (text, gloss, tool arguments) is shown as it was said
            if turn.role == "customer":
                mood = f" [{_('upset {level}/10').format(level=turn.emotion)}]" if turn.emotion is not None else ""
                lines.append(_("{number} customer{mood}: {text}").format(number=f"{turn.number:>2}", mood=mood,
                                                                         text=turn.text))
                if turn.gloss:
                    lines.append(_("   (gloss: {gloss})").format(gloss=turn.gloss))
            else:
                for call in turn.tool_calls:
                    lines.append(_("   tool {call}").format(
                        call=f"{call['name']}({json.dumps(call['arguments'], ensure_ascii=False)})"))
                if turn.sources:
                    lines.append(_("   sources: {chunks}").format(chunks=", ".join(src["chunk"] for src in turn.sources)))
                lines.append(_("{number} agent: {text}").format(number=f"{turn.number:>2}", text=turn.text))
        lines += [_("Note: {note}").format(note=note) for note in self.notes]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        """IPython's plain-text view: the readable text, not the dataclass fields."""
        printer.text(str(self))


def _task_record(task: Any, card: Any) -> dict[str, Any]:
    """A task as plain data, with the customer's facts where the ground truth needs them."""
    record = task.model_dump(mode="json", exclude={"ask"})
    if record["kind"] == "size_advice":
        record |= {"height_cm": card.facts["height"].value, "weight_kg": card.facts["weight"].value}
    return record


def converse(
    agent: Agent,
    customer: Persona | str,
    seed: int = 0,
    max_turns: int = 12,
    customer_model: str | ChatModel | None = None,
) -> Transcript:
    """Let the simulated customer talk to the agent until the conversation ends or `max_turns` replies.

    The customer is scripted by default; with `customer_model` a real model plays the same card.
    """
    if isinstance(max_turns, bool) or not isinstance(max_turns, int) or max_turns < 1:
        raise KitError(_("max_turns is how many replies the agent may give: a whole number of at least 1, not "
                         "{value}.").format(value=repr(max_turns)))
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise KitError(_("seed picks the customer's wording: a whole number such as 0, 1 or 2, not {value}.").format(
            value=repr(seed)))
    persona = load(customer) if isinstance(customer, str) else customer
    card = persona.card
    session = persona.start(seed, model=customer_model)
    messages = agent.opening_messages(card.page, card.language)
    turns: list[Turn] = []

    def add_customer(message: Any) -> None:
        messages.append({"role": "user", "content": message.text})
        turns.append(Turn(
            number=len(turns) + 1, role="customer", text=message.text, intended=message.intended,
            gloss=message.gloss, typos=message.typos, emotion=message.emotion,
            events=message.events, revealed=message.revealed,
        ))

    notes: list[str] = []
    window = agent.window
    ended = None
    add_customer(session.opening())
    for _reply in range(max_turns):
        answer = _respond_within_context(agent, messages, window, notes, len(turns) + 1)
        if answer is None:
            ended = "context_full"
            break
        reply, calls, window = answer
        turns.append(Turn(
            number=len(turns) + 1, role="agent", text=reply.text, gloss=reply.gloss, tool_calls=tuple(calls),
            sources=agent.last_sources,
            tokens=reply.usage.total_tokens, latency_s=reply.latency_s,
        ))
        message = session.respond(reply.text)
        add_customer(message)
        if message.outcome:
            break
    if agent.tools and not any(turn.tool_calls for turn in turns):
        tools = ", ".join(agent.tools)
        notes.append(_("The agent was offered tools ({tools}) and never called one.").format(tools=tools)
                     if agent.model.name == "practice" else
                     _("The agent was offered tools ({tools}) and never called one: the model may not make tool calls "
                       "at all (`kit doctor` checks).").format(tools=tools))
    notes += getattr(session, "notes", [])
    return Transcript(
        persona_id=card.id,
        persona_name=f"{card.name.zh} ({card.name.en})",
        language=card.language,
        novice=card.style.novice,
        tasks=tuple(_task_record(task, card) for task in card.tasks),
        seed=seed,
        model=agent.model.name,
        system_prompt=agent.system_prompt,
        turns=tuple(turns),
        outcome=ended or session.ended or "max_turns",
        customer_model=getattr(getattr(session, "model", None), "name", "scripted"),
        page=card.page,
        notes=tuple(notes),
    )


def _respond_within_context(agent: Agent, messages: list[Message], window: int | None, notes: list[str],
                            turn: int) -> tuple[Reply, list[dict[str, Any]], int | None] | None:
    """The agent's reply; when the conversation outgrows the model's context, the model sees fewer recent
    messages (halving the window) and a note says from which turn. None when not even the last two fit."""
    while True:
        before = len(messages)
        try:
            reply, calls = agent.respond(messages, window)
            return reply, calls, window
        except ContextOverflow as overflow:
            del messages[before:]  # a tool exchange cut off by the overflow is not kept
            spoken = len(_spoken(messages))
            smaller = min(window or spoken, spoken) // 2
            if smaller < 2:
                notes.append(_("Turn {turn}: {overflow}. Even the system prompt and the last messages do not fit, "
                               "so the conversation ends here (outcome context_full); shorten the prompt or the "
                               "knowledge passages, or use a model with a longer context.").format(
                                   turn=turn, overflow=overflow))
                return None
            if window == agent.window:  # the first trim (every trim makes the window smaller): say so once
                notes.append(_("Turn {turn}: the conversation no longer fits {model}'s context; from here the agent "
                               "sees its prompt and only the last {kept} messages (as Agent(window=...)).").format(
                                   turn=turn, model=agent.model.name, kept=smaller))
            window = smaller
