"""Interactive faces for the lessons: a chat viewer, a prompt playground and a side-by-side comparison.

    kit.widgets.ChatViewer(transcript)                       # replay a conversation turn by turn
    kit.widgets.Playground(lesson="01_first_prompt", prompt="...")   # type, press Enter, see the score climb
    kit.widgets.SideBySide(prompt_a, prompt_b)               # two prompts, the same customer and seed

Each one displays as an ipywidgets view in JupyterLab, and carries a static HTML and a plain-text
version in the same output, so a saved notebook still reads well on GitHub or in a terminal.
Without ipywidgets/anywidget installed they still work as static views; `Playground.run()` too.
"""

from __future__ import annotations

from kit.widgets.frontend import WidgetsUnavailable
from kit.widgets.playground import Playground
from kit.widgets.playground_run import PlaygroundRun
from kit.widgets.side_by_side import SideBySide
from kit.widgets.viewer import ChatViewer, chat_html, chat_text

__all__ = ["ChatViewer", "Playground", "PlaygroundRun", "SideBySide", "WidgetsUnavailable", "chat_html", "chat_text"]
