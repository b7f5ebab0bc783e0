"""The prompt box: a labelled text area where Enter runs and Shift+Enter adds a new line.

ipywidgets' Textarea cannot tell Enter from Shift+Enter, so this is a small `anywidget`:
the browser side is `prompt_box.js` (and `prompt_box.css`); Python sees `value` (the text) and
`submitted` (a counter that goes up each time Enter is pressed). This module imports anywidget,
so it is imported only when a widget is actually built.
"""

from __future__ import annotations

from pathlib import Path

from typing import Any

import anywidget
import traitlets

from kit.i18n import _

HERE = Path(__file__).parent


class PromptBox(anywidget.AnyWidget):
    """A `<textarea>` with a visible label; watch `submitted` to run on Enter."""

    _esm = HERE / "prompt_box.js"
    _css = HERE / "prompt_box.css"

    value = traitlets.Unicode("").tag(sync=True)
    submitted = traitlets.Int(0).tag(sync=True)  # goes up by one each time Enter is pressed
    label = traitlets.Unicode("System prompt").tag(sync=True)
    aria_label = traitlets.Unicode("System prompt").tag(sync=True)
    placeholder = traitlets.Unicode("You are the customer service of ...").tag(sync=True)
    help = traitlets.Unicode("Enter runs · Shift+Enter adds a new line").tag(sync=True)  # the line under the box
    rows = traitlets.Int(8).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        """The words around the box are in the learner's language unless given."""
        kwargs.setdefault("label", _("System prompt"))
        kwargs.setdefault("aria_label", _("System prompt"))
        kwargs.setdefault("placeholder", _("You are the customer service of ..."))
        kwargs.setdefault("help", _("Enter runs · Shift+Enter adds a new line"))
        super().__init__(**kwargs)

    def submit(self) -> None:
        """Do what pressing Enter does (for tests and scripts)."""
        self.submitted += 1


def esm_source() -> str:
    """The browser code, e.g. to check its keyboard handling in a test."""
    return (HERE / "prompt_box.js").read_text(encoding="utf-8")
