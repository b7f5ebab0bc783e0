"""`kit doctor` and the first cell of every lesson: which kit, which model, does it answer?"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass

import kit
from kit.config import Settings, cache_dir, data_dir, load_settings
from kit.errors import KitError


def check() -> Settings:
    """Print the kit version and the model in use (the first cell of every lesson)."""
    settings = load_settings()
    print(f"kit {kit.__version__} · Python {platform.python_version()} · {settings.describe()}")
    return settings


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    detail: str


def diagnose(timeout_s: float = 15.0) -> list[Finding]:
    """Check the configuration and make one real call; the key itself is never shown."""
    findings = [Finding(True, "kit", f"{kit.__version__} on Python {platform.python_version()} ({sys.executable})")]
    try:
        settings = load_settings()
    except KitError as error:
        return [*findings, Finding(False, "configuration", str(error))]
    findings.append(Finding(True, "model", settings.describe()))
    findings.append(Finding(True, "data folder", str(data_dir())))
    findings.append(Finding(True, "cache", f"KIT_CACHE={__import__('kit.llm.cache', fromlist=['x']).cache_mode()} in {cache_dir()}"))
    from kit.llm import OpenAIChat, PracticeModel

    try:
        model = PracticeModel() if settings.is_practice else OpenAIChat(settings=settings, max_retries=1, timeout_s=timeout_s)
        reply = model.complete([{"role": "user", "content": "Reply with the word: ready"}], max_tokens=5) \
            if not settings.is_practice else model.complete([{"role": "user", "content": "你好"}])
    except KitError as error:
        return [*findings, Finding(False, "connection", str(error))]
    latency = f"answered in {reply.latency_s:.2f} s" if not settings.is_practice else "answers offline"
    return [*findings, Finding(True, "connection", f"{latency}: {reply.text[:40]!r}")]
