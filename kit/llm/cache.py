"""Record and replay model calls, so a class or CI can rerun a real model's conversation offline.

`KIT_CACHE=off` (default) calls the model; `write` calls it and records every answer;
`read` answers from the recording when it can and calls the model otherwise; `replay` only
answers from the recording and fails clearly on a call that was never recorded. A call is
keyed by model, messages, tools and parameters. The API key is never part of a record.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from kit.errors import ConfigError, ReplayMiss
from kit.llm.base import ChatModel, Message, Reply, ToolCall, ToolSchema, Usage

MODES = ("off", "read", "write", "replay")


def cache_key(model: str, messages: list[Message], tools: list[ToolSchema] | None, params: dict) -> str:
    """A stable hash of everything that decides the answer."""
    payload = json.dumps(
        {"model": model, "messages": messages, "tools": tools or [], "params": params},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class CachedModel:
    """Wraps a `ChatModel` with the record/replay cache in `folder`."""

    def __init__(self, inner: ChatModel, mode: str, folder: Path) -> None:
        if mode not in MODES:
            raise ConfigError(f"KIT_CACHE={mode!r} is not a cache mode: use one of {', '.join(MODES)}.")
        self.inner = inner
        self.mode = mode
        self.folder = folder
        self.name = inner.name

    def __repr__(self) -> str:
        return f"CachedModel({self.inner!r}, mode={self.mode!r}, folder={str(self.folder)!r})"

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def _lookup(self, messages: list[Message], tools: list[ToolSchema] | None, params: dict) -> tuple[str, Reply | None]:
        key = cache_key(self.name, messages, tools, params)
        if self.mode in ("read", "replay") and self._path(key).is_file():
            return key, _load(self._path(key))
        if self.mode == "replay":
            last = next((str(m.get("content")) for m in reversed(messages) if m.get("role") == "user"), "")
            raise ReplayMiss(
                f"KIT_CACHE=replay, but this call to {self.name!r} was never recorded in {self.folder} "
                f"(key {key[:12]}…, {len(messages)} messages, last customer message {last[:60]!r}). "
                "Record it first with KIT_CACHE=write, or use KIT_CACHE=read to call the model on a miss."
            )
        return key, None

    def _store(self, key: str, reply: Reply) -> None:
        if self.mode in ("write", "read"):
            path = self._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(dataclasses.asdict(reply), ensure_ascii=False, indent=1), encoding="utf-8")
            temporary.replace(path)  # atomic: a killed process never leaves half a record

    def complete(self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any) -> Reply:
        key, hit = self._lookup(messages, tools, params)
        if hit is not None:
            return hit
        reply = self.inner.complete(messages, tools, **params)
        self._store(key, reply)
        return reply

    async def acomplete(
        self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any
    ) -> Reply:
        key, hit = self._lookup(messages, tools, params)
        if hit is not None:
            return hit
        reply = await self.inner.acomplete(messages, tools, **params)
        self._store(key, reply)
        return reply


def _load(path: Path) -> Reply:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Reply(
        text=data["text"],
        tool_calls=tuple(ToolCall(**call) for call in data["tool_calls"]),
        usage=Usage(**data["usage"]),
        latency_s=data["latency_s"],
        model=data["model"],
        gloss=data.get("gloss", ""),  # recordings made before glosses existed have none
    )


def cache_mode() -> str:
    """The mode from KIT_CACHE (default off)."""
    return (os.environ.get("KIT_CACHE") or "off").strip().lower()
