"""Chat models: the transport to a real OpenAI-compatible endpoint, the record/replay cache, and the way to
the offline practice model (its own package, `kit.practice`).
"""

from __future__ import annotations

from typing import Any

from kit.config import PRACTICE, Settings, cache_dir, load_settings
from kit.llm.base import ChatModel, Message, Reply, ToolCall, ToolSchema, Usage
from kit.llm.cache import CachedModel, cache_mode
from kit.llm.openai_chat import OpenAIChat

__all__ = [
    "CachedModel",
    "ChatModel",
    "Explanation",
    "Message",
    "OpenAIChat",
    "PracticeModel",
    "Reply",
    "ToolCall",
    "ToolSchema",
    "Usage",
    "explain",
    "get_model",
]


def __getattr__(name: str) -> Any:
    """`kit.llm.explain`, `kit.llm.PracticeModel`: the practice model's, kept here for lessons that use them."""
    if name in {"explain", "Explanation", "PracticeModel"}:
        import kit.practice

        return getattr(kit.practice, name)
    raise AttributeError(f"module 'kit.llm' has no attribute {name!r}")


def get_model(model: str | ChatModel | None = None, settings: Settings | None = None) -> ChatModel:
    """Resolve a model: an object as is, "practice", a model name, or None for what is configured.

    Real models are wrapped in the record/replay cache when KIT_CACHE is not "off".
    """
    if model is not None and not isinstance(model, str):
        return model
    settings = settings or load_settings(model=model)
    if settings.model == PRACTICE:
        from kit.practice import PracticeModel

        return PracticeModel()
    real = OpenAIChat(settings=settings)
    mode = cache_mode()
    return real if mode == "off" else CachedModel(real, mode, cache_dir())
