"""One scrubber for API keys: everything the kit writes or shows passes through `scrub`.

A server that echoes the Authorization header, or a learner who pastes a key into a prompt,
would otherwise carry the key into replies, transcripts, caches, results, reports and the
progress file. The keys are those in the environment (KIT_API_KEY, OPENAI_API_KEY,
DASHSCOPE_API_KEY) and every key a model was given (`remember`), e.g. one read from `.env`.
"""

from __future__ import annotations

import os
from typing import TypeVar

HIDDEN = "[hidden]"
KEY_VARIABLES = ("KIT_API_KEY", "OPENAI_API_KEY", "DASHSCOPE_API_KEY")
MIN_LENGTH = 8  # shorter values ("none", "ollama") are placeholders, and masking them would mangle ordinary text

_remembered: set[str] = set()

T = TypeVar("T")


def remember(key: str | None) -> None:
    """Add a key to those `scrub` hides, for the life of this Python process."""
    if key and len(key) >= MIN_LENGTH:
        _remembered.add(key)


def known() -> list[str]:
    """The keys to hide, longest first (so a key that contains another is hidden whole)."""
    keys = _remembered | {value for name in KEY_VARIABLES if len(value := os.environ.get(name, "")) >= MIN_LENGTH}
    return sorted(keys, key=len, reverse=True)


def scrub(value: T) -> T:
    """`value` with every known key replaced by [hidden]: strings, and the strings inside dicts, lists and tuples."""
    keys = known()
    return _scrub(value, keys) if keys else value


def _scrub(value, keys: list[str]):  # type: ignore[no-untyped-def]  (keeps the type of what it is given)
    if isinstance(value, str):
        for key in keys:
            if key in value:
                value = value.replace(key, HIDDEN)
        return value
    if isinstance(value, dict):
        return {_scrub(k, keys): _scrub(v, keys) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(_scrub(item, keys) for item in value)
    return value
