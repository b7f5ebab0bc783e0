"""`OpenAIChat`: any OpenAI-compatible chat endpoint through the official `openai` SDK.

OpenAI, DashScope (百炼) compatible mode, Ollama, vLLM and llama.cpp's server all speak this
protocol. Retries on 429/5xx/timeouts with backoff (honouring Retry-After) are the SDK's own:
`max_retries` and `timeout` (KIT_MAX_RETRIES, KIT_TIMEOUT) are handed to it unchanged.

A response that arrives but cannot be read (a proxy's HTML page, tool-call arguments cut off
mid-JSON) is a transport fault too, not the model's answer: it is retried the same number of
times, then reported as a `ModelError`, so a broken connection is never graded as a bad reply.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import threading
import time
from typing import Any

from kit.config import Settings, load_settings
from kit.errors import ConfigError, ContextOverflow, ModelError
from kit.i18n import _, ngettext
from kit.keys import HIDDEN, remember, scrub
from kit.llm import rate
from kit.llm.base import Message, Reply, ToolCall, ToolSchema, Usage

CHAT_PATH = "/chat/completions"
FIRST_BACKOFF_S, MAX_BACKOFF_S = 0.5, 8.0  # the SDK's own backoff for a retried call


class UnreadableResponse(Exception):
    """The endpoint answered, but not with a chat completion the kit can read."""


class OpenAIChat:
    """A chat model behind an OpenAI-compatible HTTP endpoint."""

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        settings: Settings | None = None,
        max_retries: int | None = None,
        timeout_s: float | None = None,
    ) -> None:
        settings = settings or load_settings(model=model, base_url=base_url, api_key=api_key)
        if settings.is_practice:
            raise ConfigError(_("OpenAIChat needs a real model name: set KIT_MODEL or pass model=..."))
        self.name = settings.model
        self.base_url = settings.base_url
        self._key = settings.api_key
        remember(self._key.get_secret_value() if self._key else None)
        self._max_retries = settings.max_retries if max_retries is None else max_retries
        self._timeout_s = settings.timeout_s if timeout_s is None else timeout_s
        if not (isinstance(self._max_retries, int) and self._max_retries >= 0):
            raise ConfigError(_("max_retries={value}: a whole number of retries, 0 or more (e.g. 2).").format(
                value=repr(self._max_retries)))
        if not self._timeout_s > 0:
            raise ConfigError(_("timeout_s={value}: the seconds one call may take, more than 0 (e.g. 60).").format(
                value=repr(self._timeout_s)))
        # Sent with every call unless the caller passes its own (the customer and the judge have their own limits).
        self.defaults: dict[str, Any] = {"max_tokens": settings.reply_limit("agent")}
        if settings.temperature is not None:
            self.defaults["temperature"] = settings.temperature
        self._rate = rate.limit(settings.rpm)
        self._sync: Any = None
        self._async: Any = None
        self._lock = threading.Lock()  # threads of an arena share one client per model

    def __repr__(self) -> str:
        return (f"OpenAIChat(model={self.name!r}, base_url={self.base_url!r}, "
                f"timeout_s={self._timeout_s:g}, max_retries={self._max_retries})")

    @property
    def timeout_s(self) -> float:
        """Seconds one attempt may take before the SDK gives up on it (and retries, if any are left)."""
        return self._timeout_s

    @property
    def max_retries(self) -> int:
        """How many times the SDK retries a 429, 5xx, timeout or dropped connection, with backoff."""
        return self._max_retries

    def with_limits(self, timeout_s: float | None = None, max_retries: int | None = None) -> OpenAIChat:
        """The same model with another per-call timeout and/or retry count; this one is unchanged."""
        limited = copy.copy(self)
        limited._timeout_s = self._timeout_s if timeout_s is None else timeout_s
        limited._max_retries = self._max_retries if max_retries is None else max_retries
        limited._sync = limited._async = None  # new clients with the new limits
        limited._lock = threading.Lock()
        return limited

    def _client_args(self) -> dict[str, Any]:
        """Connection settings; checked here, not earlier, so a replayed class needs no key at all."""
        if self._key is None:
            raise ConfigError(_(
                "No API key for {model}: set KIT_API_KEY (or OPENAI_API_KEY) in the "
                "environment or in a .env file. Local servers (Ollama, vLLM) accept any value."
            ).format(model=self.name))
        return {
            "base_url": self.base_url,
            "api_key": self._key.get_secret_value(),
            "max_retries": self._max_retries,
            "timeout": self._timeout_s,
        }

    def complete(self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any) -> Reply:
        """Send the conversation and return the model's reply."""
        import openai

        with self._lock:
            if self._sync is None:
                self._sync = openai.OpenAI(**self._client_args())
        for attempt in range(self._max_retries + 1):
            if attempt:
                time.sleep(_backoff(attempt))
            if self._rate:
                self._rate.wait()
            started = time.perf_counter()
            try:
                response = self._sync.post(CHAT_PATH, body=self._request(messages, tools, params),
                                           cast_to=_completion_type())
                return _to_reply(response, time.perf_counter() - started)
            except openai.APIError as error:
                raise self._explain(error) from None
            except (UnreadableResponse, json.JSONDecodeError) as error:
                fault = error
        raise self._unreadable(fault)

    async def acomplete(
        self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any
    ) -> Reply:
        """Like `complete`, without blocking the event loop."""
        import openai

        with self._lock:
            if self._async is None:
                self._async = openai.AsyncOpenAI(**self._client_args())
        for attempt in range(self._max_retries + 1):
            if attempt:
                await asyncio.sleep(_backoff(attempt))
            if self._rate:
                await self._rate.await_slot()
            started = time.perf_counter()
            try:
                response = await self._async.post(CHAT_PATH, body=self._request(messages, tools, params),
                                                  cast_to=_completion_type())
                return _to_reply(response, time.perf_counter() - started)
            except openai.APIError as error:
                raise self._explain(error) from None
            except (UnreadableResponse, json.JSONDecodeError) as error:
                fault = error
        raise self._unreadable(fault)

    def _request(self, messages: list[Message], tools: list[ToolSchema] | None, params: dict) -> dict:
        """The chat-completions body. Sent with the client's own `post` (the SDK's README: "options on the
        client will be respected (such as retries)"), so timeouts, retries and errors are those of
        `chat.completions.create`, without its type-walk of every message: ~13 ms of CPU a call, more than
        the rest of the call, when an arena runs many conversations at once."""
        request: dict[str, Any] = {"model": self.name, "messages": messages, **self.defaults, **params}
        if tools:
            request["tools"] = tools
        return request

    def _explain(self, error: Exception) -> ModelError:
        """Turn an SDK error into one line that says what happened and what to check (never the key)."""
        import openai

        where = self.base_url or _("the provider's default URL")
        attempts = _attempts(error)
        tries = ngettext("{count} attempt", "{count} attempts", attempts).format(count=attempts)
        if isinstance(error, openai.APITimeoutError):
            return ModelError(_("{where} timed out after {seconds} s ({tries}). Is the server overloaded? "
                                "Raise KIT_TIMEOUT or KIT_MAX_RETRIES to wait longer.").format(
                                    where=where, seconds=f"{self._timeout_s:g}", tries=tries))
        if isinstance(error, openai.APIConnectionError):
            reason = self._scrub(" ".join(str(error).split())).rstrip(".")
            return ModelError(_("Could not reach {where} ({tries}): {reason}. "
                                "Check KIT_BASE_URL and that the server is running.").format(
                                    where=where, tries=tries, reason=reason))
        if isinstance(error, openai.AuthenticationError):
            return ModelError(_("{where} rejected the API key (HTTP 401). Check KIT_API_KEY.").format(where=where))
        if isinstance(error, openai.NotFoundError):
            return ModelError(_("{where} does not know the model {model} (HTTP 404). Check KIT_MODEL.").format(
                where=where, model=repr(self.name)))
        if isinstance(error, openai.APIStatusError):
            message = self._scrub(" ".join(re.sub(r"^Error code: \d+ - ", "", str(error.message)).split()))
            if error.status_code in (400, 413) and _CONTEXT.search(message):
                return ContextOverflow(_("{where} answered HTTP {status}: the conversation no longer fits "
                                         "{model}'s context ({message})").format(
                                             where=where, status=error.status_code, model=self.name,
                                             message=message[:200]))
            return ModelError(_("{where} answered HTTP {status} after {tries}: {message}").format(
                where=where, status=error.status_code, tries=tries, message=message))
        return ModelError(_("The call to {where} failed: {problem}").format(where=where,
                                                                            problem=self._scrub(str(error))))

    def _unreadable(self, fault: Exception) -> ModelError:
        """The one line for a response that could not be read on any attempt."""
        where = self.base_url or _("the provider's default URL")
        attempts = self._max_retries + 1
        what = str(fault) if isinstance(fault, UnreadableResponse) else _("its body is not valid JSON")
        return ModelError(ngettext(
            "{where} answered {count} time with a response that could not be read ({what}). This is a fault of the "
            "server or of a proxy in between, not the model's reply; check KIT_BASE_URL, or raise KIT_MAX_RETRIES.",
            "{where} answered {count} times with a response that could not be read ({what}). This is a fault of the "
            "server or of a proxy in between, not the model's reply; check KIT_BASE_URL, or raise KIT_MAX_RETRIES.",
            attempts).format(where=where, count=attempts, what=self._scrub(what)))

    def _scrub(self, text: str) -> str:
        """Remove the key from a server's or library's message, in case one echoes it."""
        key = self._key.get_secret_value() if self._key else ""
        return scrub(text.replace(key, HIDDEN) if len(key) >= 4 else text)


