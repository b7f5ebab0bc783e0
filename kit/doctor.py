"""`kit doctor` and the first cell of every lesson: which kit, which model, does it answer?"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from typing import Any

import kit
from kit.config import cache_dir, data_dir, load_settings
from kit.errors import KitError
from kit.i18n import _


def check(lesson: str | None = None) -> None:
    """Print the kit version and the model in use (the first cell of every lesson), and what the lesson costs.

    On a real model it also says that the lesson's text describes the practice model's conversations."""
    settings = load_settings()
    print(f"kit {kit.__version__} · {settings.describe()}")
    if lesson:
        from kit.lessons import cost_line

        if line := cost_line(lesson):
            print(line)
    if not settings.is_practice:
        print(_("You are on {model}: the text between the cells describes what the practice model did when the lesson "
                "was written. Your model answers in its own words: read your own transcripts and scorecards, and treat "
                "`explain` as how the practice model would read your prompt.").format(model=settings.model))


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str  # the check's name, in the learner's language
    detail: str
    warning: bool = False  # works, but something a learner will notice later (tools never called, ...)


SIZE_TOOL_CHECK = [{"role": "user", "content": "Use the size_lookup tool: which size of J-101 fits 165 cm and 60 kg?"}]


def diagnose(timeout_s: float = 15.0) -> list[Finding]:
    """Check the configuration, the model list and one real call, and whether the endpoint makes tool calls.

    The key itself is never shown."""
    findings = [Finding(True, _("kit"), _("{version} on Python {python} ({executable})").format(
        version=kit.__version__, python=platform.python_version(), executable=sys.executable))]
    try:
        settings = load_settings()
    except KitError as error:
        return [*findings, Finding(False, _("configuration"), str(error))]
    findings.append(Finding(True, _("model"), settings.describe()))
    if settings.provider == "llamacpp" and settings.url_source.startswith("preset"):
        findings.append(Finding(True, _("port"), _("the llamacpp preset expects the server on {url}; for another port "
                                                   "set KIT_BASE_URL=http://localhost:PORT/v1").format(
                                                       url=settings.base_url)))
    findings.append(Finding(True, _("data folder"), str(data_dir())))
    from kit.llm import OpenAIChat, PracticeModel
    from kit.llm.cache import cache_mode

    findings.append(Finding(True, _("cache"), _("KIT_CACHE={mode} in {folder}").format(mode=cache_mode(),
                                                                                        folder=cache_dir())))
    if settings.is_practice:
        reply = PracticeModel().complete([{"role": "user", "content": "你好"}])
        return [*findings, Finding(True, _("connection"), _("answers offline: {reply}").format(
            reply=repr(reply.text[:40])))]
    try:
        model = OpenAIChat(settings=settings, max_retries=1, timeout_s=timeout_s)
        listed = _listed_models(model)
        reply = model.complete([{"role": "user", "content": "Reply with one word: ready"}], max_tokens=16)
    except KitError as error:
        return [*findings, Finding(False, _("connection"), str(error))]
    if listed is not None and settings.model not in listed:
        shown = ", ".join(listed[:8]) + (" …" if len(listed) > 8 else "")
        findings.append(Finding(False, _("model name"), _("the server lists {shown}; {model} is not among them. Set "
                                                          "KIT_MODEL to one of those.").format(
                                                              shown=shown or _("no models"), model=repr(settings.model))))
    elif listed is not None:
        findings.append(Finding(True, _("model name"), _("{model} is one of the {count} models the server lists").format(
            model=repr(settings.model), count=len(listed))))
    findings.append(Finding(True, _("connection"), _("answered in {seconds} s: {reply}").format(
        seconds=f"{reply.latency_s:.2f}", reply=repr(reply.text[:40]))))
    return [*findings, _tool_calls(model)]


def _listed_models(model: Any) -> list[str] | None:
    """The model ids the server lists at /models, or None when it does not list them (not every server does)."""
    import openai

    client = openai.OpenAI(**model._client_args())
    try:
        return [entry.id for entry in client.models.list()]
    except openai.APIError:
        return None


def _tool_calls(model: Any) -> Finding:
    """Does the endpoint call an offered tool? A model that never does leaves the tools lessons silent."""
    from kit.tools import size_lookup

    try:
        reply = model.complete(SIZE_TOOL_CHECK, [size_lookup.schema()], max_tokens=200)
    except KitError as error:
        return Finding(True, _("tool calls"), _("could not check ({error}); the lessons with tools may not "
                                                "work").format(error=error), True)
    if reply.tool_calls:
        return Finding(True, _("tool calls"), _("yes: asked to, it called {tool}").format(tool=reply.tool_calls[0].name))
    return Finding(True, _("tool calls"), _("no: asked to use an offered tool, it answered in words. Agents with tools "
                                            "(lessons 05-07) will say in their transcripts that the tools were never "
                                            "called; a model or server with tool support (llama.cpp: start it with "
                                            "--jinja) fixes that."), True)
