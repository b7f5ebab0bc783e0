"""Chat models: a real OpenAI-compatible endpoint, or the offline practice model."""

from __future__ import annotations

from kit.config import PRACTICE, Settings, cache_dir, load_settings
from kit.llm.base import ChatModel, Message, Reply, ToolCall, ToolSchema, Usage
from kit.llm.cache import CachedModel, cache_mode
from kit.llm.catalogue import Explanation, explain
from kit.llm.openai_chat import OpenAIChat
from kit.llm.practice import PracticeModel

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


def get_model(model: str | ChatModel | None = None, settings: Settings | None = None) -> ChatModel:
    """Resolve a model: an object as is, "practice", a model name, or None for what is configured.

    Real models are wrapped in the record/replay cache when KIT_CACHE is not "off".
    """
    if model is not None and not isinstance(model, str):
        return model
    settings = settings or load_settings(model=model)
    if settings.model == PRACTICE:
        return PracticeModel()
    real = OpenAIChat(settings=settings)
    mode = cache_mode()
    return real if mode == "off" else CachedModel(real, mode, cache_dir())
