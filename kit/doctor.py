"""`kit doctor` and the first cell of every lesson: which kit, which model, does it answer?"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass

import kit
from kit.config import cache_dir, data_dir, load_settings
from kit.errors import KitError


def check() -> None:
    """Print the kit version and the model in use (the first cell of every lesson)."""
    print(f"kit {kit.__version__} · {load_settings().describe()}")


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
    from kit.llm import OpenAIChat, PracticeModel
    from kit.llm.cache import cache_mode

    findings.append(Finding(True, "cache", f"KIT_CACHE={cache_mode()} in {cache_dir()}"))
    if settings.is_practice:
        reply = PracticeModel().complete([{"role": "user", "content": "你好"}])
        return [*findings, Finding(True, "connection", f"answers offline: {reply.text[:40]!r}")]
    try:
        model = OpenAIChat(settings=settings, max_retries=1, timeout_s=timeout_s)
        reply = model.complete([{"role": "user", "content": "Reply with one word: ready"}])
    except KitError as error:
        return [*findings, Finding(False, "connection", str(error))]
    return [*findings, Finding(True, "connection", f"answered in {reply.latency_s:.2f} s: {reply.text[:40]!r}")]
