"""What every chat model looks like to the kit: OpenAI-style messages and tools in, a `Reply` out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

Message = dict[str, Any]  # {"role": "system"|"user"|"assistant"|"tool", "content": ..., ...}
ToolSchema = dict[str, Any]  # {"type": "function", "function": {"name", "description", "parameters"}}


@dataclass(frozen=True)
class ToolCall:
    """The model asks the agent to run a tool with these arguments."""

    id: str
    name: str
    arguments: dict[str, Any]

    def to_message(self) -> dict[str, Any]:
        """The OpenAI wire form, for the assistant message that carries the call."""
        import json

        raw = self.arguments.get("_unparsed")  # the model's own text, when it was not valid JSON
        arguments = raw if isinstance(raw, str) else json.dumps(self.arguments, ensure_ascii=False)
        return {"id": self.id, "type": "function", "function": {"name": self.name, "arguments": arguments}}


@dataclass(frozen=True)
class Usage:
    """Token counts as the endpoint reported them (the practice model estimates them)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Reply:
    """One model answer: text and/or tool calls, with usage and wall-clock latency."""

    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    model: str = ""
    gloss: str = ""  # the same reply in English, when the model offers one (the practice model does); never sent back

    def to_message(self) -> Message:
        """The assistant message to append to the conversation."""
        message: Message = {"role": "assistant", "content": self.text}
        if self.tool_calls:
            message["tool_calls"] = [call.to_message() for call in self.tool_calls]
        return message


@runtime_checkable
class ChatModel(Protocol):
    """Anything that can answer a conversation: `OpenAIChat`, `PracticeModel`, a cache around either."""

    name: str

    def complete(self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any) -> Reply:
        """Answer synchronously."""
        ...

    async def acomplete(
        self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any
    ) -> Reply:
        """Answer without blocking an event loop (the arena runs many conversations at once)."""
        ...
