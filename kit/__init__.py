"""A teaching kit for prompt-engineering customer service.

    import kit
    agent = kit.Agent(system_prompt="...", model="practice")
    customer = kit.personas.load("typo_auntie")
    transcript = kit.converse(agent, customer, seed=0)
    card = kit.grade(transcript)
    kit.Tracker("01_first_prompt").log(agent, card)

Heavy libraries (pandas, matplotlib, openai) load only when a feature needs them, so
`import kit` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "Agent": ("kit.conversation", "Agent"),
    "Transcript": ("kit.conversation", "Transcript"),
    "converse": ("kit.conversation", "converse"),
    "converse_many": ("kit.runner", "converse_many"),
    "grade": ("kit.graders", "grade"),
    "chat_log": ("kit.graders.chat_log", "chat_log"),
    "Scorecard": ("kit.graders", "Scorecard"),
    "Tracker": ("kit.tracker", "Tracker"),
    "check": ("kit.doctor", "check"),
    "evaluate": ("kit.evaluation", "evaluate"),
    "Evaluation": ("kit.evaluation", "Evaluation"),
    "compare": ("kit.graders.compare", "compare"),
}
_SUBMODULES = {
    "arena", "classroom", "config", "graders", "llm", "personas", "plots", "practice", "rag", "shop", "signals", "tools", "units",
    "i18n",
    "lessons",
    "views",
    "widgets",
}

__all__ = ["__version__", *_LAZY, *sorted(_SUBMODULES)]

if TYPE_CHECKING:
    from kit import arena, classroom, config, graders, llm, personas, plots, practice, rag, shop, signals, tools, units, widgets
    from kit.conversation import Agent, Transcript, converse
    from kit.runner import converse_many
    from kit.doctor import check
    from kit.evaluation import Evaluation, evaluate
    from kit.graders.compare import compare
    from kit.graders import Scorecard, grade
    from kit.graders.chat_log import chat_log
    from kit.tracker import Tracker


def _setup_notebook() -> None:
    import sys

    if "IPython" in sys.modules:  # only in a notebook or IPython shell; costs nothing elsewhere
        from kit.notebook import install_error_display

        install_error_display()


_setup_notebook()


def __getattr__(name: str) -> Any:
    """Import public names on first use (PEP 562)."""
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"kit.{name}")
    else:
        raise AttributeError(f"module 'kit' has no attribute {name!r}")
    globals()[name] = value
    return value