# How servers word a context overflow: OpenAI, vLLM, llama.cpp, Ollama, DashScope.
_CONTEXT = re.compile(r"context.{0,20}(length|window|size|limit)|maximum context|n_ctx|too many tokens|"
                      r"exceeds? the (available )?context|prompt is too long|input.{0,20}too long|"
                      r"reduce the length", re.IGNORECASE)


def _completion_type() -> type:
    from openai.types.chat import ChatCompletion

    return ChatCompletion


def _attempts(error: Exception) -> int:
    """How many attempts the SDK made: it numbers its retries in the x-stainless-retry-count header."""
    request = getattr(error, "request", None)
    try:
        return int(request.headers.get("x-stainless-retry-count", 0)) + 1
    except (AttributeError, TypeError, ValueError):
        return 1


def _backoff(attempt: int) -> float:
    """Seconds to wait before retry number `attempt` (1, 2, ...): doubling from the SDK's first wait."""
    return min(FIRST_BACKOFF_S * 2 ** (attempt - 1), MAX_BACKOFF_S)


def _to_reply(response: Any, latency_s: float) -> Reply:
    """Convert the SDK's response object into the kit's `Reply`; `UnreadableResponse` if it is not one."""
    if isinstance(response, str):  # the SDK hands back the text of a body that is not JSON
        start = " ".join(response.split())[:80]
        raise UnreadableResponse(_("not JSON but {start}").format(start=repr(start)) if start else _("an empty body"))
    try:
        message = response.choices[0].message
    except (AttributeError, IndexError, TypeError):
        raise UnreadableResponse(_("JSON without a message in `choices`")) from None
    calls = []
    for call in message.tool_calls or ():
        try:
            arguments = json.loads(call.function.arguments or "{}")
        except json.JSONDecodeError:
            raise UnreadableResponse(_("the arguments of the call to {tool} are cut off or not JSON: {start}").format(
                tool=repr(call.function.name), start=repr(call.function.arguments[:80]))) from None
        if not isinstance(arguments, dict):
            raise UnreadableResponse(_("the arguments of the call to {tool} are not a JSON object").format(
                tool=repr(call.function.name)))
        calls.append(ToolCall(id=call.id, name=call.function.name, arguments=scrub(arguments)))
    usage = response.usage
    return Reply(
        text=scrub(message.content or ""),  # a server that echoes the key never gets it into a transcript
        tool_calls=tuple(calls),
        usage=Usage(usage.prompt_tokens, usage.completion_tokens) if usage else Usage(),
        latency_s=latency_s,
        model=response.model or "",
    )
