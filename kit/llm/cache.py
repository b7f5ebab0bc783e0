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
import tempfile
import warnings
from pathlib import Path
from typing import Any

from kit.errors import ConfigError, ReplayMiss
from kit.i18n import _
from kit.keys import scrub
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
            raise ConfigError(_("KIT_CACHE={mode} is not a cache mode: use one of {modes}.").format(
                mode=repr(mode), modes=", ".join(MODES)))
        self.inner = inner
        self.mode = mode
        self.folder = folder
        self.name = inner.name

    def __repr__(self) -> str:
        return f"CachedModel({self.inner!r}, mode={self.mode!r}, folder={str(self.folder)!r})"

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def _lookup(self, messages: list[Message], tools: list[ToolSchema] | None, params: dict) -> tuple[str, Reply | None]:
        key = cache_key(self.name, messages, tools, {**getattr(self.inner, "defaults", {}), **params})
        path = self._path(key)
        if self.mode in ("read", "replay") and path.exists():
            try:
                return key, _load(path)
            except CacheDamaged as damaged:
                if self.mode == "replay":
                    raise ReplayMiss(_("{problem} Record it again with KIT_CACHE=write.").format(problem=damaged)) from None
                warnings.warn(_("{problem} Treated as a miss: the model is called and the record rewritten.").format(
                    problem=damaged), stacklevel=3)
        if self.mode == "replay":
            last = next((str(m.get("content")) for m in reversed(messages) if m.get("role") == "user"), "")
            raise ReplayMiss(_(
                "KIT_CACHE=replay, but this call to {model} was never recorded in {folder} "
                "(key {key}…, {count} messages, last customer message {last}). "
                "Record it first with KIT_CACHE=write, or use KIT_CACHE=read to call the model on a miss."
            ).format(model=repr(self.name), folder=self.folder, key=key[:12], count=len(messages), last=repr(last[:60])))
        return key, None

    def _store(self, key: str, reply: Reply) -> None:
        if self.mode in ("write", "read"):
            path = self._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_symlink():
                raise ConfigError(_("{path}: a cache record is a link; the cache writes only files of its own. "
                                    "Remove it (or point KIT_CACHE_DIR at a folder of your own).").format(path=path))
            # A unique temporary name per writer, then an atomic rename: two processes recording the same
            # call never share a half-written file, and a reader sees the old record or the new, never half.
            descriptor, temporary = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                    handle.write(json.dumps(scrub(dataclasses.asdict(reply)), ensure_ascii=False, indent=1))
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

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


class CacheDamaged(Exception):
    """A cache record that cannot be read; its message names the file."""


MAX_RECORD_BYTES = 5_000_000


def _load(path: Path) -> Reply:
    """A recorded reply; a record that is not a regular file, too big, not UTF-8 or not a reply is CacheDamaged."""
    if path.is_symlink() or not path.is_file():
        raise CacheDamaged(_("{path}: the cache record is a link or not a regular file.").format(path=path))
    if path.stat().st_size > MAX_RECORD_BYTES:
        raise CacheDamaged(_("{path}: the cache record is {size} bytes, too big to be a reply.").format(
            path=path, size=f"{path.stat().st_size:,}"))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Reply(
            text=data["text"],
            tool_calls=tuple(ToolCall(**call) for call in data["tool_calls"]),
            usage=Usage(**data["usage"]),
            latency_s=data["latency_s"],
            model=data["model"],
            gloss=data.get("gloss", ""),  # recordings made before glosses existed have none
        )
    except UnicodeDecodeError as error:
        raise CacheDamaged(_("{path}: the cache record is not UTF-8 text ({reason} at byte {start}).").format(
            path=path, reason=error.reason, start=error.start)) from None
    except json.JSONDecodeError as error:
        raise CacheDamaged(_("{path}: the cache record is not valid JSON (line {line}: {problem}).").format(
            path=path, line=error.lineno, problem=error.msg)) from None
    except (KeyError, TypeError, AttributeError) as error:
        raise CacheDamaged(_("{path}: the cache record is not a recorded reply (missing or wrong field: {error}).").format(
            path=path, error=error)) from None


def cache_mode() -> str:
    """The mode from KIT_CACHE (default off)."""
    return (os.environ.get("KIT_CACHE") or "off").strip().lower()
