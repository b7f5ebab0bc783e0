"""`OpenAIChat`: any OpenAI-compatible chat endpoint through the official `openai` SDK.

OpenAI, DashScope (百炼) compatible mode, Ollama, vLLM and llama.cpp's server all speak this
protocol. Retries on 429/5xx with backoff (honouring Retry-After) are the SDK's own.
"""

from __future__ import annotations

import json
import time
from typing import Any

from kit.config import Settings, load_settings
from kit.errors import ConfigError, ModelError
from kit.llm.base import Message, Reply, ToolCall, ToolSchema, Usage


class OpenAIChat:
    """A chat model behind an OpenAI-compatible HTTP endpoint."""

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        settings: Settings | None = None,
        max_retries: int = 3,
        timeout_s: float = 60.0,
    ) -> None:
        settings = settings or load_settings(model=model, base_url=base_url, api_key=api_key)
        if settings.is_practice:
            raise ConfigError("OpenAIChat needs a real model name: set KIT_MODEL or pass model=...")
        self.name = settings.model
        self.base_url = settings.base_url
        self._key = settings.api_key
        self._max_retries = max_retries
        self._timeout_s = timeout_s
        self._sync: Any = None
        self._async: Any = None

    def __repr__(self) -> str:
        return f"OpenAIChat(model={self.name!r}, base_url={self.base_url!r})"

    def _client_args(self) -> dict[str, Any]:
        """Connection settings; checked here, not earlier, so a replayed class needs no key at all."""
        if self._key is None:
            raise ConfigError(
                f"No API key for {self.name}: set KIT_API_KEY (or OPENAI_API_KEY) in the "
                "environment or in a .env file. Local servers (Ollama, vLLM) accept any value."
            )
        return {
            "base_url": self.base_url,
            "api_key": self._key.get_secret_value(),
            "max_retries": self._max_retries,
            "timeout": self._timeout_s,
        }

    def complete(self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any) -> Reply:
        """Send the conversation and return the model's reply."""
        import openai

        if self._sync is None:
            self._sync = openai.OpenAI(**self._client_args())
        started = time.perf_counter()
        try:
            response = self._sync.chat.completions.create(**self._request(messages, tools, params))
        except openai.APIError as error:
            raise self._explain(error) from None
        return _to_reply(response, time.perf_counter() - started)

    async def acomplete(
        self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any
    ) -> Reply:
        """Like `complete`, without blocking the event loop."""
        import openai

        if self._async is None:
            self._async = openai.AsyncOpenAI(**self._client_args())
        started = time.perf_counter()
        try:
            response = await self._async.chat.completions.create(**self._request(messages, tools, params))
        except openai.APIError as error:
            raise self._explain(error) from None
        return _to_reply(response, time.perf_counter() - started)

    def _request(self, messages: list[Message], tools: list[ToolSchema] | None, params: dict) -> dict:
        request: dict[str, Any] = {"model": self.name, "messages": messages, **params}
        if tools:
            request["tools"] = tools
        return request

    def _explain(self, error: Exception) -> ModelError:
        """Turn an SDK error into a message that says what to check (never the key)."""
        import openai

        where = self.base_url or "the provider's default URL"
        tries = self._max_retries + 1
        if isinstance(error, openai.APITimeoutError):
            return ModelError(f"{where} did not answer within {self._timeout_s:g} s ({tries} tries). Is the server overloaded?")
        if isinstance(error, openai.APIConnectionError):
            reason = str(error).rstrip(".")
            return ModelError(f"Could not reach {where}: {reason}. Check KIT_BASE_URL and that the server is running.")
        if isinstance(error, openai.AuthenticationError):
            return ModelError(f"{where} rejected the API key (401). Check KIT_API_KEY.")
        if isinstance(error, openai.NotFoundError):
            return ModelError(f"{where} does not know the model {self.name!r} (404). Check KIT_MODEL.")
        if isinstance(error, openai.APIStatusError):
            return ModelError(f"{where} answered {error.status_code} ({tries} tries at most): {error.message}")
        return ModelError(f"The call to {where} failed: {error}")


def _to_reply(response: Any, latency_s: float) -> Reply:
    """Convert the SDK's response object into the kit's `Reply`."""
    message = response.choices[0].message
    calls = []
    for call in message.tool_calls or ():
        try:
            arguments = json.loads(call.function.arguments or "{}")
        except json.JSONDecodeError:
            arguments = {"_unparsed": call.function.arguments}
        calls.append(ToolCall(id=call.id, name=call.function.name, arguments=arguments))
    usage = response.usage
    return Reply(
        text=message.content or "",
        tool_calls=tuple(calls),
        usage=Usage(usage.prompt_tokens, usage.completion_tokens) if usage else Usage(),
        latency_s=latency_s,
        model=response.model or "",
    )
